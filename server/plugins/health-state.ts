/**
 * The figures /api/health reports besides the database: the job queue (from the `jobs` table, so
 * jobs of every process on the database count) and the disk holding the data directory.
 */
import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config';
import type { Queryable } from '../db';

export interface HealthOptions {
  /** Directory whose filesystem is checked (default: the configured data directory). */
  dataDir: string;
  /** Free space under which the disk is reported 'low' (default WANGGE_DISK_WARN_MB, 1024 MB). */
  diskWarnBytes: number;
}

export function healthOptions(opts: Partial<HealthOptions> = {}, env: NodeJS.ProcessEnv = process.env): HealthOptions {
  const mb = Number(env.WANGGE_DISK_WARN_MB ?? 1024);
  return {
    dataDir: opts.dataDir ?? loadConfig(env).dataDir,
    diskWarnBytes: opts.diskWarnBytes ?? (Number.isFinite(mb) && mb >= 0 ? mb : 1024) * 2 ** 20,
  };
}

export interface DiskState {
  path: string;
  free_bytes?: number;
  total_bytes?: number;
  warn_below_bytes: number;
  status: 'ok' | 'low' | 'unknown';
}

/** Free space of the filesystem holding dir (its nearest existing ancestor when it does not exist yet). */
export async function diskState(dir: string, warnBelow: number): Promise<DiskState> {
  let p = resolve(dir);
  for (;;) {
    try {
      const s = await statfs(p);
      const free = s.bavail * s.bsize; // what an unprivileged process may still write
      return { path: p, free_bytes: free, total_bytes: s.blocks * s.bsize, warn_below_bytes: warnBelow, status: free < warnBelow ? 'low' : 'ok' };
    } catch (err) {
      // a probe, not a request error: a directory not created yet is measured at its parent; anything else is "unknown"
      const parent = dirname(p);
      if ((err as { code?: string }).code !== 'ENOENT' || parent === p) return { path: resolve(dir), warn_below_bytes: warnBelow, status: 'unknown' };
      p = parent;
    }
  }
}

/** Seconds within which a queue worker's heartbeat counts as "seen recently" (it beats every 5 s). */
export const WORKER_SEEN_SECONDS = 60;

export interface QueueState {
  /** Who runs the jobs: this server ('in-process', the embedded backend) or pg-boss workers anywhere ('pg-boss'). */
  backend: 'in-process' | 'pg-boss';
  queued: number;
  /** Jobs running now (active). */
  running: number;
  failed_24h: number;
  /** Jobs whose every run failed (in the dead-letter queue), last 24 h / all kept. */
  dead_letter_24h: number;
  dead_letter: number;
  /** pg-boss: queue workers (this server's and `npm run worker` processes) with a heartbeat in the last WORKER_SEEN_SECONDS; in-process: 1 (this server). */
  workers_recent: number;
  /** pg-boss: seconds since the last heartbeat of any worker (null: none ever seen). */
  worker_last_seen_s: number | null;
}

export async function queueState(db: Queryable, backend: QueueState['backend']): Promise<QueueState> {
  // counts only: /api/health is public, and a job's message may name data (read it at /api/jobs/:id)
  const r = await db.query<Omit<QueueState, 'backend' | 'workers_recent' | 'worker_last_seen_s'>>(
    `SELECT count(*) FILTER (WHERE status = 'running')::int AS running,
            count(*) FILTER (WHERE status = 'queued')::int AS queued,
            count(*) FILTER (WHERE status = 'failed' AND updated_at > now() - interval '24 hours')::int AS failed_24h,
            count(*) FILTER (WHERE dead_letter AND updated_at > now() - interval '24 hours')::int AS dead_letter_24h,
            count(*) FILTER (WHERE dead_letter)::int AS dead_letter
       FROM jobs`,
  );
  if (backend === 'in-process') return { backend, ...r.rows[0], workers_recent: 1, worker_last_seen_s: 0 };
  const w = await db.query<{ recent: number; last: number | null }>(
    `SELECT count(*) FILTER (WHERE seen_at > now() - make_interval(secs => $1))::int AS recent,
            round(extract(epoch FROM now() - max(seen_at)))::int AS last
       FROM job_workers`,
    [WORKER_SEEN_SECONDS],
  );
  return { backend, ...r.rows[0], workers_recent: w.rows[0].recent, worker_last_seen_s: w.rows[0].last };
}
