/**
 * Counting points per zone with a Flatbush index of zone bounding boxes.
 * Tie rule: zones are closed sets (a point within `tol` of a boundary is on it) and a point inside
 * or on the boundary of several zones is counted once, in the zone with the LOWEST index.
 * Points outside every zone are not counted (zoneOfPoint = -1).
 */
import Flatbush from 'flatbush';
import { bboxOf, DEFAULT_SNAP, polygonsOf, segmentDistance2, type ZoneGeometry } from './geometry';

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

/** Zone rings flattened for speed: per polygon, per ring, [x0, y0, x1, y1, ...]. */
type FlatZone = Float64Array[][];

function flatten(g: ZoneGeometry): FlatZone {
  return polygonsOf(g).map((poly) =>
    poly.map((ring) => {
      const f = new Float64Array(ring.length * 2);
      ring.forEach((p, k) => {
        f[2 * k] = p[0]!;
        f[2 * k + 1] = p[1]!;
      });
      return f;
    }),
  );
}

/** Inside (even-odd over the rings of one polygon) or within sqrt(tol2) of its boundary. */
function flatContains(zone: FlatZone, x: number, y: number, tol2: number): boolean {
  for (const poly of zone) {
    let inside = false;
    for (const r of poly) {
      const m = r.length;
      for (let a = 0, b = m - 2; a < m; b = a, a += 2) {
        const ay = r[a + 1]!,
          by = r[b + 1]!;
        if (ay > y !== by > y) {
          const ax = r[a]!,
            bx = r[b]!;
          if (x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
        }
      }
    }
    if (inside) return true;
  }
  // Not strictly inside: on the boundary (within tolerance)?
  for (const poly of zone) {
    for (const r of poly) {
      const m = r.length;
      for (let a = 0, b = m - 2; a < m; b = a, a += 2) {
        if (segmentDistance2(x, y, r[a]!, r[a + 1]!, r[b]!, r[b + 1]!) <= tol2) return true;
      }
    }
  }
  return false;
}

/** A reusable point locator for a fixed set of zones: (x, y) -> zone index or -1. */
export function zoneLocator(zones: readonly ZoneGeometry[], opts: CountOptions = {}): (x: number, y: number) => number {
  const tol = opts.tol ?? DEFAULT_SNAP;
  const tol2 = tol * tol;
  if (zones.length === 0) return () => -1;
  const flat = zones.map(flatten);
  const index = new Flatbush(zones.length);
  for (const z of zones) {
    const [a, b, c, d] = bboxOf(z);
    index.add(a - tol, b - tol, c + tol, d + tol);
  }
  index.finish();
  return (x: number, y: number): number => {
    let best = -1;
    // visit every candidate box; keep the lowest index that contains the point
    index.search(x, y, x, y, (z) => {
      if ((best < 0 || z < best) && flatContains(flat[z]!, x, y, tol2)) best = z;
      return false;
    });
    return best;
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
