// Types for the two synchronous readers of shpjs 6 that common/gis-files/shapefile.ts uses (the package ships none).
declare module 'shpjs' {
  import type { Geometry } from 'geojson';
  /** Geometries of a .shp in file order (null for null shapes); with a projection, converted by it. */
  export function parseShp(shp: DataView | ArrayBuffer | Uint8Array, prj?: string): Array<Geometry | null>;
  /** Rows of a .dbf, text decoded with the TextDecoder label `encoding`. */
  export function parseDbf(dbf: DataView | ArrayBuffer | Uint8Array, encoding?: string): Array<Record<string, unknown>>;
}
