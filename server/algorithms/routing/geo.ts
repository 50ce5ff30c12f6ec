/** Small metric helpers for WGS84 coordinates (no I/O). */

export type LonLat = [number, number];

export const EARTH_RADIUS_M = 6371008.8;
const RAD = Math.PI / 180;

/** Great-circle distance in metres. */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Local equirectangular projection around (lon0, lat0): x east, y north, metres.
 * Accurate to well under 0.5 % within ~50 km of the reference point, which is all
 * the snapping / tolerance / clustering code needs.
 */
export interface LocalProjection {
  lon0: number;
  lat0: number;
  kx: number;
  ky: number;
  x(lon: number): number;
  y(lat: number): number;
  lon(x: number): number;
  lat(y: number): number;
}

export function localProjection(lon0: number, lat0: number): LocalProjection {
  const ky = EARTH_RADIUS_M * RAD;
  const kx = ky * Math.cos(lat0 * RAD);
  return {
    lon0,
    lat0,
    kx,
    ky,
    x: (lon) => (lon - lon0) * kx,
    y: (lat) => (lat - lat0) * ky,
    lon: (x) => lon0 + x / kx,
    lat: (y) => lat0 + y / ky,
  };
}

/** Projection centred on the bounding box of some coordinates. */
export function projectionFor(coords: Iterable<LonLat>): LocalProjection {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const [x, y] of coords) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (!Number.isFinite(minX)) return localProjection(0, 0);
  return localProjection((minX + maxX) / 2, (minY + maxY) / 2);
}

/** Closest point on segment (ax,ay)-(bx,by) to (px,py): returns [t in 0..1, squared distance]. */
export function closestOnSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): [number, number] {
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const qx = ax + t * dx - px,
    qy = ay + t * dy - py;
  return [t, qx * qx + qy * qy];
}
