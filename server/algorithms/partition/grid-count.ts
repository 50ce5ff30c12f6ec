/**
 * Grid count per group for compactness: plans of the same super-unit graph made with different grid
 * counts per group (k − 1, k, k + 1 …) → one plan that takes, per group, the alternative maximising
 * the mean Polsby-Popper of the whole plan. Which count gives compact grids depends on the units: on
 * a lattice of ~22-household cells a block of 144 cells splits into 9 squares of 16 cells (pp π/4)
 * but not into 8 grids of 18 (pp ≤ 0.70), whatever H / target says. An alternative is admissible
 * for a group only when it keeps every grid of the group in band (or at least as many as the first
 * plan) and no more of them straddle a major street / rail / water than in the first plan; ties and
 * inadmissible alternatives go to the first plan. The mean over a plan is a ratio (Σ pp / grids),
 * so the per-group choice is made by Dinkelbach's iteration: with λ the current mean, each group
 * takes the alternative maximising Σ pp − λ·grids, which never lowers the mean and converges in a
 * few rounds. Pure, deterministic, no I/O.
 */
import { polsbyPopper } from '../geo';
import type { GridState } from './state';
import { assemblePerGroup } from './combine';

export interface GroupScore {
  /** summed Polsby-Popper of the group's grids */
  pp: number;
  grids: number;
  inBand: number;
  straddles: number;
}

/** per group of a plan: summed pp, grid count, grids in band, grids straddling a hard barrier */
export function groupScores(st: GridState, p: { min: number; max: number }): Map<number, GroupScore> {
  const out = new Map<number, GroupScore>();
  for (let x = 0; x < st.gridCount; x++) {
    if (!st.members[x].size) continue;
    let e = out.get(st.group[x]);
    if (!e) out.set(st.group[x], (e = { pp: 0, grids: 0, inBand: 0, straddles: 0 }));
    e.pp += polsbyPopper(st.area[x], st.perim[x]);
    e.grids++;
    if (st.hh[x] >= p.min && st.hh[x] <= p.max) e.inBand++;
    if (st.hard[x] > 1e-9) e.straddles++;
  }
  return out;
}

/**
 * Per group, the index of the chosen alternative (0 = the first). `alts[i]` maps group → score of
 * alternative i; groups missing from alternative i cannot take it.
 */
export function chooseAlternatives(alts: Map<number, GroupScore>[]): Map<number, number> {
  const pick = new Map<number, number>();
  if (!alts.length) return pick;
  const admissible = new Map<number, number[]>();
  for (const [grp, base] of alts[0]) {
    const ok = [0];
    for (let i = 1; i < alts.length; i++) {
      const e = alts[i].get(grp);
      if (e && e.grids > 0 && e.grids - e.inBand <= base.grids - base.inBand && e.straddles <= base.straddles) ok.push(i);
    }
    admissible.set(grp, ok);
    pick.set(grp, 0);
  }
  const mean = () => {
    let s = 0,
      n = 0;
    for (const [grp, i] of pick) {
      const e = alts[i].get(grp)!;
      s += e.pp;
      n += e.grids;
    }
    return n ? s / n : 0;
  };
  let lam = mean();
  for (let it = 0; it < 50; it++) {
    let changed = false;
    for (const [grp, ok] of admissible) {
      let bi = pick.get(grp)!;
      const val = (i: number) => alts[i].get(grp)!.pp - lam * alts[i].get(grp)!.grids;
      for (const i of ok) if (val(i) > val(bi) + 1e-12) bi = i;
      if (bi !== pick.get(grp)) {
        pick.set(grp, bi);
        changed = true;
      }
    }
    const next = mean();
    if (!changed || next <= lam + 1e-12) break;
    lam = next;
  }
  return pick;
}

/**
 * Plans on the same coarse graph (same node numbering; grids never mix groups) → one plan taking
 * each group's grids from the alternative `chooseAlternatives` picks. Grid indices are renumbered.
 */
export function combineByGroup(plans: GridState[], p: { min: number; max: number }): GridState {
  const pick = chooseAlternatives(plans.map((pl) => groupScores(pl, p)));
  const a = plans[0];
  for (const pl of plans) if (pl.cg.n !== a.cg.n) throw new RangeError('combineByGroup: plans on different graphs');
  return assemblePerGroup(plans, pick);
}
