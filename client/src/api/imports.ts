import { getLang } from '../i18n';
import { serverMessage } from '../i18n/server-message';
import { ApiError, csrfHeaders, ourUrl } from './http';

/** The layers and datums POST /api/import accepts (common/gis-files/feature-types.ts). */
export const IMPORT_LAYERS = ['boundaries', 'streets', 'water', 'buildings', 'register', 'shops', 'incidents'] as const;
export type ImportLayer = (typeof IMPORT_LAYERS)[number];
export const DATUMS = ['wgs84', 'gcj02', 'bd09'] as const;
export type Datum = (typeof DATUMS)[number];

export interface ImportProblem {
  feature: string;
  problem: string;
}

/** The import report (server/import/import-file.ts ImportReport). */
export interface ImportReport {
  jobId?: string;
  file: string;
  format: string;
  encoding: string;
  datum: string;
  dryRun: boolean;
  read: number;
  imported: number;
  repaired: number;
  rejected: number;
  skipped: number;
  layers: Record<
    string,
    { read: number; imported: number; rejected: number; skipped: number; replaced: number; matched?: number; replacedSubdistricts?: string[] }
  >;
  rejections: ImportProblem[];
  rejectionsTruncated?: boolean;
  warnings: string[];
  /** tables: the column used for each role */
  columns?: Partial<Record<ColumnRole, string>>;
  sheet?: string;
  ms: number;
}

/** What a column of a table serves (server/import/columns.ts). */
export type ColumnRole = 'lon' | 'lat' | 'households' | 'party' | 'building' | 'compound' | 'address' | 'id' | 'name' | 'type' | 'time';
/** Roles a planner may assign by hand; the register uses all, shops and incidents lon/lat. */
export const OVERRIDABLE_ROLES = ['lon', 'lat', 'households', 'party', 'building', 'compound', 'address'] as const;
export type OverridableRole = (typeof OVERRIDABLE_ROLES)[number];

/** The server's preview of a CSV or XLSX table (server/import/preview.ts TablePreview). */
export interface TablePreview {
  format: 'csv' | 'xlsx';
  encoding: string;
  sheet?: string;
  sheets?: string[];
  headerRef: string;
  layer: ImportLayer | null;
  rows: number;
  columns: Array<{ name: string; role: ColumnRole | null; sample: string }>;
  points: Array<[number, number]>;
  withCoordinates: number;
  withoutCoordinates: number;
}

export interface ImportAccepted {
  jobId: string;
  file: string;
  format: string;
  encoding: string;
  datum: string;
  features: number;
  rejected: number;
}

export interface UploadOptions {
  layer?: ImportLayer;
  datum?: Datum;
  subdistrict?: string;
  /** Shapefile .zip / GeoPackage with several layers: the one to import. */
  sourceLayer?: string;
  dryRun?: boolean;
  /** tables: role → column name (an empty name clears a detected role) */
  columns?: Partial<Record<OverridableRole, string>>;
  sheet?: string;
}

/** The largest file the server takes (server/import/http.ts IMPORT_UPLOAD_MAX_BYTES). */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;

async function upload<T>(file: Blob, name: string, opts: UploadOptions & { wait: boolean }, path = '/api/import'): Promise<T> {
  const q = new URLSearchParams({ name });
  if (opts.layer) q.set('layer', opts.layer);
  if (opts.datum) q.set('datum', opts.datum);
  if (opts.subdistrict) q.set('subdistrict', opts.subdistrict);
  if (opts.sourceLayer) q.set('sourceLayer', opts.sourceLayer);
  if (opts.dryRun) q.set('dryRun', 'true');
  if (opts.wait) q.set('wait', 'true');
  if (opts.columns && Object.keys(opts.columns).length) q.set('columns', JSON.stringify(opts.columns));
  if (opts.sheet) q.set('sheet', opts.sheet);
  const url = ourUrl(`${path}?${q}`);
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/octet-stream', accept: 'application/json', ...csrfHeaders() },
    body: file,
  });
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new ApiError(res.status, url, serverMessage(body.message ?? res.statusText, getLang()));
  return body as T;
}

export const importsApi = {
  /** Reads and checks the file and rolls the write back: the report says what an import would do. */
  check: (file: Blob, name: string, opts: UploadOptions) => upload<ImportReport>(file, name, { ...opts, dryRun: true, wait: true }),
  /** Starts the import as a job (progress: the job's events; its result is the report). */
  start: (file: Blob, name: string, opts: UploadOptions) => upload<ImportAccepted>(file, name, { ...opts, dryRun: false, wait: false }),
  /** A CSV or XLSX table as the import would read it: header, columns and their roles, points (WGS84). Writes nothing. */
  preview: (file: Blob, name: string, opts: UploadOptions) => {
    const { layer, datum, columns, sheet } = opts;
    return upload<TablePreview>(file, name, { layer, datum, columns, sheet, wait: false }, '/api/import/preview');
  },
};
