import type { ImportReport as HttpImportReport, LayerReport } from '../../common/http/imports';
import { isConnectionError } from '../db/connection-errors';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Db, Queryable } from '../db';
import { detectColumns, type ColumnOverrides, type ColumnRole } from './columns';
import { tableFeatures } from './csv';
import { geometryToWgs84 } from './datum';
import { decodeText, undecodableLines, type TextEncoding } from './decode';
import { ImportError, ParseFailure } from '../../common/gis-files/parse-errors';
import { parseGeoJson } from './geojson';
import { isSqlite, parseGeoPackage } from '../../common/gis-files/geopackage';
import { isZip, parseShapefileZip } from '../../common/gis-files/shapefile';
import { SQL } from './sqljs';
import { isAuxiliaryPoint } from './classify';
import { inferLayer, layerFromName } from './infer';
import { looksLikeRegister, registerRows } from './register';
import { csvTable, isXlsx, xlsxTable, type Table } from './table';
import { parseOsm } from './osm';
import { boundaryRows, buildingRows, incidentRows, shopRows, streetPieces, waterRows, type RowsResult } from './rows';
import { healStreets, type HealStats } from './streets';
import type { Datum, FileFormat, Layer, ParseResult, Problem, RawFeature } from '../../common/gis-files/feature-types';
import {
  coordinateProblem,
  degenerateProblem,
  CHINA_BBOX,
  DISTRICT_BBOX,
  type BBox,
  districtProblem,
  geometryKmFromDistrict,
  LAYER_GEOMETRY,
  tidyGeometry,
} from './validate';
import { WriteRefusal, writeImport, type WritePlan } from './write';

export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
/** Features further than this outside the district bbox are rejected when others are inside. */
export const OUTSIDE_KM = 5;

export interface ImportOptions {
  datum?: Datum;
  /** Only this layer; otherwise inferred from the file (OSM files may fill streets and buildings). */
  layer?: Layer;
  /** Shapefile .zip / GeoPackage holding several layers: the one to import (a .shp name or a feature table). */
  sourceLayer?: string;
  /** Sub-district for rows outside every known sub-district outline. */
  subdistrict?: string;
  /** Do everything, then roll back. */
  dryRun?: boolean;
  /** Allow data outside Yingjiang (the real samples of other cities). */
  anywhere?: boolean;
  /**
   * Where the district is: the extent of the sub-districts already imported (null: none yet, so
   * anywhere in China). Undefined: the demo district's box (Yingjiang). Boundaries themselves are
   * checked against China only, so a district grows by importing its neighbours.
   */
  districtBox?: BBox | null;
  maxBytes?: number;
  /** Tolerance for healing street ends (m). */
  healToleranceM?: number;
  onProgress?: (message: string) => void;
  /** Runs inside the import's transaction after the rows are written (not on a dry run): audit, derived columns; `imported`: rows written per layer. */
  afterWrite?: (tx: Queryable, imported: Partial<Record<Layer, number>>) => Promise<void>;
  /**
   * Runs inside the transaction after the rows are written, on a dry run too: an error it throws
   * with a 4xx `statusCode` (e.g. rows outside the caller's sub-districts) aborts the import as is.
   */
  checkWrite?: (tx: Queryable, plan: WritePlan) => Promise<void>;
  /** Tables: the planner's column choices (role → header name), over the detected ones. */
  columns?: ColumnOverrides;
  /** XLSX: the sheet to read (default: the first with data). */
  sheet?: string;
  /** XLSX: the workbook already read (prepareImportFile reads it; exceljs is asynchronous). */
  table?: Table;
}

/** The most rejected rows an import report lists (the rejects CSV is made from them). */
export const REPORT_REJECTIONS = 10_000;

export type { LayerReport };

/** The report of a check or an import (common/http/imports.ts), with the streets' heal figures as computed. */
export type ImportReport = Omit<HttpImportReport, 'heal'> & { heal?: HealStats };

class DryRunRollback extends Error {}

function formatOf(file: string, text: string): FileFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.geojson' || ext === '.json') return 'geojson';
  if (ext === '.osm' || ext === '.xml') return 'osm';
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  const head = text.trimStart()[0];
  return head === '<' ? 'osm' : head === '{' || head === '[' ? 'geojson' : 'csv';
}

/** A binary GIS format by its magic bytes, else by its extension; null for a text file. */
export function binaryFormatOf(file: string, bytes: Uint8Array): 'shapefile' | 'geopackage' | null {
  if (isZip(bytes)) return 'shapefile';
  if (isSqlite(bytes)) return 'geopackage';
  const ext = extname(file).toLowerCase();
  if (ext === '.zip') return 'shapefile';
  if (ext === '.gpkg') return 'geopackage';
  return null;
}

/** Parses a zipped Shapefile or a GeoPackage (ParseFailure with a plain message for a bad one). */
function parseBinary(format: 'shapefile' | 'geopackage', file: string, bytes: Uint8Array, opts: ImportOptions): ParseResult {
  if (format === 'shapefile') {
    if (!isZip(bytes))
      throw new ParseFailure(
        '文件扩展名是 .zip，但不是有效的 zip 压缩包（文件损坏或不完整） (the file extension is .zip but the file is not a valid zip archive; it is damaged or incomplete)',
      );
    return parseShapefileZip(bytes, { sourceLayer: opts.sourceLayer });
  }
  if (!isSqlite(bytes))
    throw new ParseFailure(
      '文件扩展名是 .gpkg，但不是 GeoPackage（SQLite）文件，文件可能已损坏 (the file extension is .gpkg but the file is not a GeoPackage SQLite file; it may be damaged)',
    );
  return parseGeoPackage(SQL, bytes, { sourceLayer: opts.sourceLayer });
}

/** Loose Shapefile parts: refused with how to send them. */
const LOOSE_SHAPEFILE = /\.(shp|shx|dbf|prj|cpg)$/i;

function parse(format: FileFormat, text: string): ParseResult {
  return format === 'geojson' ? parseGeoJson(text) : parseOsm(text);
}

export function emptyLayer(): LayerReport {
  return { read: 0, imported: 0, repaired: 0, rejected: 0, skipped: 0, replaced: 0 };
}

function typeList(layer: Layer): string {
  return LAYER_GEOMETRY[layer].join(' or ');
}

/** Reads an import file, refusing missing, empty and oversized files. */
export async function readImportFile(file: string, maxBytes = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
  const name = basename(file);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new ImportError(name, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (size > maxBytes) {
    throw new ImportError(name, `file is ${(size / 1048576).toFixed(1)} MB, over the ${(maxBytes / 1048576).toFixed(0)} MB limit`);
  }
  if (size === 0) throw new ImportError(name, 'empty file');
  return readFile(file);
}

/** Imports one file from disk. Throws ImportError for a bad file (nothing written). */
export async function importFile(db: Db, file: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const bytes = await readImportFile(file, opts.maxBytes);
  return importBytes(db, bytes, file, opts);
}

/** Imports file contents (the HTTP upload route calls this with the uploaded bytes and file name). */
export async function importBytes(db: Db, bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const withBox = opts.districtBox === undefined ? { ...opts, districtBox: await districtBoxOf(db) } : opts;
  return commitImport(db, await prepareImportFile(bytes, fileName, withBox), withBox);
}

/** Margin around the district's extent within which imported data counts as the district's (degrees, ≈ 10 km). */
const DISTRICT_MARGIN_DEG = 0.1;

/**
 * Where the district is, from what the database holds: the extent of its sub-districts, or, before
 * any boundary is imported, of its streets and buildings, widened by ≈ 10 km; null when the
 * database holds no geography yet (the first file may lie anywhere in China).
 */
export async function districtBoxOf(db: Queryable): Promise<BBox | null> {
  const extent = async (sql: string) => {
    const r = await db.query<{ west: number | null; south: number | null; east: number | null; north: number | null }>(
      `SELECT ST_XMin(e) AS west, ST_YMin(e) AS south, ST_XMax(e) AS east, ST_YMax(e) AS north FROM (${sql}) x`,
    );
    const b = r.rows[0];
    return b && b.west !== null && b.west !== undefined
      ? {
          west: Number(b.west) - DISTRICT_MARGIN_DEG,
          south: Number(b.south) - DISTRICT_MARGIN_DEG,
          east: Number(b.east) + DISTRICT_MARGIN_DEG,
          north: Number(b.north) + DISTRICT_MARGIN_DEG,
        }
      : null;
  };
  return (
    (await extent('SELECT ST_Extent(geom) AS e FROM subdistricts')) ??
    (await extent('SELECT ST_Extent(geom) AS e FROM (SELECT geom FROM streets UNION ALL SELECT geom FROM buildings) g'))
  );
}

/** An XLSX workbook's table (ImportError for a bad workbook); null for other files. */
export async function readWorkbook(bytes: Uint8Array, fileName: string, sheet?: string): Promise<Table | null> {
  if (!isXlsx(fileName, bytes)) return null;
  try {
    return await xlsxTable(bytes, sheet);
  } catch (err) {
    if (err instanceof ParseFailure) throw new ImportError(basename(fileName), err.problem, err.feature);
    throw err;
  }
}

/** prepareImport for any file: an XLSX workbook is read first (asynchronously), the rest as text. */
export async function prepareImportFile(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): Promise<PreparedImport> {
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.byteLength > max || bytes.byteLength === 0) return prepareImport(bytes, fileName, opts); // its plain refusal
  const table = opts.table ?? (await readWorkbook(bytes, fileName, opts.sheet));
  return prepareImport(bytes, fileName, table ? { ...opts, table } : opts);
}

/** An import parsed, checked, converted, classified and healed: ready for commitImport. */
export interface PreparedImport {
  t0: number;
  file: string;
  name: string;
  format: FileFormat;
  encoding: TextEncoding;
  datum: Datum;
  featureCount: number;
  read: Partial<Record<Layer, number>>;
  repairedJs: Partial<Record<Layer, number>>;
  skippedBy: Partial<Record<Layer, number>>;
  refLayer: Map<string, Layer>;
  rejections: Problem[];
  skippedReasons: Record<string, number>;
  warnings: string[];
  heal?: HealStats;
  columns?: Partial<Record<ColumnRole, string>>;
  sheet?: string;
  plan: WritePlan;
}

/**
 * Everything but the database: parse → coordinate sanity → datum → location check → classify →
 * heal. Throws ImportError for a bad file. No I/O.
 */
export function prepareImport(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): PreparedImport {
  const t0 = performance.now();
  const name = basename(fileName);
  const datum = opts.datum ?? 'wgs84';
  const progress = opts.onProgress ?? (() => undefined);
  const fail = (problem: string, feature?: string): never => {
    throw new ImportError(name, problem, feature);
  };
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.byteLength > max) fail(`file is ${(bytes.byteLength / 1048576).toFixed(1)} MB, over the ${(max / 1048576).toFixed(0)} MB limit`);
  if (bytes.byteLength === 0) fail('empty file');

  if (LOOSE_SHAPEFILE.test(name))
    fail(
      'Shapefile 需要 .shp、.shx、.dbf、.prj（及 .cpg）一起：请把它们压缩成一个 .zip 再上传 (a Shapefile needs its .shp, .shx, .dbf, .prj and .cpg files together: compress them into one .zip and upload that)',
    );
  if (!opts.table && isXlsx(name, bytes)) fail('XLSX workbooks are read by prepareImportFile');
  const binary = opts.table ? null : binaryFormatOf(name, bytes);
  let text = '';
  let encoding: TextEncoding = 'utf-8';
  let format: FileFormat;
  let parsed: ParseResult;
  let table: Table | undefined;
  let columns: Partial<Record<ColumnRole, string>> | undefined;
  try {
    if (binary) {
      format = binary;
      parsed = parseBinary(binary, name, bytes, opts);
      encoding = parsed.encoding ?? 'utf-8';
      // a register as Shapefile / GeoPackage points: their attributes are the register's columns
      if ((opts.layer ?? layerFromName(name)) === 'register') {
        return prepareRegister(t0, fileName, name, pointsTable(parsed), encoding, datum, opts, format);
      }
    } else {
      if (!opts.table) {
        ({ text, encoding } = decodeText(bytes));
        // PostgreSQL text cannot hold U+0000; a text file never has one (binary data, or UTF-16)
        const nul = text.indexOf('\u0000');
        if (nul >= 0)
          fail('the file contains NUL bytes (binary data, or UTF-16 text: save it as UTF-8 or GBK)', `line ${text.slice(0, nul).split('\n').length}`);
      }
      format = opts.table ? 'xlsx' : formatOf(name, text);
      if (format === 'csv' || format === 'xlsx') {
        table = opts.table ?? csvTable(text);
        const detected = detectColumns(table.headers, opts.columns ?? {});
        const layer = opts.layer ?? layerFromName(name) ?? (looksLikeRegister(detected) && detected.time === undefined ? 'register' : null);
        if (layer === 'register') return prepareRegister(t0, fileName, name, table, encoding, datum, opts);
        parsed = tableFeatures(table, opts.columns);
        columns = Object.fromEntries(Object.entries(detected).map(([r, i]) => [r, table!.headers[i]]));
      } else {
        parsed = parse(format, text);
        // a register as GeoJSON / OSM points: their properties are the register's columns
        if ((opts.layer ?? layerFromName(name)) === 'register') {
          return prepareRegister(t0, fileName, name, pointsTable(parsed), encoding, datum, opts, format);
        }
      }
    }
  } catch (err) {
    if (err instanceof ParseFailure) return fail(err.problem, err.feature);
    if (table && err instanceof Error && !(err instanceof ImportError)) return fail(err.message, table.headerRef); // a column override naming no column
    throw err;
  }
  progress(`import: ${name}: read ${parsed.features.length} features (${format}${parsed.sourceLayer ? ` layer ${parsed.sourceLayer}` : ''}, ${encoding})`);

  const rejections: Problem[] = [...parsed.problems];
  const skippedReasons: Record<string, number> = { ...parsed.skipped };
  const warnings: string[] = [...(parsed.warnings ?? [])];
  // Not valid UTF-8 and not valid GBK either where the decoder had to put U+FFFD: imported, but say which lines
  if (encoding === 'gbk' && !binary) {
    const bad = undecodableLines(text);
    if (bad.count) {
      const shown = bad.lines.map((l) => `line ${l}`).join(', ');
      warnings.push(
        `${bad.count} line(s) hold byte sequences that are valid neither as GBK nor as UTF-8, imported with � in their place: ${shown}${bad.count > bad.lines.length ? ', …' : ''} ` +
          `(${bad.count} 行含有无法按 GBK 解码的字节，已以 � 代替：请检查文件编码)`,
      );
    }
  }
  // the layer's own name inside a .zip / .gpkg hints the target layer when the file name does not
  const fileLayer = opts.layer ?? inferLayer(name, []) ?? (parsed.sourceLayer ? inferLayer(parsed.sourceLayer, []) : null) ?? inferLayer(name, parsed.features);

  // Coordinates: fatal on the first bad one.
  for (const f of parsed.features) {
    const p = coordinateProblem(f.geometry);
    if (p) fail(p, f.ref);
  }

  // Which layer each feature is for, and whether its geometry fits.
  const byLayer = new Map<Layer, RawFeature[]>();
  const read: Partial<Record<Layer, number>> = {};
  let wrongType: { ref: string; problem: string } | null = null;
  const repairedJs: Partial<Record<Layer, number>> = {};
  const refLayer = new Map<string, Layer>();
  const skippedAux: Partial<Record<Layer, number>> = {};
  for (const f of parsed.features) {
    const layer = f.layer ?? fileLayer;
    if (!layer) return fail('cannot tell which layer this file is for: pass --layer streets|water|buildings|shops|incidents|boundaries');
    if (opts.layer && f.layer && f.layer !== opts.layer) {
      skippedReasons[`not ${opts.layer} (${f.layer})`] = (skippedReasons[`not ${opts.layer} (${f.layer})`] ?? 0) + 1;
      continue;
    }
    read[layer] = (read[layer] ?? 0) + 1;
    refLayer.set(f.ref, layer);
    if (layer !== 'shops' && layer !== 'incidents' && isAuxiliaryPoint(f.geometry.type, f.properties)) {
      skippedReasons['label/address/entrance point'] = (skippedReasons['label/address/entrance point'] ?? 0) + 1;
      skippedAux[layer] = (skippedAux[layer] ?? 0) + 1;
      continue;
    }
    if (!LAYER_GEOMETRY[layer].includes(f.geometry.type)) {
      const problem = `wrong geometry type ${f.geometry.type} for layer ${layer} (expects ${typeList(layer)})`;
      wrongType ??= { ref: f.ref, problem };
      rejections.push({ feature: f.ref, problem });
      continue;
    }
    const d = degenerateProblem(f.geometry);
    if (d) {
      rejections.push({ feature: f.ref, problem: d });
      continue;
    }
    const tidy = tidyGeometry(f.geometry);
    if (tidy.changed) repairedJs[layer] = (repairedJs[layer] ?? 0) + 1;
    const list = byLayer.get(layer) ?? [];
    list.push({ ...f, geometry: geometryToWgs84(tidy.geometry, datum) });
    byLayer.set(layer, list);
  }
  const usable = [...byLayer.values()].reduce((n, l) => n + l.length, 0);
  if (usable === 0 && wrongType) fail(wrongType.problem, wrongType.ref);
  if (usable === 0) fail('no importable features' + (rejections[0] ? `: ${rejections[0].feature}: ${rejections[0].problem}` : ''));

  // Location: this is a district app; data elsewhere needs --anywhere.
  const all = [...byLayer.values()].flat();
  const districtBox = opts.districtBox === undefined ? DISTRICT_BBOX : (opts.districtBox ?? CHINA_BBOX);
  const boxOf = (layer: Layer) => (layer === 'boundaries' ? CHINA_BBOX : districtBox);
  if (!opts.anywhere) {
    for (const [layer, list] of byLayer) {
      const p = districtProblem(list, boxOf(layer));
      if (p) fail(p.problem, p.feature);
    }
    for (const [layer, list] of byLayer) {
      const kept = list.filter((f) => {
        const km = geometryKmFromDistrict(f.geometry, boxOf(layer));
        if (km > OUTSIDE_KM) rejections.push({ feature: f.ref, problem: `${km.toFixed(1)} km outside the district` });
        return km <= OUTSIDE_KM;
      });
      byLayer.set(layer, kept);
    }
  } else if (districtProblem(all, districtBox)) {
    warnings.push('data lies outside the district (imported because of --anywhere)');
  }

  // Rows per table.
  const prefix = name;
  const plan: WritePlan = { source: name, prefix, subdistrict: opts.subdistrict };
  const skippedBy: Partial<Record<Layer, number>> = {};
  const note = <R>(layer: Layer, r: RowsResult<R>): R[] => {
    rejections.push(...r.rejected);
    let n = 0;
    for (const [k, v] of Object.entries(r.skipped)) {
      skippedReasons[k] = (skippedReasons[k] ?? 0) + v;
      n += v;
    }
    skippedBy[layer] = n + (skippedAux[layer] ?? 0);
    return r.rows;
  };
  let heal: HealStats | undefined;
  for (const [layer, list] of byLayer) {
    if (layer === 'streets') {
      const pieces = note(layer, streetPieces(list));
      progress(`import: healing ${pieces.length} street pieces`);
      const healed = healStreets(prefix, pieces, opts.healToleranceM ?? 1);
      heal = healed.stats;
      plan.streets = healed.lines;
      progress(`import: ${heal.pieces} pieces became ${heal.lines} lines; largest component ${(heal.largestComponentShare * 100).toFixed(1)}% of length`);
    } else if (layer === 'water') plan.water = note(layer, waterRows(prefix, list));
    else if (layer === 'buildings') plan.buildings = note(layer, buildingRows(prefix, list));
    else if (layer === 'shops') plan.shops = note(layer, shopRows(prefix, list));
    else if (layer === 'incidents') plan.incidents = note(layer, incidentRows(prefix, list));
    else plan.boundaries = note(layer, boundaryRows(list, opts.subdistrict));
  }

  return {
    t0,
    file: fileName,
    name,
    format,
    encoding,
    datum,
    featureCount: parsed.features.length + parsed.problems.length,
    read,
    repairedJs,
    skippedBy,
    refLayer,
    rejections,
    skippedReasons,
    warnings,
    heal,
    plan,
    ...(columns ? { columns } : {}),
    ...(table?.sheet ? { sheet: table.sheet } : {}),
  };
}

/** Point features as a table (columns: lon, lat, then every property), for the register. */
function pointsTable(parsed: ParseResult): Table {
  const keys = [...new Set(parsed.features.flatMap((f) => Object.keys(f.properties)))].filter((k) => !['lon', 'lat'].includes(k));
  const headers = ['lon', 'lat', ...keys];
  const rows = parsed.features.map((f) => {
    const c = f.geometry.type === 'Point' ? f.geometry.coordinates : null;
    const props = keys.map((k) => {
      const v = f.properties[k];
      return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
    return { ref: f.ref, cells: [c ? String(c[0]) : '', c ? String(c[1]) : '', ...props] };
  });
  return { format: 'csv', headers, headerRef: 'properties', rows, skipped: { ...parsed.skipped } };
}

/**
 * The household register path of prepareImport: rows with coordinates (converted to WGS84) or
 * left for address matching at write time; rows that cannot be used are rejected, not fatal.
 */
function prepareRegister(
  t0: number,
  fileName: string,
  name: string,
  table: Table,
  encoding: TextEncoding,
  datum: Datum,
  opts: ImportOptions,
  prepFormat?: FileFormat,
): PreparedImport {
  const reg = registerRows(table, datum, opts.columns);
  const format = prepFormat ?? table.format;
  const located = reg.rows.filter((r) => r.lon !== null);
  // a register whose every row has coordinates, none of them in the district: the datum or the file is wrong
  if (!opts.anywhere && located.length === reg.rows.length && located.length > 0) {
    const box = opts.districtBox === undefined ? DISTRICT_BBOX : (opts.districtBox ?? CHINA_BBOX);
    const p = districtProblem(
      located.map((r) => ({ ref: r.ref, geometry: { type: 'Point', coordinates: [r.lon!, r.lat!] }, properties: {} })),
      box,
    );
    if (p) throw new ImportError(name, p.problem, p.feature);
  }
  const refLayer = new Map<string, Layer>(table.rows.map((r) => [r.ref, 'register']));
  const columns = Object.fromEntries(Object.entries(reg.columns).map(([r, i]) => [r, table.headers[i]])) as Partial<Record<ColumnRole, string>>;
  const skipped = Object.values(table.skipped).reduce((a, b) => a + b, 0);
  return {
    t0,
    file: fileName,
    name,
    format,
    encoding,
    datum,
    featureCount: table.rows.length,
    read: { register: table.rows.length },
    repairedJs: {},
    skippedBy: { register: skipped },
    refLayer,
    rejections: [...reg.rejected],
    skippedReasons: { ...table.skipped },
    warnings: [],
    columns,
    ...(table.sheet ? { sheet: table.sheet } : {}),
    plan: { source: name, prefix: name, subdistrict: opts.subdistrict, register: reg.rows, registerImportId: `${name}@${new Date().toISOString()}` },
  };
}

/** Writes a prepared import in ONE transaction (rolled back on any error, or at the end of a dry run). */
export async function commitImport(db: Db, prep: PreparedImport, opts: ImportOptions = {}): Promise<ImportReport> {
  const { t0, name, format, encoding, datum, read, repairedJs, skippedBy, refLayer, rejections, skippedReasons, warnings, heal, plan } = prep;
  const progress = opts.onProgress ?? (() => undefined);
  const fail = (problem: string, feature?: string): never => {
    throw new ImportError(name, problem, feature);
  };
  progress(`import: writing${opts.dryRun ? ' (dry run)' : ''}`);
  let counts: Awaited<ReturnType<typeof writeImport>> = {};
  try {
    await db.transaction(async (tx) => {
      counts = await writeImport(tx, plan);
      if (opts.checkWrite) await opts.checkWrite(tx, plan);
      if (opts.dryRun) throw new DryRunRollback();
      if (opts.afterWrite) {
        const imported: Partial<Record<Layer, number>> = {};
        for (const [layer, c] of Object.entries(counts)) if (c) imported[layer as Layer] = c.imported;
        await opts.afterWrite(tx, imported);
      }
    });
  } catch (err) {
    if (err instanceof WriteRefusal) fail(err.message);
    if (isConnectionError(err)) throw err; // the database went away: not the file's fault (jobs run again, HTTP 503)
    const status = (err as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) throw err;
    if (!(err instanceof DryRunRollback)) {
      throw new ImportError(name, `database refused the import, nothing was written (${(err as Error).message})`);
    }
  }

  const layers: Partial<Record<Layer, LayerReport>> = {};
  const layerNames = new Set<Layer>([...(Object.keys(read) as Layer[]), ...(Object.keys(counts) as Layer[])]);
  for (const layer of layerNames) {
    const c = counts[layer];
    if (c) rejections.push(...c.rejected);
    const r: LayerReport = emptyLayer();
    r.read = read[layer] ?? 0;
    r.imported = c?.imported ?? 0;
    r.repaired = (c?.repaired ?? 0) + (repairedJs[layer] ?? 0);
    r.skipped = skippedBy[layer] ?? 0;
    r.replaced = c?.replaced ?? 0;
    if (c?.located !== undefined) r.located = c.located;
    if (c?.attached !== undefined) r.attached = c.attached;
    if (c?.unattached !== undefined) r.unattached = c.unattached;
    if (c?.withoutBuildings) r.without_buildings = c.withoutBuildings;
    const merged = (c as { merged?: number } | undefined)?.merged;
    if (merged !== undefined) r.merged = merged;
    layers[layer] = r;
  }
  for (const layer of layerNames) {
    const r = layers[layer]!;
    r.rejected = rejections.filter((p) => refLayer.get(p.feature) === layer).length;
  }
  if (counts.register) {
    const c = counts.register;
    layers.register!.matched = c.matched ?? 0;
    layers.register!.replacedSubdistricts = c.replacedSubdistricts ?? [];
    if (c.replaced > 0) {
      const where = (c.replacedSubdistricts ?? []).join('、');
      warnings.push(
        opts.dryRun
          ? `导入后将替换街道 ${where} 原有的 ${c.replaced} 条住户登记 (importing replaces ${c.replaced} earlier register rows of sub-districts ${where})`
          : `已替换街道 ${where} 原有的 ${c.replaced} 条住户登记 (replaced ${c.replaced} earlier register rows of sub-districts ${where})`,
      );
    }
    const order = (ref: string) => Number(/\d+$/.exec(ref)?.[0] ?? Infinity);
    rejections.sort((a, b) => order(a.feature) - order(b.feature));
  }
  const sum = (k: keyof LayerReport) => Object.values(layers).reduce((n, l) => n + ((l?.[k] as number | undefined) ?? 0), 0);
  return {
    file: prep.file,
    source: name,
    format,
    encoding,
    datum,
    dryRun: Boolean(opts.dryRun),
    read: prep.featureCount,
    imported: sum('imported'),
    repaired: sum('repaired'),
    rejected: rejections.length,
    skipped: Object.values(skippedReasons).reduce((a, b) => a + b, 0),
    layers,
    rejections: rejections.slice(0, REPORT_REJECTIONS),
    ...(rejections.length > REPORT_REJECTIONS ? { rejectionsTruncated: true } : {}),
    ...(prep.columns ? { columns: prep.columns } : {}),
    ...(prep.sheet ? { sheet: prep.sheet } : {}),
    skippedReasons,
    ...(heal ? { heal } : {}),
    warnings,
    ms: Math.round(performance.now() - t0),
  };
}
