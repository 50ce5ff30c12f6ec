import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../server/db';
import { migrate } from '../../server/db/migrate';
import { openPglite } from '../../server/db/pglite';
import { BACKENDS, pgliteTemplate, TEST_DATABASE_URL } from '../helpers/backends';
import { insertLatticeDistrict } from '../helpers/lattice-district';
import { http, pollJob, startServerProcess, type Job, type ServerProcess } from './server-process';

/**
 * kill -9 of a real server process (tsx server/index.ts) in the middle of a partition job and in the
 * middle of an import job, on a temporary PGlite data directory and on the PostGIS server (scratch
 * schema). After a restart: the job is shown as failed (on the PostGIS server partition and import
 * are on the pg-boss queue: they run again, once), no half plan and no half import exist, and the server
 * works (a new partition succeeds).
 */

const SUB = '340802902';
const COLS = 60;
const ROWS = 60; // 3,600 units, ~180,000 households: a partition of several seconds
const INCIDENTS = 60_000;

function incidentsCsv(n: number): string {
  const lines = ['id,lon,lat,time,type'];
  for (let i = 0; i < n; i++) {
    const lon = 117.04 + ((i * 7919) % 10000) / 250000;
    const lat = 30.5 + ((i * 104729) % 10000) / 250000;
    lines.push(`${i},${lon.toFixed(6)},${lat.toFixed(6)},2024-0${1 + (i % 9)}-1${i % 10} 0${i % 10}:30,纠纷`);
  }
  return lines.join('\n') + '\n';
}

interface Target {
  /** env for the child process */
  dataDir?: string;
  databaseUrl?: string;
  open(): Promise<Db>;
  /** Opens the empty, migrated database for the first time. */
  create(): Promise<Db>;
  cleanup(): Promise<void>;
}

async function makeTarget(kind: 'pglite' | 'postgres'): Promise<Target> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'wangge-kill9-'));
    return {
      dataDir: dir,
      open: () => openDb({ dataDir: dir }),
      // the cached migrated template (as datadir-owner uses) instead of a fresh initdb + PostGIS
      create: async () => {
        const db = await openPglite(dir, { loadDataDir: await pgliteTemplate() });
        await migrate(db);
        return db;
      },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `kill9_${process.pid}_${Date.now().toString(36)}`;
  const admin = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return {
    databaseUrl: url.toString(),
    open: () => openDb({ databaseUrl: url.toString() }),
    create: () => openDb({ databaseUrl: url.toString() }),
    async cleanup() {
      const a = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
      await a.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_pgboss CASCADE`).catch(() => undefined);
      await a.close();
    },
  };
}

async function counts(t: Target): Promise<Record<string, number>> {
  const db = await t.open();
  try {
    const r = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM plans) AS plans, (SELECT count(*)::int FROM grids) AS grids,
              (SELECT count(*)::int FROM plan_assignments) AS assignments, (SELECT count(*)::int FROM incidents) AS incidents,
              (SELECT count(*)::int FROM jobs WHERE status IN ('queued', 'running')) AS unfinished,
              (SELECT count(*)::int FROM import_uploads) AS uploads`,
    );
    return r.rows[0];
  } finally {
    await db.close();
  }
}

/**
 * Waits until the job is running and has reported progress (or ~1.5 s of running passed), then
 * kills. On PGlite (one connection) a long write transaction holds the database, so a status poll
 * that gets no answer within a second means the job is inside its transaction: kill then too.
 */
/**
 * Kills the server once the job reached `minProgress`, or 1.5 s after it started running — after it
 * reached `from` when given (an import on the queue parses its stored file first: 0.2 is "writing").
 */
async function killMidJob(srv: ServerProcess, jobId: string, minProgress: number, from = 0): Promise<{ job: Job | null; busy: boolean }> {
  let runningSince = 0;
  const end = Date.now() + 300_000;
  for (;;) {
    let job: Job | null = null;
    try {
      const res = await fetch(`${srv.url}/api/jobs/${jobId}`, { signal: AbortSignal.timeout(1000) });
      job = (await res.json()) as Job;
    } catch {
      await srv.kill9();
      return { job: null, busy: true };
    }
    if (job.status === 'running' && job.progress >= from) runningSince ||= Date.now();
    const ready = job.status === 'running' && (job.progress >= minProgress || (runningSince > 0 && Date.now() - runningSince > 1500));
    if (ready || job.status === 'succeeded' || job.status === 'failed' || Date.now() > end) {
      await srv.kill9();
      return { job, busy: false };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(BACKENDS)('kill -9 on %s', (backend) => {
  let t: Target;
  let srv: ServerProcess | undefined;
  beforeAll(async () => {
    t = await makeTarget(backend);
    const db = await t.create();
    await insertLatticeDistrict(db, COLS, ROWS);
    await db.close();
  }, 180_000);
  afterAll(async () => {
    await srv?.kill9();
    await t?.cleanup();
  });

  it('during a partition job: after restart the job is failed and no half plan exists', async () => {
    srv = await startServerProcess(t);
    const start = await http<{ jobId: string }>(srv.url, 'POST', '/api/partition', { subdistrict: SUB, min: 300, max: 500, seed: 3 });
    expect(start.status, JSON.stringify(start.json)).toBe(202);
    const at = await killMidJob(srv, start.json.jobId, 0.3);
    if (!at.busy) expect(at.job?.status, `killed while ${JSON.stringify(at)}`).toBe('running');
    const c = await counts(t);
    expect(c).toMatchObject({ plans: 0, grids: 0, assignments: 0, unfinished: 1 });

    srv = await startServerProcess(t);
    if (backend === 'pglite') {
      const job = await http<Job>(srv.url, 'GET', `/api/jobs/${start.json.jobId}`);
      expect(job.json).toMatchObject({ status: 'failed' });
      expect(job.json.message).toMatch(/中断/);
      const plans = await http<unknown[]>(srv.url, 'GET', '/api/plans');
      expect(plans.json).toEqual([]);
    } else {
      // on the pg-boss queue: the run lost with its process is handed back (its lease is free) and runs again
      const job = (await pollJob(srv.url, start.json.jobId, () => false, 300_000)) as Job & { attempts: number };
      expect(job, srv.log().slice(-3000)).toMatchObject({ status: 'succeeded', attempts: 2 });
    }
    await srv.stop();
    srv = undefined;
    const after = await counts(t);
    expect(after).toMatchObject({ unfinished: 0 });
    if (backend === 'pglite') expect(after).toMatchObject({ plans: 0, grids: 0, assignments: 0 });
    else expect(after.plans).toBe(1); // once: the killed run wrote nothing
  }, 600_000);

  it('during an import job: after restart the job is failed (PGlite) or ran again once (queue), never half-written; the server still partitions', async () => {
    srv = await startServerProcess(t);
    const csv = incidentsCsv(INCIDENTS);
    const start = await http<{ jobId: string; features: number }>(srv.url, 'POST', '/api/import?name=big-incidents.csv&layer=incidents', csv);
    expect(start.status, JSON.stringify(start.json).slice(0, 500)).toBe(202);
    expect(start.json.features).toBe(INCIDENTS);
    const at = await killMidJob(srv, start.json.jobId, 0.3, 0.2);
    if (!at.busy) expect(at.job?.status, `killed while ${JSON.stringify(at)}`).toBe('running');
    console.log(`kill -9 on ${backend}: import killed ${at.busy ? 'while the database was busy with its transaction' : `at ${JSON.stringify(at.job)}`}`);
    expect(await counts(t)).toMatchObject({ incidents: 0, unfinished: 1 });

    srv = await startServerProcess(t);
    if (backend === 'pglite') {
      const job = await http<Job>(srv.url, 'GET', `/api/jobs/${start.json.jobId}`);
      expect(job.json).toMatchObject({ status: 'failed' });
    } else {
      // on the pg-boss queue the upload waits in import_uploads: the lost run is handed back and the import runs again, once
      const job = (await pollJob(srv.url, start.json.jobId, () => false, 300_000)) as Job & { attempts: number };
      expect(job, srv.log().slice(-3000)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(await counts(t)).toMatchObject({ incidents: INCIDENTS });
    }
    // the database is whole: a new partition runs to a plan
    const again = await http<{ jobId: string }>(srv.url, 'POST', '/api/partition', { subdistrict: SUB, min: 300, max: 500, seed: 3 });
    expect(again.status).toBe(202);
    const done = await pollJob(srv.url, again.json.jobId, () => false, 300_000);
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'succeeded' });
    await srv.stop();
    srv = undefined;
    const c = await counts(t);
    expect(c.incidents).toBe(backend === 'pglite' ? 0 : INCIDENTS); // never half: none, or all of them exactly once
    expect(c.uploads).toBe(0); // the stored upload went with the import's write
    expect(c.plans).toBe(backend === 'pglite' ? 1 : 2); // on the queue, the partition killed above ran again
    expect(c.grids).toBeGreaterThan(300);
  }, 600_000);
});
