/**
 * Penalty objective per grid: compactness (1 − Polsby-Popper), balance near the target, and the
 * length of major street / rail / water inside the grid. Lower is better. Pure, no I/O.
 */
import { polsbyPopper } from '../geo/polygon';

export interface ObjectiveWeights {
  compactness: number;
  balance: number;
  barrier: number;
}
export const DEFAULT_WEIGHTS: ObjectiveWeights = { compactness: 1, balance: 2, barrier: 1.5 };

export function gridPenalty(hh: number, area: number, perim: number, hard: number, target: number, w: ObjectiveWeights = DEFAULT_WEIGHTS): number {
  const pp = polsbyPopper(area, perim);
  const dev = (hh - target) / target;
  const bar = area > 0 ? hard / Math.sqrt(area) : 0;
  return w.compactness * (1 - pp) + w.balance * dev * dev + w.barrier * bar;
}
