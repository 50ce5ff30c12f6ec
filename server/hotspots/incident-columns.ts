/**
 * All incidents in a compact columnar form, cached per database and refreshed when the table's
 * signature (row count, newest time, assigned rows, a checksum of ids and grid codes) changes.
 * Used by GET /api/incidents/columns and by the hot spot service (filters run on these arrays).
 */
import type { Queryable } from '../db';
import { INCIDENT_TYPES } from './filters';

export interface IncidentColumns {
  n: number;
  /** WGS84, 6 decimals */
  lon: Float64Array;
  lat: Float64Array;
  /** epoch seconds */
  t: Float64Array;
  /** index into `types` */
  type: Uint8Array;
  types: string[];
  /** index into `grids`, -1 = in no grid */
  grid: Int32Array;
  grids: string[];
  /** epoch s of the first and last incident (0 when none) */
  tMin: number;
  tMax: number;
  signature: string;
}

const cache = new WeakMap<object, IncidentColumns>();

async function signatureOf(db: Queryable): Promise<string> {
  const r = await db.query<{ s: string }>(
    `SELECT concat_ws(':', count(*), max(occurred_at)::text, count(grid_code),
        sum(hashtext(id || coalesce(grid_code, '') || type))::text, sum(ST_X(geom) + ST_Y(geom))::text) AS s
     FROM incidents`,
  );
  return String(r.rows[0]?.s ?? '');
}

/** The incidents as columns (cached; one cheap signature query per call). */
export async function incidentColumns(db: Queryable): Promise<IncidentColumns> {
  const sig = await signatureOf(db);
  const hit = cache.get(db);
  if (hit && hit.signature === sig) return hit;
  const r = await db.query<{ x: number; y: number; t: number; type: string; grid_code: string | null }>(
    `SELECT round(ST_X(geom)::numeric, 6)::float8 AS x, round(ST_Y(geom)::numeric, 6)::float8 AS y,
            extract(epoch FROM occurred_at)::float8 AS t, type, grid_code
     FROM incidents ORDER BY occurred_at, id`,
  );
  const n = r.rows.length;
  const types: string[] = [...INCIDENT_TYPES];
  const typeIdx = new Map(types.map((t, i) => [t, i]));
  const gridIdx = new Map<string, number>();
  const grids: string[] = [];
  const out: IncidentColumns = {
    n,
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    t: new Float64Array(n),
    type: new Uint8Array(n),
    types,
    grid: new Int32Array(n),
    grids,
    tMin: 0,
    tMax: 0,
    signature: sig,
  };
  r.rows.forEach((row, i) => {
    out.lon[i] = Number(row.x);
    out.lat[i] = Number(row.y);
    out.t[i] = Number(row.t);
    let ti = typeIdx.get(row.type);
    if (ti === undefined) {
      ti = types.length;
      types.push(row.type);
      typeIdx.set(row.type, ti);
    }
    out.type[i] = ti;
    if (row.grid_code === null) out.grid[i] = -1;
    else {
      let gi = gridIdx.get(row.grid_code);
      if (gi === undefined) {
        gi = grids.length;
        grids.push(row.grid_code);
        gridIdx.set(row.grid_code, gi);
      }
      out.grid[i] = gi;
    }
  });
  if (n > 0) {
    out.tMin = out.t[0]!;
    out.tMax = out.t[n - 1]!;
  }
  cache.set(db, out);
  return out;
}

/** Drops the cached columns of a database (after our own writes). */
export function invalidateIncidentColumns(db: Queryable): void {
  cache.delete(db);
}
