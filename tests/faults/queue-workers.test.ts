import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../server/db';
import { BACKENDS, TEST_DATABASE_URL } from '../helpers/backends';
import { insertLatticeDistrict } from '../helpers/lattice-district';
import { http, pollJob, startServerProcess, type Job, type ServerProcess } from './server-process';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/**
 * Jobs on the pg-boss queue (issue 16, section 2), with real processes on the PostGIS server (a
 * scratch schema of the test database; pg-boss gets `<schema>_pgboss`): an API server with no
 * in-process workers (WANGGE_JOB_WORKERS=0) and `npm run worker` processes.
 * - two workers drain a batch of partition jobs, both take part, and progress reaches the job's
 *   server-sent events (LISTEN/NOTIFY);
 * - kill -9 of the worker running a job: no row of it is written, and the other worker runs it
 *   again to success (run 2), one plan;
 * - a job that fails on each of its 3 runs ends in the dead-letter queue, and GET /api/jobs/:id
 *   says so with the error.
 */
type QJob = Job & { attempts: number; dead_letter: boolean; worker: string | null; result: Record<string, number> | null };

const SMALL = ['911', '912', '913', '914'];
const BIG = '915';
const GONE = '916';
const ENV = { WANGGE_JOB_RETRY_DELAY_SECONDS: '0' };

describe.skipIf(!BACKENDS.includes('postgres'))('jobs on the pg-boss queue, worker processes', () => {
  const schema = `queue_${process.pid}_${Date.now().toString(36)}`;
  let url = '';
  let db: Db;
  let srv: ServerProcess | undefined;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    const admin = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    await admin.close();
    const u = new URL(TEST_DATABASE_URL);
    u.searchParams.set('options', `-c search_path=${schema},public`);
    url = u.toString();
    db = await openDb({ databaseUrl: url });
    for (const [i, code] of SMALL.entries()) await insertLatticeDistrict(db, 14, 10, { code, index: i });
    await insertLatticeDistrict(db, 40, 40, { code: BIG, index: SMALL.length });
    await db.query(
      `INSERT INTO subdistricts (id, code, name, kind, synthetic, geom) VALUES ('340802${GONE}', '${GONE}', '将被删除', 'street', true, ST_Multi(ST_MakeEnvelope(117.5, 30.5, 117.51, 30.51, 4326)))`,
    );
    const started = await Promise.all([
      startServerProcess({ databaseUrl: url, env: { ...ENV, WANGGE_JOB_WORKERS: '0' } }),
      startWorkerProcess(url, ENV),
      startWorkerProcess(url, ENV),
    ]);
    srv = started[0];
    workers.push(started[1], started[2]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([srv?.kill9(), ...workers.map((w) => w.kill9())]);
    await db?.close();
    const admin = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_pgboss CASCADE`).catch(() => undefined);
    await admin.close();
  });

  const logs = () => [srv?.log().slice(-1500), ...workers.map((w) => w.log().slice(-1500))].join('\n---\n');

  it('two workers drain a batch; progress reaches the job events through NOTIFY', async () => {
    const s = srv!;
    const ids: string[] = [];
    for (const code of SMALL) {
      const r = await http<{ jobId: string }>(s.url, 'POST', '/api/partition', { subdistrict: `340802${code}`, seed: 1 });
      expect(r.status, JSON.stringify(r.json)).toBe(202);
      ids.push(r.json.jobId);
    }
    // the server-sent events of the first job, as the UI reads them
    const res = await fetch(`${s.url}/api/jobs/${ids[0]}/events`);
    const events = (await res.text())
      .split('\n\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l.replace(/^data: /, '')) as QJob);
    expect(
      events.some((e) => e.status === 'running' && e.progress > 0 && e.progress < 1),
      JSON.stringify(events),
    ).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(events.at(-1)!.result!.planId).toBeGreaterThan(0);

    const done = await Promise.all(ids.map((id) => pollJob(s.url, id, () => false, 240_000) as Promise<QJob>));
    for (const j of done) expect(j, logs()).toMatchObject({ status: 'succeeded', attempts: 1, dead_letter: false });
    const ran = new Set(done.map((j) => j.worker));
    expect([...ran].sort(), 'both workers took jobs').toEqual(workers.map((w) => w.name).sort());
    const plans = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans');
    expect(plans.rows[0].n).toBe(SMALL.length);
    // the API server (no workers of its own) sees both worker processes through their heartbeats
    const health = await http<{ queue: Record<string, unknown> }>(s.url, 'GET', '/api/health');
    expect(health.json.queue).toMatchObject({ backend: 'pg-boss', workers_recent: 2, queued: 0, running: 0 });
  }, 300_000);

  it('kill -9 of the worker running a job: nothing half-written, the other worker runs it again', async () => {
    const s = srv!;
    const start = await http<{ jobId: string }>(s.url, 'POST', '/api/partition', { subdistrict: `340802${BIG}`, seed: 1 });
    expect(start.status).toBe(202);
    const id = start.json.jobId;
    const running = (await pollJob(s.url, id, (j) => j.status === 'running' && j.progress > 0, 240_000)) as QJob;
    expect(running.status, logs()).toBe('running');
    const victim = workers.find((w) => w.name === running.worker)!;
    const other = workers.find((w) => w !== victim)!;
    await victim.kill9();
    const during = await db.query<{ plans: number; grids: number }>(
      'SELECT (SELECT count(*)::int FROM plans) AS plans, (SELECT count(*)::int FROM grids g JOIN plans p ON p.id = g.plan_id WHERE p.id > 0) AS grids',
    );
    expect(during.rows[0].plans).toBe(SMALL.length); // the killed run committed nothing

    const done = (await pollJob(s.url, id, (j) => j.status === 'succeeded' || j.status === 'failed', 300_000)) as QJob;
    expect(done, logs()).toMatchObject({ status: 'succeeded', attempts: 2, worker: other.name, dead_letter: false });
    const after = await db.query<{ plans: number; grids: number }>(
      'SELECT (SELECT count(*)::int FROM plans) AS plans, (SELECT count(*)::int FROM grids WHERE plan_id = $1) AS grids',
      [done.result!.planId],
    );
    expect(after.rows[0]).toEqual({ plans: SMALL.length + 1, grids: done.result!.grids });
    workers.splice(workers.indexOf(victim), 1);
  }, 400_000);

  it('a job that fails on all 3 runs lands in the dead-letter queue, its error in the job status', async () => {
    const s = srv!;
    const stopped = workers.map((w) => w.name);
    await Promise.all(workers.map((w) => w.stop())); // nobody takes it before the data changes
    workers.length = 0;
    const start = await http<{ jobId: string }>(s.url, 'POST', '/api/partition', { subdistrict: `340802${GONE}` });
    expect(start.status).toBe(202);
    await db.query(`DELETE FROM subdistricts WHERE id = '340802${GONE}'`); // the sub-district goes while the job waits
    // the stopped workers deleted their heartbeat rows; only the one killed above may still count as
    // seen (its last beat is under 60 s old), and health says so
    const beats = await db.query<{ name: string; recent: boolean }>("SELECT name, seen_at > now() - interval '60 seconds' AS recent FROM job_workers");
    expect(beats.rows.filter((r) => stopped.includes(r.name))).toEqual([]);
    const idle = await http<{ queue: Record<string, unknown>; warnings: string[] }>(s.url, 'GET', '/api/health');
    expect(idle.json.queue).toMatchObject({ backend: 'pg-boss', queued: 1, workers_recent: beats.rows.filter((r) => r.recent).length });
    expect(beats.rows.filter((r) => r.recent).length).toBeLessThanOrEqual(1);
    workers.push(await startWorkerProcess(url, ENV));
    const done = (await pollJob(s.url, start.json.jobId, (j) => j.status === 'failed', 240_000)) as QJob;
    expect(done, logs()).toMatchObject({ status: 'failed', attempts: 3, dead_letter: true });
    expect(done.message).toMatch(/未知的街道编码：340802916/);
    // our row is written before the worker hands the error back to pg-boss, which then copies the job
    // to the dead-letter queue: poll for that copy instead of reading it once (CI caught the gap)
    const deadCount = async (): Promise<number> =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}_pgboss.job WHERE name = 'partition_dead'`)).rows[0].n;
    let dead = await deadCount();
    for (let i = 0; i < 100 && dead === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      dead = await deadCount();
    }
    expect(dead).toBe(1);
    // the worker logs after it wrote the row the poll above saw: give its last line a moment
    for (let i = 0; i < 50 && !/job dead-lettered/.test(workers[0].log()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(workers[0].log()).toMatch(/job dead-lettered/);
    // health counts it, and the job list shows it with its error (the admin view's jobs tab reads this)
    const health = await http<{ queue: Record<string, unknown>; warnings: string[] }>(s.url, 'GET', '/api/health');
    expect(health.json.queue).toMatchObject({ dead_letter_24h: 1, dead_letter: 1 });
    expect(health.json.warnings.join(' ')).toContain('1 job(s) dead-lettered');
    const list = await http<{ jobs: Array<{ id: string; message: string; attempts: number }> }>(s.url, 'GET', '/api/jobs?status=dead_letter');
    expect(list.json.jobs.map((j) => [j.id, j.attempts])).toEqual([[start.json.jobId, 3]]);
    expect(list.json.jobs[0].message).toMatch(/未知的街道编码：340802916/);
  }, 300_000);
});
