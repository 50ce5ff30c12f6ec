import type { FastifyPluginAsync } from 'fastify';

const health: FastifyPluginAsync = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database backend',
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
        },
      },
    },
    async () => {
      const r = await app.db.query<{ v: string }>('SELECT postgis_lib_version() AS v');
      return { status: 'ok' as const, db: app.db.kind, postgis: r.rows[0].v };
    },
  );
};

export default health;
