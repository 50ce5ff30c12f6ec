/**
 * Reads a zipped Shapefile (.shp + .shx + .dbf, with .prj and optional .cpg) into RawFeatures in
 * WGS84: fflate unzips, shpjs reads the geometry and the DBF attributes, proj4 converts from the
 * .prj's coordinate system. Attribute text is decoded with the .cpg encoding, else UTF-8 when it
 * decodes cleanly, else GBK. A zip holding several layers imports the one named, or is refused
 * with their names. Pure and synchronous (runs in the browser preview and in worker threads).
 */
import { unzipSync } from 'fflate';
import type { Geometry } from 'geojson';
import { parseDbf, parseShp } from 'shpjs';
import { ParseFailure } from './parse-errors';
import { inDegreeRange, PROJECTED_WITHOUT_CRS, reprojectGeometry, wktToWgs84, type ToWgs84 } from './reproject';
import type { ParseResult, RawFeature } from './feature-types';

export interface ArchiveOptions {
  /** The layer to read when the file holds several (a .shp name without extension, a GeoPackage table). */
  sourceLayer?: string;
}

/** "PK\x03\x04": a zip archive (an empty zip starts "PK\x05\x06"). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/** The refusal for several layers and none named (shared with GeoPackage). */
export function severalLayers(kind: string, names: string[]): string {
  return `${kind}中有 ${names.length} 个图层：${names.join('、')}。请选择要导入的图层（sourceLayer=图层名），每次导入一个`;
}

/** The refusal for a named layer that is not there. */
export function noSuchLayer(kind: string, name: string, names: string[]): string {
  return `${kind}中没有图层“${name}”，可选：${names.join('、')}`;
}

interface Entry {
  path: string;
  bytes: Uint8Array;
}

function baseName(path: string): string {
  return path.replace(/^.*\//, '');
}

/** The layers (base paths of .shp members) of an unzipped archive, MacOS resource forks ignored. */
function shapefileMembers(files: Record<string, Uint8Array>): Map<string, Map<string, Entry>> {
  const layers = new Map<string, Map<string, Entry>>();
  for (const [path, bytes] of Object.entries(files)) {
    if (path.endsWith('/') || path.includes('__MACOSX/') || baseName(path).startsWith('._')) continue;
    const m = /^(.*)\.([a-z0-9]+)$/i.exec(path);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const parts = layers.get(key) ?? new Map<string, Entry>();
    parts.set(m[2].toLowerCase(), { path, bytes });
    layers.set(key, parts);
  }
  for (const [key, parts] of layers) if (!parts.has('shp')) layers.delete(key);
  return layers;
}

/** A .cpg's code page as a TextDecoder label (GBK family → gb18030, the superset); null when unknown. */
export function cpgEncoding(cpg: string): string | null {
  const c = cpg
    .replace(/\u0000/g, '')
    .trim()
    .toLowerCase();
  if (!c) return null;
  if (/^(gbk|gb2312|gb_2312|gb18030|cp936|936|ansi 936|windows-936|ms936|euc-cn)$/.test(c)) return 'gb18030';
  if (/^(utf-?8|65001|utf8-bom)$/.test(c)) return 'utf-8';
  const label = /^(?:ansi\s*|cp)?(\d{3,5})$/.exec(c) ? `windows-${/(\d+)/.exec(c)![1]}` : c;
  try {
    new TextDecoder(label);
    return label;
  } catch {
    return null;
  }
}

type Row = Record<string, unknown>;

function readDbf(dbf: Uint8Array, encoding: string): Row[] {
  const view = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength);
  return parseDbf(view, encoding) as Row[];
}

function hasReplacement(rows: Row[]): boolean {
  return rows.some((r) => Object.entries(r).some(([k, v]) => k.includes('\uFFFD') || (typeof v === 'string' && v.includes('\uFFFD'))));
}

/** The .shp's own header: file code 9994 and the file length it declares (to catch truncated files). */
function shpHeaderProblem(shp: Uint8Array, name: string): string | null {
  if (shp.length < 100) return `${name} 不完整或不是 Shapefile（只有 ${shp.length} 字节）`;
  const view = new DataView(shp.buffer, shp.byteOffset, shp.byteLength);
  if (view.getInt32(0, false) !== 9994) return `${name} 不是有效的 Shapefile（文件头错误）`;
  const declared = view.getInt32(24, false) * 2;
  if (declared > shp.length) return `${name} 不完整（文件被截断）：应有 ${declared} 字节，实际只有 ${shp.length} 字节，请重新导出`;
  return null;
}

/** The layer names (.shp base names) in a zip, for a layer picker; [] when it cannot be unzipped. */
export function shapefileLayerNames(bytes: Uint8Array): string[] {
  try {
    return [...shapefileMembers(unzipSync(bytes)).values()].map((parts) => baseName(parts.get('shp')!.path).replace(/\.shp$/i, ''));
  } catch {
    return [];
  }
}

/** Parses a zipped Shapefile. Throws ParseFailure with a plain message for a file it cannot use. */
export function parseShapefileZip(bytes: Uint8Array, opts: ArchiveOptions = {}): ParseResult {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (err) {
    throw new ParseFailure(`无法解压 .zip 文件（文件损坏或不完整：${(err as Error).message}）`);
  }
  const layers = shapefileMembers(files);
  if (layers.size === 0) {
    const names = Object.keys(files)
      .filter((p) => !p.endsWith('/'))
      .map(baseName)
      .slice(0, 10);
    const gpkg = names.find((n) => /\.gpkg$/i.test(n));
    if (gpkg) throw new ParseFailure(`.zip 中是 GeoPackage（${gpkg}），请解压后直接上传 .gpkg 文件`);
    throw new ParseFailure(`.zip 中没有 Shapefile（.shp 文件）${names.length ? `，内含：${names.join('、')}` : '，压缩包是空的'}`);
  }
  const byName = new Map([...layers].map(([key, parts]) => [baseName(parts.get('shp')!.path).replace(/\.shp$/i, ''), key]));
  const names = [...byName.keys()];
  let key: string;
  if (opts.sourceLayer) {
    const want = opts.sourceLayer.replace(/\.shp$/i, '');
    const hit = [...byName].find(([n]) => n === want) ?? [...byName].find(([n]) => n.toLowerCase() === want.toLowerCase());
    if (!hit) throw new ParseFailure(noSuchLayer('.zip ', want, names));
    key = hit[1];
  } else if (names.length > 1) {
    throw new ParseFailure(severalLayers('.zip ', names));
  } else key = [...layers.keys()][0];
  const parts = layers.get(key)!;
  const shp = parts.get('shp')!;
  const layerName = baseName(shp.path).replace(/\.shp$/i, '');
  const warnings: string[] = [];

  const headerProblem = shpHeaderProblem(shp.bytes, baseName(shp.path));
  if (headerProblem) throw new ParseFailure(headerProblem);
  let geometries: Array<Geometry | null>;
  try {
    geometries = parseShp(new DataView(shp.bytes.buffer, shp.bytes.byteOffset, shp.bytes.byteLength)) as Array<Geometry | null>;
  } catch (err) {
    throw new ParseFailure(`${baseName(shp.path)} 无法读取（${(err as Error).message}），文件可能已损坏`);
  }

  // Attributes, in the .cpg's encoding or by detection.
  let rows: Row[] = [];
  let encoding: 'utf-8' | 'gbk' = 'utf-8';
  const dbf = parts.get('dbf');
  if (dbf) {
    const cpgText = parts.get('cpg') ? new TextDecoder('latin1').decode(parts.get('cpg')!.bytes) : '';
    const declared = cpgText ? cpgEncoding(cpgText) : null;
    if (cpgText && !declared) warnings.push(`.cpg 中的编码“${cpgText.trim().slice(0, 40)}”无法识别，已自动判断（UTF-8 或 GBK）`);
    try {
      if (declared) {
        rows = readDbf(dbf.bytes, declared);
        encoding = declared === 'gb18030' ? 'gbk' : 'utf-8';
      } else {
        rows = readDbf(dbf.bytes, 'utf-8');
        if (hasReplacement(rows)) {
          rows = readDbf(dbf.bytes, 'gb18030');
          encoding = 'gbk';
        }
      }
    } catch (err) {
      throw new ParseFailure(`${baseName(dbf.path)} 无法读取（${(err as Error).message}），属性表可能已损坏`);
    }
    if (rows.length !== geometries.length) {
      warnings.push(`属性表（.dbf）有 ${rows.length} 行，图形（.shp）有 ${geometries.length} 个，按顺序对应`);
    }
  } else {
    warnings.push(`${layerName} 没有属性表（.dbf），仅导入图形`);
  }

  // Coordinate system.
  const present = geometries.filter((g): g is Geometry => g !== null);
  let toWgs: ToWgs84 | null = null;
  const prj = parts.get('prj');
  if (prj) {
    const wkt = new TextDecoder('utf-8').decode(prj.bytes).replace(/\u0000/g, '');
    toWgs = wktToWgs84(wkt);
    if (!toWgs) throw new ParseFailure(`无法识别 .prj 中的坐标系：${wkt.trim().slice(0, 120)}`);
  } else if (inDegreeRange(present)) {
    warnings.push('缺少 .prj 投影文件，坐标在经纬度范围内，按 WGS84 经纬度导入');
  } else {
    throw new ParseFailure(`缺少 .prj 投影文件，${PROJECTED_WITHOUT_CRS}`);
  }

  const features: RawFeature[] = [];
  const skipped: Record<string, number> = {};
  geometries.forEach((g, i) => {
    if (!g) {
      skipped['null shape (no geometry)'] = (skipped['null shape (no geometry)'] ?? 0) + 1;
      return;
    }
    const geometry = toWgs ? reprojectGeometry(g, toWgs) : stripBbox(g);
    features.push({ ref: `feature ${i + 1}`, geometry, properties: tidyProperties(rows[i] ?? {}) });
  });
  return { format: 'shapefile', features, problems: [], skipped, encoding, sourceLayer: layerName, warnings };
}

function stripBbox(g: Geometry): Geometry {
  const { bbox: _bbox, ...rest } = g as Geometry & { bbox?: unknown };
  return rest as Geometry;
}

/** DBF values as JSON-friendly properties: trimmed strings, NaN numbers (blank N fields) as null, dates as ISO days. */
function tidyProperties(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const key = k.replace(/\u0000/g, '').trim();
    if (!key) continue;
    if (typeof v === 'number') out[key] = Number.isFinite(v) ? v : null;
    else if (v instanceof Date)
      out[key] = Number.isNaN(v.getTime()) ? null : `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
    else if (typeof v === 'string') out[key] = v.trim() === '' ? null : v.trim();
    else out[key] = v;
  }
  return out;
}
