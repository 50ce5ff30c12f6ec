import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** OpenAPI document at /docs/json and the UI at /docs (assets served locally by swagger-ui). */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Wangge API', description: '网格 community grid governance', version: '0.1.0' },
    },
    // the shared schemas (./schemas.ts) keep their ids in components.schemas: #/components/schemas/Error, ...
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
});
