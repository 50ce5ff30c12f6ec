import { IMPORT_UPLOAD_MAX_BYTES } from '../../common/http/imports';
import { basename } from 'node:path';
import { boundaryOf, parseMultipart } from '../hotspots/multipart';
import { parseOverrides, type ColumnOverrides } from './columns';
import { DATUMS, LAYERS, type Datum, type Layer } from '../../common/gis-files/feature-types';
import { ImportError } from '../../common/gis-files/parse-errors';
import { enOf, zhOf } from '../../common/bilingual';

/** Largest upload through POST /api/import (bytes); bigger bodies get 413. */
export { IMPORT_UPLOAD_MAX_BYTES };

/** The message of a 413 (plain words for a planner). */
export function tooLargeMessage(maxBytes = IMPORT_UPLOAD_MAX_BYTES): string {
  return `文件过大：上传上限为 ${Math.round(maxBytes / 1048576)} MB，请拆分后分批导入（未写入任何数据） (file too large: the upload limit is ${Math.round(maxBytes / 1048576)} MB; split the file and import it in parts. Nothing was written)`;
}

export interface UploadQuery {
  name?: string;
  layer?: Layer;
  datum?: Datum;
  subdistrict?: string;
  /** Shapefile .zip / GeoPackage with several layers: the one to import. */
  sourceLayer?: string;
  dryRun?: boolean;
  wait?: boolean;
  /** Tables: JSON object role → column name, e.g. {"lon":"E","households":"户数"} */
  columns?: string;
  /** XLSX: sheet name */
  sheet?: string;
}

export interface Upload {
  bytes: Uint8Array;
  fileName: string;
  layer?: Layer;
  datum: Datum;
  subdistrict?: string;
  sourceLayer?: string;
  columns?: ColumnOverrides;
  sheet?: string;
}

/** A request that cannot become an import, with the plain message for the 4xx. */
export class UploadError extends Error {
  constructor(
    readonly statusCode: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/** The planner's message for a file the importer refused: nothing of it was written. */
export const nothingWritten = (err: ImportError): string =>
  `导入失败，未写入任何数据：${zhOf(err.message)} (import failed, nothing was written: ${enOf(err.message)})`;

/**
 * For `.catch(...)` on the importer's steps in a route: a file the importer refuses (ImportError,
 * which the CLI prints as is) becomes the 400 a planner reads, `say(err)`, formatted by the error
 * handler; any other error passes unchanged.
 */
export const refusedFile =
  (say: (err: ImportError) => string) =>
  (err: unknown): never => {
    throw err instanceof ImportError ? new UploadError(400, say(err)) : err;
  };

const fail = (message: string): never => {
  throw new UploadError(400, message);
};

/** A file name safe to report and to use as the import's id prefix (no directories, no control characters). */
export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
  return base || 'upload';
}

function defaultName(contentType: string): string {
  if (/csv|text\/plain/i.test(contentType)) return 'upload.csv';
  if (/json/i.test(contentType)) return 'upload.geojson';
  if (/xml|osm/i.test(contentType)) return 'upload.osm';
  if (/zip/i.test(contentType)) return 'upload.zip';
  if (/geopackage|sqlite/i.test(contentType)) return 'upload.gpkg';
  if (/spreadsheetml|excel/i.test(contentType)) return 'upload.xlsx';
  return 'upload';
}

/**
 * The file an upload request carries: the raw body (file name from ?name= or the content type), or
 * multipart/form-data with one file part (fields layer, datum, subdistrict, sourceLayer override nothing that the
 * query string set). Pure: throws UploadError (400/413) with a plain message.
 */
export function readUpload(contentType: string | undefined, body: unknown, query: UploadQuery, maxBytes = IMPORT_UPLOAD_MAX_BYTES): Upload {
  const ct = contentType ?? '';
  if (body === undefined || body === null || (Buffer.isBuffer(body) && body.length === 0)) {
    fail(
      '请上传要导入的文件（CSV、XLSX、GeoJSON、OSM、Shapefile .zip 或 GeoPackage）：请求体为空 (upload the file to import: CSV, XLSX, GeoJSON, OSM, Shapefile .zip or GeoPackage. The request body is empty)',
    );
  }
  if (!Buffer.isBuffer(body))
    return fail('请求体应为文件本身或 multipart/form-data 表单 (the request body must be the file itself or a multipart/form-data form)');
  if (body.length > maxBytes) throw new UploadError(413, tooLargeMessage(maxBytes));
  let bytes: Uint8Array = body;
  let fileName = query.name ?? '';
  let layer = query.layer;
  let datum = query.datum;
  let subdistrict = query.subdistrict;
  let sourceLayer = query.sourceLayer;
  let columnsJson = query.columns;
  let sheet = query.sheet;
  if (/^multipart\/form-data/i.test(ct)) {
    const boundary = boundaryOf(ct);
    if (!boundary) fail('multipart 表单缺少 boundary (the multipart form has no boundary)');
    const mp = parseMultipart(body, boundary!);
    if (!mp) return fail('multipart 表单格式错误，无法读取 (the multipart form is malformed and cannot be read)');
    if (!mp.file) return fail('表单中没有文件 (the form has no file)');
    if (mp.file.bytes.byteLength === 0) fail(`文件 ${safeFileName(mp.file.fileName)} 是空的 (the file ${safeFileName(mp.file.fileName)} is empty)`);
    bytes = mp.file.bytes;
    fileName ||= mp.file.fileName;
    const f = mp.fields;
    if (f.datum) {
      if (!(DATUMS as readonly string[]).includes(f.datum))
        fail(`datum 应为 ${DATUMS.join('、')}：${f.datum.slice(0, 40)} (datum must be one of ${DATUMS.join(', ')}: ${f.datum.slice(0, 40)})`);
      datum ??= f.datum as Datum;
    }
    if (f.layer) {
      if (!(LAYERS as readonly string[]).includes(f.layer))
        fail(`layer 应为 ${LAYERS.join('、')}：${f.layer.slice(0, 40)} (layer must be one of ${LAYERS.join(', ')}: ${f.layer.slice(0, 40)})`);
      layer ??= f.layer as Layer;
    }
    if (f.subdistrict) {
      if (!/^\d{9}$/.test(f.subdistrict))
        fail(`subdistrict 应为 9 位街道编码：${f.subdistrict.slice(0, 40)} (subdistrict must be a 9-digit sub-district code: ${f.subdistrict.slice(0, 40)})`);
      subdistrict ??= f.subdistrict;
    }
    if (f.sourceLayer) sourceLayer ??= f.sourceLayer.slice(0, 200);
    if (f.columns) columnsJson ??= f.columns;
    if (f.sheet) sheet ??= f.sheet.slice(0, 100);
  }
  let columns: ColumnOverrides | undefined;
  try {
    columns = columnsJson ? parseOverrides(columnsJson) : undefined;
  } catch (err) {
    fail((err as Error).message);
  }
  return {
    bytes,
    fileName: safeFileName(fileName || defaultName(ct)),
    layer,
    datum: datum ?? 'wgs84',
    subdistrict,
    ...(sourceLayer ? { sourceLayer } : {}),
    ...(columns ? { columns } : {}),
    ...(sheet ? { sheet } : {}),
  };
}
