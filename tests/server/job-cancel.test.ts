import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { CANCELLED_MESSAGE } from '../../server/jobs/runner';
import { createUser } from '../../server/auth/users';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, TEST_COST } from '../helpers/auth';

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

  it("with sign-in: a coordinator cancels the patrol-plan job they started in their sub-district; not another user's (404), not one naming a sub-district outside theirs (403)", async () => {
    const secured = await buildApp({ db: app.db, auth: { enforce: true } });
    try {
      const tag = `${backend}_${Date.now().toString(36)}`;
      const mk = (name: string, subdistricts: string[]) =>
        createUser(app.db, { username: `jc_${name}_${tag}`, password: 'job-cancel-pass-9', role: 'coordinator', subdistricts, grids: [] }, TEST_COST);
      const owner = await mk('owner', ['340802001']);
      const other = await mk('other', ['340802001']);
      const asOwner = await sessionFor(app.db, owner.id);
      const asOther = await sessionFor(app.db, other.id);
      let wrote = false;
      const start = (subdistrict: string) =>
        secured.jobs.run(
          'patrol-plan',
          { subdistrict },
          async (report, signal) => {
            report(0.1, 'working');
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
            if (!signal.aborted) wrote = true;
            return {};
          },
          owner.id,
        );
      const cancel = (id: string, headers: Record<string, string>) => secured.inject({ method: 'POST', url: `/api/jobs/${id}/cancel`, headers });

      const mine = await start('340802001');
      expect((await cancel(mine, asOther.headers)).statusCode).toBe(404);
      expect((await secured.inject({ method: 'POST', url: `/api/jobs/${mine}/cancel` })).statusCode).toBe(401);
      const res = await cancel(mine, asOwner.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: mine, status: 'failed', message: CANCELLED_MESSAGE });
      expect(wrote).toBe(false);

      // a job naming a sub-district the user no longer covers: refused, and it keeps running
      const outside = await start('340802002');
      const refused = await cancel(outside, asOwner.headers);
      expect(refused.statusCode).toBe(403);
      expect((await secured.jobs.get(outside))!.status).toBe('running');
      expect(await secured.jobs.cancel(outside)).toBe(true);
      await secured.jobs.settled(outside);
    } finally {
      await secured.close();
    }
  });
});
