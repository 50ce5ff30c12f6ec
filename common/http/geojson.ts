/**
 * GeoJSON as our HTTP answers carry it (WGS84, @types/geojson's types): a FeatureCollection of any
 * geometry with open properties, narrowed by the capability modules where the properties are known.
 */
import type { FeatureCollection, Geometry } from 'geojson';

export type Props = Record<string, unknown>;
export type FC<P extends Props = Props> = FeatureCollection<Geometry, P>;
