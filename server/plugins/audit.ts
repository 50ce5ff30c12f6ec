import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isReadMethod } from '../auth/policy';
import { audit, listAudit, type AuditQuery } from '../audit/log';
import { actorOf } from '../audit/request';

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

/**
 * The audit log: every successful non-GET /api request gets a row (actor, method, url, status)
 * unless its handler wrote a detailed one with auditWrite(); GET /api/audit pages through it (admin).
 */
export default fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('auditRecorded', false);

    app.addHook('onResponse', async (req, reply) => {
      if (req.auditRecorded || isReadMethod(req.method) || reply.statusCode >= 400) return;
      if (!req.url.startsWith('/api/')) return;
      const route = req.routeOptions.url;
      const params = (req.params ?? {}) as Record<string, unknown>;
      const id = params.id ?? Object.values(params)[0];
      try {
        await audit(app.db, {
          actor: actorOf(req),
          action: `http.${req.method.toLowerCase()}`,
          entity: route ?? null,
          entityId: typeof id === 'string' || typeof id === 'number' ? id : null,
          method: req.method,
          url: req.url,
          status: reply.statusCode,
          ip: req.ip,
        });
      } catch (err) {
        app.log.warn({ err }, 'audit row not written');
      }
    });

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
              offset: { type: 'integer', minimum: 0, default: 0 },
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
          },
        },
      },
      async (req) => {
        const r = await listAudit(app.db, req.query);
        return { total: r.total, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0, items: r.items };
      },
    );
  },
  { name: 'wangge-audit', dependencies: ['wangge-auth'] },
);
