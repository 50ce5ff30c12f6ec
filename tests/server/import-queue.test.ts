import type { FastifyInstance } from 'fastify';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { createUser } from '../../server/auth/users';
import { openDb, type Db } from '../../server/db';
import { openBoss, queueSettings } from '../../server/jobs/boss';
import { QueueWorker } from '../../server/jobs/queue-worker';
import { BACKENDS, TEST_DATABASE_URL, openTestDb } from '../helpers/backends';
import { sessionFor, TEST_COST, type TestLogin } from '../helpers/auth';

/**
 * Imports as jobs (issue 16, section 2). On the PostGIS server with the queue, POST /api/import
 * checks the file, stores the upload (import_uploads) and puts an `import` job on pg-boss; the API
 * server here runs NO queue worker (WANGGE_JOB_WORKERS=0), so the job waits until a worker (started
 * by the test, as `npm run worker` would) writes it. On the embedded database the import runs in the
 * server process. On both: a refused file writes nothing and leaves no upload behind; a file the
 * request already refuses makes no job at all.
 */
const S1 = '340802001';
const S3 = '340802003';
const LON0 = 117.05;
const LAT0 = 30.52;
const DX = 100 / (111320 * Math.cos((LAT0 * Math.PI) / 180));
const DY = 100 / 110574;

async function insertSubdistricts(db: Db): Promise<void> {
  for (const [k, id] of [S1, S3].entries()) {
    const x0 = LON0 + 2 * k * DX;
    await db.query(
      `INSERT INTO subdistricts (id, code, name, kind, synthetic, geom) VALUES ($1, $2, $3, 'street', true, ST_Multi(ST_MakeEnvelope($4, $5, $6, $7, 4326)))`,
      [id, id.slice(6), `街道${id.slice(6)}`, x0, LAT0 - DY, x0 + 2 * DX, LAT0],
    );
  }
}

const count = async (db: Db, sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0].n;

describe.each(BACKENDS)('imports as jobs on %s', (backend) => {
  const queued = backend === 'postgres';
  const schema = `impq_${process.pid}_${Date.now().toString(36)}`;
  let url = '';
  let db: Db;
  let app: FastifyInstance;
  let planner: TestLogin;
  let boss: PgBoss | undefined;
  let worker: QueueWorker | undefined;

  beforeAll(async () => {
    if (queued) {
      const admin = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
      await admin.exec(`CREATE SCHEMA ${schema}`);
      await admin.close();
      const u = new URL(TEST_DATABASE_URL);
      u.searchParams.set('options', `-c search_path=${schema},public`);
      url = u.toString();
      db = await openDb({ databaseUrl: url });
    } else {
      db = await openTestDb('pglite');
    }
    await insertSubdistricts(db);
    const p = await createUser(db, { username: 'imp_planner', password: 'imp-planner-pass-9', role: 'planner', subdistricts: [S1], grids: [] }, TEST_COST);
    app = await buildApp({ db, auth: { enforce: true }, ...(queued ? { jobQueue: { databaseUrl: url, workers: 0 } } : {}) });
    await app.ready();
    planner = await sessionFor(db, p.id);
  }, 120_000);

  afterAll(async () => {
    await worker?.stop(2000);
    await boss?.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
    await app?.close();
    await db?.close();
    if (queued) {
      const admin = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_pgboss CASCADE`).catch(() => undefined);
      await admin.close();
    }
  });

  const upload = (query: string, body: string) =>
    app.inject({ method: 'POST', url: `/api/import?${query}`, headers: { ...planner.headers, 'content-type': 'text/csv' }, payload: body });
  const x1 = LON0 + 0.5 * DX; // in 001
  const x3 = LON0 + 2.5 * DX; // in 003
  const y = LAT0 - 0.5 * DY;

  it(
    queued ? 'the upload waits in the database until a worker process writes it' : 'runs in the server process',
    async () => {
      const csv = `名称,经度,纬度\n店一,${x1},${y}\n店二,${x1 + DX / 4},${y}\n`;
      const res = await upload('name=q1.csv&layer=shops', csv);
      expect(res.statusCode, res.body).toBe(202);
      const { jobId } = res.json() as { jobId: string };
      if (queued) {
        // no worker anywhere: the job is queued, its file is in import_uploads, health says so
        await new Promise((r) => setTimeout(r, 500));
        expect((await app.jobs.get(jobId))?.status).toBe('queued');
        const stored = await db.query<{ bytes: Buffer }>('SELECT bytes FROM import_uploads WHERE job_id = $1', [jobId]);
        expect(Buffer.from(stored.rows[0].bytes).toString('utf8')).toBe(csv);
        const h = (await app.inject({ method: 'GET', url: '/api/health' })).json();
        expect(h.queue).toMatchObject({ backend: 'pg-boss', queued: 1, workers_recent: 0 });
        expect(h.warnings.join(' ')).toContain('no queue worker was seen');
        expect(await count(db, "SELECT count(*)::int AS n FROM shops WHERE id LIKE 'q1.csv:%'")).toBe(0);

        boss = await openBoss(url, `${schema}_pgboss`, queueSettings(), () => undefined);
        worker = new QueueWorker(db, { databaseUrl: url, boss, bossSchema: `${schema}_pgboss`, name: 'test-host/worker-1', pollMs: 200 });
        await worker.start();
      }
      await app.jobs.settled(jobId);
      const job = await app.jobs.get(jobId);
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', worker: queued ? 'test-host/worker-1' : null, dead_letter: false });
      expect(job!.result).toMatchObject({ file: 'q1.csv' });
      expect(await count(db, "SELECT count(*)::int AS n FROM shops WHERE id LIKE 'q1.csv:%' AND subdistrict_id = $1", [S1])).toBe(2);
      expect(await count(db, 'SELECT count(*)::int AS n FROM import_uploads')).toBe(0);
      // the import's own audit row, written with the data, names the planner who sent it
      const audit = await db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'import' AND entity_id = 'q1.csv'");
      expect(audit.rows.map((r) => r.actor)).toEqual(['imp_planner']);
      if (queued) {
        const h = (await app.inject({ method: 'GET', url: '/api/health' })).json();
        expect(h.queue).toMatchObject({ backend: 'pg-boss', queued: 0, workers_recent: 1 });
        expect(h.queue.worker_last_seen_s).toBeLessThan(60);
      } else {
        expect((await app.inject({ method: 'GET', url: '/api/health' })).json().queue).toMatchObject({ backend: 'in-process', workers_recent: 1 });
      }
    },
    120_000,
  );

  it("a file the write refuses (outside the planner's sub-districts) writes nothing, leaves no upload, and is not retried", async () => {
    const res = await upload('name=q2.csv&layer=shops&wait=true', `名称,经度,纬度\n店,${x1},${y}\n店二,${x3},${y}\n`);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().message).toMatch(/不在您负责的街道内/);
    expect(await count(db, "SELECT count(*)::int AS n FROM shops WHERE id LIKE 'q2.csv:%'")).toBe(0);
    expect(await count(db, 'SELECT count(*)::int AS n FROM import_uploads')).toBe(0);
    const job = await db.query<{ status: string; attempts: number; dead_letter: boolean; kind: string }>(
      "SELECT status, attempts, dead_letter, kind FROM jobs WHERE params->>'file' = 'q2.csv'",
    );
    expect(job.rows).toEqual([{ status: 'failed', attempts: 1, dead_letter: false, kind: 'import' }]);
  }, 120_000);

  it('with wait=true the answer is the report, after the worker wrote it', async () => {
    const res = await upload('name=q3.csv&layer=shops&wait=true', `名称,经度,纬度\n店,${x1},${y}\n`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ file: 'q3.csv' });
    expect(await count(db, "SELECT count(*)::int AS n FROM shops WHERE id LIKE 'q3.csv:%'")).toBe(1);
  }, 120_000);

  it('a file the request refuses makes no job and stores nothing', async () => {
    const jobs = await count(db, 'SELECT count(*)::int AS n FROM jobs');
    const res = await upload('name=q4.csv&layer=shops', `名称,经度,纬度\n店,999,999\n`);
    expect(res.statusCode).toBe(400);
    expect(await count(db, 'SELECT count(*)::int AS n FROM jobs')).toBe(jobs);
    expect(await count(db, 'SELECT count(*)::int AS n FROM import_uploads')).toBe(0);
  });
});
