import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app';
import { BACKENDS, openTestDb } from '../helpers/backends';

describe.each(BACKENDS)('GET /api/health on %s', (backend) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ db: await openTestDb(backend) });
  });
  afterAll(async () => {
    await app?.db.close();
    await app?.close();
  });

  it('reports status, backend and PostGIS version', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'ok', db: backend });
    expect(body.postgis).toMatch(/^3\.\d/);
  });

  it('serves the OpenAPI document', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/api/health']).toBeDefined();
  });
});
