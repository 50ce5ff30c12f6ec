import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { CANCELLED_MESSAGE } from '../../server/jobs/runner';
import { BACKENDS, openTestDb } from '../helpers/backends';

describe.each(BACKENDS)('cancelling a job on %s', (backend) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ db: await openTestDb(backend) });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it('POST /api/jobs/:id/cancel stops running work through its signal; nothing it would write is written; 409 once ended', async () => {
    let wrote = false;
    const id = await app.jobs.run('test', {}, async (report, signal) => {
      report(0.1, 'working');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      if (!signal.aborted) wrote = true;
      return {};
    });
    const res = await app.inject({ method: 'POST', url: `/api/jobs/${id}/cancel` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, status: 'failed', message: CANCELLED_MESSAGE });
    expect(wrote).toBe(false);
    const again = await app.inject({ method: 'POST', url: `/api/jobs/${id}/cancel` });
    expect(again.statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/api/jobs/nope/cancel' })).statusCode).toBe(404);
  });

  it('a job whose work ignores the signal still ends cancelled, not succeeded', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const id = await app.jobs.run('test', {}, async () => {
      await gate;
      return { done: true };
    });
    const cancel = app.inject({ method: 'POST', url: `/api/jobs/${id}/cancel` });
    await new Promise((r) => setTimeout(r, 50));
    release();
    const res = await cancel;
    expect(res.json().status).toBe('failed');
    expect(res.json().message).toBe(CANCELLED_MESSAGE);
  });
});
