import { EventEmitter } from 'node:events';
import type { Db } from '../db';
import { isConnectionError } from '../db/connection-errors';
import { JobRefusedError, refusedResult } from './errors';
import { JOB_HANDLERS, type QueuedKind } from './handlers';
import { createJob, getJob, updateJob, type JobRow } from './store';
import type { Jobs, LocalWork, ReportProgress } from './types';

export type { ReportProgress } from './types';
export { JobRefusedError, refusedResult } from './errors';

export { CANCELLED_MESSAGE, JobCancelledError } from './cancelled';
import { CANCELLED_MESSAGE, JobCancelledError } from './cancelled';
import { enOf, zhOf } from '../../common/bilingual';

/**
 * The in-process runner: runs long jobs (partition, import) in the background of this process: a row in `jobs` tracks status and progress
 * (0..1); every change is also emitted on `events` (`job:<id>`) for server-sent events, and
 * `written` is emitted once a job's work has committed (before its status says so), for caches of
 * reads to drop what the job may have changed. The work's
 * own writes must be transactional: a failed or interrupted job leaves nothing half-written.
 *
 * Losing the database (a PostgreSQL server stopped or restarted, our connection terminated) does
 * not lose a job: the runner waits for the database to answer again (up to `dbWaitMs`), then runs
 * the work again from the start (at most `attempts` runs in all; its transaction was rolled back),
 * and records the final status once the database can take it. A job whose database stays away
 * longer is recorded as failed when it returns (or at the next start, failInterruptedJobs).
 */
export interface JobRunnerOptions {
  /** Runs of a job's work when the database connection is lost (default 3). */
  attempts?: number;
  /** How long a job waits for a lost database to return (default 10 minutes). */
  dbWaitMs?: number;
  /** Emit on this emitter (the queue runner shares its events with the in-process one). */
  events?: EventEmitter;
  /** How long close() lets running jobs finish before it stops them (default 10 s). */
  closeGraceMs?: number;
}

/** The message of a job stopped because the server shut down while it ran. */
export const SHUTDOWN_MESSAGE =
  '服务器关闭，任务已停止（未保存任何部分结果），请重新运行 (the server shut down while the job ran; it was stopped and nothing was saved: run it again)';

const RETRY_MESSAGE = (n: number, max: number) =>
  `数据库连接中断，已在恢复后自动重试（第 ${n}/${max} 次运行） (the database connection was interrupted; retried automatically after recovery, run ${n}/${max})`;

export class JobRunner implements Jobs {
  readonly events: EventEmitter;
  readonly mode = 'in-process' as const;
  private running = new Set<Promise<unknown>>();
  private byId = new Map<string, Promise<unknown>>();
  private controllers = new Map<string, AbortController>();

  private readonly attempts: number;
  private readonly dbWaitMs: number;
  private readonly closeGraceMs: number;
  private closing = false;

  constructor(
    private readonly db: Db,
    opts: JobRunnerOptions = {},
  ) {
    this.events = opts.events ?? new EventEmitter();
    this.events.setMaxListeners(0);
    this.attempts = opts.attempts ?? 3;
    this.dbWaitMs = opts.dbWaitMs ?? 600_000;
    this.closeGraceMs = opts.closeGraceMs ?? 10_000;
  }

  /** Resolves once the database answers (true), or false after `ms`. */
  private async waitForDb(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
      try {
        await this.db.query('SELECT 1');
        return true;
      } catch (err) {
        if (!isConnectionError(err) || Date.now() > end) return false;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** A status write that survives a database outage: waits for the database and writes again. */
  private async record(write: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        return await write();
      } catch (err) {
        if (!isConnectionError(err) || !(await this.waitForDb(this.dbWaitMs))) throw err;
      }
    }
  }

  /** A job with a handler (server/jobs/handlers.ts), run here. */
  start(kind: QueuedKind, params: Record<string, unknown>, createdBy: number | null = null, attach?: (jobId: string) => Promise<void>): Promise<string> {
    const handler = JOB_HANDLERS[kind];
    return this.run(kind, params, (report, signal, jobId) => handler({ db: this.db, jobId }, params, report, signal), createdBy, attach);
  }

  async run(
    kind: string,
    params: Record<string, unknown>,
    work: LocalWork,
    /** The user starting the job (request.user?.id): only they and admins may read it. */
    createdBy: number | null = null,
    /** Stores what the job needs besides its params (an upload) once its row exists, before it runs. */
    attach?: (jobId: string) => Promise<void>,
  ): Promise<string> {
    const id = await createJob(this.db, kind, params, createdBy);
    if (attach) {
      try {
        await attach(id);
      } catch (err) {
        await updateJob(this.db, id, { status: 'failed', message: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
        throw err;
      }
    }
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
      try {
        await this.record(() => updateJob(this.db, id, { status: 'running', progress: 0, attempts: 1 }));
        this.events.emit(`job:${id}`, { id, status: 'running', progress: 0, message: '' });
        let result: Record<string, unknown>;
        for (let attempt = 1; ; attempt++) {
          try {
            // cancelled before its work began (between the row's creation and the 'running' write,
            // which takes a database round trip): the work is not started. An AbortSignal that is
            // already aborted never fires 'abort' again, so work that only listens for the event
            // would never see the cancel, and settled() and close() would wait for it for ever.
            if (controller.signal.aborted) throw new JobCancelledError();
            result = await work(report, controller.signal, id);
            if (controller.signal.aborted) throw new JobCancelledError();
            if (attempt > 1) result = { ...result, attempts: attempt }; // ran again after a lost connection
            break;
          } catch (err) {
            if (controller.signal.aborted || !isConnectionError(err) || attempt >= this.attempts) throw err;
            const message = RETRY_MESSAGE(attempt + 1, this.attempts);
            this.events.emit(`job:${id}`, {
              id,
              status: 'running',
              progress: 0,
              message: '数据库连接中断，等待恢复后重试 (the database connection was interrupted; waiting for recovery to retry)',
            });
            if (!(await this.waitForDb(this.dbWaitMs))) throw err;
            await lastWrite;
            await this.record(() => updateJob(this.db, id, { status: 'running', progress: 0, message, attempts: attempt + 1 }));
            this.events.emit(`job:${id}`, { id, status: 'running', progress: 0, message });
          }
        }
        this.events.emit('written', { id, kind });
        await lastWrite;
        await this.record(() => updateJob(this.db, id, { status: 'succeeded', progress: 1, message: 'done', result }));
        this.events.emit(`job:${id}`, { id, status: 'succeeded', progress: 1, message: 'done', result });
      } catch (err) {
        await lastWrite;
        const message = controller.signal.aborted
          ? this.closing
            ? SHUTDOWN_MESSAGE
            : CANCELLED_MESSAGE
          : isConnectionError(err)
            ? `数据库连接中断，任务失败（未保存任何部分结果）：${zhOf(err instanceof Error ? err.message : String(err))} (the database connection was interrupted and the job failed; no partial results were saved: ${enOf(err instanceof Error ? err.message : String(err))})`
            : err instanceof Error
              ? err.message
              : String(err);
        const result = err instanceof JobRefusedError ? refusedResult(err) : undefined;
        await this.record(() => updateJob(this.db, id, { status: 'failed', message, result })).catch(() => undefined);
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
   * it prepared is written; the job ends failed with CANCELLED_MESSAGE. A job whose work has not
   * begun yet (run() returns before its status says 'running') ends so without running it. False
   * when it is not running here.
   */
  async cancel(id: string): Promise<boolean> {
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

  /**
   * Shutdown: running jobs get `closeGraceMs` to finish; then they are stopped (their work sees the
   * signal, nothing half-written stays, the row says the server shut down) so that a long partition
   * cannot hold the process (and an embedded database directory) open.
   */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), this.closeGraceMs)));
    const outcome = await Promise.race([this.idle().then(() => 'idle' as const), graceOver]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.closing = true;
      for (const c of this.controllers.values()) c.abort();
      await this.idle();
    }
  }
}
