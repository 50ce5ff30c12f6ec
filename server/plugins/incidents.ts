import type { IncidentColumnsJson } from '../../common/http/hotspots';
import type { FastifyPluginAsync } from 'fastify';
import { auditWrite } from '../audit/request';
import { commitImport, districtBoxOf } from '../import/import-file';
import { prepareImportOffThread } from '../import/prepare-off-thread';
import type { Datum } from '../../common/gis-files/feature-types';
import { reassignIncidentGrids } from '../hotspots/grid-assign';
import { incidentColumns, invalidateIncidentColumns } from '../hotspots/incident-columns';
import { boundaryOf, parseMultipart } from '../hotspots/multipart';
import { nothingWritten, refusedFile, UploadError } from '../import/http';
import { importReportSchema } from '../import/schema';
import { errorSchema } from '../http/schemas';

/** Largest incident upload (bytes); bigger bodies get 413. */
export const INCIDENT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024;

const numArray = { type: 'array', items: { type: 'number' } } as const;

const columnsSchema = {
  type: 'object',
  description: 'All incidents as parallel arrays (index i = one incident), for client-side filtering',
  properties: {
    n: { type: 'integer' },
    lon: { ...numArray, description: 'WGS84 longitude, 6 decimals' },
    lat: { ...numArray, description: 'WGS84 latitude, 6 decimals' },
    t: { ...numArray, description: 'occurred_at, epoch seconds' },
    type: { ...numArray, description: 'index into types' },
    types: { type: 'array', items: { type: 'string' } },
    grid: { ...numArray, description: 'index into grids (grid code in force), -1 = in no grid' },
    grids: { type: 'array', items: { type: 'string' } },
    tMin: { type: 'number' },
    tMax: { type: 'number' },
  },
  required: ['n', 'lon', 'lat', 't', 'type', 'types', 'grid', 'grids'],
} as const;

interface ImportQuery {
  datum?: Datum;
  name?: string;
  dryRun?: boolean;
}

/** Incidents: the columnar feed for the leader views and the HTTP upload. */
const incidentsPlugin: FastifyPluginAsync = async (app) => {
  // Bodies of this plugin's routes arrive as raw bytes (CSV, GeoJSON or multipart with one file).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: INCIDENT_UPLOAD_MAX_BYTES }, (_req, body, done) => done(null, body));

  // Once after start-up: incidents without a grid get one where a grid exists.
  app.addHook('onReady', async () => {
    try {
      const any = await app.db.query<{ x: boolean }>('SELECT EXISTS (SELECT 1 FROM current_grid_plans) AS x');
      if (any.rows[0]?.x) {
        const n = await app.db.transaction((tx) => reassignIncidentGrids(tx, { onlyNull: true }));
        if (n) app.log.info({ n }, 'incidents: grid codes assigned at start-up');
      }
    } catch (err) {
      // best effort: the server starts anyway; the next incident upload assigns them
      app.log.warn({ err }, 'incidents: grid assignment at start-up failed');
    }
  });

  app.get(
    '/incidents/columns',
    {
      config: { readCache: { ttlMs: 5000 } },
      schema: {
        tags: ['incidents'],
        summary: 'All incidents in compact columns (lon, lat, t, type, grid) for client-side filters',
        response: { 200: columnsSchema },
      },
    },
    async (_req, reply): Promise<IncidentColumnsJson> => {
      const c = await incidentColumns(app.db);
      reply.header('cache-control', 'no-cache');
      return {
        n: c.n,
        lon: Array.from(c.lon),
        lat: Array.from(c.lat),
        t: Array.from(c.t),
        type: Array.from(c.type),
        types: c.types,
        grid: Array.from(c.grid),
        grids: c.grids,
        tMin: c.tMin,
        tMax: c.tMax,
      };
    },
  );

  app.post<{ Querystring: ImportQuery; Body: Buffer }>(
    '/incidents/import',
    {
      bodyLimit: INCIDENT_UPLOAD_MAX_BYTES,
      config: { access: { roles: ['admin', 'planner'] } },
      schema: {
        tags: ['incidents'],
        summary: 'Import incidents from CSV or GeoJSON (raw body, or multipart with one file); all or nothing',
        description:
          'Body: the file itself (name= tells the format, e.g. incidents.csv) or multipart/form-data with one file ' +
          '(and optional datum field). datum: coordinates of the file (wgs84, gcj02 = Chinese web maps, bd09 = Baidu). ' +
          `Rows that cannot be used are rejected with the reason; a bad file imports nothing (400). Over ${INCIDENT_UPLOAD_MAX_BYTES / 1048576} MB: 413.`,
        querystring: {
          type: 'object',
          properties: {
            datum: { type: 'string', enum: ['wgs84', 'gcj02', 'bd09'] },
            name: { type: 'string', maxLength: 200, pattern: '^[^/\\\\]+$' },
            dryRun: { type: 'boolean' },
          },
          additionalProperties: false,
        },
        response: { 200: importReportSchema, 400: errorSchema, 413: errorSchema },
      },
    },
    async (req) => {
      const raw = req.body;
      if (!Buffer.isBuffer(raw) || raw.length === 0) {
        throw new UploadError(400, '请上传事件文件（CSV 或 GeoJSON） (upload an incident file: CSV or GeoJSON)');
      }
      let bytes: Uint8Array = raw;
      let fileName = req.query.name ?? '';
      let datum = req.query.datum;
      const boundary = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '') ? boundaryOf(req.headers['content-type']) : null;
      if (boundary) {
        const mp = parseMultipart(raw, boundary);
        if (!mp || !mp.file) throw new UploadError(400, '表单中没有文件 (the form has no file)');
        bytes = mp.file.bytes;
        fileName ||= mp.file.fileName;
        const d = mp.fields.datum;
        if (d !== undefined && d !== '') {
          if (d !== 'wgs84' && d !== 'gcj02' && d !== 'bd09') {
            throw new UploadError(400, `datum 应为 wgs84、gcj02 或 bd09：${d} (datum must be wgs84, gcj02 or bd09: ${d})`);
          }
          datum ??= d;
        }
      }
      if (!fileName) {
        const ct = req.headers['content-type'] ?? '';
        fileName = /csv|text\/plain/i.test(ct) ? 'upload.csv' : /json/i.test(ct) ? 'upload.geojson' : 'upload';
      }
      const opts = {
        layer: 'incidents' as const,
        datum: datum ?? 'wgs84',
        dryRun: req.query.dryRun ?? false,
        maxBytes: INCIDENT_UPLOAD_MAX_BYTES,
        districtBox: await districtBoxOf(app.db),
      };
      // big files are parsed in a worker thread (the event loop keeps serving), then written here; a bad file: 400, nothing written
      const prep = await prepareImportOffThread(bytes, fileName, opts).catch(refusedFile(nothingWritten));
      const report = await commitImport(app.db, prep, opts).catch(refusedFile(nothingWritten));
      let gridsAssigned = 0;
      if (!report.dryRun) {
        gridsAssigned = await app.db.transaction(async (tx) => {
          const n = await reassignIncidentGrids(tx, { onlyNull: true });
          await auditWrite(req, tx, {
            action: 'incidents.import',
            entity: 'incidents',
            entityId: report.source,
            after: { imported: report.imported, rejected: report.rejected, datum: report.datum, gridsAssigned: n },
          });
          return n;
        });
        invalidateIncidentColumns(app.db);
      }
      return { ...report, gridsAssigned };
    },
  );
};

export default incidentsPlugin;
