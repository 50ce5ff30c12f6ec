/**
 * Escalation when band repair on the coarse graph leaves grids out of band: re-contract the unit
 * graph with a finer key (compound super-units around the bad grids taken apart) or coarser groups
 * (the communities around the bad grids merged into one group), carrying the current assignment
 * over so that repair can continue on the new graph. Pure, no I/O.
 */
import { contractGraph } from './contract';
import { GridState } from './state';
import type { UnitGraph } from './graph';

export interface Level {
  st: GridState;
  nodeOf: Int32Array;
  /** contraction key per unit (-1 = alone) */
  key: Int32Array;
  /** partition group per unit */
  group: Int32Array;
}

/** grids within `rings` grid-adjacency steps of the given grids (same group, or `sameArea(h, x)` when given) */
export function gridNeighbourhood(st: GridState, grids: number[], rings: number, sameArea?: (a: number, b: number) => boolean): Set<number> {
  const cg = st.cg;
  let set = new Set(grids);
  for (let r = 0; r < rings; r++) {
    const next = new Set(set);
    for (const x of set)
      for (const u of st.members[x])
        for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
          const h = st.assign[cg.targets[e]];
          if (h >= 0 && h !== x && (sameArea ? sameArea(h, x) : st.group[h] === st.group[x])) next.add(h);
        }
    set = next;
  }
  return set;
}

/** unit → grid of the current level */
export function unitGrids(g: UnitGraph, lv: Level): Int32Array {
  const out = new Int32Array(g.n);
  for (let u = 0; u < g.n; u++) out[u] = lv.nodeOf[u] >= 0 ? lv.st.assign[lv.nodeOf[u]] : -1;
  return out;
}

/** Rebuild the level with a new key and/or groups; grid indices are kept. */
export function rebuild(g: UnitGraph, lv: Level, key: Int32Array, group: Int32Array, gridGroup: (grid: number) => number): Level {
  const gridOf = unitGrids(g, lv);
  const { cg, nodeOf } = contractGraph(g, group, key);
  const st = new GridState(cg);
  for (let i = 0; i < lv.st.gridCount; i++) st.newGrid(gridGroup(i));
  for (let u = 0; u < g.n; u++) {
    const c = nodeOf[u];
    if (c >= 0 && st.assign[c] < 0 && gridOf[u] >= 0) st.move(c, gridOf[u]);
  }
  return { st, nodeOf, key, group };
}

/** Take compound super-units apart in the given grids. Returns null when nothing changes. */
export function uncontract(g: UnitGraph, lv: Level, grids: Set<number>): Level | null {
  const gridOf = unitGrids(g, lv);
  const key = Int32Array.from(lv.key);
  let changed = false;
  for (let u = 0; u < g.n; u++)
    if (key[u] >= 0 && grids.has(gridOf[u])) {
      key[u] = -1;
      changed = true;
    }
  if (!changed) return null;
  return rebuild(g, lv, key, lv.group, (i) => lv.st.group[i]);
}

/** Merge the groups of the given grids into one. Returns null when they already share a group. */
export function mergeGroups(g: UnitGraph, lv: Level, grids: Set<number>): Level | null {
  const gs = new Set<number>();
  for (const x of grids) gs.add(lv.st.group[x]);
  if (gs.size <= 1) return null;
  const to = Math.min(...gs);
  const map = (x: number) => (gs.has(x) ? to : x);
  const group = Int32Array.from(lv.group, map);
  return rebuild(g, lv, lv.key, group, (i) => map(lv.st.group[i]));
}
