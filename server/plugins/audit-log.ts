import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { listAudit, type AuditQuery } from '../audit/log';
import { errorSchema } from '../http/schemas';

const auditItem = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string' },
    actor: { type: 'string' },
    actorId: { type: ['integer', 'null'] },
    actorRole: { type: ['string', 'null'] },
    action: { type: 'string' },
    entity: { type: ['string', 'null'] },
    entityId: { type: ['string', 'null'] },
    before: {},
    after: {},
    method: { type: ['string', 'null'] },
    url: { type: ['string', 'null'] },
    status: { type: ['integer', 'null'] },
    ip: { type: ['string', 'null'] },
  },
} as const;

/** GET /api/audit: the audit log, newest first (admin). Registered after the docs and errors plugins. */
export default fp(
  async (app: FastifyInstance) => {
    app.get<{ Querystring: AuditQuery }>(
      '/api/audit',
      {
        config: { access: { roles: ['admin'] } },
        schema: {
          tags: ['auth'],
          summary: 'The audit log, newest first, with paging and filters (admin)',
          querystring: {
            type: 'object',
            properties: {
              limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
              offset: { type: 'integer', minimum: 0, maximum: 2147483647, default: 0 },
              actor: { type: 'string', maxLength: 64 },
              entity: { type: 'string', maxLength: 200 },
              entityId: { type: 'string', maxLength: 200 },
              action: { type: 'string', maxLength: 100 },
              since: { type: 'string', format: 'date-time' },
              until: { type: 'string', format: 'date-time' },
            },
            additionalProperties: false,
          },
          response: {
            200: {
              type: 'object',
              properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: auditItem } },
            },
            400: errorSchema,
          },
        },
      },
      async (req) => {
        const r = await listAudit(app.db, req.query);
        return { total: r.total, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0, items: r.items };
      },
    );
  },
  { name: 'wangge-audit-log', dependencies: ['wangge-audit', 'wangge-errors'] },
);
