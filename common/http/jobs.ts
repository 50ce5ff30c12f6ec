/**
 * Long jobs over HTTP (partition, units build, grouping, import, weekly patrol plan): GET
 * /api/jobs/:id and its cancel, the server-sent events of GET /api/jobs/:id/events, and the job list
 * GET /api/jobs. The server's job store and runner and the client's api/jobs.ts use these shapes.
 */

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A job as GET /api/jobs/:id answers it (and the first server-sent event). */
export interface JobInfo {
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

/** A server-sent event of GET /api/jobs/:id/events after the first (which is the whole JobInfo). */
export interface JobEvent {
  id: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  result?: Record<string, unknown> | null;
  attempts?: number;
  dead_letter?: boolean;
}

/** A job in the list (GET /api/jobs): no params or result (read those at /api/jobs/:id). */
export interface JobListItem {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  /** Progress, or the error of a failed job (the last run's for a dead letter). */
  message: string | null;
  attempts: number;
  /** Every run failed: the job is in the dead-letter queue. */
  dead_letter: boolean;
  worker: string | null;
  /** The sub-districts the job works on (from its params), or null ('all', or none named). */
  subdistricts: string[] | null;
  /** User name of who started it. */
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Query of GET /api/jobs. */
export interface JobListFilter {
  /** A status, or 'dead_letter' (failed on every run). */
  status?: JobStatus | 'dead_letter';
  kind?: string;
  limit?: number;
}

/** A route that starts a job answers its id. */
export interface JobStarted {
  jobId: string;
}
