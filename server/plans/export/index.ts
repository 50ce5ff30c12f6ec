/**
 * Plan exports: grid polygons as GeoJSON (code, households, staff), a zipped Shapefile (with .prj
 * and a UTF-8 .cpg), and a CSV of unit → grid code.
 */
import { inReadScope } from '../../auth/read-scope';
import type { Queryable } from '../../db';
import { NotFoundError } from '../store';
import { shapefileZip, type DbfField, type ShapeRecord } from './shapefile';

interface GridExportRow {
  code: string;
  subdistrict_id: string;
  community_id: string | null;
  households: number;
  units: number;
  polsby_popper: number | null;
  contiguous: boolean;
  locked: boolean;
  leader: string | null;
  members: string[] | null;
  g: string;
}

/**
 * The grids of a plan with their staff's names. `readScope`: code prefixes the reader covers (null:
 * all): every grid is exported, but staff names only for grids inside the scope (issue 15).
 */
async function gridRows(db: Queryable, planId: number, orientCw: boolean, readScope: string[] | null): Promise<GridExportRow[]> {
  const p = await db.query('SELECT 1 FROM plans WHERE id = $1', [planId]);
  if (!p.rows[0]) throw new NotFoundError(`方案 ${planId} 不存在 (plan ${planId} does not exist)`);
  const staffOf = `s.grid_code = g.code AND ${inReadScope('s.grid_code', '$2')}`;
  const r = await db.query<GridExportRow>(
    `SELECT g.code, g.subdistrict_id, g.community_id, g.households, g.units, g.polsby_popper, g.contiguous, g.locked,
            (SELECT min(s.name) FROM staff s WHERE ${staffOf} AND s.role = 'leader') AS leader,
            (SELECT array_agg(s.name ORDER BY s.id) FROM staff s WHERE ${staffOf} AND s.role = 'member') AS members,
            ST_AsGeoJSON(${orientCw ? 'ST_ForcePolygonCW(g.geom)' : 'g.geom'}, 7) AS g
     FROM grids g WHERE g.plan_id = $1 ORDER BY g.code`,
    [planId, readScope],
  );
  return r.rows;
}

export async function exportGeoJson(db: Queryable, planId: number, band: { min: number; max: number }, readScope: string[] | null = null): Promise<string> {
  const rows = await gridRows(db, planId, false, readScope);
  const features = rows.map((r) => ({
    type: 'Feature',
    id: r.code,
    properties: {
      code: r.code,
      subdistrict_id: r.subdistrict_id,
      community_id: r.community_id,
      households: Number(r.households),
      units: Number(r.units),
      in_band: r.households >= band.min && r.households <= band.max,
      contiguous: r.contiguous,
      polsby_popper: r.polsby_popper === null ? null : Math.round(Number(r.polsby_popper) * 1e4) / 1e4,
      leader: r.leader,
      members: r.members ?? [],
      staff: (r.leader ? 1 : 0) + (r.members?.length ?? 0),
    },
    geometry: JSON.parse(r.g),
  }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}

export const SHP_FIELDS: DbfField[] = [
  { name: 'CODE', type: 'C', length: 15 },
  { name: 'SUBDIST', type: 'C', length: 9 },
  { name: 'COMMUNITY', type: 'C', length: 12 },
  { name: 'HOUSEHOLDS', type: 'N', length: 10 },
  { name: 'UNITS', type: 'N', length: 8 },
  { name: 'CONTIG', type: 'N', length: 1 },
  { name: 'PP', type: 'N', length: 8, decimals: 4 },
  { name: 'LEADER', type: 'C', length: 60 },
  { name: 'STAFF', type: 'N', length: 4 },
];

export async function exportShapefile(db: Queryable, planId: number, readScope: string[] | null = null): Promise<Uint8Array> {
  const rows = await gridRows(db, planId, true, readScope);
  const records: ShapeRecord[] = rows.map((r) => {
    const geom = JSON.parse(r.g) as { type: string; coordinates: number[][][][] | number[][][] };
    return {
      polygons: geom.type === 'Polygon' ? [geom.coordinates as number[][][]] : (geom.coordinates as number[][][][]),
      attributes: {
        CODE: r.code,
        SUBDIST: r.subdistrict_id,
        COMMUNITY: r.community_id,
        HOUSEHOLDS: Number(r.households),
        UNITS: Number(r.units),
        CONTIG: r.contiguous ? 1 : 0,
        PP: r.polsby_popper === null ? null : Number(r.polsby_popper),
        LEADER: r.leader,
        STAFF: (r.leader ? 1 : 0) + (r.members?.length ?? 0),
      },
    };
  });
  return shapefileZip(`plan_${planId}_grids`, SHP_FIELDS, records);
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** unit_id,grid_code (empty = unassigned), sorted by unit id. */
export async function exportCsv(db: Queryable, planId: number): Promise<string> {
  const p = await db.query('SELECT 1 FROM plans WHERE id = $1', [planId]);
  if (!p.rows[0]) throw new NotFoundError(`方案 ${planId} 不存在 (plan ${planId} does not exist)`);
  const r = await db.query<{ unit_id: string; grid_code: string | null }>(
    'SELECT unit_id, grid_code FROM plan_assignments WHERE plan_id = $1 ORDER BY unit_id',
    [planId],
  );
  return ['unit_id,grid_code', ...r.rows.map((x) => `${csvCell(x.unit_id)},${x.grid_code ?? ''}`)].join('\n') + '\n';
}
