/**
 * Mann-Kendall trend test of a series against time order:
 *   S = sum_{i<j} sign(x_j - x_i),
 *   Var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18   (t = sizes of groups of tied values),
 *   z = (S - sign(S)) / sqrt(Var(S))  (continuity correction), two-sided normal p.
 * Equals R's cor.test(x, seq_along(x), method = "kendall", exact = FALSE, continuity = TRUE).
 * O(n^2), meant for short series (weeks). NaN values are not allowed.
 */
import { twoSidedP } from './normal';

export interface MannKendallResult {
  n: number;
  s: number;
  varS: number;
  z: number;
  p: number;
  /** Kendall's tau-b against time (S / sqrt(n0 (n0 - n1))). */
  tau: number;
}

export function mannKendall(x: ArrayLike<number>): MannKendallResult {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i]!;
    for (let j = i + 1; j < n; j++) {
      const d = x[j]! - xi;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  const sorted = Array.from(x).sort((a, b) => a - b);
  let tieTerm = 0;
  let tiePairs = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    tieTerm += t * (t - 1) * (2 * t + 5);
    tiePairs += (t * (t - 1)) / 2;
    i = j;
  }
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = varS > 0 ? (s - Math.sign(s)) / Math.sqrt(varS) : 0;
  const n0 = (n * (n - 1)) / 2;
  const tauDen = Math.sqrt(n0 * (n0 - tiePairs));
  return { n, s, varS, z, p: varS > 0 ? twoSidedP(z) : 1, tau: tauDen > 0 ? s / tauDen : 0 };
}
