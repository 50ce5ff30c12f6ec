/**
 * Getis-Ord Gi* with binary weights that include the zone itself (R spdep: localG on
 * nb2listw(include.self(nb), style = "B")):
 *
 *   Gi*_i = (sum_{j in N*(i)} x_j - W_i xbar) / (s sqrt((n W_i - W_i^2) / (n - 1)))
 *
 * N*(i) = neighbours of i plus i, W_i = |N*(i)|, xbar the mean of all n values and
 * s^2 = sum (x - xbar)^2 / n. O(n + edges). Where the statistic is undefined (all values equal,
 * n < 2, or a zone neighbouring every other zone) R returns NaN; we return z = 0 (p = 1).
 */
import { twoSidedP } from './normal';

export interface GiStarResult {
  z: Float64Array;
  /** Two-sided p-values from the standard normal. */
  p: Float64Array;
}

/** Gi* z-scores and p-values for values x[i] with neighbour lists (self excluded, 0-based). */
export function getisOrdGiStar(x: ArrayLike<number>, neighbours: readonly (readonly number[])[]): GiStarResult {
  const n = x.length;
  if (neighbours.length !== n) throw new Error(`getisOrdGiStar: ${n} values but ${neighbours.length} neighbour lists`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - mean) ** 2;
  const s = Math.sqrt(ss / n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const nb = neighbours[i]!;
    let lag = x[i]!;
    for (let k = 0; k < nb.length; k++) lag += x[nb[k]!]!;
    const w = nb.length + 1;
    z[i] = standardise(lag, w, mean, s, n);
    p[i] = twoSidedP(z[i]!);
  }
  return { z, p };
}

/** (lag - W mean) / (s sqrt((N W - W^2)/(N - 1))) for binary weights; 0 where undefined. */
export function standardise(lag: number, w: number, mean: number, s: number, nTotal: number): number {
  const den = s * Math.sqrt((nTotal * w - w * w) / (nTotal - 1));
  if (!(den > 0) || !Number.isFinite(den)) return 0;
  const z = (lag - w * mean) / den;
  return Number.isFinite(z) ? z : 0;
}
