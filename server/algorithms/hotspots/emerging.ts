/**
 * Emerging hot spot analysis (after ArcGIS Pro's "Emerging Hot Spot Analysis").
 *
 * 1. Space-time Gi*: the cube has n zones x T weeks. Bin (i, t) has binary neighbours
 *    {(j, t') : j in N*(i) (queen + self), t - timeWindow <= t' <= t}; mean and standard deviation
 *    are over all n*T bins (as ArcGIS and R sfdep do). timeWindow = 0 gives plain Gi* per week
 *    against the whole-cube mean.
 * 2. A bin is a significant hot (cold) spot when z > 0 (z < 0) and its p — BH-adjusted over all
 *    bins when fdr (default) — is <= alpha (default 0.10, i.e. 90 % confidence).
 * 3. Mann-Kendall on each zone's Gi* z series; trend significant when its p <= trendAlpha (0.05).
 * 4. Category (hot family shown, cold family symmetric with "cold" for "hot"); "final" = last week,
 *    "mostly" = at least 90 % of weeks:
 *    - intensifying / persistent / diminishing: final hot and mostly hot; trend up / none / down.
 *    - oscillating: final hot, < 90 % hot, some earlier week a significant cold spot.
 *    - new: final hot and never hot before (and never cold).
 *    - consecutive: the hot weeks are one uninterrupted run (>= 2) ending at the final week.
 *    - sporadic: final hot, other hot weeks not one run, never cold.
 *    - historical: final week not hot, yet mostly hot.
 *    - no_pattern: none of the above (includes hot in the past without being hot now, < 90 %).
 *    Where a zone qualifies for both families (possible only via "historical"), hot wins.
 */
import { benjaminiHochberg } from './fdr';
import { standardise } from './gistar';
import { mannKendall, type MannKendallResult } from './mann-kendall';
import { twoSidedP } from './normal';

export const EMERGING_PATTERNS = [
  'new_hot',
  'consecutive_hot',
  'intensifying_hot',
  'persistent_hot',
  'diminishing_hot',
  'sporadic_hot',
  'oscillating_hot',
  'historical_hot',
  'new_cold',
  'consecutive_cold',
  'intensifying_cold',
  'persistent_cold',
  'diminishing_cold',
  'sporadic_cold',
  'oscillating_cold',
  'historical_cold',
  'no_pattern',
] as const;
export type EmergingPattern = (typeof EMERGING_PATTERNS)[number];

export interface EmergingOptions {
  /** Weeks before t included in the neighbourhood of bin t (default 1). */
  timeWindow?: number;
  /** Bin significance level (default 0.10). */
  alpha?: number;
  /** BH adjustment over all bins (default true). */
  fdr?: boolean;
  /** Mann-Kendall significance level (default 0.05). */
  trendAlpha?: number;
}

export interface EmergingZone {
  pattern: EmergingPattern;
  /** Gi* z per week. */
  z: number[];
  /** Per week: 1 significant hot, -1 significant cold, 0 not significant. */
  sig: Array<1 | 0 | -1>;
  trend: MannKendallResult;
}

/** Space-time Gi* over counts[zone][week]. Returns z[zone][week] and p[zone][week]. */
export function spaceTimeGiStar(
  neighbours: readonly (readonly number[])[],
  counts: readonly ArrayLike<number>[],
  timeWindow = 1,
): { z: Float64Array[]; p: Float64Array[] } {
  const n = counts.length;
  if (neighbours.length !== n) throw new Error(`spaceTimeGiStar: ${n} count series but ${neighbours.length} neighbour lists`);
  const T = n > 0 ? counts[0]!.length : 0;
  for (const c of counts) if (c.length !== T) throw new Error('spaceTimeGiStar: count series of unequal length');
  const N = n * T;
  let sum = 0;
  for (const c of counts) for (let t = 0; t < T; t++) sum += c[t]!;
  const mean = N > 0 ? sum / N : 0;
  let ss = 0;
  for (const c of counts) for (let t = 0; t < T; t++) ss += (c[t]! - mean) ** 2;
  const s = Math.sqrt(ss / N);
  const z: Float64Array[] = [];
  const p: Float64Array[] = [];
  const spatial = new Float64Array(T);
  for (let i = 0; i < n; i++) {
    const nb = neighbours[i]!;
    for (let t = 0; t < T; t++) {
      let v = counts[i]![t]!;
      for (const j of nb) v += counts[j]![t]!;
      spatial[t] = v;
    }
    const zi = new Float64Array(T),
      pi = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      const t0 = Math.max(0, t - timeWindow);
      let lag = 0;
      for (let u = t0; u <= t; u++) lag += spatial[u]!;
      const w = (nb.length + 1) * (t - t0 + 1);
      zi[t] = standardise(lag, w, mean, s, N);
      pi[t] = twoSidedP(zi[t]!);
    }
    z.push(zi);
    p.push(pi);
  }
  return { z, p };
}

/** The pattern of one zone from its per-week significance (1 / 0 / -1) and trend. */
export function emergingPattern(sig: ReadonlyArray<1 | 0 | -1>, trend: { z: number; p: number }, trendAlpha = 0.05): EmergingPattern {
  const T = sig.length;
  if (T === 0) return 'no_pattern';
  const family = (sign: 1 | -1): string | null => {
    const name = sign === 1 ? 'hot' : 'cold';
    const count = sig.filter((v) => v === sign).length;
    const mostly = count >= 0.9 * T;
    const final = sig[T - 1] === sign;
    if (!final) return mostly ? `historical_${name}` : null;
    if (mostly) {
      if (trend.p <= trendAlpha && trend.z !== 0) {
        // For cold spots "intensifying" means getting colder (trend down).
        return trend.z > 0 === (sign === 1) ? `intensifying_${name}` : `diminishing_${name}`;
      }
      return `persistent_${name}`;
    }
    if (sig.slice(0, T - 1).some((v) => v === -sign)) return `oscillating_${name}`;
    if (count === 1) return `new_${name}`;
    let runStart = T - 1;
    while (runStart > 0 && sig[runStart - 1] === sign) runStart--;
    const runLength = T - runStart;
    if (runLength === count) return `consecutive_${name}`;
    return `sporadic_${name}`;
  };
  return (family(1) ?? family(-1) ?? 'no_pattern') as EmergingPattern;
}

/** Emerging hot spot analysis of counts[zone][week] on queen neighbour lists. */
export function emergingHotSpots(
  zonesNeighbours: readonly (readonly number[])[],
  countsPerWeek: readonly ArrayLike<number>[],
  opts: EmergingOptions = {},
): EmergingZone[] {
  const alpha = opts.alpha ?? 0.1;
  const trendAlpha = opts.trendAlpha ?? 0.05;
  const fdr = opts.fdr ?? true;
  const { z, p } = spaceTimeGiStar(zonesNeighbours, countsPerWeek, opts.timeWindow ?? 1);
  const n = z.length;
  const T = n > 0 ? z[0]!.length : 0;
  const flat = new Float64Array(n * T);
  for (let i = 0; i < n; i++) flat.set(p[i]!, i * T);
  const q = fdr ? benjaminiHochberg(flat) : flat;
  return z.map((zi, i) => {
    const sig = Array.from(zi, (v, t): 1 | 0 | -1 => (q[i * T + t]! <= alpha && v !== 0 ? (v > 0 ? 1 : -1) : 0));
    const trend = mannKendall(zi);
    return { pattern: emergingPattern(sig, trend, trendAlpha), z: Array.from(zi), sig, trend };
  });
}
