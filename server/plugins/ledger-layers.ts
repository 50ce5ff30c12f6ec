/**
 * GET /api/ledger/grids/geojson: the leaders' map layers of the grid ledgers (visit coverage over
 * 4 weeks, people under the 5-hour rule last full week, open disputes), one polygon per grid in
 * force in the reader's scope, aggregates only (server/field/grid-layers.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { readPrefixes } from '../auth/read-scope';
import { gridLayers } from '../field/grid-layers';
import { errorSchema } from '../http/schemas';

const ledgerLayersPlugin: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { prefix?: string } }>(
    '/ledger/grids/geojson',
    {
      config: { access: { roles: ['leader', 'admin'], scope: 'subdistrict' } },
      schema: {
        tags: ['ledger'],
        summary:
          'Per grid in force (polygons): visit coverage over the last 4 weeks (share of households), people under the ≥ 5 h rule last full week, open disputes; counts suppressed for grids under 5 households',
        querystring: {
          type: 'object',
          properties: { prefix: { type: 'string', pattern: '^\\d{9,15}$', description: 'sub-district id, community id or grid code' } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', additionalProperties: true }, 400: errorSchema, 403: errorSchema },
      },
    },
    async (req) => gridLayers(app.db, readPrefixes(req.user), req.query.prefix ?? null, Date.now(), !req.user || req.user.role === 'admin'),
  );
};

export default ledgerLayersPlugin;
