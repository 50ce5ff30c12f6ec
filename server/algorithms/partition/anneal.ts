/**
 * Compactness annealing: simulated annealing over single boundary-node moves between neighbouring
 * grids of the same group, maximising the summed Polsby-Popper of the grids (what the benchmark's
 * mean Polsby-Popper measures) minus a cost per grid straddling a major street / rail / water.
 * Every move keeps both grids contiguous (the node must not be an articulation point of its grid),
 * keeps grids inside the household band with a margin (a grid outside may only move towards it) and
 * never raises the number of straddling grids. A worse move is accepted with probability
 * exp(Δ / T), T falling geometrically from t0 to t1; the best plan seen at the end of a sweep is
 * restored at the end, so the score never drops. Used on rural groups, whose grids are made of many
 * small land units (single moves are small there; on the super-unit graph of a town they are not, and
 * the greedy polish already reaches what single moves can). Deterministic for a seeded rng, pure.
 */
import { polsbyPopper } from '../geo';
import type { GridState } from './state';

export interface AnnealParams {
  min: number;
  max: number;
  target: number;
  rng: () => number;
  /** sweeps over the boundary nodes (default 150) */
  sweeps?: number;
  /** start and end temperature in Polsby-Popper units (defaults 0.01 → 0.0001) */
  t0?: number;
  t1?: number;
  /** margin kept inside the band by grids a move changes, share of the target (default 0.03) */
  margin?: number;
  /** value of one straddling grid fewer, in Polsby-Popper units (default 0.2) */
  straddleBonus?: number;
  /** only nodes of these grids move, and only into these grids (default all) */
  onlyGrids?: Set<number>;
}
const EPS = 1e-6;
/** summed Polsby-Popper of the non-empty grids */
export function ppSum(st: GridState): number {
  let s = 0;
  for (let x = 0; x < st.gridCount; x++) if (st.members[x].size) s += polsbyPopper(st.area[x], st.perim[x]);
  return s;
}
/** non-empty grids with a major street / rail / water inside */
export function straddleCount(st: GridState): number {
  let s = 0;
  for (let x = 0; x < st.gridCount; x++) if (st.members[x].size && st.hard[x] > EPS) s++;
  return s;
}
/** Returns the rise of the score (summed Polsby-Popper − straddleBonus × straddling grids), ≥ 0. */
export function annealCompactness(st: GridState, p: AnnealParams): number {
  const cg = st.cg;
  const margin = (p.margin ?? 0.03) * p.target;
  const lo = p.min + margin,
    hi = p.max - margin;
  const sweeps = Math.max(1, p.sweeps ?? 150);
  const t0 = p.t0 ?? 0.01,
    t1 = p.t1 ?? 0.0001;
  const bonus = p.straddleBonus ?? 0.2;
  const only = p.onlyGrids;
  const ok = (before: number, after: number) =>
    (after >= lo && after <= hi) || (before < lo ? after > before && after <= hi : before > hi ? after < before && after >= lo : false);
  const score = () => ppSum(st) - bonus * straddleCount(st);
  const start = score();
  let cur = start,
    best = start;
  let bestAssign = Int32Array.from(st.assign);
  const nodes: number[] = [];
  for (let s = 0; s < sweeps; s++) {
    const T = t0 * Math.pow(t1 / t0, sweeps > 1 ? s / (sweeps - 1) : 1);
    nodes.length = 0;
    for (let u = 0; u < cg.n; u++) {
      const g = st.assign[u];
      if (g < 0 || (only && !only.has(g))) continue;
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
        const h = st.assign[cg.targets[e]];
        if (h >= 0 && h !== g) {
          nodes.push(u);
          break;
        }
      }
    }
    for (let i = nodes.length - 1; i > 0; i--) {
      const j = Math.floor(p.rng() * (i + 1));
      const t = nodes[i];
      nodes[i] = nodes[j];
      nodes[j] = t;
    }
    for (const u of nodes) {
      const g = st.assign[u];
      const hs = st.neighbourGrids(u);
      if (!hs.length) continue;
      const h = hs.length === 1 ? hs[0] : hs[Math.floor(p.rng() * hs.length)];
      if (only && !only.has(h)) continue;
      const hu = cg.hh[u];
      if (!ok(st.hh[g], st.hh[g] - hu) || !ok(st.hh[h], st.hh[h] + hu)) continue;
      const [Lg, Hg] = st.linkTo(u, g);
      const [Lh, Hh] = st.linkTo(u, h);
      const dStraddle = (st.hard[g] - Hg > EPS ? 1 : 0) + (st.hard[h] + Hh > EPS ? 1 : 0) - (st.hard[g] > EPS ? 1 : 0) - (st.hard[h] > EPS ? 1 : 0);
      if (dStraddle > 0) continue;
      const d =
        polsbyPopper(st.area[g] - cg.area[u], st.perim[g] - cg.perim[u] + 2 * Lg) +
        polsbyPopper(st.area[h] + cg.area[u], st.perim[h] + cg.perim[u] - 2 * Lh) -
        polsbyPopper(st.area[g], st.perim[g]) -
        polsbyPopper(st.area[h], st.perim[h]) -
        bonus * dStraddle;
      if (d < 0 && p.rng() >= Math.exp(d / T)) continue;
      if (!st.canLeave(u)) continue;
      st.move(u, h);
    }
    cur = score();
    if (cur > best + 1e-12) {
      best = cur;
      bestAssign = Int32Array.from(st.assign);
    }
  }
  // restore the best plan (each move updates the grids exactly, so any order ends in that plan)
  if (cur < best) for (let u = 0; u < cg.n; u++) if (st.assign[u] !== bestAssign[u]) st.move(u, bestAssign[u]);
  return best - start;
}
