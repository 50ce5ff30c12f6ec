import gcoord from 'gcoord';
import type { Feature, MultiPolygon, Position } from 'geojson';

/** Rounds to 7 decimals (~1 cm), enough for any outline and stable across platforms. */
const r7 = (x: number): number => Math.round(x * 1e7) / 1e7;

/** Converts one GCJ-02 position (AMap / DataV) to WGS84 [lon, lat]. */
export function gcj02ToWgs84(p: Position): Position {
  const [lon, lat] = gcoord.transform([p[0], p[1]] as [number, number], gcoord.GCJ02, gcoord.WGS84);
  return [r7(lon), r7(lat)];
}

/** Converts a GCJ-02 (Multi)Polygon feature to a WGS84 MultiPolygon feature, keeping its properties. */
export function outlineGcj02ToWgs84(f: Feature): Feature<MultiPolygon> {
  const g = f.geometry;
  const polys: Position[][][] = g.type === 'MultiPolygon' ? g.coordinates : g.type === 'Polygon' ? [g.coordinates] : [];
  if (!polys.length) throw new Error(`outline must be a (Multi)Polygon, got ${g.type}`);
  return {
    type: 'Feature',
    properties: { ...(f.properties ?? {}), datum: 'WGS84', converted_from: 'GCJ-02' },
    geometry: { type: 'MultiPolygon', coordinates: polys.map((poly) => poly.map((ring) => ring.map(gcj02ToWgs84))) },
  };
}
