import type { FastifyPluginAsync } from 'fastify';
import { isConnectionError } from '../db/connection-errors';
import { diskState, healthOptions, queueState, WORKER_SEEN_SECONDS, type HealthOptions } from './health-state';

/**
 * GET /api/health: liveness and what an operator checks first: the database (backend, PostGIS,
 * pool), the job queue (in-process or pg-boss; queued, running, failed and dead-lettered jobs;
 * queue workers seen recently) and the disk of the data
 * directory (free bytes, a warning under WANGGE_DISK_WARN_MB, default 1024). Public: it names no
 * data, only states. 503 while the database is unreachable.
 */
const health: FastifyPluginAsync<Partial<HealthOptions>> = async (app, opts) => {
  const o = healthOptions(opts);
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database backend (503 with status "down" while the database is unreachable)',
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok'] },
              db: { type: 'string', enum: ['pglite', 'postgres'] },
              postgis: { type: 'string' },
              database: {
                type: 'object',
                properties: {
                  status: { type: 'string', enum: ['up'] },
                  latency_ms: { type: 'number' },
                  pool: { type: 'object', properties: { total: { type: 'integer' }, idle: { type: 'integer' }, waiting: { type: 'integer' } } },
                  wasm_memory_bytes: { type: 'integer' },
                },
                required: ['status', 'latency_ms'],
              },
              queue: {
                type: 'object',
                properties: {
                  backend: { type: 'string', enum: ['in-process', 'pg-boss'], description: 'who runs jobs: this server, or pg-boss workers in any process' },
                  queued: { type: 'integer' },
                  running: { type: 'integer', description: 'active now' },
                  failed_24h: { type: 'integer' },
                  dead_letter_24h: { type: 'integer', description: 'jobs whose every run failed, last 24 h' },
                  dead_letter: { type: 'integer', description: 'dead-lettered jobs in the table' },
                  workers_recent: { type: 'integer', description: `pg-boss: workers with a heartbeat in the last ${WORKER_SEEN_SECONDS} s; in-process: 1` },
                  worker_last_seen_s: { type: ['integer', 'null'], description: 'pg-boss: seconds since the last heartbeat of any worker' },
                },
                required: ['backend', 'running', 'queued', 'failed_24h', 'dead_letter_24h', 'dead_letter', 'workers_recent', 'worker_last_seen_s'],
              },
              disk: {
                type: 'object',
                properties: {
                  free_bytes: { type: 'integer' },
                  total_bytes: { type: 'integer' },
                  warn_below_bytes: { type: 'integer' },
                  status: { type: 'string', enum: ['ok', 'low', 'unknown'] },
                },
                required: ['status'], // no path: a public answer names no internal path
              },
              warnings: { type: 'array', items: { type: 'string' } },
            },
            required: ['status', 'db', 'postgis', 'database', 'queue', 'disk', 'warnings'],
          },
          503: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['down'] },
              db: { type: 'string', enum: ['pglite', 'postgres'] },
              database: { type: 'string', enum: ['down'] },
              message: { type: 'string' },
              disk: { type: 'object', additionalProperties: true },
            },
            required: ['status', 'db', 'database', 'message'],
          },
        },
      },
    },
    async (_req, reply) => {
      const disk = await diskState(o.dataDir, o.diskWarnBytes);
      try {
        const t0 = performance.now();
        const r = await app.db.query<{ v: string }>('SELECT postgis_lib_version() AS v');
        const latency = Math.round((performance.now() - t0) * 10) / 10;
        const stats = app.db.stats?.() ?? {};
        const queue = await queueState(app.db, app.hasDecorator('jobs') && app.jobs.mode === 'queue' ? 'pg-boss' : 'in-process');
        const warnings: string[] = [];
        if (disk.status === 'low')
          warnings.push(`数据目录所在磁盘剩余空间不足 (low disk space: ${Math.round((disk.free_bytes ?? 0) / 2 ** 20)} MB free in the data directory)`);
        if (queue.failed_24h > 0) warnings.push(`最近 24 小时有 ${queue.failed_24h} 个任务失败 (${queue.failed_24h} job(s) failed in the last 24 h)`);
        if (queue.dead_letter_24h > 0)
          warnings.push(
            `最近 24 小时有 ${queue.dead_letter_24h} 个任务所有运行均失败，已转入死信队列 (${queue.dead_letter_24h} job(s) dead-lettered in the last 24 h)`,
          );
        if (queue.backend === 'pg-boss' && queue.workers_recent === 0 && queue.queued > 0)
          warnings.push(
            `有 ${queue.queued} 个任务在排队，但 ${WORKER_SEEN_SECONDS} 秒内没有任何工作进程在线 (jobs are queued but no queue worker was seen in ${WORKER_SEEN_SECONDS} s: start npm run worker)`,
          );
        if (stats.pool && stats.pool.waiting > 0) warnings.push(`${stats.pool.waiting} 个查询正在等待数据库连接 (queries waiting for a pool connection)`);
        return {
          status: 'ok' as const,
          db: app.db.kind,
          postgis: r.rows[0].v,
          database: {
            status: 'up' as const,
            latency_ms: latency,
            ...(stats.pool ? { pool: stats.pool } : {}),
            ...(stats.wasmMemoryBytes !== undefined ? { wasm_memory_bytes: stats.wasmMemoryBytes } : {}),
          },
          queue,
          disk,
          warnings,
        };
      } catch (err) {
        // the health probe must answer: a database that is away is a 503 with the state of the rest, not an error
        if (!isConnectionError(err)) throw err;
        const e = err as { code?: string; message?: string };
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({
            status: 'down' as const,
            db: app.db.kind,
            database: 'down' as const,
            disk,
            message: `数据库无法连接 (database unreachable: ${e.code ?? ''} ${e.message ?? ''})`.replace(/\s+\)/, ')'),
          });
      }
    },
  );
};

export default health;
