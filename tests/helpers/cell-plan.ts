/**
 * A published district plan for browser tests that need one but are not about partitioning: every
 * community of the loaded district cut into ~500 m cells (a few hundred grids on the demo), so views
 * that read the published grids (hot spots per grid, the ledger, party, staffing) have them fast.
 */
import type { Db } from '../../server/db';
import { createPlan, publishPlan } from '../../server/plans/store';

/** Creates and publishes the cell plan; gives its id. */
export async function publishCellPlan(db: Db): Promise<number> {
  const units = await db.query<{ id: string; community_id: string; cell: string }>(
    `SELECT id, community_id, floor(ST_X(c) / 0.005)::int || ':' || floor(ST_Y(c) / 0.005)::int AS cell FROM (SELECT id, community_id, ST_PointOnSurface(geom) AS c FROM units) u`,
  );
  const seq = new Map<string, Map<string, number>>();
  const assignment: Record<string, string> = {};
  for (const u of units.rows) {
    const cells = seq.get(u.community_id) ?? seq.set(u.community_id, new Map()).get(u.community_id)!;
    if (!cells.has(u.cell)) cells.set(u.cell, cells.size + 1);
    assignment[u.id] = `${u.community_id}${String(cells.get(u.cell)).padStart(3, '0')}`;
  }
  const subs = (await db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
  const plan = await createPlan(db, { name: '全区方案', author: 'system', subdistricts: subs, assignment });
  await publishPlan(db, plan, 1);
  return plan;
}
