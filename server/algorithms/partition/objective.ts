/**
 * Penalty objective per grid: compactness (1 − Polsby-Popper), balance near the target, and the
 * length of major street / rail / water inside the grid. Lower is better. Pure, no I/O.
 */
import { polsbyPopper } from '../geo/polygon';

export interface ObjectiveWeights {
  compactness: number;
  balance: number;
  barrier: number;
  /** weight of 1 − normalised moment of inertia (a smooth compactness measure that guides single moves) */
  inertia?: number;
}
export const DEFAULT_WEIGHTS: ObjectiveWeights = { compactness: 1, balance: 1, barrier: 1.5, inertia: 2 };

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
  const bar = area > 0 ? hard / Math.sqrt(area) : 0;
  return w.compactness * (1 - pp) + w.balance * dev * dev + w.barrier * bar;
}
