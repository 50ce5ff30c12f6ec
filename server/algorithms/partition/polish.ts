/**
 * Compactness polish, the last shaping step of a cold start: raises the summed Polsby-Popper of
 * the grids without giving anything else up. Two moves, both accepted only when the two grids'
 * summed Polsby-Popper rises, both stay contiguous and keep a margin inside the household band
 * (or move towards the band), and no grid that was clear of major streets / rail / water comes to
 * straddle one: (1) pair re-splits by compact growth from many seeds (`reshapePairs` scored by
 * compactness alone); (2) single boundary-node moves. Groups (communities, sub-districts) and
 * super-units (whole compounds) are kept because both work on the coarse graph within a group.
 * Deterministic, pure, no I/O.
 */
import { polsbyPopper } from '../geo';
import { reshapePairs } from './reshape';
import type { GridState } from './state';

export interface PolishParams {
  min: number;
  max: number;
  target: number;
  /** rounds of pair re-splits (default 3) */
  rounds?: number;
  /** seeds per pair re-split (default 16) */
  seeds?: number;
  /** passes of single-node moves (default 4) */
  passes?: number;
  /** margin kept inside the band by grids a move changes, share of the target (default 0.03) */
  margin?: number;
}

/** weights of the pair re-split: compactness only (streets are guarded by the no-new-straddle rule) */
const PP_ONLY = { compactness: 1, balance: 0, barrier: 0, inertia: 0, edge: 0 };

/** Returns the number of accepted changes (pair re-splits + node moves). */
export function polishCompactness(st: GridState, p: PolishParams): number {
  const margin = (p.margin ?? 0.03) * p.target;
  let changes = reshapePairs(st, {
    min: p.min,
    max: p.max,
    target: p.target,
    weights: PP_ONLY,
    rounds: p.rounds ?? 3,
    seeds: p.seeds ?? 16,
    margin: p.margin ?? 0.03,
  });
  changes += polishMoves(st, p.min + margin, p.max - margin, p.passes ?? 4);
  return changes;
}

/**
 * Single boundary-node moves that raise the summed Polsby-Popper of the two grids. A grid inside
 * [lo, hi] stays inside; a grid outside may only move towards it.
 */
export function polishMoves(st: GridState, lo: number, hi: number, passes: number): number {
  const cg = st.cg;
  const ok = (before: number, after: number) =>
    (after >= lo && after <= hi) || (before < lo ? after > before && after <= hi : before > hi ? after < before && after >= lo : false);
  let moves = 0;
  for (let pass = 0; pass < passes; pass++) {
    let passMoves = 0;
    for (let u = 0; u < cg.n; u++) {
      const g = st.assign[u];
      if (g < 0) continue;
      const hs = st.neighbourGrids(u);
      if (!hs.length) continue;
      const hu = cg.hh[u];
      if (!ok(st.hh[g], st.hh[g] - hu)) continue;
      const [Lg, Hg] = st.linkTo(u, g);
      const ppG = polsbyPopper(st.area[g], st.perim[g]);
      const ppG2 = polsbyPopper(st.area[g] - cg.area[u], st.perim[g] - cg.perim[u] + 2 * Lg);
      let best = 1e-9,
        bestH = -1;
      for (const h of hs) {
        if (!ok(st.hh[h], st.hh[h] + hu)) continue;
        const [Lh, Hh] = st.linkTo(u, h);
        // no new straddle: h clear of hard barriers stays clear
        if (st.hard[h] <= 1e-9 && Hh > 1e-9) continue;
        const d = ppG2 + polsbyPopper(st.area[h] + cg.area[u], st.perim[h] + cg.perim[u] - 2 * Lh) - ppG - polsbyPopper(st.area[h], st.perim[h]);
        if (d > best) {
          best = d;
          bestH = h;
        }
      }
      void Hg;
      if (bestH < 0 || !st.canLeave(u)) continue;
      st.move(u, bestH);
      passMoves++;
    }
    moves += passMoves;
    if (!passMoves) break;
  }
  return moves;
}
