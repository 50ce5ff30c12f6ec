import type { JobInfo, JobListItem, JobStatus } from '../../common/http/jobs';
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db';

export type { JobStatus };

/** A job row as GET /api/jobs/:id answers it (common/http/jobs.ts). */
export type JobRow = JobInfo;

/** `createdBy`: the id of the user who started the job (only they and admins read it; null: nobody signed in). */
export async function createJob(db: Queryable, kind: string, params: Record<string, unknown>, createdBy: number | null = null): Promise<string> {
  const id = randomUUID();
  await db.query("INSERT INTO jobs (id, kind, status, params, created_by) VALUES ($1, $2, 'queued', $3::jsonb, $4)", [
    id,
    kind,
    JSON.stringify(params),
    createdBy,
  ]);
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

/**
 * Cancels a job still waiting in the queue, unless a worker claimed it in the meantime (one
 * conditional UPDATE: a cancel and a worker's claim cannot both win). True when this call cancelled it.
 */
export async function cancelQueuedJob(db: Queryable, id: string, message: string): Promise<boolean> {
  const r = await db.query(
    "UPDATE jobs SET status = 'failed', progress = 0, message = $2, updated_at = now() WHERE id = $1 AND status = 'queued' RETURNING id",
    [id, message],
  );
  return r.rows.length > 0;
}

/**
 * A worker's start of a run: the row says running, unless it became final meanwhile (cancelled
 * while queued). True when the run may go ahead.
 */
export async function claimJobRun(db: Queryable, id: string, run: { message: string; attempts: number; worker: string }): Promise<boolean> {
  const r = await db.query(
    `UPDATE jobs SET status = 'running', progress = 0, message = $2, attempts = $3, worker = $4, updated_at = now()
     WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
    [id, run.message, run.attempts, run.worker],
  );
  return r.rows.length > 0;
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
      id,
      patch.status ?? null,
      patch.progress ?? null,
      patch.message ?? null,
      patch.result === undefined ? null : JSON.stringify(patch.result),
      patch.attempts ?? null,
      patch.deadLetter ?? null,
      patch.worker ?? null,
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
    `UPDATE jobs SET status = 'failed', message = '服务器重启，任务中断（未保存任何部分结果） (the server restarted and the job was interrupted; no partial results were saved)', updated_at = now()
     WHERE status IN ('queued', 'running') AND NOT (kind = ANY($1::text[])) RETURNING id`,
    [[...exceptKinds]],
  );
  return r.rows.length;
}

/** A job in the list (GET /api/jobs), common/http/jobs.ts. */
export type JobListRow = JobListItem;

export interface JobListQuery {
  /** A status, or 'dead_letter' (failed on every run). */
  status?: JobStatus | 'dead_letter';
  kind?: string;
  limit: number;
  /**
   * Whose jobs: null = every job (admins); else the jobs the user started and the jobs all of whose
   * sub-districts start with one of the user's prefixes.
   */
  scope: { userId: number; prefixes: string[] } | null;
}

/** The job's sub-districts as a jsonb array (params.subdistricts array, or params.subdistrict), else NULL. */
const JOB_SUBS = `COALESCE(CASE jsonb_typeof(j.params->'subdistricts') WHEN 'array' THEN j.params->'subdistricts' END,
  CASE jsonb_typeof(j.params->'subdistrict') WHEN 'string' THEN jsonb_build_array(j.params->'subdistrict') END)`;

/** Recent jobs, newest first, filtered by status / kind and scoped to the reader. */
export async function listJobs(db: Queryable, q: JobListQuery): Promise<JobListRow[]> {
  const r = await db.query<Omit<JobListRow, 'subdistricts'> & { subdistricts: unknown }>(
    `SELECT j.id, j.kind, j.status, j.progress, j.message, j.attempts, j.dead_letter, j.worker,
            ${JOB_SUBS} AS subdistricts, u.username AS created_by, j.created_at, j.updated_at
       FROM jobs j LEFT JOIN users u ON u.id = j.created_by
      WHERE ($1::text IS NULL OR ($1 = 'dead_letter' AND j.dead_letter) OR j.status = $1)
        AND ($2::text IS NULL OR j.kind = $2)
        AND ($4::bigint IS NULL OR j.created_by = $4::bigint OR (
              jsonb_array_length(COALESCE(${JOB_SUBS}, '[]'::jsonb)) > 0
              AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(${JOB_SUBS}) s(code)
                               WHERE NOT EXISTS (SELECT 1 FROM unnest($5::text[]) p(prefix) WHERE starts_with(s.code, p.prefix)))))
      ORDER BY j.created_at DESC, j.id
      LIMIT $3`,
    [q.status ?? null, q.kind ?? null, q.limit, q.scope?.userId ?? null, q.scope?.prefixes ?? []],
  );
  return r.rows.map((row) => ({ ...row, subdistricts: Array.isArray(row.subdistricts) ? row.subdistricts.map(String) : null }));
}
