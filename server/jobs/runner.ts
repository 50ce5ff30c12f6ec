import { EventEmitter } from 'node:events';
import type { Db } from '../db';
import { createJob, getJob, updateJob, type JobRow } from './store';

export type ReportProgress = (progress: number, message: string) => void;

/** The message of a job stopped by its user (POST /api/jobs/:id/cancel). */
export const CANCELLED_MESSAGE = '已取消 (cancelled)';

/** Thrown by work that noticed its signal was aborted. */
export class JobCancelledError extends Error {
  constructor() {
    super(CANCELLED_MESSAGE);
  }
}

/**
 * Runs long jobs (partition, import) in the background: a row in `jobs` tracks status and progress
 * (0..1); every change is also emitted on `events` (`job:<id>`) for server-sent events, and
 * `written` is emitted once a job's work has committed (before its status says so), for caches of
 * reads to drop what the job may have changed. The work's
 * own writes must be transactional: a failed or interrupted job leaves nothing half-written.
 */
export class JobRunner {
  readonly events = new EventEmitter();
  private running = new Set<Promise<unknown>>();
  private byId = new Map<string, Promise<unknown>>();
  private controllers = new Map<string, AbortController>();

  constructor(private readonly db: Db) {
    this.events.setMaxListeners(0);
  }

  async start(
    kind: string,
    params: Record<string, unknown>,
    work: (report: ReportProgress, signal: AbortSignal) => Promise<Record<string, unknown>>,
    /** The user starting the job (request.user?.id): only they and admins may read it. */
    createdBy: number | null = null,
  ): Promise<string> {
    const id = await createJob(this.db, kind, params, createdBy);
    const controller = new AbortController();
    this.controllers.set(id, controller);
    let last = 0;
    let lastWrite = Promise.resolve();
    const report: ReportProgress = (progress, message) => {
      const now = Date.now();
      this.events.emit(`job:${id}`, { id, status: 'running', progress, message });
      if (now - last < 250) return; // throttle database writes
      last = now;
      lastWrite = lastWrite.then(() => updateJob(this.db, id, { progress, message }).catch(() => undefined));
    };
    const p = (async () => {
      await updateJob(this.db, id, { status: 'running', progress: 0 });
      this.events.emit(`job:${id}`, { id, status: 'running', progress: 0, message: '' });
      try {
        const result = await work(report, controller.signal);
        if (controller.signal.aborted) throw new JobCancelledError();
        this.events.emit('written', { id, kind });
        await lastWrite;
        await updateJob(this.db, id, { status: 'succeeded', progress: 1, message: 'done', result });
        this.events.emit(`job:${id}`, { id, status: 'succeeded', progress: 1, message: 'done', result });
      } catch (err) {
        await lastWrite;
        const message = controller.signal.aborted ? CANCELLED_MESSAGE : err instanceof Error ? err.message : String(err);
        await updateJob(this.db, id, { status: 'failed', message }).catch(() => undefined);
        this.events.emit(`job:${id}`, { id, status: 'failed', progress: 0, message });
      }
    })();
    this.running.add(p);
    this.byId.set(id, p);
    void p.finally(() => {
      this.running.delete(p);
      this.byId.delete(id);
      this.controllers.delete(id);
    });
    return id;
  }

  /**
   * Asks a running job to stop: its work sees the signal (a worker thread is terminated) and nothing
   * it prepared is written; the job ends failed with CANCELLED_MESSAGE. False when it is not running here.
   */
  cancel(id: string): boolean {
    const c = this.controllers.get(id);
    if (!c) return false;
    c.abort();
    return true;
  }

  /** Resolves once the job's final status (succeeded or failed) is recorded; at once for a job not running here. */
  async settled(id: string): Promise<void> {
    await this.byId.get(id);
  }

  /** The job; with `reader` (a non-admin user id) only when that user started it. */
  get(id: string, reader?: number | null): Promise<JobRow | null> {
    return getJob(this.db, id, reader);
  }

  /** Waits for every running job (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
