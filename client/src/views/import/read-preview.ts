/**
 * Reads a file in the browser for the import preview, before anything is sent: decodes it (UTF-8,
 * else GBK), parses GeoJSON or CSV (a longitude and a latitude column), converts the coordinates
 * from the chosen datum to WGS84 for the map, and says which column or property serves what.
 * A zipped Shapefile and a GeoPackage are read with the server's own parsers (common/gis-files/:
 * shapefile.ts with fflate, shpjs and proj4; geopackage.ts with sql.js, which the caller loads
 * lazily with ./geopackage-preview.ts). The server parses the file again on "check" and "import":
 * this is a preview, not the import.
 */
import gcoord from 'gcoord';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { roleOfHeader, type ColumnRole } from '../../../../common/import/columns';
import type { Datum } from '../../api/imports';
import type { ParseResult } from '../../../../common/gis-files/feature-types';
import { isZip, parseShapefileZip, shapefileLayerNames } from '../../../../common/gis-files/shapefile';

/** A table column's role (common/import/columns.ts), or what a feature import reads from a property. */
export type FieldRole = ColumnRole | 'floors' | 'height' | 'code' | 'level' | 'other';

export interface DetectedField {
  name: string;
  role: FieldRole;
  sample: string;
}

export interface Preview {
  format: 'geojson' | 'csv' | 'osm' | 'shapefile' | 'geopackage';
  encoding: 'utf-8' | 'gbk';
  /** WGS84 features for the map (null: this format is not previewed in the browser). */
  features: FeatureCollection | null;
  /** Geometry types and their counts. */
  types: Record<string, number>;
  fields: DetectedField[];
  /** Shapefile .zip / GeoPackage: the layers in it (a picker when there are several) and the one previewed. */
  layers?: string[];
  layer?: string;
  /** What the reader noticed (no .prj, WGS84 assumed…). */
  warnings?: string[];
}

/** The GeoPackage reader, with sql.js loaded (./geopackage-preview.ts, a chunk of its own). */
export interface GeoPackageReader {
  /** The chosen feature table (or the first of several) in WGS84. */
  preview(bytes: Uint8Array, datum: Datum, sourceLayer?: string): Preview;
  /** The feature tables; [] when the file cannot be read. */
  layers(bytes: Uint8Array): string[];
}

const SQLITE = 'SQLite format 3';
function isSqlite(bytes: Uint8Array): boolean {
  for (let i = 0; i < SQLITE.length; i++) if (bytes[i] !== SQLITE.charCodeAt(i)) return false;
  return true;
}

/** A GeoPackage by its magic bytes (SQLite) or its extension: needs the GeoPackage reader to be previewed. */
export const isGeoPackage = (name: string, bytes: Uint8Array): boolean => isSqlite(bytes) || (/\.gpkg$/i.test(name) && !isZip(bytes));

/** The most features drawn in the preview (the check and the import read them all). */
export const PREVIEW_LIMIT = 50_000;

/** What the feature imports read beyond the table columns (checked first). */
const FEATURE_ROLES: Array<[FieldRole, RegExp]> = [
  // what the buildings import reads for floors: building:levels / levels / floors / 层数, else height at 3 m a floor
  ['floors', /^(building:levels|levels|floors|层数)$/i],
  ['height', /^(height|高度)$/i],
  ['type', /^highway$/i],
  ['code', /^(code|编码|代码)$/i],
  ['level', /^(level|级别|层级)$/i],
];

/** What a column or property is used for, by its name: the feature imports' properties, then the table import's own column rules (common/import/columns.ts). */
export function roleOf(name: string): FieldRole {
  const n = name.trim();
  for (const [role, re] of FEATURE_ROLES) if (re.test(n)) return role;
  return roleOfHeader(n) ?? 'other';
}

/** The datum a file name suggests (exports from Amap/Tencent are GCJ-02, Baidu's BD-09). */
export function datumFromName(name: string): Datum | null {
  if (/gcj|amap|gaode|高德|腾讯|tencent/i.test(name)) return 'gcj02';
  if (/bd09|baidu|百度/i.test(name)) return 'bd09';
  if (/wgs|gps/i.test(name)) return 'wgs84';
  return null;
}

/** UTF-8 (with or without BOM) when it decodes cleanly, else GBK. */
export function decode(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gbk' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'gbk' };
  }
}

/** One CSV line into fields (double quotes, "" inside quotes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

const CRS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

function toWgs(p: Position, datum: Datum): Position {
  if (datum === 'wgs84') return p;
  return gcoord.transform([p[0], p[1]], CRS[datum], gcoord.WGS84) as Position;
}

function mapCoords(g: Geometry, f: (p: Position) => Position): Geometry {
  switch (g.type) {
    case 'Point':
      return { ...g, coordinates: f(g.coordinates) };
    case 'MultiPoint':
    case 'LineString':
      return { ...g, coordinates: g.coordinates.map(f) };
    case 'MultiLineString':
    case 'Polygon':
      return { ...g, coordinates: g.coordinates.map((r) => r.map(f)) };
    case 'MultiPolygon':
      return { ...g, coordinates: g.coordinates.map((p) => p.map((r) => r.map(f))) };
    case 'GeometryCollection':
      return { ...g, geometries: g.geometries.map((x) => mapCoords(x, f)) };
  }
}

function count(features: Feature[]): Record<string, number> {
  const types: Record<string, number> = {};
  for (const f of features) if (f.geometry) types[f.geometry.type] = (types[f.geometry.type] ?? 0) + 1;
  return types;
}

function fieldsOf(all: Array<{ properties: Record<string, unknown> | null }>): DetectedField[] {
  const props = all.find((f) => f?.properties)?.properties ?? {};
  return Object.entries(props).map(([k, v]) => ({ name: k, role: roleOf(k), sample: String(v ?? '') }));
}

/** A parsed Shapefile layer or GeoPackage table as a preview (coordinates from `datum` to WGS84). */
export function layerPreview(r: ParseResult, layers: string[], datum: Datum): Preview {
  const features: Feature[] = r.features
    .slice(0, PREVIEW_LIMIT)
    .map((f) => ({ type: 'Feature', properties: f.properties, geometry: mapCoords(f.geometry, (p) => toWgs(p, datum)) }));
  return {
    format: r.format === 'geopackage' ? 'geopackage' : 'shapefile',
    encoding: r.encoding ?? 'utf-8',
    features: { type: 'FeatureCollection', features },
    types: count(r.features as unknown as Feature[]),
    fields: fieldsOf(r.features),
    layers,
    layer: r.sourceLayer,
    warnings: r.warnings ?? [],
  };
}

/** A zipped Shapefile: the chosen layer (or the first of several) in WGS84. */
function readShapefile(bytes: Uint8Array, datum: Datum, sourceLayer?: string): Preview {
  const layers = shapefileLayerNames(bytes);
  const layer = sourceLayer && layers.includes(sourceLayer) ? sourceLayer : layers[0];
  return layerPreview(parseShapefileZip(bytes, { sourceLayer: layer }), layers, datum);
}

/** The layers of a Shapefile .zip or GeoPackage even when the one previewed cannot be read (so another can be picked); [] otherwise. */
export function layerNamesOf(name: string, bytes: Uint8Array, gpkg?: GeoPackageReader | null): string[] {
  if (isZip(bytes) || /\.zip$/i.test(name)) return shapefileLayerNames(bytes);
  if (isGeoPackage(name, bytes)) return gpkg ? gpkg.layers(bytes) : [];
  return [];
}

/**
 * Reads a file's bytes into a preview; throws with a plain message when it cannot be read. A
 * GeoPackage needs `gpkg`, the reader ./geopackage-preview.ts loads.
 */
export function readPreview(name: string, bytes: Uint8Array, datum: Datum, sourceLayer?: string, gpkg?: GeoPackageReader | null): Preview {
  const ext0 = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (isZip(bytes) || ext0 === 'zip') return readShapefile(bytes, datum, sourceLayer);
  if (isGeoPackage(name, bytes)) {
    if (!gpkg) throw new Error('the GeoPackage reader (sql.js) is not loaded');
    return gpkg.preview(bytes, datum, sourceLayer);
  }
  const { text, encoding } = decode(bytes);
  const body = text.replace(/^\uFEFF/, '');
  const head = body.trimStart()[0];
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (ext === 'osm' || ext === 'xml' || head === '<') return { format: 'osm', encoding, features: null, types: {}, fields: [] };
  if (ext === 'geojson' || ext === 'json' || head === '{' || head === '[') {
    const json = JSON.parse(body) as { type?: string; features?: Feature[] };
    const all = json.type === 'FeatureCollection' && Array.isArray(json.features) ? json.features : json.type === 'Feature' ? [json as unknown as Feature] : [];
    const features = all
      .slice(0, PREVIEW_LIMIT)
      .filter((f) => f && f.geometry)
      .map((f) => ({ ...f, geometry: mapCoords(f.geometry, (p) => toWgs(p, datum)) }));
    const props = all.find((f) => f?.properties)?.properties ?? {};
    const fields = Object.entries(props).map(([k, v]) => ({ name: k, role: roleOf(k), sample: String(v ?? '') }));
    return { format: 'geojson', encoding, features: { type: 'FeatureCollection', features }, types: count(all.filter((f) => f?.geometry)), fields };
  }
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) throw new Error('empty file');
  const headers = splitCsvLine(lines[0]);
  const first = lines[1] ? splitCsvLine(lines[1]) : [];
  const fields = headers.map((h, i) => ({ name: h, role: roleOf(h), sample: first[i] ?? '' }));
  const lon = fields.findIndex((f) => f.role === 'lon');
  const lat = fields.findIndex((f) => f.role === 'lat');
  const features: Feature[] = [];
  if (lon >= 0 && lat >= 0) {
    for (let i = 1; i < lines.length && features.length < PREVIEW_LIMIT; i++) {
      const r = splitCsvLine(lines[i]);
      const x = Number(r[lon]);
      const y = Number(r[lat]);
      if (!Number.isFinite(x) || !Number.isFinite(y) || r[lon] === '' || r[lat] === '') continue;
      features.push({ type: 'Feature', properties: { row: i + 1 }, geometry: { type: 'Point', coordinates: toWgs([x, y], datum) } });
    }
  }
  return { format: 'csv', encoding, features: { type: 'FeatureCollection', features }, types: features.length ? { Point: features.length } : {}, fields };
}
