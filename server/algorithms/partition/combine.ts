/**
 * Combining plans: carry a plan from the unit graph over to the super-unit graph, and keep per
 * group the more compact of two plans. Pure, no I/O.
 */
import type { UnitGraph } from './graph';
import type { CGraph } from './contract';
import { GridState } from './state';
import { attachOrphans, repairContiguity } from './repair';
import { polsbyPopper } from '../geo';

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
    let best = -1,
      bw = -1;
    for (let m = cg.memberOff[c]; m < cg.memberOff[c + 1]; m++) {
      const u = cg.members[m],
        x = fine.assign[fineNode[u]];
      const w = (votes.get(x) ?? 0) + g.households[u] + 1e-6;
      votes.set(x, w);
      if (w > bw || (w === bw && x < best)) {
        bw = w;
        best = x;
      }
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
 * Plans on the same coarse graph → one: per group (grids never mix groups), the plan whose grids are
 * the most compact on average (all were shaped by the same local search, which weighs streets and
 * balance); ties go to the earlier plan. Grid indices are renumbered.
 */
export function bestPerGroup(plans: GridState[], p: { min: number; max: number }): GridState {
  // mean score per grid of each group in each plan (plans may differ in grid count)
  const sum = new Map<number, { s: number[]; n: number[] }>();
  plans.forEach((pl, i) => {
    for (let x = 0; x < pl.gridCount; x++) {
      if (!pl.members[x].size) continue;
      let e = sum.get(pl.group[x]);
      if (!e) sum.set(pl.group[x], (e = { s: plans.map(() => 0), n: plans.map(() => 0) }));
      e.s[i] += planPenalty(pl, x, p);
      e.n[i]++;
    }
  });
  const pick = new Map<number, number>();
  for (const [grp, e] of sum) {
    let bi = 0;
    for (let i = 1; i < plans.length; i++) if (e.s[i] / Math.max(1, e.n[i]) < e.s[bi] / Math.max(1, e.n[bi]) - 1e-9) bi = i;
    pick.set(grp, bi);
  }
  return assemblePerGroup(plans, pick);
}

/**
 * One plan from several on the same coarse graph: each group's grids taken from the plan `pick` names
 * for it (default the first); grid indices renumbered.
 */
export function assemblePerGroup(plans: GridState[], pick: Map<number, number>): GridState {
  const a = plans[0];
  const st = new GridState(a.cg, a.sc);
  const map = plans.map(() => new Map<number, number>());
  for (let c = 0; c < a.cg.n; c++) {
    const i = pick.get(a.cg.group[c]) ?? 0;
    const s = plans[i],
      x = s.assign[c];
    if (x < 0) continue;
    let y = map[i].get(x);
    if (y === undefined) {
      y = st.newGrid(s.group[x]);
      map[i].set(x, y);
    }
    st.move(c, y);
  }
  return st;
}
