import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  /** Runs of the job so far (a queued job runs again after a failure or a lost worker, up to 3 runs). */
  attempts: number;
  /** Every run failed: the job is in the queue's dead-letter queue (message: the last error). */
  dead_letter: boolean;
  /** The worker running (or that last ran) the job: `host/pid`; null in-process. */
  worker: string | null;
  created_at: string;
  updated_at: string;
}

/** `createdBy`: the id of the user who started the job (only they and admins read it; null: nobody signed in). */
export async function createJob(db: Queryable, kind: string, params: Record<string, unknown>, createdBy: number | null = null): Promise<string> {
  const id = randomUUID();
  await db.query("INSERT INTO jobs (id, kind, status, params, created_by) VALUES ($1, $2, 'queued', $3::jsonb, $4)", [id, kind, JSON.stringify(params), createdBy]);
  return id;
}

/**
 * One job. With `reader` (a user id that is not an admin's), only a job that reader started: the
 * filter is in the query, so another user's job reads as missing.
 */
export async function getJob(db: Queryable, id: string, reader?: number | null): Promise<JobRow | null> {
  const r = await db.query<JobRow & { created_by?: unknown }>(
    'SELECT id, kind, status, progress, message, params, result, attempts, dead_letter, worker, created_at, updated_at FROM jobs WHERE id = $1 AND ($2::bigint IS NULL OR created_by = $2::bigint)',
    [id, reader ?? null],
  );
  return r.rows[0] ?? null;
}

export async function updateJob(
  db: Queryable,
  id: string,
  patch: { status?: JobStatus; progress?: number; message?: string | null; result?: unknown; attempts?: number; deadLetter?: boolean; worker?: string },
): Promise<void> {
  await db.query(
    `UPDATE jobs SET status = COALESCE($2, status), progress = COALESCE($3, progress),
       message = COALESCE($4, message), result = COALESCE($5::jsonb, result), attempts = COALESCE($6, attempts),
       dead_letter = COALESCE($7, dead_letter), worker = COALESCE($8, worker), updated_at = now()
     WHERE id = $1`,
    [
      id, patch.status ?? null, patch.progress ?? null, patch.message ?? null, patch.result === undefined ? null : JSON.stringify(patch.result),
      patch.attempts ?? null, patch.deadLetter ?? null, patch.worker ?? null,
    ],
  );
}

/**
 * At start-up: jobs left queued or running by a crashed or killed server are marked failed; not the
 * kinds in `exceptKinds` (jobs on the queue: a worker elsewhere may be running them, and the queue
 * retries the ones whose worker died).
 */
export async function failInterruptedJobs(db: Queryable, exceptKinds: readonly string[] = []): Promise<number> {
  const r = await db.query<{ id: string }>(
    `UPDATE jobs SET status = 'failed', message = '服务器重启，任务中断（未保存任何部分结果）', updated_at = now()
     WHERE status IN ('queued', 'running') AND NOT (kind = ANY($1::text[])) RETURNING id`,
    [[...exceptKinds]],
  );
  return r.rows.length;
}
