/**
 * Diagnostic (benchmark only, not part of the engine): a compactness-only search from a given plan
 * with chosen constraints dropped — compounds kept whole or not, grids nested in communities or
 * only in sub-districts, new straddles of major streets / rail / water allowed or not. It answers
 * "how much Polsby-Popper do the engine's constraints cost, and how far is its search from what a
 * stronger search reaches": pair re-splits from many seeds and single-unit moves, repeated, then
 * annealing. Band (no margin) and contiguity are always kept. Not a proof of optimality: a local
 * search from the given plan. Deterministic for a seed, pure, no I/O.
 */
import type { UnitGraph } from './graph';
import { contractGraph } from './contract';
import { GridState } from './state';
import { reshapePairs } from './reshape';
import { polishMoves } from './polish';
import { annealCompactness } from './anneal';
import { makeRng } from './rng';

export interface RelaxedParams {
  min: number;
  max: number;
  /** keep grids inside communities (else only inside sub-districts) */
  keepCommunities: boolean;
  /** keep compounds of ≤ max households whole (those the given plan keeps whole) */
  keepCompounds: boolean;
  /** allow pair re-splits that make more grids straddle a major street / rail / water (single
   * moves and annealing never add a straddling grid) */
  allowStraddles: boolean;
  seed?: number;
  /** rounds of pair re-splits + moves (default 4) */
  rounds?: number;
}

/** gridOf[u] ≥ 0 for every unit (grids must not cross the kept groups) → the searched plan */
export function relaxedCompactness(g: UnitGraph, gridOf: Int32Array, p: RelaxedParams): Int32Array {
  const group = new Int32Array(g.n);
  const gid = new Map<string, number>();
  for (let u = 0; u < g.n; u++) {
    const k = p.keepCommunities ? `${g.subdistrict[u]}|${g.community[u]}` : `${g.subdistrict[u]}`;
    let x = gid.get(k);
    if (x === undefined) gid.set(k, (x = gid.size));
    group[u] = x;
  }
  const key = new Int32Array(g.n).fill(-1);
  if (p.keepCompounds) {
    const tot = new Map<string, number>();
    const ck = (u: number) => `${group[u]}|${g.compound[u]}`;
    const gridOfCompound = new Map<string, number>();
    for (let u = 0; u < g.n; u++) {
      if (g.compound[u] < 0) continue;
      tot.set(ck(u), (tot.get(ck(u)) ?? 0) + g.households[u]);
      // a compound the given plan splits stays split (its pieces are searched as units)
      const x = gridOfCompound.get(ck(u));
      if (x === undefined) gridOfCompound.set(ck(u), gridOf[u]);
      else if (x !== gridOf[u]) tot.set(ck(u), Infinity);
    }
    const ids = new Map<string, number>();
    for (let u = 0; u < g.n; u++) {
      if (g.compound[u] < 0 || tot.get(ck(u))! > p.max) continue;
      let id = ids.get(ck(u));
      if (id === undefined) ids.set(ck(u), (id = ids.size));
      key[u] = id;
    }
  }
  const { cg, nodeOf } = contractGraph(g, group, key);
  const st = new GridState(cg);
  const grid = new Map<number, number>();
  for (let u = 0; u < g.n; u++) {
    let x = grid.get(gridOf[u]);
    if (x === undefined) grid.set(gridOf[u], (x = st.newGrid(group[u])));
    st.move(nodeOf[u], x);
  }
  const target = (p.min + p.max) / 2;
  const PP_ONLY = { compactness: 1, balance: 0, barrier: 0, inertia: 0, edge: 0 };
  for (let r = 0; r < (p.rounds ?? 4); r++) {
    const n = reshapePairs(st, { min: p.min, max: p.max, target, weights: PP_ONLY, rounds: 3, seeds: 60, margin: 0, allowStraddles: p.allowStraddles });
    const m = polishMoves(st, p.min, p.max, 8);
    if (n + m === 0) break;
  }
  annealCompactness(st, { min: p.min, max: p.max, target, rng: makeRng(p.seed ?? 3), sweeps: 400, margin: 0, straddleBonus: p.allowStraddles ? 0 : 0.2 });
  return Int32Array.from({ length: g.n }, (_, u) => st.assign[nodeOf[u]]);
}
