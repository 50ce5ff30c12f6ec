/**
 * Queen contiguity of zones: two zones are neighbours when a boundary vertex of one lies within
 * `snap` (Euclidean, coordinate units) of the boundary of the other — at a vertex or anywhere on an
 * edge. Default snap = sqrt(Number.EPSILON), the default of R spdep's poly2nb(queen = TRUE).
 *
 * On properly noded tessellations (neighbours share their common vertices, as polygons cut from one
 * topology do) this gives exactly poly2nb's lists. It is a superset of poly2nb's where a vertex of
 * one zone lies on the middle of an edge of another (a "T-junction"; poly2nb compares vertices
 * only). Boundaries that cross away from any vertex (overlapping zones) are not detected.
 * Cost: one Flatbush index of all vertices, one query per edge: O(V log V).
 */
import Flatbush from 'flatbush';
import { DEFAULT_SNAP, polygonsOf, segmentDistance2, type ZoneGeometry } from './geometry';

export interface ContiguityOptions {
  /** Snapping tolerance in coordinate units (default sqrt(Number.EPSILON) ~ 1.49e-8). */
  snap?: number;
}

/** Neighbour lists (0-based zone indices, ascending, self excluded). */
export function queenContiguity(zones: readonly ZoneGeometry[], opts: ContiguityOptions = {}): number[][] {
  const snap = opts.snap ?? DEFAULT_SNAP;
  const snap2 = snap * snap;
  const n = zones.length;
  // Collect vertices (dropping each ring's closing duplicate) with their owners.
  const xs: number[] = [],
    ys: number[] = [],
    owner: number[] = [];
  for (let z = 0; z < n; z++) {
    for (const poly of polygonsOf(zones[z]!)) {
      for (const ring of poly) {
        const m = ring.length;
        const closed = m > 1 && ring[0]![0] === ring[m - 1]![0] && ring[0]![1] === ring[m - 1]![1];
        for (let k = 0; k < (closed ? m - 1 : m); k++) {
          xs.push(ring[k]![0]!);
          ys.push(ring[k]![1]!);
          owner.push(z);
        }
      }
    }
  }
  const sets: Array<Set<number>> = Array.from({ length: n }, () => new Set<number>());
  if (xs.length === 0) return sets.map(() => []);
  const index = new Flatbush(xs.length);
  for (let k = 0; k < xs.length; k++) index.add(xs[k]!, ys[k]!, xs[k]!, ys[k]!);
  index.finish();
  for (let z = 0; z < n; z++) {
    const mine = sets[z]!;
    for (const poly of polygonsOf(zones[z]!)) {
      for (const ring of poly) {
        const m = ring.length;
        for (let a = 0, b = m - 1; a < m; b = a++) {
          const ax = ring[a]![0]!,
            ay = ring[a]![1]!,
            bx = ring[b]![0]!,
            by = ring[b]![1]!;
          const hits = index.search(Math.min(ax, bx) - snap, Math.min(ay, by) - snap, Math.max(ax, bx) + snap, Math.max(ay, by) + snap);
          for (const k of hits) {
            const o = owner[k]!;
            if (o === z || mine.has(o)) continue;
            if (segmentDistance2(xs[k]!, ys[k]!, ax, ay, bx, by) <= snap2) {
              mine.add(o);
              sets[o]!.add(z);
            }
          }
        }
      }
    }
  }
  return sets.map((s) => [...s].sort((a, b) => a - b));
}

/** Number of undirected neighbour pairs. */
export function edgeCount(neighbours: readonly (readonly number[])[]): number {
  let e = 0;
  for (const l of neighbours) e += l.length;
  return e / 2;
}
