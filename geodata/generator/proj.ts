/**
 * Local metric plane used while generating: an equirectangular projection centred on Anqing's old
 * town (117.05 E, 30.52 N). Over the district (< 30 km) its scale error is far below a metre per km,
 * plenty for synthetic geometry; output is WGS84 [lon, lat] rounded to 7 decimals (~1 cm).
 */
export const LON0 = 117.05;
export const LAT0 = 30.52;
const R = 6378137;
export const KX = (Math.PI / 180) * R * Math.cos((LAT0 * Math.PI) / 180);
export const KY = (Math.PI / 180) * R;

export type XY = [number, number];

export function toXY(lon: number, lat: number): XY {
  return [(lon - LON0) * KX, (lat - LAT0) * KY];
}

const r7 = (x: number): number => Math.round(x * 1e7) / 1e7;

export function toLonLat(p: XY): [number, number] {
  return [r7(LON0 + p[0] / KX), r7(LAT0 + p[1] / KY)];
}

export const ringToLonLat = (ring: XY[]): [number, number][] => ring.map(toLonLat);
