/**
 * Typed client of the import routes (POST /api/import, /api/import/preview): an upload with its
 * options, as a check (dry run), a job, or a table preview. Shapes: common/http/imports.ts.
 */
import type { Datum, ImportAccepted, ImportLayer, ImportReport, TablePreview } from '../../../common/http/imports';
import type { OverridableRole } from '../../../common/import/columns';
import { getLang } from '../i18n';
import { serverMessage } from '../i18n/server-message';
import { ApiError, csrfHeaders, ourUrl } from './http';

export { DATUMS, IMPORT_UPLOAD_MAX_BYTES as IMPORT_MAX_BYTES } from '../../../common/http/imports';

/** The layers POST /api/import takes (common/http/imports.ts IMPORT_LAYERS), in the layer picker's order. */
export const IMPORT_LAYERS = ['boundaries', 'streets', 'water', 'buildings', 'register', 'shops', 'incidents'] as const satisfies readonly ImportLayer[];
export type { Datum, ImportAccepted, ImportLayer, ImportProblem, ImportReport, LayerReport, TablePreview } from '../../../common/http/imports';
export { OVERRIDABLE_ROLES, type ColumnRole, type OverridableRole } from '../../../common/import/columns';

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
