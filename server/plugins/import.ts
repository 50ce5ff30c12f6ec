import type { FastifyPluginAsync } from 'fastify';
import { auditWrite, markAudited } from '../audit/request';
import { reassignIncidentGrids } from '../hotspots/grid-assign';
import { invalidateIncidentColumns } from '../hotspots/incident-columns';
import { ImportError } from '../../common/gis-files/parse-errors';
import { IMPORT_UPLOAD_MAX_BYTES, nothingWritten, readUpload, refusedFile, tooLargeMessage, UploadError, type UploadQuery } from '../import/http';
import { commitImport, districtBoxOf, type ImportReport } from '../import/import-file';
import { prepareImportOffThread } from '../import/prepare-off-thread';
import { isTabular, previewTable } from '../import/preview';
import { DATUMS, LAYERS } from '../../common/gis-files/feature-types';
import { invalidateTiles } from '../tiles';
import { importReportSchema } from '../import/schema';
import { ConflictError, ForbiddenError, InvalidRequestError } from '../errors';
import { errorSchema } from '../http/schemas';
import { checkReplacedInScope, checkWrittenInScope } from '../import/write-scope';
import { importJobParams, storeUpload } from '../import/job';
import type { JobRow } from '../jobs/store';
import { enOf, zhOf } from '../../common/bilingual';

const acceptedSchema = {
  type: 'object',
  description: 'The file was read and checked; the write runs as a job (GET /api/jobs/:id, SSE /api/jobs/:id/events)',
  properties: {
    jobId: { type: 'string' },
    file: { type: 'string' },
    format: { type: 'string' },
    encoding: { type: 'string' },
    datum: { type: 'string' },
    features: { type: 'integer' },
    rejected: { type: 'integer' },
  },
  required: ['jobId'],
} as const;

const columnsParam = {
  type: 'string',
  maxLength: 2000,
  description: 'tables: JSON object role → column name; roles lon, lat, households, party, building, compound, address',
} as const;
const sheetParam = { type: 'string', minLength: 1, maxLength: 100, description: 'XLSX: the sheet to read (default: the first with data)' } as const;

const previewSchema = {
  type: 'object',
  description: 'What an import of this table would read (server/import/preview.ts TablePreview); nothing is written',
  additionalProperties: true,
  properties: {
    format: { type: 'string' },
    encoding: { type: 'string' },
    sheet: { type: 'string' },
    sheets: { type: 'array', items: { type: 'string' } },
    headerRef: { type: 'string' },
    layer: { type: ['string', 'null'] },
    rows: { type: 'integer' },
    columns: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, role: { type: ['string', 'null'] }, sample: { type: 'string' } } },
    },
    points: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
    withCoordinates: { type: 'integer' },
    withoutCoordinates: { type: 'integer' },
  },
} as const;

/** What a request waiting for an import job answers from its final row: the report, or the refusal / failure. */
function waitedAnswer(job: JobRow | null, jobId: string): { code: number; body: Record<string, unknown> } {
  if (job?.status === 'succeeded' && job.result) return { code: 200, body: { jobId, ...job.result } };
  const refused = (job?.result as { refused?: { statusCode: number; message: string } } | null)?.refused;
  if (refused) {
    const Refusal = refused.statusCode === 403 ? ForbiddenError : refused.statusCode === 409 ? ConflictError : InvalidRequestError;
    throw new Refusal(refused.message);
  }
  // not the caller's fault, so no domain error: the handler would hide this message behind a generic 500
  return {
    code: 503,
    body: {
      statusCode: 503,
      error: 'Service Unavailable',
      message: `导入任务 ${jobId} 未完成：${job?.message ? zhOf(job.message) : '任务不存在'} (import job ${jobId} did not finish: ${job ? enOf(job.message ?? '') : 'the job does not exist'})`,
    },
  };
}

/**
 * POST /api/import: the HTTP door of the importer (server/import/). The body is the file itself or
 * multipart/form-data with one file; it is read, decoded (UTF-8 or GBK), parsed and checked in the
 * request (a bad file answers 400 and writes nothing; over the limit: 413), then written as a job in
 * ONE transaction together with its audit row. `wait=true` answers with the report instead of 202.
 */
const importPlugin: FastifyPluginAsync = async (app) => {
  // On the PostGIS-server queue the write is a job any worker process runs: the upload is stored
  // (import_uploads) and the API server may run with WANGGE_JOB_WORKERS=0. Embedded: in this process.
  // This plugin's bodies arrive as raw bytes whatever their content type (encapsulated here).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: IMPORT_UPLOAD_MAX_BYTES }, (_req, body, done) => done(null, body));

  app.post<{ Querystring: UploadQuery; Body: Buffer }>(
    '/import',
    {
      bodyLimit: IMPORT_UPLOAD_MAX_BYTES,
      // scope: a named ?subdistrict= is checked by the hook; the rows written are checked in the transaction
      config: { access: { roles: ['planner', 'admin'], scope: 'subdistrict' }, tooLargeMessage: tooLargeMessage() },
      schema: {
        tags: ['import'],
        summary:
          'Import a GeoJSON, OSM XML, CSV (UTF-8 or GBK), XLSX, zipped Shapefile or GeoPackage file into streets, water (rivers, lakes: blocks stop at their shore at the next units build), buildings, shops, incidents, boundaries or the household register (register); all or nothing',
        description:
          'Body: the file itself (?name= tells the format, e.g. shops.csv) or multipart/form-data with one file part and optional ' +
          'fields layer, datum, subdistrict, sourceLayer (the layer of a Shapefile .zip or GeoPackage holding several). datum: the coordinates of the file (wgs84; gcj02 = Chinese web maps; bd09 = Baidu). ' +
          `The file is checked first (400 with the reason, nothing written; over ${IMPORT_UPLOAD_MAX_BYTES / 1048576} MB: 413), ` +
          'then written in one transaction as a job: 202 {jobId}; with wait=true the answer is the report (200) or 400. ' +
          'layer=register: the household register (住户登记), one row per household or per building, placed by its coordinates or by ' +
          'its compound + building number matched to imported buildings; rows that cannot be placed are rejected and listed; ' +
          'the register rows of the same sub-districts from earlier imports are replaced. Tables (CSV, XLSX): columns overrides the ' +
          'detected column of a role (JSON object, e.g. {"lon":"E","lat":"N","households":"户数"}), sheet names the XLSX sheet.',
        querystring: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            layer: { type: 'string', enum: [...LAYERS] },
            datum: { type: 'string', enum: [...DATUMS] },
            subdistrict: { type: 'string', pattern: '^\\d{9}$' },
            sourceLayer: { type: 'string', minLength: 1, maxLength: 200, description: 'Shapefile .zip / GeoPackage with several layers: the layer to import' },
            dryRun: { type: 'boolean' },
            wait: { type: 'boolean' },
            columns: columnsParam,
            sheet: sheetParam,
          },
          additionalProperties: false,
        },
        response: { 200: importReportSchema, 202: acceptedSchema, 400: errorSchema, 403: errorSchema, 413: errorSchema, 503: errorSchema },
      },
    },
    async (req, reply) => {
      // a request that is no import (UploadError 400/413) or a file the importer refuses (400, nothing written): the error handler answers
      const upload = readUpload(req.headers['content-type'], req.body, req.query);
      if (upload.subdistrict) {
        const r = await app.db.query('SELECT 1 FROM subdistricts WHERE id = $1', [upload.subdistrict]);
        if (!r.rows.length) throw new UploadError(400, `未知的街道编码：${upload.subdistrict} (unknown sub-district code: ${upload.subdistrict})`);
      }
      // big files are parsed in a worker thread: the event loop keeps serving other requests
      const prep = await prepareImportOffThread(upload.bytes, upload.fileName, {
        districtBox: await districtBoxOf(app.db),
        layer: upload.layer,
        datum: upload.datum,
        subdistrict: upload.subdistrict,
        sourceLayer: upload.sourceLayer,
        maxBytes: IMPORT_UPLOAD_MAX_BYTES,
        ...(upload.columns ? { columns: upload.columns } : {}),
        ...(upload.sheet ? { sheet: upload.sheet } : {}),
      }).catch(refusedFile(nothingWritten));

      await checkReplacedInScope(app.db, req.user, prep.plan);
      const dryRun = req.query.dryRun ?? false;
      const accepted = (jobId: string) => ({
        jobId,
        file: prep.name,
        format: prep.format,
        encoding: prep.encoding,
        datum: prep.datum,
        features: prep.featureCount,
        rejected: prep.rejections.length,
      });

      if (app.jobs.mode === 'queue') {
        // PostGIS server: the upload waits in the database and a queue worker (any process) writes it,
        // with its audit row, in one transaction (server/import/job.ts)
        const params = importJobParams(upload, prep, { dryRun, user: req.user, ip: req.ip });
        const jobId = await app.jobs.start('import', params, req.user?.id ?? null, (id) => storeUpload(app.db, id, upload.bytes));
        markAudited(req); // the job writes the import's audit row
        if (!req.query.wait) return reply.code(202).send(accepted(jobId));
        await app.jobs.settled(jobId);
        const a = waitedAnswer(await app.jobs.get(jobId), jobId);
        return reply.code(a.code).send(a.body);
      }

      // the outcome of the job's last run (the runner runs it again after a lost database connection)
      let outcome: { report: ImportReport } | { error: unknown } | undefined;
      const params = {
        file: prep.name,
        format: prep.format,
        encoding: prep.encoding,
        datum: prep.datum,
        bytes: upload.bytes.byteLength,
        layer: upload.layer ?? null,
        subdistrict: upload.subdistrict ?? null,
        dryRun,
      };
      const jobId = await app.jobs.run(
        'import',
        params,
        async (report) => {
          try {
            report(
              0.2,
              `已读取 ${prep.featureCount} 个要素（${prep.format}，${prep.encoding}），写入中 (read ${prep.featureCount} features, ${prep.format}, ${prep.encoding}; writing)`,
            );
            const result = await commitImport(app.db, prep, {
              dryRun,
              checkWrite: (tx, plan) => checkWrittenInScope(tx, req.user, plan),
              onProgress: (m) => report(0.3, m),
              afterWrite: async (tx) => {
                report(0.8, 'import: derived columns and audit');
                if (prep.plan.incidents?.length) await reassignIncidentGrids(tx, { onlyNull: true });
                await auditWrite(req, tx, {
                  action: 'import',
                  entity: 'import',
                  entityId: prep.name,
                  after: { file: prep.name, format: prep.format, encoding: prep.encoding, datum: prep.datum },
                });
              },
            });
            if (!dryRun) {
              invalidateTiles(app.db);
              if (prep.plan.incidents?.length) invalidateIncidentColumns(app.db);
            }
            outcome = { report: result };
            return { ...result } as unknown as Record<string, unknown>;
          } catch (err) {
            // not a reply: the waiting request below answers from `outcome`; the job row keeps the planner's message
            outcome = { error: err };
            if (err instanceof ImportError) throw new Error(nothingWritten(err));
            throw err;
          }
        },
        req.user?.id ?? null,
      );

      if (!req.query.wait) return reply.code(202).send(accepted(jobId));
      await app.jobs.settled(jobId); // the job's row says succeeded (or failed) before the answer does
      if (outcome && 'report' in outcome) return { jobId, ...outcome.report };
      return refusedFile(nothingWritten)(outcome?.error ?? new Error(`import job ${jobId} did not run`));
    },
  );

  app.post<{ Querystring: UploadQuery; Body: Buffer }>(
    '/import/preview',
    {
      bodyLimit: IMPORT_UPLOAD_MAX_BYTES,
      config: { access: { roles: ['planner', 'admin'] }, tooLargeMessage: tooLargeMessage() },
      schema: {
        tags: ['import'],
        summary: 'Preview a CSV or XLSX table before importing it: header, detected columns, points (WGS84); writes nothing',
        description:
          'Body as for POST /api/import. The answer names each column and the role it serves (lon, lat, households, party, building, ' +
          "compound, address, id, name, type, time), as detected from its header or as `columns` overrides it, and the rows' points " +
          'converted from `datum` to WGS84 (first 50,000). 400 for a file that is not a readable table.',
        querystring: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            layer: { type: 'string', enum: [...LAYERS] },
            datum: { type: 'string', enum: [...DATUMS] },
            columns: columnsParam,
            sheet: sheetParam,
          },
          additionalProperties: false,
        },
        response: { 200: previewSchema, 400: errorSchema, 413: errorSchema },
      },
    },
    async (req) => {
      const upload = readUpload(req.headers['content-type'], req.body, req.query);
      if (!isTabular(upload.fileName, upload.bytes))
        throw new UploadError(400, `预览只读取表格文件（CSV、XLSX）：${upload.fileName} (preview reads only table files, CSV or XLSX: ${upload.fileName})`);
      return await previewTable(upload.bytes, upload.fileName, {
        layer: upload.layer,
        datum: upload.datum,
        ...(upload.columns ? { columns: upload.columns } : {}),
        ...(upload.sheet ? { sheet: upload.sheet } : {}),
      }).catch(refusedFile((err) => `无法读取：${zhOf(err.message)} (cannot read the file: ${enOf(err.message)})`));
    },
  );
};

export default importPlugin;
