/**
 * Reads what the units stage needs for chosen sub-districts from the database: their outlines and
 * their communities', the streets (class → role) and water polygons around them, building
 * footprints, and the households: the register's rows (household_register) or, for a sub-district
 * with no register row, the buildings' own households (a point on each footprint). Rows outside
 * every sub-district but named for (or near) a chosen one are loaded too, to be reported.
 */
import type { Queryable } from '../db';
import type { AreaFeature } from '../algorithms/units';
import type { BuildingFootprint, DividingLine, HouseholdRow, LineRole } from '../algorithms/units';
import type { UnitsStageInput } from '../algorithms/units';

/** streets.class → what the line does to land (water polygons' outlines are added as 'water'). */
export const CLASS_ROLE: Record<string, LineRole> = { arterial: 'major', secondary: 'major', local: 'minor', lane: 'minor', path: 'minor', rail: 'rail' };

/** What the write needs to know about each loaded household row. */
export interface RowMeta {
  /** household_register.id, or null for a row made from a building */
  registerId: number | null;
  party: number;
  /** the sub-district a row outside every boundary is reported with */
  reportSub: string | null;
}

export interface LoadedUnitsInput {
  input: UnitsStageInput;
  rows: RowMeta[];
  /** where each chosen sub-district's households come from */
  source: Record<string, 'register' | 'buildings'>;
  names: Record<string, string>;
}

type Geo = { type: string; coordinates: unknown };
const polygonsOf = (g: string): number[][][][] => {
  const geom = JSON.parse(g) as Geo;
  return geom.type === 'Polygon' ? [geom.coordinates as number[][][]] : geom.type === 'MultiPolygon' ? (geom.coordinates as number[][][][]) : [];
};

export async function loadUnitsInput(db: Queryable, subs: string[]): Promise<LoadedUnitsInput> {
  const areas: AreaFeature[] = [];
  const names: Record<string, string> = {};
  const s = await db.query<{ id: string; name: string; g: string }>(
    'SELECT id, name, ST_AsGeoJSON(geom, 8) AS g FROM subdistricts WHERE id = ANY($1::text[]) ORDER BY id',
    [subs],
  );
  for (const r of s.rows) {
    names[r.id] = r.name;
    areas.push({ level: 'subdistrict', code: r.id, name: r.name, ref: `sub-district ${r.id}`, polygons: polygonsOf(r.g) });
  }
  const c = await db.query<{ id: string; name: string; g: string }>(
    'SELECT id, name, ST_AsGeoJSON(geom, 8) AS g FROM communities WHERE subdistrict_id = ANY($1::text[]) ORDER BY id',
    [subs],
  );
  for (const r of c.rows) areas.push({ level: 'community', code: r.id, name: r.name, ref: `community ${r.id}`, polygons: polygonsOf(r.g) });

  const BOX = `WITH area AS (SELECT ST_Expand(ST_Extent(geom)::geometry, 0.002) AS box FROM subdistricts WHERE id = ANY($1::text[]))`;
  const lines: DividingLine[] = [];
  const st = await db.query<{ class: string; g: string }>(
    `${BOX} SELECT s.class, ST_AsGeoJSON(s.geom, 8) AS g FROM streets s, area WHERE s.geom && area.box AND s.divides ORDER BY s.id`,
    [subs],
  );
  for (const r of st.rows) {
    const role = CLASS_ROLE[r.class];
    if (!role) continue;
    const geom = JSON.parse(r.g) as Geo;
    const parts = geom.type === 'LineString' ? [geom.coordinates as number[][]] : (geom.coordinates as number[][][]);
    for (const coords of parts) if (coords.length >= 2) lines.push({ role, coords });
  }
  const w = await db.query<{ g: string }>(`${BOX} SELECT ST_AsGeoJSON(w.geom, 8) AS g FROM water w, area WHERE w.geom && area.box ORDER BY w.id`, [subs]);
  const water = w.rows.flatMap((r) => polygonsOf(r.g));

  const b = await db.query<{ id: string; g: string }>(
    `SELECT b.id, ST_AsGeoJSON(b.geom, 8) AS g FROM buildings b
     WHERE EXISTS (SELECT 1 FROM subdistricts s WHERE s.id = ANY($1::text[]) AND s.geom && b.geom AND ST_Intersects(s.geom, ST_PointOnSurface(b.geom)))
     ORDER BY b.id`,
    [subs],
  );
  const buildings: BuildingFootprint[] = b.rows.map((r) => ({ id: r.id, ref: `building ${r.id}`, polygons: polygonsOf(r.g) }));

  // which chosen sub-districts have register rows (by their column or by their point)
  const withRegister = new Set(
    (
      await db.query<{ id: string }>(
        `SELECT s.id FROM subdistricts s WHERE s.id = ANY($1::text[]) AND EXISTS (
         SELECT 1 FROM household_register r WHERE r.subdistrict_id = s.id OR (r.geom && s.geom AND ST_Intersects(s.geom, r.geom)))`,
        [subs],
      )
    ).rows.map((r) => r.id),
  );
  const source: Record<string, 'register' | 'buildings'> = {};
  for (const id of subs) source[id] = withRegister.has(id) ? 'register' : 'buildings';

  const rows: HouseholdRow[] = [];
  const meta: RowMeta[] = [];
  const reg = await db.query<{
    id: string;
    ref: string;
    bref: string | null;
    compound: string | null;
    hh: number;
    party: number;
    lon: number;
    lat: number;
    inside: string | null;
    report: string | null;
  }>(
    `${BOX},
     chosen AS (SELECT id, geom FROM subdistricts WHERE id = ANY($1::text[]) AND id = ANY($2::text[]))
     SELECT r.id::text AS id, r.import_id || ' ' || r.row_ref AS ref, r.building_ref AS bref,
            COALESCE(NULLIF(r.compound_name, ''), NULLIF(bl.compound_name, ''), k.name) AS compound,
            r.households AS hh, r.party_households AS party, ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat,
            (SELECT c.id FROM chosen c WHERE c.geom && r.geom AND ST_Intersects(c.geom, r.geom) ORDER BY c.id LIMIT 1) AS inside,
            CASE WHEN r.subdistrict_id = ANY($2::text[]) THEN r.subdistrict_id
                 ELSE (SELECT c.id FROM chosen c ORDER BY c.geom <-> r.geom LIMIT 1) END AS report
     FROM household_register r CROSS JOIN area
     LEFT JOIN buildings bl ON bl.id = r.building_id
     LEFT JOIN compounds k ON k.id = bl.compound_id
     WHERE (r.geom && area.box OR r.subdistrict_id = ANY($2::text[]))
       AND NOT EXISTS (SELECT 1 FROM subdistricts o WHERE NOT (o.id = ANY($2::text[])) AND o.geom && r.geom AND ST_Intersects(o.geom, r.geom))
     ORDER BY r.id`,
    [subs, [...withRegister]],
  );
  for (const r of reg.rows) {
    // a row outside every boundary is loaded only for a sub-district it names or lies next to
    if (!r.inside && !r.report) continue;
    rows.push({ ref: `register ${r.ref}`, building: r.bref, compound: r.compound, households: Number(r.hh), lon: Number(r.lon), lat: Number(r.lat) });
    meta.push({ registerId: Number(r.id), party: Number(r.party), reportSub: r.inside ?? r.report });
  }
  const fallback = subs.filter((id) => !withRegister.has(id));
  if (fallback.length) {
    const bh = await db.query<{ id: string; label: string | null; compound: string | null; hh: number; lon: number; lat: number; sub: string }>(
      `SELECT b.id, b.label, COALESCE(NULLIF(b.compound_name, ''), k.name) AS compound, b.households AS hh,
              ST_X(p.pt) AS lon, ST_Y(p.pt) AS lat, s.id AS sub
       FROM buildings b CROSS JOIN LATERAL (SELECT ST_PointOnSurface(b.geom) AS pt) p
       JOIN subdistricts s ON s.id = ANY($1::text[]) AND s.geom && b.geom AND ST_Intersects(s.geom, p.pt)
       LEFT JOIN compounds k ON k.id = b.compound_id
       WHERE b.households > 0 ORDER BY b.id`,
      [fallback],
    );
    for (const r of bh.rows) {
      rows.push({ ref: `building ${r.id}`, building: r.label ?? r.id, compound: r.compound, households: Number(r.hh), lon: Number(r.lon), lat: Number(r.lat) });
      meta.push({ registerId: null, party: 0, reportSub: r.sub });
    }
  }
  return { input: { areas, lines, rows, buildings, water }, rows: meta, source, names };
}
