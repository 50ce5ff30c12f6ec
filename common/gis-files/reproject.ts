/**
 * Coordinate systems of GIS files (a Shapefile's .prj, a GeoPackage's gpkg_spatial_ref_sys) to WGS84
 * with proj4. Any WKT or proj string proj4 understands works: CGCS2000 3-degree Gauss-Kruger
 * (EPSG:4513–4554), UTM, Web Mercator… CGCS2000 and WGS84 geographic are taken as the same (they differ
 * by centimetres). Pure: no I/O.
 */
import proj4 from 'proj4';
import type { Geometry, Position } from 'geojson';

export type ToWgs84 = (p: Position) => Position;

const WGS84 = 'EPSG:4326';

/** proj4 strings of the CGCS2000 Gauss-Kruger EPSG codes, for files that name the code but carry no definition. */
function cgcs2000Gk(code: number): string | null {
  // 4534–4554: 3-degree zones without zone prefix, CM 75E…135E
  if (code >= 4534 && code <= 4554) return `+proj=tmerc +lat_0=0 +lon_0=${75 + 3 * (code - 4534)} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs`;
  // 4513–4533: 3-degree zones 25…45 with the zone number in front of the easting
  if (code >= 4513 && code <= 4533) {
    const zone = 25 + (code - 4513);
    return `+proj=tmerc +lat_0=0 +lon_0=${zone * 3} +k=1 +x_0=${zone * 1_000_000 + 500_000} +y_0=0 +ellps=GRS80 +units=m +no_defs`;
  }
  // 4502–4512: 6-degree zones without prefix, CM 75E…135E
  if (code >= 4502 && code <= 4512) return `+proj=tmerc +lat_0=0 +lon_0=${75 + 6 * (code - 4502)} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs`;
  return null;
}

/** EPSG codes whose coordinates are WGS84 / CGCS2000 longitude-latitude already. */
const GEOGRAPHIC = new Set([4326, 4490, 4479, 4480, 4030, 4019]);

/** A converter for an EPSG code (null when the code is not one we know without a definition). */
export function epsgToWgs84(code: number): ToWgs84 | null {
  if (GEOGRAPHIC.has(code)) return (p) => p;
  if (code === 3857 || code === 900913) return converter('EPSG:3857');
  const gk = cgcs2000Gk(code);
  return gk ? converter(gk) : null;
}

function converter(def: string): ToWgs84 {
  const t = proj4(def, WGS84);
  return (p) => {
    const q = t.forward([p[0], p[1]]);
    return [q[0], q[1]];
  };
}

/** Geographic WKT (no projection): lon/lat on some datum, taken as WGS84. */
export function isGeographicWkt(wkt: string): boolean {
  const s = wkt.trim().toUpperCase();
  return /^(GEOGCS|GEOGCRS|GEODCRS)\b/.test(s);
}

/**
 * A converter from a WKT (or proj string) to WGS84, or null when proj4 cannot read it. Geographic
 * systems convert as they are; a projected one whose EPSG authority code we know falls back to that.
 */
export function wktToWgs84(wkt: string): ToWgs84 | null {
  const text = wkt.trim();
  if (!text) return null;
  if (isGeographicWkt(text)) return (p) => p;
  try {
    const conv = converter(text);
    const probe = conv([500000, 3000000]);
    if (Number.isFinite(probe[0]) && Number.isFinite(probe[1])) return conv;
  } catch {
    // fall through to the authority code
  }
  const code = /AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/i.exec(text)?.[1] ?? /ID\s*\[\s*"EPSG"\s*,\s*(\d+)\s*\]\s*\]\s*$/i.exec(text)?.[1];
  return code ? epsgToWgs84(Number(code)) : null;
}

/** The geometry with every position converted (a third coordinate is dropped). */
export function reprojectGeometry(g: Geometry, f: ToWgs84): Geometry {
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: f(g.coordinates) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: g.coordinates.map(f) };
    case 'LineString':
      return { type: 'LineString', coordinates: g.coordinates.map(f) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: g.coordinates.map((r) => r.map(f)) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(f)) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(f))) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: g.geometries.map((x) => reprojectGeometry(x, f)) };
  }
}

/** Every position of a geometry, for range checks. */
export function* positions(g: Geometry): Generator<Position> {
  switch (g.type) {
    case 'Point':
      yield g.coordinates;
      return;
    case 'MultiPoint':
    case 'LineString':
      yield* g.coordinates;
      return;
    case 'MultiLineString':
    case 'Polygon':
      for (const r of g.coordinates) yield* r;
      return;
    case 'MultiPolygon':
      for (const p of g.coordinates) for (const r of p) yield* r;
      return;
    case 'GeometryCollection':
      for (const x of g.geometries) yield* positions(x);
  }
}

/** Whether all coordinates lie in the longitude/latitude range (a file without a coordinate system). */
export function inDegreeRange(geoms: Iterable<Geometry>): boolean {
  for (const g of geoms) for (const p of positions(g)) if (!(Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90)) return false;
  return true;
}

/** The message when a file has no coordinate system and its coordinates are not degrees. */
export const PROJECTED_WITHOUT_CRS = '坐标看起来是投影坐标（米），无法确定坐标系';
