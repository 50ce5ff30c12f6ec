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
      const parent = dirname(p);
      if ((err as { code?: string }).code !== 'ENOENT' || parent === p) return { path: resolve(dir), warn_below_bytes: warnBelow, status: 'unknown' };
      p = parent;
    }
  }
}

export interface QueueState {
  running: number;
  queued: number;
  failed_24h: number;
}

export async function queueState(db: Queryable): Promise<QueueState> {
  // counts only: /api/health is public, and a job's message may name data (read it at /api/jobs/:id)
  const r = await db.query<QueueState>(
    `SELECT count(*) FILTER (WHERE status = 'running')::int AS running,
            count(*) FILTER (WHERE status = 'queued')::int AS queued,
            count(*) FILTER (WHERE status = 'failed' AND updated_at > now() - interval '24 hours')::int AS failed_24h
       FROM jobs`,
  );
  return r.rows[0];
}
