/**
 * One label point per polygon feature (largest part; centre of mass when it falls inside, else a
 * point on the surface), so polygon names are drawn once instead of once per tile.
 */
import { area, centerOfMass, booleanPointInPolygon, pointOnFeature, polygon as turfPolygon } from '@turf/turf';
import type { Feature, FeatureCollection, Geometry, Point, Polygon, Position } from 'geojson';

function largestPolygon(g: Geometry): Position[][] | null {
  if (g.type === 'Polygon') return g.coordinates;
  if (g.type === 'MultiPolygon') {
    let best: Position[][] | null = null;
    let bestArea = -1;
    for (const rings of g.coordinates) {
      const a = area(turfPolygon(rings));
      if (a > bestArea) {
        bestArea = a;
        best = rings;
      }
    }
    return best;
  }
  return null;
}

export function labelPoints<P extends Record<string, unknown>>(fc: FeatureCollection<Geometry, P>): FeatureCollection<Point, P> {
  const features: Feature<Point, P>[] = [];
  for (const f of fc.features) {
    if (!f.geometry) continue;
    const rings = largestPolygon(f.geometry);
    if (!rings) continue;
    const poly: Feature<Polygon> = turfPolygon(rings);
    let pt = centerOfMass(poly);
    if (!booleanPointInPolygon(pt, poly)) pt = pointOnFeature(poly);
    features.push({ type: 'Feature', id: f.id, properties: f.properties, geometry: pt.geometry });
  }
  return { type: 'FeatureCollection', features };
}
