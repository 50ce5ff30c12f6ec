/**
 * Street slivers: the thin blocks a street network leaves between the two carriageways of a dual
 * road, along a slip road or between a street and the boundary. Their mean width (2·area ÷
 * perimeter: a strip's width, half a square's side) is under a few metres, so no housing fits and
 * an empty one is not a data problem a planner must chase. Pure, no I/O.
 */
import { polygonPerimeter } from '../geo';
import type { Pt } from './planar';
import { SLIVER_MEAN_WIDTH_M } from '../../../common/http/units';

export { SLIVER_MEAN_WIDTH_M };

/** Mean width of a metric polygon (outer ring, then holes) of the given area (m²). */
export function meanWidth(rings: Pt[][], area: number): number {
  const perimeter = polygonPerimeter(rings);
  return perimeter > 0 ? (2 * area) / perimeter : 0;
}

export function isStreetSliver(rings: Pt[][], area: number): boolean {
  return meanWidth(rings, area) < SLIVER_MEAN_WIDTH_M;
}
