/**
 * Local metric projection (equirectangular about a reference point).
 * Accurate to well under 0.1% over a sub-district (tens of km), which is all the partition
 * engine needs for areas, perimeters and shared-edge lengths. Pure, no I/O.
 */
export const EARTH_RADIUS_M = 6_371_008.8;

export interface LocalProjection {
  lon0: number;
  lat0: number;
  /** metres per degree of longitude at lat0 */
  kx: number;
  /** metres per degree of latitude */
  ky: number;
  forward(lon: number, lat: number): [number, number];
  inverse(x: number, y: number): [number, number];
}

export function localProjection(lon0: number, lat0: number): LocalProjection {
  const ky = (Math.PI / 180) * EARTH_RADIUS_M;
  const kx = ky * Math.cos((lat0 * Math.PI) / 180);
  return {
    lon0,
    lat0,
    kx,
    ky,
    forward: (lon, lat) => [(lon - lon0) * kx, (lat - lat0) * ky],
    inverse: (x, y) => [lon0 + x / kx, lat0 + y / ky],
  };
}

/** A projection centred on the bounding box of the given lon/lat positions. */
export function projectionForPositions(positions: Iterable<readonly number[]>): LocalProjection {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const p of positions) {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  }
  if (!Number.isFinite(minX)) return localProjection(0, 0);
  return localProjection((minX + maxX) / 2, (minY + maxY) / 2);
}
