/**
 * Counting points per zone with a Flatbush index of zone bounding boxes.
 * Tie rule: zones are closed sets (a point within `tol` of a boundary is on it) and a point inside
 * or on the boundary of several zones is counted once, in the zone with the LOWEST index.
 * Points outside every zone are not counted (zoneOfPoint = -1).
 */
import Flatbush from 'flatbush';
import { bboxOf, DEFAULT_SNAP, zoneContains, type ZoneGeometry } from './geometry';

export interface CountOptions {
  /** Boundary tolerance in coordinate units (default sqrt(Number.EPSILON), as for contiguity). */
  tol?: number;
}

export interface CountResult {
  counts: Int32Array;
  /** Zone index per point, -1 when the point is in no zone. */
  zoneOfPoint: Int32Array;
  /** Points that fell in no zone. */
  outside: number;
}

/** A reusable point locator for a fixed set of zones. */
export function zoneLocator(zones: readonly ZoneGeometry[], opts: CountOptions = {}): (x: number, y: number) => number {
  const tol = opts.tol ?? DEFAULT_SNAP;
  if (zones.length === 0) return () => -1;
  const index = new Flatbush(zones.length);
  for (const z of zones) {
    const [a, b, c, d] = bboxOf(z);
    index.add(a - tol, b - tol, c + tol, d + tol);
  }
  index.finish();
  return (x: number, y: number): number => {
    const cand = index.search(x, y, x, y);
    if (cand.length > 1) cand.sort((a, b) => a - b);
    for (const z of cand) if (zoneContains(zones[z]!, x, y, tol)) return z;
    return -1;
  };
}

/** Counts points (as [x, y] pairs) per zone. */
export function countPointsInZones(
  zones: readonly ZoneGeometry[],
  points: ReadonlyArray<readonly [number, number] | readonly number[]>,
  opts: CountOptions = {},
): CountResult {
  const locate = zoneLocator(zones, opts);
  const counts = new Int32Array(zones.length);
  const zoneOfPoint = new Int32Array(points.length);
  let outside = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const z = locate(p[0]!, p[1]!);
    zoneOfPoint[i] = z;
    if (z >= 0) counts[z] = counts[z]! + 1;
    else outside++;
  }
  return { counts, zoneOfPoint, outside };
}
