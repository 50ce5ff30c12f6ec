/**
 * The GeoPackage preview: sql.js (SQLite in WebAssembly) and the server's own reader
 * (common/gis-files/geopackage.ts). The import view imports this module dynamically, only when a
 * .gpkg is chosen, so neither sql.js, its wasm nor the reader weighs on the main bundle. The wasm is
 * a Vite asset (dist/client/assets/sql-wasm-browser-*.wasm, served by our own server as
 * application/wasm): no CDN. It is the pair of the browser build of sql.js that Vite resolves
 * (sql.js's package.json "exports" → "browser").
 */
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { geoPackageLayerNames, readGeoPackage } from '../../../../common/gis-files/geopackage';
import type { Datum } from '../../api/imports';
import { layerPreview, type GeoPackageReader, type Preview } from './read-preview';

/** The reader over an initialised sql.js: the chosen table (or the first of several) and the table names. */
export function geoPackageReader(SQL: SqlJsStatic): GeoPackageReader {
  return {
    preview(bytes: Uint8Array, datum: Datum, sourceLayer?: string): Preview {
      const { result, layers } = readGeoPackage(SQL, bytes, { sourceLayer, orFirst: true });
      return layerPreview(result, layers, datum);
    },
    layers: (bytes: Uint8Array) => geoPackageLayerNames(SQL, bytes),
  };
}

let loading: Promise<GeoPackageReader> | null = null;

/** The reader with sql.js initialised from our own wasm, loaded once (a failed load is retried on the next call). */
export function loadGeoPackageReader(): Promise<GeoPackageReader> {
  loading ??= initSqlJs({ locateFile: () => wasmUrl }).then(geoPackageReader, (err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}
