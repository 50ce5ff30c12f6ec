/**
 * Minimal planar geometry for zones (GeoJSON Polygon / MultiPolygon coordinates, used as given:
 * WGS84 degrees in practice). Pure, no I/O.
 */
import type { MultiPolygon, Polygon } from 'geojson';

export type ZoneGeometry = Polygon | MultiPolygon;
/** A polygon as rings of [x, y] positions: first ring outer, the rest holes. */
export type Rings = number[][][];

/**
 * Default snapping tolerance in coordinate units: sqrt(machine epsilon) ~ 1.49e-8, the default
 * `snap` of R spdep's poly2nb (about 1.7 mm in latitude when coordinates are degrees).
 */
export const DEFAULT_SNAP = Math.sqrt(Number.EPSILON);

export function polygonsOf(g: ZoneGeometry): Rings[] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** [minX, minY, maxX, maxY] over all rings. */
export function bboxOf(g: ZoneGeometry): [number, number, number, number] {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const poly of polygonsOf(g)) {
    for (const ring of poly) {
      for (const p of ring) {
        const x = p[0]!,
          y = p[1]!;
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Squared distance from (px, py) to the segment (ax, ay)-(bx, by). */
export function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = ax + t * dx - px,
    ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * Is (x, y) inside the zone or within `tol` of its boundary (closed set, holes excluded)?
 * Even-odd ray casting over all rings of each polygon, plus a boundary-distance check.
 */
export function zoneContains(g: ZoneGeometry, x: number, y: number, tol: number): boolean {
  const tol2 = tol * tol;
  for (const poly of polygonsOf(g)) {
    let inside = false;
    for (const ring of poly) {
      const m = ring.length;
      for (let a = 0, b = m - 1; a < m; b = a++) {
        const ax = ring[a]![0]!,
          ay = ring[a]![1]!,
          bx = ring[b]![0]!,
          by = ring[b]![1]!;
        if (segmentDistance2(x, y, ax, ay, bx, by) <= tol2) return true;
        if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      }
    }
    if (inside) return true;
  }
  return false;
}
