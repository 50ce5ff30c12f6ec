/**
 * The one job interface the routes use (app.jobs), whichever runner is behind it: in-process
 * (server/jobs/runner.ts: the embedded backend, and tests through app.inject) or the pg-boss queue
 * (server/jobs/queue.ts: the PostGIS server, workers in any process on any machine).
 */
import type { JobEvent } from '../../common/http/jobs';
import type { EventEmitter } from 'node:events';
import type { QueuedKind } from './handlers';
import type { JobRow } from './store';

export type ReportProgress = (progress: number, message: string) => void;

/** What the runner emits on `events` as `job:<id>` (and the SSE route sends): common/http/jobs.ts. */
export type { JobEvent };

/** Work of a job that lives in this process only (an upload in memory); `jobId` is its row's id. */
export type LocalWork = (report: ReportProgress, signal: AbortSignal, jobId: string) => Promise<Record<string, unknown>>;

export interface Jobs {
  /**
   * `job:<id>` (JobEvent) for every change; `written` ({ id, kind }) once a job's work has committed,
   * for caches of reads to drop what it may have changed.
   */
  readonly events: EventEmitter;
  /** Which runner: 'in-process' or 'queue'. */
  readonly mode: 'in-process' | 'queue';
  /**
   * Starts a job with a handler (server/jobs/handlers.ts): params must be JSON. `attach` stores what
   * else the job reads from the database (an import's upload) once its row exists, before any worker
   * can take it. Resolves to its id.
   */
  start(kind: QueuedKind, params: Record<string, unknown>, createdBy?: number | null, attach?: (jobId: string) => Promise<void>): Promise<string>;
  /** Starts a job whose work is a closure of this process (in this process, whichever runner). */
  run(kind: string, params: Record<string, unknown>, work: LocalWork, createdBy?: number | null, attach?: (jobId: string) => Promise<void>): Promise<string>;
  /** Asks a job to stop; false when it is no longer queued or running. */
  cancel(id: string): Promise<boolean>;
  /** Resolves once the job's final status is recorded. */
  settled(id: string): Promise<void>;
  /** The job; with `reader` (a non-admin user id) only when that user started it. */
  get(id: string, reader?: number | null): Promise<JobRow | null>;
  /** Waits for every job started by this process (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Stops (after idle): the queue's connections and in-process workers. */
  close(): Promise<void>;
}

export const isFinal = (status: string): boolean => status === 'succeeded' || status === 'failed';
