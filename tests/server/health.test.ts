import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app';
import type { Db } from '../../server/db';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { seedTestUsers, sessionFor } from '../helpers/auth';

/** Finished and waiting jobs in the table /api/health and /metrics read (one of each state). */
async function seedJobs(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO jobs (id, kind, status, params, message, created_at, updated_at) VALUES
       ('h-ok', 'partition', 'succeeded', '{}', 'done', now() - interval '40 seconds', now() - interval '10 seconds'),
       ('h-fail', 'import', 'failed', '{}', '坐标超出范围', now() - interval '3 seconds', now()),
       ('h-old', 'import', 'failed', '{}', 'old', now() - interval '3 days', now() - interval '3 days'),
       ('h-run', 'grouping', 'running', '{}', NULL, now(), now()),
       ('h-wait', 'grouping', 'queued', '{}', NULL, now(), now())`,
  );
  await db.query(
    `INSERT INTO jobs (id, kind, status, params, message, attempts, dead_letter, created_at, updated_at) VALUES
       ('h-dead', 'partition', 'failed', '{}', '未知的街道编码', 3, true, now() - interval '2 minutes', now() - interval '1 minute'),
       ('h-dead-old', 'partition', 'failed', '{}', 'old', 3, true, now() - interval '5 days', now() - interval '5 days')`,
  );
}

describe.each(BACKENDS)('health and metrics on %s', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let admin: Record<string, string>;
  let planner: Record<string, string>;
  beforeAll(async () => {
    db = await openTestDb(backend);
    const users = await seedTestUsers(db);
    app = await buildApp({ db, auth: { enforce: true } });
    await app.ready(); // its start-up marks jobs left running as interrupted: seed them after
    await seedJobs(db);
    admin = (await sessionFor(db, users.admin.id)).headers;
    planner = (await sessionFor(db, users.planner.id)).headers;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('/api/health reports database, queue and disk state', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'ok', db: backend, database: { status: 'up' } });
    expect(body.postgis).toMatch(/^3\.\d/);
    expect(body.database.latency_ms).toBeGreaterThanOrEqual(0);
    if (backend === 'postgres') expect(body.database.pool.total).toBeGreaterThanOrEqual(1);
    else expect(body.database.wasm_memory_bytes).toBeGreaterThan(64 * 2 ** 20);
    // the 3-day-old failure is not recent
    // app.inject runs jobs in this process (no queue): one worker, this server
    expect(body.queue).toEqual({
      backend: 'in-process',
      running: 1,
      queued: 1,
      failed_24h: 2,
      dead_letter_24h: 1,
      dead_letter: 2,
      workers_recent: 1,
      worker_last_seen_s: 0,
    });
    expect(JSON.stringify(body)).not.toContain('坐标超出范围'); // public: counts only, never a job's message
    expect(JSON.stringify(body)).not.toContain('未知的街道编码');
    expect(body.disk.status).toMatch(/^(ok|low)$/);
    expect(body.disk.free_bytes).toBeGreaterThan(0);
    expect(body.disk.total_bytes).toBeGreaterThanOrEqual(body.disk.free_bytes);
    expect(body.warnings.join(' ')).toContain('2 job(s) failed');
    expect(body.warnings.join(' ')).toContain('1 job(s) dead-lettered');
  });

  it('/metrics: 401 anonymous, 403 for a planner, the Prometheus text for an admin', async () => {
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: planner })).statusCode).toBe(403);
    // two requests to one route pattern with different ids, and one matching no route
    await app.inject({ method: 'GET', url: '/api/jobs/nope-1', headers: admin });
    await app.inject({ method: 'GET', url: '/api/jobs/nope-2', headers: admin });
    await app.inject({ method: 'GET', url: '/api/no-such-route', headers: admin });
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/jobs\/:id",status_code="404"\} 2$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 1$/m);
    expect(text).not.toContain('nope-1');
    expect(text).toMatch(/^wangge_jobs_total\{kind="import",status="failed"\} 2$/m);
    expect(text).toMatch(/^wangge_jobs_total\{kind="partition",status="succeeded"\} 1$/m);
    expect(text).toMatch(/^wangge_jobs_total\{kind="partition",status="failed"\} 2$/m);
    expect(text).toMatch(/^wangge_jobs_dead_letter_total\{kind="partition"\} 2$/m);
    expect(text).toMatch(/^wangge_jobs\{status="running"\} 1$/m);
    expect(text).toMatch(/^wangge_jobs\{status="queued"\} 1$/m);
    // the partition took 30 s: in the 30 s bucket, not the 10 s one
    expect(text).toMatch(/^wangge_job_duration_seconds_bucket\{le="10",kind="partition",status="succeeded"\} 0$/m);
    expect(text).toMatch(/^wangge_job_duration_seconds_bucket\{le="30",kind="partition",status="succeeded"\} 1$/m);
    expect(text).toMatch(/^wangge_database_up 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
    if (backend === 'postgres') expect(text).toMatch(/^wangge_db_pool_connections\{state="total"\} [1-9]\d*$/m);
    else expect(text).toMatch(/^wangge_pglite_wasm_memory_bytes [1-9]\d+$/m);
  });

  it('WANGGE_METRICS_PUBLIC=1 opens /metrics to anonymous scrapers; the disk warning follows WANGGE_DISK_WARN_MB', async () => {
    const saved = { pub: process.env.WANGGE_METRICS_PUBLIC, warn: process.env.WANGGE_DISK_WARN_MB };
    process.env.WANGGE_METRICS_PUBLIC = '1';
    process.env.WANGGE_DISK_WARN_MB = String(2 ** 40); // a petabyte: every disk is low
    let open: FastifyInstance | undefined;
    try {
      open = await buildApp({ db, auth: { enforce: true } });
    } finally {
      for (const [k, v] of [
        ['WANGGE_METRICS_PUBLIC', saved.pub],
        ['WANGGE_DISK_WARN_MB', saved.warn],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    try {
      const res = await open.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('# TYPE http_request_duration_seconds histogram');
      const health = (await open.inject({ method: 'GET', url: '/api/health' })).json();
      expect(health.disk.status).toBe('low');
      expect(health.warnings.join(' ')).toContain('low disk space');
    } finally {
      await open.close();
    }
  });

  it('serves the OpenAPI document with both routes', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/api/health']).toBeDefined();
    expect(res.json().paths['/metrics']).toBeDefined();
  });
});
