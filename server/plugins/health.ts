import type { FastifyPluginAsync } from 'fastify';
import { isConnectionError } from '../db/connection-errors';

const health: FastifyPluginAsync = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database backend (503 with status "down" while the database is unreachable)',
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok'] },
              db: { type: 'string', enum: ['pglite', 'postgres'] },
              postgis: { type: 'string' },
            },
            required: ['status', 'db', 'postgis'],
          },
          503: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['down'] },
              db: { type: 'string', enum: ['pglite', 'postgres'] },
              database: { type: 'string', enum: ['down'] },
              message: { type: 'string' },
            },
            required: ['status', 'db', 'database', 'message'],
          },
        },
      },
    },
    async (_req, reply) => {
      try {
        const r = await app.db.query<{ v: string }>('SELECT postgis_lib_version() AS v');
        return { status: 'ok' as const, db: app.db.kind, postgis: r.rows[0].v };
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        const e = err as { code?: string; message?: string };
        return reply.code(503).header('retry-after', '5').send({
          status: 'down' as const,
          db: app.db.kind,
          database: 'down' as const,
          message: `数据库无法连接 (database unreachable: ${e.code ?? ''} ${e.message ?? ''})`.replace(/\s+\)/, ')'),
        });
      }
    },
  );
};

export default health;
