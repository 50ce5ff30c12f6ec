/**
 * Units from raw data over HTTP: POST /api/units/build starts the "build units" job (kind `units`;
 * progress and cancel through /api/jobs/:id) for sub-districts in the caller's write scope;
 * GET /api/units/quality serves the data-quality report of the latest build of each sub-district;
 * GET /api/units serves the units of those builds as GeoJSON (the plan view's "built units" layer).
 */
import type { FastifyPluginAsync } from 'fastify';
import { coveredSubdistricts, OutOfScopeError, writableSubdistricts } from '../auth/scope';
import { InvalidRequestError } from '../errors';
import { featureCollectionSchema, sendFeatureRows } from '../http/geojson';
import { BUILT_UNITS_SQL } from '../queries/built-units';
import { latestQuality, UnitsRequestError } from './service';

const SUB = { type: 'string', pattern: '^\\d{9}$' } as const;
/** GET /api/units: sub-districts per request and units per answer (a whole district is ~14k units). */
export const BUILT_UNITS_MAX_SUBDISTRICTS = 20;
export const BUILT_UNITS_MAX_UNITS = 50_000;

const unitsPlugin: FastifyPluginAsync = async (app) => {
  app.post<{ Body: { subdistricts?: string[]; all?: boolean; splitAbove?: number } }>(
    '/units/build',
    {
      schema: {
        tags: ['units'],
        summary:
          'Build blocks, compounds and units from the imported boundaries, streets, buildings and household register (a job: GET /api/jobs/:id; cancel: POST /api/jobs/:id/cancel)',
        body: {
          type: 'object',
          properties: {
            subdistricts: { type: 'array', items: SUB, minItems: 1, maxItems: 200 },
            all: { type: 'boolean' },
            splitAbove: { type: 'integer', minimum: 1, maximum: 100000 },
          },
          additionalProperties: false,
        },
        response: { 202: { type: 'object', properties: { jobId: { type: 'string' } }, required: ['jobId'] } },
      },
      config: { access: { roles: ['planner', 'admin'], scope: 'subdistrict' } },
    },
    async (req, reply) => {
      const b = req.body;
      const known = (await app.db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
      let subs: string[];
      if (b.all) {
        subs = writableSubdistricts(req.user, known);
        if (!subs.length)
          throw known.length
            ? new OutOfScopeError('您负责的范围内没有街道 (there are no sub-districts in your area)')
            : new UnitsRequestError(
                '没有街道边界：请先导入街道（乡镇）边界 (there are no sub-district boundaries: import the sub-district or township boundaries first)',
              );
      } else if (b.subdistricts) {
        subs = b.subdistricts;
        const missing = subs.filter((s) => !known.includes(s));
        if (missing.length) throw new UnitsRequestError(`未知的街道编码：${missing.join('、')} (unknown sub-district codes: ${missing.join(', ')})`);
      } else {
        throw new UnitsRequestError('请指定街道（subdistricts）或 all: true (give subdistricts or all: true)');
      }
      const author = req.user?.username ?? 'planner';
      const jobId = await app.jobs.start('units', { subdistricts: subs, splitAbove: b.splitAbove ?? 500, author }, req.user?.id ?? null);
      return reply.code(202).send({ jobId });
    },
  );

  app.get<{ Querystring: { subdistricts?: string } }>(
    '/units/quality',
    {
      schema: {
        tags: ['units'],
        summary: "Data-quality report of the latest units build of each sub-district (all in the caller's scope, or the comma-separated subdistricts)",
        querystring: { type: 'object', properties: { subdistricts: { type: 'string', pattern: '^\\d{9}(,\\d{9}){0,199}$' } }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              builds: { type: 'array', items: { type: 'object', additionalProperties: true } },
              report: { type: 'object', additionalProperties: true },
            },
          },
        },
      },
      config: { access: { roles: ['planner', 'admin', 'leader'] } },
    },
    async (req) => {
      const known = (await app.db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
      const asked = req.query.subdistricts ? req.query.subdistricts.split(',') : known;
      const subs = req.user ? coveredSubdistricts(req.user, asked) : asked;
      return latestQuality(app.db, subs);
    },
  );

  app.get<{ Querystring: { subdistricts: string } }>(
    '/units',
    {
      schema: {
        tags: ['units'],
        summary: `Units of the latest units build of the comma-separated subdistricts (at most ${BUILT_UNITS_MAX_SUBDISTRICTS}; those outside the caller's scope are left out), geometry simplified to 1e-6°`,
        querystring: {
          type: 'object',
          properties: { subdistricts: { type: 'string', pattern: '^\\d{9}(,\\d{9}){0,199}$' } },
          required: ['subdistricts'],
          additionalProperties: false,
        },
        response: {
          200: featureCollectionSchema(
            'Current units of the latest build (MultiPolygon)',
            {
              id: { type: 'string' },
              subdistrict_id: { type: 'string' },
              households: { type: 'integer' },
              block_id: { type: ['string', 'null'] },
              compound_id: { type: ['string', 'null'] },
            },
            {},
            { required: ['id', 'subdistrict_id', 'households', 'block_id', 'compound_id'], idRequired: true },
          ),
        },
      },
      config: { access: { roles: ['planner', 'admin', 'leader'] } },
    },
    async (req, reply) => {
      const asked = [...new Set(req.query.subdistricts.split(','))];
      if (asked.length > BUILT_UNITS_MAX_SUBDISTRICTS)
        throw new InvalidRequestError(
          `一次最多读取 ${BUILT_UNITS_MAX_SUBDISTRICTS} 个街道的单元，本次 ${asked.length} 个 (at most ${BUILT_UNITS_MAX_SUBDISTRICTS} sub-districts' units per request, asked for ${asked.length})`,
        );
      const subs = req.user ? coveredSubdistricts(req.user, asked) : asked;
      const rows = subs.length ? (await app.db.query<{ f: string }>(BUILT_UNITS_SQL, [subs, BUILT_UNITS_MAX_UNITS + 1])).rows : [];
      if (rows.length > BUILT_UNITS_MAX_UNITS)
        throw new InvalidRequestError(
          `所选街道的单元超过 ${BUILT_UNITS_MAX_UNITS} 个，请少选几个街道 (the chosen sub-districts have more than ${BUILT_UNITS_MAX_UNITS} units: choose fewer)`,
        );
      return sendFeatureRows(reply, rows);
    },
  );
};

export default unitsPlugin;
