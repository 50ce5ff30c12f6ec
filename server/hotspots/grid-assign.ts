/**
 * Incident → grid assignment: point in polygon on the grids in force (view current_grids: the
 * published plan of each sub-district, else its newest plan). A point on a shared boundary goes to
 * the lowest grid code. Incidents in no grid get NULL.
 */
import type { Queryable } from '../db';

export interface ReassignOptions {
  /** Only incidents whose grid_code is NULL (start-up, after an import). Default: all. */
  onlyNull?: boolean;
}

/** Recomputes incidents.grid_code; returns how many rows changed. Call inside the plan's write transaction. */
export async function reassignIncidentGrids(tx: Queryable, opts: ReassignOptions = {}): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `WITH target AS (
       SELECT i.id, i.grid_code AS old_code,
              (SELECT g.code FROM current_grids g WHERE ST_Intersects(g.geom, i.geom) ORDER BY g.code LIMIT 1) AS new_code
       FROM incidents i
       WHERE NOT $1::boolean OR i.grid_code IS NULL
     ), changed AS (
       UPDATE incidents i SET grid_code = t.new_code
       FROM target t WHERE t.id = i.id AND t.old_code IS DISTINCT FROM t.new_code
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM changed`,
    [opts.onlyNull ?? false],
  );
  return Number(r.rows[0]?.n ?? 0);
}
