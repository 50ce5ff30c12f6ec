import type { Geometry } from 'geojson';

/** The tables an import can fill. */
export type Layer = 'streets' | 'water' | 'buildings' | 'shops' | 'incidents' | 'boundaries' | 'register';
export const LAYERS: readonly Layer[] = ['streets', 'water', 'buildings', 'shops', 'incidents', 'boundaries', 'register'];

/** The datum the input coordinates are in; everything is stored in WGS84. */
export type Datum = 'wgs84' | 'gcj02' | 'bd09';
export const DATUMS: readonly Datum[] = ['wgs84', 'gcj02', 'bd09'];

export type FileFormat = 'geojson' | 'osm' | 'csv' | 'xlsx' | 'shapefile' | 'geopackage';

/** One feature as a parser read it, before validation, datum conversion and classification. */
export interface RawFeature {
  /** How to name this feature in a message: "feature 12 (id 177931018)", "line 7", "way 4411". */
  ref: string;
  /** Id from the source (OSM / Tilezen id, GeoJSON id, CSV id column), if any. */
  sourceId?: string;
  geometry: Geometry;
  properties: Record<string, unknown>;
  /** Layer the parser could tell from the feature itself (OSM highway=* / building=*). */
  layer?: Layer;
}

/** A feature-level problem that does not fail the whole file. */
export interface Problem {
  feature: string;
  problem: string;
}

export interface ParseResult {
  format: FileFormat;
  features: RawFeature[];
  problems: Problem[];
  /** Features the parser dropped on purpose, by reason (e.g. OSM relations). */
  skipped: Record<string, number>;
  /** Binary formats: the text encoding of the attributes (a Shapefile's DBF). */
  encoding?: 'utf-8' | 'gbk';
  /** Binary formats: the layer read (a .shp in a .zip, a GeoPackage feature table); hints the target layer. */
  sourceLayer?: string;
  /** Things the planner should know that do not reject a feature (e.g. no .prj, WGS84 assumed). */
  warnings?: string[];
}
