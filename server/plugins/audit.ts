import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isReadMethod } from '../auth/policy';
import { audit } from '../audit/log';
import { actorOf } from '../audit/request';

/**
 * The audit log: every successful non-GET /api request gets a row (actor, method, url, status)
 * unless its handler wrote a detailed one with auditWrite(); GET /api/audit (audit-log.ts) pages through it.
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
        // best effort: the answer is already sent; a lost audit row is logged, never turned into an error reply
        app.log.warn({ err }, 'audit row not written');
      }
    });
  },
  { name: 'wangge-audit', dependencies: ['wangge-auth'] },
);
