/**
 * Penalty objective per grid: compactness (1 − Polsby-Popper), balance near the target, and the
 * length of major street / rail / water inside the grid (saturating at half the grid's width).
 * Lower is better. Pure, no I/O.
 */
import { polsbyPopper } from '../geo';

export interface ObjectiveWeights {
  compactness: number;
  balance: number;
  barrier: number;
  /** weight of 1 − normalised moment of inertia (a smooth compactness measure that guides single moves) */
  inertia?: number;
  /** weight of the margin term: households within 3% of the target from a band edge (a plan that
   * small household changes push out of band is not stable under warm starts) */
  edge?: number;
}
export const DEFAULT_WEIGHTS: ObjectiveWeights = { compactness: 1, balance: 1, barrier: 1, inertia: 2, edge: 0.5 };

/**
 * 1 − normalised moment of inertia A² / (2π·I) of a grid from the area-weighted moments of its
 * nodes' centroids (sum a·x, sum a·y, sum a·(x²+y²)); 0 for a disc, towards 1 for elongated shapes.
 */
export function inertiaPenalty(area: number, mx: number, my: number, mq: number): number {
  if (!(area > 0)) return 0;
  const I = mq - (mx * mx + my * my) / area;
  const nmi = (area * area) / (2 * Math.PI * Math.max(I, 1e-9));
  return 1 - Math.min(1, nmi);
}

export function gridPenalty(hh: number, area: number, perim: number, hard: number, target: number, w: ObjectiveWeights = DEFAULT_WEIGHTS): number {
  const pp = polsbyPopper(area, perim);
  const dev = (hh - target) / target;
  // straddling is one cost per grid: the barrier length inside the grid counts up to half its width
  // (√area / 2) and no further, so a grid that cannot avoid a street is not bent around it
  const bar = area > 0 ? Math.min(1, (2 * hard) / Math.sqrt(area)) : 0;
  return w.compactness * (1 - pp) + w.balance * dev * dev + w.barrier * bar;
}

/**
 * Margin term: 0 when households are at least 3% of the target inside the band, growing
 * quadratically to 1 at the band edge (and beyond). Keeps slack for later household changes.
 */
export function edgePenalty(hh: number, min: number, max: number, target: number): number {
  const m = 0.03 * target;
  if (!(m > 0)) return 0;
  const d = Math.max(0, hh - (max - m), min + m - hh) / m;
  return d * d;
}
