/**
 * Combining plans: carry a plan from the unit graph over to the super-unit graph, and keep per
 * group the more compact of two plans. Pure, no I/O.
 */
import type { UnitGraph } from './graph';
import type { CGraph } from './contract';
import { GridState } from './state';
import { attachOrphans, repairContiguity } from './repair';
import { polsbyPopper } from '../geo/polygon';

/**
 * Carry a plan over to a coarser graph of the same units (e.g. compounds contracted): each coarse
 * node goes to the grid holding most of its households; pieces cut off by that are re-attached.
 * `fineNode[u]` is unit u's node in the plan's graph; `cg` must come from the same groups.
 */
export function projectPlan(g: UnitGraph, fine: GridState, fineNode: Int32Array, cg: CGraph): GridState {
  const st = new GridState(cg);
  for (let x = 0; x < fine.gridCount; x++) st.newGrid(fine.group[x]);
  const votes = new Map<number, number>();
  for (let c = 0; c < cg.n; c++) {
    votes.clear();
    let best = -1, bw = -1;
    for (let m = cg.memberOff[c]; m < cg.memberOff[c + 1]; m++) {
      const u = cg.members[m], x = fine.assign[fineNode[u]];
      const w = (votes.get(x) ?? 0) + g.households[u] + 1e-6;
      votes.set(x, w);
      if (w > bw || (w === bw && x < best)) { bw = w; best = x; }
    }
    st.move(c, best);
  }
  repairContiguity(st);
  attachOrphans(st);
  return st;
}

/** a grid's score for comparing whole plans: 1 − Polsby-Popper, out of band counts as 10 */
function planPenalty(st: GridState, x: number, p: { min: number; max: number }): number {
  return 1 - polsbyPopper(st.area[x], st.perim[x]) + (st.hh[x] < p.min || st.hh[x] > p.max ? 10 : 0);
}

/**
 * Two plans on the same coarse graph → one: per group (grids never mix groups), the plan whose grids
 * are more compact on average (both were shaped by the same local search, which weighs streets and
 * balance). Grid indices are renumbered.
 */
export function bestPerGroup(a: GridState, b: GridState, p: { min: number; max: number }): GridState {
  // mean score per grid of each group in each plan (plans may differ in grid count)
  const sum = new Map<number, [number, number, number, number]>();
  for (const [i, s] of [a, b].entries()) for (let x = 0; x < s.gridCount; x++) {
    if (!s.members[x].size) continue;
    const e = sum.get(s.group[x]) ?? [0, 0, 0, 0];
    e[i] += planPenalty(s, x, p); e[i + 2]++;
    sum.set(s.group[x], e);
  }
  const st = new GridState(a.cg, a.sc);
  const map = [new Map<number, number>(), new Map<number, number>()];
  for (let c = 0; c < a.cg.n; c++) {
    const e = sum.get(a.cg.group[c]);
    const i = e && e[1] / Math.max(1, e[3]) < e[0] / Math.max(1, e[2]) - 1e-9 ? 1 : 0;
    const s = i ? b : a, x = s.assign[c];
    if (x < 0) continue;
    let y = map[i].get(x);
    if (y === undefined) { y = st.newGrid(s.group[x]); map[i].set(x, y); }
    st.move(c, y);
  }
  return st;
}
