import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isConnectionError } from '../db/connection-errors';

/**
 * Prometheus metrics for operators at GET /metrics (text exposition format, prom-client):
 *
 * - `http_request_duration_seconds{method,route,status_code}`: latency per route PATTERN
 *   (`/api/plans/:id/grids`, never the raw URL; requests matching no route are `route="unmatched"`);
 * - `wangge_jobs_total{kind,status}` and `wangge_job_duration_seconds{kind,status}` (creation to
 *   final status) of finished jobs, and `wangge_jobs{status}` queued/running now: read from the
 *   `jobs` table at scrape time, so jobs run by any process on the same database are counted;
 * - `wangge_db_pool_connections{state}` (total/idle/waiting of the pg pool, PostGIS server) and
 *   `wangge_pglite_wasm_memory_bytes` (embedded backend: its WebAssembly memory, part of the RSS);
 * - Node's process metrics (RSS, heap, external memory, event-loop lag, GC) from prom-client.
 *
 * Access: admins only (a signed-in admin session); WANGGE_METRICS_PUBLIC=1 opens it to anonymous
 * scrapers (e.g. Prometheus on a closed network). Register after the errors plugin and before the
 * first plugin with routes: its onResponse hook must see every route.
 */

export interface MetricsOptions {
  /** Anonymous scrapes allowed (default: WANGGE_METRICS_PUBLIC=1|on|true). */
  public?: boolean;
}

export const metricsPublic = (env: NodeJS.ProcessEnv = process.env): boolean => /^(1|on|true|yes)$/i.test(env.WANGGE_METRICS_PUBLIC ?? '');

/** Seconds: from fast cached reads (1 ms) to slow imports and exports (10 s+). */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds: jobs run from a second (grouping) to many minutes (a district import or partition). */
const JOB_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

function createMetrics(app: FastifyInstance) {
  const register = new Registry();
  collectDefaultMetrics({ register });
  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [register],
  });
  const jobsNow = new Gauge({ name: 'wangge_jobs', help: 'Jobs queued or running now', labelNames: ['status'] as const, registers: [register] });
  const jobsDone = new Counter({
    name: 'wangge_jobs_total',
    help: 'Finished jobs by kind and final status (succeeded, failed)',
    labelNames: ['kind', 'status'] as const,
    registers: [register],
  });
  const jobsDead = new Counter({
    name: 'wangge_jobs_dead_letter_total',
    help: 'Jobs whose every run failed (in the dead-letter queue), by kind',
    labelNames: ['kind'] as const,
    registers: [register],
  });
  const jobDuration = new Histogram({
    name: 'wangge_job_duration_seconds',
    help: 'Time from a job’s creation to its final status, by kind and final status',
    labelNames: ['kind', 'status'] as const,
    buckets: JOB_BUCKETS,
    registers: [register],
  });
  // only the backend's own figures (a gauge never set would read 0)
  const pool =
    app.db.kind !== 'postgres'
      ? null
      : new Gauge({
          name: 'wangge_db_pool_connections',
          help: 'PostgreSQL pool connections: total open, idle, and queries waiting for one',
          labelNames: ['state'] as const,
          registers: [register],
        });
  const wasm =
    app.db.kind !== 'pglite'
      ? null
      : new Gauge({
          name: 'wangge_pglite_wasm_memory_bytes',
          help: 'WebAssembly memory of the embedded database (PGlite); it grows and never shrinks',
          registers: [register],
        });
  const dbUp = new Gauge({ name: 'wangge_database_up', help: '1 when the database answered this scrape, 0 when it is unreachable', registers: [register] });

  /** Refreshes the figures read at scrape time (jobs from the database, backend stats). */
  async function refresh(): Promise<void> {
    const s = app.db.stats?.() ?? {};
    if (pool && s.pool) for (const [state, n] of Object.entries(s.pool)) pool.set({ state }, n);
    if (wasm && s.wasmMemoryBytes !== undefined) wasm.set(s.wasmMemoryBytes);
    jobsNow.reset();
    jobsDone.reset();
    jobsDead.reset();
    jobDuration.reset();
    try {
      const r = await app.db.query<{ kind: string; status: string; dead_letter: boolean; seconds: number | null }>(
        `SELECT kind, status, dead_letter, CASE WHEN status IN ('succeeded', 'failed') THEN extract(epoch FROM updated_at - created_at)::float8 END AS seconds FROM jobs`,
      );
      for (const status of ['queued', 'running']) jobsNow.set({ status }, 0);
      for (const j of r.rows) {
        if (j.status === 'queued' || j.status === 'running') jobsNow.inc({ status: j.status });
        else {
          jobsDone.inc({ kind: j.kind, status: j.status });
          if (j.dead_letter) jobsDead.inc({ kind: j.kind });
          jobDuration.observe({ kind: j.kind, status: j.status }, Math.max(0, Number(j.seconds ?? 0)));
        }
      }
      dbUp.set(1);
    } catch (err) {
      // a scrape must answer while the database is away: wangge_db_up 0 says so
      if (!isConnectionError(err)) throw err;
      dbUp.set(0); // the scrape still answers: the process metrics say how the server itself is
    }
  }
  return { register, http, refresh };
}

export default fp<MetricsOptions>(
  async (app, opts) => {
    const m = createMetrics(app);
    app.addHook('onResponse', async (req, reply) => {
      m.http.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
    const open = opts.public ?? metricsPublic();
    app.get(
      '/metrics',
      {
        schema: {
          tags: ['system'],
          summary:
            'Prometheus metrics (text format): request latency per route, jobs, database pool, process memory. Admins only unless WANGGE_METRICS_PUBLIC=1',
          response: { 200: { type: 'string' } },
        },
        config: { access: open ? 'public' : { roles: ['admin'] } },
      },
      async (_req, reply) => {
        await m.refresh();
        return reply
          .header('content-type', m.register.contentType)
          .header('cache-control', 'no-store')
          .send(await m.register.metrics());
      },
    );
  },
  { name: 'wangge-metrics' },
);
