/**
 * A queued job's cancel and a worker's claim of it (server/jobs/store.ts): one conditional UPDATE
 * each, so exactly one wins: a job cancelled while it waited never runs, and a job a worker claimed
 * first is not marked cancelled behind the worker's back (its cancel goes to the worker instead).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { cancelQueuedJob, claimJobRun, createJob, getJob } from '../../server/jobs/store';
import { BACKENDS, openTestDb } from '../helpers/backends';

const RUN = { message: '', attempts: 1, worker: 'w1' };

describe.each(BACKENDS)('job claim and cancel on %s', (backend) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('a job cancelled while queued cannot be claimed', async () => {
    const id = await createJob(db, 'partition', {});
    expect(await cancelQueuedJob(db, id, 'cancelled')).toBe(true);
    expect(await claimJobRun(db, id, RUN)).toBe(false);
    expect(await getJob(db, id)).toMatchObject({ status: 'failed', message: 'cancelled' });
  });

  it('a claimed job is not cancelled as queued; a run handed back (running) may be claimed again', async () => {
    const id = await createJob(db, 'partition', {});
    expect(await claimJobRun(db, id, RUN)).toBe(true);
    expect(await cancelQueuedJob(db, id, 'cancelled')).toBe(false);
    expect(await getJob(db, id)).toMatchObject({ status: 'running', worker: 'w1' });
    expect(await claimJobRun(db, id, { ...RUN, attempts: 2, worker: 'w2' })).toBe(true);
    expect(await getJob(db, id)).toMatchObject({ status: 'running', attempts: 2, worker: 'w2' });
  });

  it('racing, exactly one of them wins', async () => {
    for (let i = 0; i < 10; i++) {
      const id = await createJob(db, 'partition', {});
      const [cancelled, claimed] = await Promise.all([cancelQueuedJob(db, id, 'cancelled'), claimJobRun(db, id, RUN)]);
      expect(cancelled !== claimed).toBe(true);
      expect((await getJob(db, id))!.status).toBe(cancelled ? 'failed' : 'running');
    }
  });
});
