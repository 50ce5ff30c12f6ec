/**
 * An import as a job with JSON params (server/jobs/handlers.ts, kind `import`), so a queue worker
 * in any process can run it (PostGIS-server backend): the uploaded bytes wait in `import_uploads`
 * (migration 091) until the job ends. The API server has checked the file already (a bad file got
 * its 400 there and no job); the worker parses it again, checks the write scope of the user who
 * sent it and writes it in ONE transaction with its audit row and the upload's deletion. A file
 * refused here (scope, district extent, a problem only the write finds) writes nothing and ends the
 * job at once (JobRefusedError: no retry, not a dead letter); its upload is deleted too.
 */
import { audit } from '../audit/log';
import type { SessionUser } from '../auth/roles';
import { OutOfScopeError } from '../auth/scope';
import type { Db, Queryable } from '../db';
import { reassignIncidentGrids } from '../hotspots/grid-assign';
import { JobRefusedError } from '../jobs/errors';
import type { ReportProgress } from '../jobs/types';
import type { ColumnOverrides } from './columns';
import { ImportError } from '../../common/gis-files/parse-errors';
import { IMPORT_UPLOAD_MAX_BYTES, nothingWritten, type Upload } from './http';
import { commitImport, districtBoxOf, emptyLayer, type ImportReport, type PreparedImport } from './import-file';
import type { TextEncoding } from './decode';
import { prepareImportOffThread } from './prepare-off-thread';
import type { Datum, FileFormat, Layer } from '../../common/gis-files/feature-types';
import { checkReplacedInScope, checkWrittenInScope } from './write-scope';

/** The params of an import job: what the upload said, and who sent it (for scope and audit). */
export interface ImportJobParams {
  file: string;
  /** The upload's file name (format detection). */
  name: string;
  layer: Layer | null;
  datum: Datum;
  subdistrict: string | null;
  sourceLayer: string | null;
  columns: ColumnOverrides | null;
  sheet: string | null;
  dryRun: boolean;
  bytes: number;
  user: SessionUser | null;
  ip: string | null;
  [k: string]: unknown;
}

export function importJobParams(
  upload: Upload,
  prep: PreparedImport,
  o: { dryRun: boolean; user: SessionUser | null | undefined; ip: string },
): ImportJobParams {
  return {
    file: prep.name,
    name: upload.fileName,
    format: prep.format,
    encoding: prep.encoding,
    datum: upload.datum,
    layer: upload.layer ?? null,
    subdistrict: upload.subdistrict ?? null,
    sourceLayer: upload.sourceLayer ?? null,
    columns: upload.columns ?? null,
    sheet: upload.sheet ?? null,
    dryRun: o.dryRun,
    bytes: upload.bytes.byteLength,
    user: o.user
      ? { id: o.user.id, username: o.user.username, displayName: o.user.displayName, role: o.user.role, subdistricts: o.user.subdistricts, grids: o.user.grids }
      : null,
    ip: o.ip,
  };
}

/** Stores the upload of job `jobId` (before the job is put on the queue). */
export async function storeUpload(db: Queryable, jobId: string, bytes: Uint8Array): Promise<void> {
  await db.query('INSERT INTO import_uploads (job_id, bytes) VALUES ($1, $2)', [jobId, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
}

export async function deleteUpload(db: Queryable, jobId: string): Promise<void> {
  await db.query('DELETE FROM import_uploads WHERE job_id = $1', [jobId]);
}

/** The import job's work: parse the stored upload, check, write in one transaction (deleting the upload in it). */
export async function runImportJob(db: Db, jobId: string, params: Record<string, unknown>, report: ReportProgress): Promise<ImportReport> {
  const p = params as ImportJobParams;
  const up = await db.query<{ bytes: Buffer | Uint8Array }>('SELECT bytes FROM import_uploads WHERE job_id = $1', [jobId]);
  if (!up.rows.length) {
    // A run that committed deletes the upload in its transaction; when its connection was lost before
    // the job was marked done, the run after it finds the import's audit row (same transaction) instead.
    const done = await committedRun(db, jobId);
    if (done) return done;
    throw new JobRefusedError(
      `导入失败，未写入任何数据：上传的文件 ${p.file} 已不在服务器上（任务已结束或被取消），请重新上传 (import failed, nothing was written: the uploaded file ${p.file} is no longer on the server because the job ended or was cancelled; upload it again)`,
      400,
    );
  }
  const bytes = new Uint8Array(up.rows[0].bytes);
  try {
    report(0.05, `读取 ${p.file} (reading ${p.file})`);
    const prep = await prepareImportOffThread(bytes, p.name, {
      districtBox: await districtBoxOf(db),
      layer: p.layer ?? undefined,
      datum: p.datum,
      subdistrict: p.subdistrict ?? undefined,
      sourceLayer: p.sourceLayer ?? undefined,
      maxBytes: IMPORT_UPLOAD_MAX_BYTES,
      ...(p.columns ? { columns: p.columns } : {}),
      ...(p.sheet ? { sheet: p.sheet } : {}),
    });
    await checkReplacedInScope(db, p.user, prep.plan);
    report(
      0.2,
      `已读取 ${prep.featureCount} 个要素（${prep.format}，${prep.encoding}），写入中 (read ${prep.featureCount} features, ${prep.format}, ${prep.encoding}; writing)`,
    );
    const result = await commitImport(db, prep, {
      dryRun: p.dryRun,
      checkWrite: (tx, plan) => checkWrittenInScope(tx, p.user, plan),
      onProgress: (m) => report(0.3, m),
      afterWrite: async (tx, imported) => {
        report(0.8, 'import: derived columns and audit');
        if (prep.plan.incidents?.length) await reassignIncidentGrids(tx, { onlyNull: true });
        await audit(tx, {
          actor: p.user ? { username: p.user.username, id: p.user.id, role: p.user.role } : 'anonymous',
          action: 'import',
          entity: 'import',
          entityId: prep.name,
          after: { file: prep.name, format: prep.format, encoding: prep.encoding, datum: prep.datum, job: jobId, imported },
          method: 'POST',
          url: '/api/import',
          ip: p.ip,
        });
        await deleteUpload(tx, jobId); // with the write: a run that commits leaves no upload behind
      },
    });
    if (p.dryRun) await deleteUpload(db, jobId);
    return result;
  } catch (err) {
    if (err instanceof ImportError || err instanceof OutOfScopeError) {
      await deleteUpload(db, jobId).catch(() => undefined);
      throw new JobRefusedError(err instanceof ImportError ? nothingWritten(err) : err.message, err instanceof OutOfScopeError ? 403 : 400);
    }
    throw err; // e.g. a lost connection: the upload stays for the next run
  }
}

/**
 * The report of an import job whose run committed (its audit row carries the job id and the rows
 * written per layer) but lost its connection before the job row said so: the run after it answers
 * with this instead of importing again or refusing.
 */
async function committedRun(db: Db, jobId: string): Promise<ImportReport | null> {
  const r = await db.query<{ after: { file: string; format: FileFormat; encoding: TextEncoding; datum: Datum; imported?: Partial<Record<Layer, number>> } }>(
    `SELECT after FROM audit_log WHERE action = 'import' AND after->>'job' = $1 ORDER BY id DESC LIMIT 1`,
    [jobId],
  );
  const a = r.rows[0]?.after;
  if (!a) return null;
  const layers: ImportReport['layers'] = {};
  let total = 0;
  for (const [layer, n] of Object.entries(a.imported ?? {}) as Array<[Layer, number]>) {
    layers[layer] = { ...emptyLayer(), read: n, imported: n };
    total += n;
  }
  return {
    file: a.file,
    source: a.file,
    format: a.format,
    encoding: a.encoding,
    datum: a.datum,
    dryRun: false,
    ms: 0,
    read: total,
    imported: total,
    repaired: 0,
    rejected: 0,
    skipped: 0,
    layers,
    rejections: [],
    skippedReasons: {},
    warnings: [
      '上一次运行已写入本次导入，连接中断后未能报告；此处为写入的行数 (the previous run wrote this import and lost its connection before reporting; the rows written are shown)',
    ],
  };
}
