/**
 * The unit adjacency graph of a plan's sub-districts (built once per set of sub-districts and
 * cached per database handle: units change only on a re-import, which restarts the server or calls
 * `forgetUnitGraphs`). Used by split/merge/suggest-fix/rebalance and by the client's live stats.
 */
import type { Queryable } from '../db';
import { buildUnitGraph, type UnitGraph } from '../algorithms/partition';
import type { Barrier, PartitionUnit } from '../algorithms/partition';
import { loadBarriers, loadUnits } from '../queries/partition-input';

export interface PlanGraph {
  graph: UnitGraph;
  units: PartitionUnit[];
  barriers: Barrier[];
  index: Map<string, number>;
}

const cache = new WeakMap<object, Map<string, Promise<PlanGraph>>>();

export function forgetUnitGraphs(db: object): void {
  cache.delete(db);
}

export function unitGraphFor(db: Queryable, subdistricts: string[]): Promise<PlanGraph> {
  const key = [...subdistricts].sort().join(',');
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let p = m.get(key);
  if (!p) {
    p = (async () => {
      const units = await loadUnits(db, subdistricts);
      const barriers = await loadBarriers(db, subdistricts);
      const graph = buildUnitGraph(units, barriers);
      return { graph, units, barriers, index: new Map(graph.ids.map((id, i) => [id, i])) };
    })();
    m.set(key, p);
    p.catch(() => m!.delete(key));
  }
  return p;
}
