import gcoord from 'gcoord';
import type { Geometry, Position } from 'geojson';
import type { Datum } from '../../common/gis-files/feature-types';

const CRS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** One position from `datum` to WGS84 (identity for wgs84). */
export function toWgs84(p: Position, datum: Datum): Position {
  if (datum === 'wgs84') return p;
  const [x, y] = gcoord.transform([p[0], p[1]], CRS[datum], gcoord.WGS84) as [number, number];
  return p.length > 2 ? [x, y, ...p.slice(2)] : [x, y];
}

/** One position from WGS84 to `datum` (for tests and for exporting to Chinese web maps). */
export function fromWgs84(p: Position, datum: Datum): Position {
  if (datum === 'wgs84') return p;
  const [x, y] = gcoord.transform([p[0], p[1]], gcoord.WGS84, CRS[datum]) as [number, number];
  return [x, y];
}

/** Applies f to every position of a geometry, returning a new geometry. */
export function mapPositions(g: Geometry, f: (p: Position) => Position): Geometry {
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: f(g.coordinates) };
    case 'MultiPoint':
    case 'LineString':
      return { type: g.type, coordinates: g.coordinates.map(f) } as Geometry;
    case 'MultiLineString':
    case 'Polygon':
      return { type: g.type, coordinates: g.coordinates.map((r) => r.map(f)) } as Geometry;
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(f))) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: g.geometries.map((x) => mapPositions(x, f)) };
  }
}

/** Converts a geometry from `datum` to WGS84 (a new object; the input is not changed). */
export function geometryToWgs84(g: Geometry, datum: Datum): Geometry {
  return datum === 'wgs84' ? g : mapPositions(g, (p) => toWgs84(p, datum));
}
