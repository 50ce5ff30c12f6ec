/**
 * Reads one feature table of a GeoPackage (.gpkg, an SQLite file) into RawFeatures in WGS84:
 * sql.js opens the bytes, the GeoPackage header of each geometry blob is stepped over and ./wkb.ts
 * reads the WKB, proj4 converts from the table's gpkg_spatial_ref_sys definition. A GeoPackage with
 * several feature tables imports the one named, or is refused with their names. Pure and synchronous
 * given an initialised sql.js, which the caller passes in (server: server/import/sqljs.ts; browser:
 * the import view loads it lazily with its wasm served from our own origin).
 */
import type { Geometry } from 'geojson';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { ParseFailure } from './parse-errors';
import { epsgToWgs84, inDegreeRange, PROJECTED_WITHOUT_CRS, reprojectGeometry, wktToWgs84, type ToWgs84 } from './reproject';
import { noSuchLayer, severalLayers, type ArchiveOptions } from './shapefile';
import type { ParseResult, RawFeature } from './feature-types';
import { wkbToGeometry } from './wkb';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** "SQLite format 3\0": an SQLite database (a GeoPackage is one). */
export function isSqlite(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  for (let i = 0; i < 16; i++) if (bytes[i] !== SQLITE_MAGIC.charCodeAt(i)) return false;
  return true;
}

interface FeatureTable {
  table: string;
  column: string;
  srsId: number;
}

const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`;

function rows(db: Database, sql: string, params: SqlValue[] = []): Array<Record<string, SqlValue>> {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const out: Array<Record<string, SqlValue>> = [];
    while (stmt.step()) out.push(stmt.getAsObject());
    return out;
  } finally {
    stmt.free();
  }
}

/**
 * The WKB inside a GeoPackage geometry blob ("GP", version, flags, srs_id, envelope), or null for
 * an empty geometry. Throws on a blob that is not a GeoPackage geometry.
 */
export function gpkgWkb(blob: Uint8Array): Uint8Array | null {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new Error('not a GeoPackage geometry (no "GP" header)');
  const flags = blob[3];
  if (flags & 0x20) throw new Error('extended GeoPackage geometry type');
  if (flags & 0x10) return null; // empty geometry
  const envelope = [0, 32, 48, 48, 64][(flags >> 1) & 0x07];
  if (envelope === undefined) throw new Error('bad envelope indicator');
  return blob.subarray(8 + envelope);
}

function converterFor(db: Database, srsId: number, geoms: Geometry[]): ToWgs84 | null {
  if (srsId === 0) return null; // undefined geographic: degrees
  const srs = rows(db, 'SELECT srs_name, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?', [srsId])[0];
  const org = String(srs?.organization ?? '').toUpperCase();
  const code = Number(srs?.organization_coordsys_id);
  if (srsId === -1 || !srs) {
    if (inDegreeRange(geoms)) return null;
    throw new ParseFailure(`GeoPackage 未定义坐标系（srs_id ${srsId}），${PROJECTED_WITHOUT_CRS}`);
  }
  const def = typeof srs.definition === 'string' && srs.definition.trim() !== 'undefined' ? srs.definition : '';
  const conv = (org === 'EPSG' ? epsgToWgs84(code) : null) ?? (def ? wktToWgs84(def) : null);
  if (!conv) throw new ParseFailure(`无法识别 GeoPackage 的坐标系：${String(srs.srs_name ?? '')} ${org}:${code} ${def.slice(0, 120)}`.trim());
  return conv;
}

export interface GeoPackageOptions extends ArchiveOptions {
  /** Several feature tables and none (or an unknown one) named: read the first instead of refusing (the preview). */
  orFirst?: boolean;
}

/** The feature tables (data_type 'features') by name. Throws ParseFailure for an SQLite file that is no GeoPackage or is damaged. */
function featureTables(db: Database): FeatureTable[] {
  try {
    return rows(
      db,
      `SELECT c.table_name AS t, g.column_name AS c, g.srs_id AS s FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
       WHERE c.data_type = 'features' ORDER BY c.table_name`,
    ).map((r) => ({ table: String(r.t), column: String(r.c), srsId: Number(r.s) }));
  } catch (err) {
    const m = (err as Error).message;
    if (/no such table/i.test(m)) throw new ParseFailure('这是 SQLite 数据库，但不是 GeoPackage（缺少 gpkg_contents / gpkg_geometry_columns 表）');
    throw new ParseFailure(`无法读取 GeoPackage（${m}），文件可能已损坏或不完整`);
  }
}

/** The feature table names of a GeoPackage, for a layer picker; [] when it cannot be opened or read. */
export function geoPackageLayerNames(SQL: SqlJsStatic, bytes: Uint8Array): string[] {
  if (!isSqlite(bytes)) return [];
  let db: Database | null = null;
  try {
    db = new SQL.Database(bytes);
    return featureTables(db).map((t) => t.table);
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

/** Parses a GeoPackage. Throws ParseFailure with a plain message for a file it cannot use. */
export function parseGeoPackage(SQL: SqlJsStatic, bytes: Uint8Array, opts: ArchiveOptions = {}): ParseResult {
  return readGeoPackage(SQL, bytes, opts).result;
}

/** Parses a GeoPackage and names its feature tables (for a layer picker). Throws ParseFailure like parseGeoPackage. */
export function readGeoPackage(SQL: SqlJsStatic, bytes: Uint8Array, opts: GeoPackageOptions = {}): { result: ParseResult; layers: string[] } {
  if (!isSqlite(bytes)) throw new ParseFailure('不是 GeoPackage（SQLite）文件，文件可能已损坏或不完整');
  let db: Database;
  try {
    db = new SQL.Database(bytes);
  } catch (err) {
    throw new ParseFailure(`无法打开 GeoPackage（${(err as Error).message}），文件可能已损坏`);
  }
  try {
    const tables = featureTables(db);
    if (!tables.length) throw new ParseFailure('GeoPackage 中没有矢量要素图层（只有瓦片或属性表）');
    const names = tables.map((t) => t.table);
    let chosen: FeatureTable;
    const hit = opts.sourceLayer
      ? (tables.find((t) => t.table === opts.sourceLayer) ?? tables.find((t) => t.table.toLowerCase() === opts.sourceLayer!.toLowerCase()))
      : undefined;
    if (hit) chosen = hit;
    else if (opts.orFirst || (tables.length === 1 && !opts.sourceLayer)) chosen = tables[0];
    else if (opts.sourceLayer) throw new ParseFailure(noSuchLayer('GeoPackage ', opts.sourceLayer, names));
    else throw new ParseFailure(severalLayers('GeoPackage ', names));

    const pk = rows(db, `SELECT name FROM pragma_table_info(?) WHERE pk > 0`, [chosen.table]).map((r) => String(r.name));
    const idColumn = pk.length === 1 ? pk[0] : null;
    let read: Array<Record<string, SqlValue>>;
    try {
      read = rows(db, `SELECT * FROM ${quoteId(chosen.table)}`);
    } catch (err) {
      throw new ParseFailure(`无法读取图层 ${chosen.table}（${(err as Error).message}），文件可能已损坏或不完整`);
    }

    const problems: ParseResult['problems'] = [];
    const skipped: Record<string, number> = {};
    const parsed: Array<{ ref: string; sourceId?: string; geometry: Geometry; properties: Record<string, unknown> }> = [];
    read.forEach((r, i) => {
      const id = idColumn ? r[idColumn] : null;
      const ref = `feature ${id ?? i + 1}`;
      const blob = r[chosen.column];
      if (blob === null || blob === undefined) {
        skipped['no geometry'] = (skipped['no geometry'] ?? 0) + 1;
        return;
      }
      let geometry: Geometry;
      try {
        if (!(blob instanceof Uint8Array)) throw new Error('geometry column holds no blob');
        const wkb = gpkgWkb(blob);
        const g = wkb && wkbToGeometry(wkb);
        if (!g) {
          skipped['empty geometry'] = (skipped['empty geometry'] ?? 0) + 1;
          return;
        }
        geometry = g;
      } catch (err) {
        problems.push({ feature: ref, problem: `unreadable geometry (${(err as Error).message})` });
        return;
      }
      const properties: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        if (k === chosen.column || k === idColumn || v instanceof Uint8Array) continue;
        properties[k] = v;
      }
      parsed.push({ ref, sourceId: id === null || id === undefined ? undefined : String(id), geometry, properties });
    });

    const toWgs = converterFor(
      db,
      chosen.srsId,
      parsed.map((f) => f.geometry),
    );
    const features: RawFeature[] = parsed.map((f) => ({ ...f, geometry: toWgs ? reprojectGeometry(f.geometry, toWgs) : f.geometry }));
    return { result: { format: 'geopackage', features, problems, skipped, encoding: 'utf-8', sourceLayer: chosen.table, warnings: [] }, layers: names };
  } finally {
    db.close();
  }
}
