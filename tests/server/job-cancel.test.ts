import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import type { Db } from '../../server/db';
import { CANCELLED_MESSAGE, JobRunner, SHUTDOWN_MESSAGE } from '../../server/jobs/runner';
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

  it('a job cancelled before its work began (its row still queued) ends cancelled without running the work', async () => {
    // run() returns once the job's row exists; the runner then writes 'running' and only after that
    // round trip starts the work. Hold that write so the cancel lands in between, every time.
    let releaseWrite!: () => void;
    const held = new Promise<void>((r) => (releaseWrite = r));
    const db: Db = {
      ...app.db,
      query: async (sql, params) => {
        if (sql.startsWith('UPDATE jobs') && params?.[1] === 'running') await held;
        return app.db.query(sql, params);
      },
    };
    const runner = new JobRunner(db);
    let ran = false;
    const id = await runner.run('test', {}, async (_report, signal) => {
      ran = true;
      // work that (like the ones below) learns of a cancel from the 'abort' event alone
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      return {};
    });
    expect((await runner.get(id))!.status).toBe('queued');
    expect(await runner.cancel(id)).toBe(true);
    releaseWrite();
    const ended = await Promise.race([runner.settled(id).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5000))]);
    expect(ended, 'settled() returned').toBe(true);
    expect(ran).toBe(false);
    expect(await runner.get(id)).toMatchObject({ status: 'failed', message: CANCELLED_MESSAGE });
    await runner.close();
  });

  it('shutdown: close() lets a short job finish, then stops a long one after its grace (the row says the server shut down)', async () => {
    const runner = new JobRunner(app.db, { closeGraceMs: 300 });
    let wrote = false;
    const long = await runner.run('test', {}, async (_report, signal) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      if (!signal.aborted) wrote = true;
      return {};
    });
    const short = await runner.run('test', {}, async () => {
      await new Promise((r) => setTimeout(r, 50));
      return { done: true };
    });
    const t0 = Date.now();
    const closed = await Promise.race([runner.close().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10_000))]);
    expect(closed, 'close() returned').toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(wrote).toBe(false);
    expect(await runner.get(short)).toMatchObject({ status: 'succeeded' });
    expect(await runner.get(long)).toMatchObject({ status: 'failed', message: SHUTDOWN_MESSAGE });
  });

  it("with sign-in: a coordinator cancels the patrol-plan job they started in their sub-district; not another user's (404), not one naming a sub-district outside theirs (403)", async () => {
    const secured = await buildApp({ db: app.db, auth: { enforce: true } });
    const started: string[] = [];
    try {
      const tag = `${backend}_${Date.now().toString(36)}`;
      const mk = (name: string, subdistricts: string[]) =>
        createUser(app.db, { username: `jc_${name}_${tag}`, password: 'job-cancel-pass-9', role: 'coordinator', subdistricts, grids: [] }, TEST_COST);
      const owner = await mk('owner', ['340802001']);
      const other = await mk('other', ['340802001']);
      const asOwner = await sessionFor(app.db, owner.id);
      const asOther = await sessionFor(app.db, other.id);
      let wrote = false;
      /** The job's id, and a promise that resolves once its work began (its row then says 'running'). */
      const start = async (subdistrict: string) => {
        let began!: () => void;
        const working = new Promise<void>((r) => (began = r));
        const id = await secured.jobs.run(
          'patrol-plan',
          { subdistrict },
          async (report, signal) => {
            began();
            report(0.1, 'working');
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
            if (!signal.aborted) wrote = true;
            return {};
          },
          owner.id,
        );
        started.push(id);
        return { id, working };
      };
      const cancel = (id: string, headers: Record<string, string>) => secured.inject({ method: 'POST', url: `/api/jobs/${id}/cancel`, headers });

      const { id: mine } = await start('340802001');
      expect((await cancel(mine, asOther.headers)).statusCode).toBe(404);
      expect((await secured.inject({ method: 'POST', url: `/api/jobs/${mine}/cancel` })).statusCode).toBe(401);
      const res = await cancel(mine, asOwner.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: mine, status: 'failed', message: CANCELLED_MESSAGE });
      expect(wrote).toBe(false);

      // a job naming a sub-district the user no longer covers: refused, and it keeps running (run()
      // returns while its row still says 'queued': wait for its work to begin before asking)
      const { id: outside, working } = await start('340802002');
      await working;
      const refused = await cancel(outside, asOwner.headers);
      expect(refused.statusCode).toBe(403);
      expect((await secured.jobs.get(outside))!.status).toBe('running');
      expect(await secured.jobs.cancel(outside)).toBe(true);
      await secured.jobs.settled(outside);
    } finally {
      // a failed expectation above leaves a job waiting for its signal, and close() waits for every
      // job: cancel them first, or the failure shows as this test's timeout instead of itself
      for (const id of started) await secured.jobs.cancel(id);
      await secured.close();
    }
  });
});
