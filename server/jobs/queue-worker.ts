/**
 * A queue worker: takes jobs from pg-boss (server/jobs/boss.ts) and runs them with the same
 * handlers as the in-process runner (server/jobs/handlers.ts). It runs inside the API server
 * (WANGGE_JOB_WORKERS, default 1) and in `npm run worker` processes on any machine with the same
 * DATABASE_URL. Each run:
 * - holds a lease (server/jobs/lease.ts) so that a killed worker's job is handed back at once;
 * - records status, progress, run number and worker in the `jobs` row and NOTIFYs every change
 *   (server/jobs/notify.ts), which the API servers stream to the UI;
 * - on success completes the pg-boss job; on failure fails it: pg-boss runs it again (3 runs in
 *   all), then moves it to the dead-letter queue and the row says so (status failed, dead_letter);
 * - a cancel request (NOTIFY wangge_job_cancel) aborts the run: nothing is written.
 * Every worker also sweeps for runs whose worker is gone (reapLostJobs).
 */
import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { Db } from '../db';
import { isConnectionError } from '../db/connection-errors';
import { deadLetterQueue } from './boss';
import { JobRefusedError, refusedResult } from './errors';
import { JOB_CLEANUP, JOB_HANDLERS, QUEUED_KINDS, isQueuedKind, type QueuedKind } from './handlers';
import { leaseIsFree, takeLease, type Lease } from './lease';
import { CANCEL_CHANNEL, JOB_CHANNEL, NotifyListener, notifyJob, type JobNotice } from './notify';
import { CANCELLED_MESSAGE, JobCancelledError } from './cancelled';
import { claimJobRun, getJob, updateJob } from './store';
import { enOf, zhOf } from '../../common/bilingual';

export interface QueueWorkerOptions {
  databaseUrl: string;
  boss: PgBoss;
  bossSchema: string;
  /** Jobs run at once by this worker (default 1: the engine is CPU-bound). */
  concurrency?: number;
  /** Name in the jobs row (default host/pid). */
  name?: string;
  /** Polling interval of the queue (default 2 s; a NOTIFY of a newly queued job wakes the worker at once). */
  pollMs?: number;
  /** Sweep interval for lost runs (default 5 s); runs younger than `graceMs` (default 5 s: a run takes its lease right after it is fetched) are left alone. */
  reapMs?: number;
  graceMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

interface QueuedData {
  jobId: string;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const LOST_MESSAGE =
  '工作进程中断（已停止或失联），任务将在其他工作进程上重新运行（未保存任何部分结果） (the worker process was interrupted, stopped or lost; the job will run again on another worker. No partial results were saved)';

export class QueueWorker {
  readonly name: string;
  private readonly concurrency: number;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private stopping = false;
  private loops: Promise<void>[] = [];
  private reaper: NodeJS.Timeout | null = null;
  private listener: NotifyListener;
  private readonly wakers = new Set<() => void>();
  private log: NonNullable<QueueWorkerOptions['log']>;

  constructor(
    private readonly db: Db,
    private readonly o: QueueWorkerOptions,
  ) {
    this.name = o.name ?? `${hostname()}/${process.pid}`;
    this.concurrency = Math.max(1, o.concurrency ?? 1);
    this.log = o.log ?? (() => undefined);
    this.listener = new NotifyListener(
      o.databaseUrl,
      [CANCEL_CHANNEL, JOB_CHANNEL],
      (ch, payload) => {
        if (ch === CANCEL_CHANNEL) this.running.get(payload)?.controller.abort();
        else if (payload.includes('"status":"queued"')) for (const w of [...this.wakers]) w(); // a job was queued: fetch now
      },
      (err) => this.log('warn', 'queue worker: listen connection lost', { err: errText(err) }),
    );
  }

  /** The worker's row in job_workers (what /api/health counts as workers seen recently); dead workers' rows go after a day. */
  private async heartbeat(): Promise<void> {
    await this.db.query(
      `INSERT INTO job_workers (name, concurrency, busy) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET seen_at = now(), concurrency = $2, busy = $3`,
      [this.name, this.concurrency, this.running.size],
    );
    await this.db.query("DELETE FROM job_workers WHERE seen_at < now() - interval '1 day'");
    // uploads of jobs that ended without their worker dropping them (a crash between the final status and the cleanup)
    await this.db.query(
      "DELETE FROM import_uploads u USING jobs j WHERE j.id = u.job_id AND j.status IN ('succeeded', 'failed') AND j.updated_at < now() - interval '1 minute'",
    );
  }

  async start(): Promise<void> {
    await this.listener.start();
    await this.heartbeat().catch((err) => this.log('warn', 'queue worker: heartbeat failed', { err: errText(err) }));
    for (let i = 0; i < this.concurrency; i++) this.loops.push(this.loop(i));
    const reap = () => {
      this.reaper = setTimeout(() => {
        this.heartbeat()
          .catch((err) => this.log('warn', 'queue worker: heartbeat failed', { err: errText(err) }))
          .then(() => this.reapLostJobs())
          .catch((err) => this.log('warn', 'queue worker: sweep for lost runs failed', { err: errText(err) }))
          .finally(() => {
            if (!this.stopping) reap();
          });
      }, this.o.reapMs ?? 5000);
    };
    reap();
  }

  /** Stops taking jobs; resolves once the runs in progress have ended (or after `waitMs`). */
  async stop(waitMs = 8000): Promise<void> {
    this.stopping = true;
    if (this.reaper) clearTimeout(this.reaper);
    for (const w of [...this.wakers]) w();
    const all = Promise.all(this.loops);
    await Promise.race([all, new Promise((r) => setTimeout(r, waitMs).unref())]);
    await this.db.query('DELETE FROM job_workers WHERE name = $1', [this.name]).catch(() => undefined);
    await this.listener.close();
  }

  /** Runs in progress here (ids). */
  get busy(): string[] {
    return [...this.running.keys()];
  }

  private async sleep(ms: number): Promise<void> {
    let wake = () => undefined as void;
    await new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
      this.wakers.add(wake);
    });
    this.wakers.delete(wake);
  }

  private async loop(slot: number): Promise<void> {
    let turn = slot;
    while (!this.stopping) {
      let job: PgBoss.JobWithMetadata<QueuedData> | undefined;
      try {
        // round robin over the kinds, one job at a time per slot
        for (let i = 0; i < QUEUED_KINDS.length && !job; i++) {
          const kind = QUEUED_KINDS[(turn + i) % QUEUED_KINDS.length];
          [job] = await this.o.boss.fetch<QueuedData>(kind, { batchSize: 1, includeMetadata: true });
        }
        turn++;
      } catch (err) {
        this.log('warn', 'queue worker: fetch failed', { err: errText(err) });
        await this.sleep(2000);
        continue;
      }
      if (!job) {
        await this.sleep(this.o.pollMs ?? 2000);
        continue;
      }
      await this.runOne(job).catch((err) => this.log('error', 'queue worker: run failed unexpectedly', { job: job?.data?.jobId, err: errText(err) }));
    }
  }

  private async notify(n: JobNotice): Promise<void> {
    await notifyJob(this.db, n).catch(() => undefined);
  }

  private async runOne(job: PgBoss.JobWithMetadata<QueuedData>): Promise<void> {
    const kind = job.name as QueuedKind;
    const id = job.data.jobId;
    const runs = job.retryLimit + 1;
    const attempt = job.retryCount + 1;
    const last = job.retryCount >= job.retryLimit;
    const controller = new AbortController();
    let lease: Lease;
    try {
      lease = await takeLease(this.o.databaseUrl, id, () => controller.abort());
    } catch (err) {
      this.log('warn', 'queue worker: no lease', { job: id, err: errText(err) });
      return; // the sweep of another worker hands the run back once it is free
    }
    let resolveDone = () => undefined as void;
    const done = new Promise<void>((r) => (resolveDone = r));
    this.running.set(id, { controller, done });
    const t0 = Date.now();
    try {
      const row = await getJob(this.db, id);
      if (!row || !isQueuedKind(row.kind)) {
        await this.o.boss.complete(kind, job.id, { skipped: 'no such job row' });
        return;
      }
      if (row.status === 'succeeded' || (row.status === 'failed' && row.message === CANCELLED_MESSAGE)) {
        // recorded before the previous worker could complete the queue job (it died in between)
        await this.o.boss.complete(kind, job.id, { recorded: row.status });
        return;
      }
      const retryNote = attempt > 1 ? `第 ${attempt}/${runs} 次运行 (run ${attempt}/${runs})` : '';
      if (!(await claimJobRun(this.db, id, { message: retryNote, attempts: attempt, worker: this.name }))) {
        // cancelled while it waited, between our read and the claim: it must not run
        await this.o.boss.complete(kind, job.id, { recorded: 'cancelled' }).catch(() => undefined);
        return;
      }
      await this.notify({ id, kind, status: 'running', progress: 0, message: retryNote });
      this.log('info', 'job started', { job: id, kind, attempt, worker: this.name });

      let lastDb = 0;
      let lastNotify = 0;
      let writes = Promise.resolve();
      const report = (progress: number, message: string) => {
        const now = Date.now();
        if (now - lastNotify >= 100) {
          lastNotify = now;
          void this.notify({ id, kind, status: 'running', progress, message });
        }
        if (now - lastDb < 250) return;
        lastDb = now;
        writes = writes.then(() => updateJob(this.db, id, { progress, message }).catch(() => undefined));
      };
      try {
        let result = await JOB_HANDLERS[kind]({ db: this.db, jobId: id }, row.params, report, controller.signal);
        if (controller.signal.aborted) throw lease.lost ? new Error(LOST_MESSAGE) : new JobCancelledError();
        if (attempt > 1) result = { ...result, attempts: attempt };
        await writes;
        await updateJob(this.db, id, { status: 'succeeded', progress: 1, message: 'done', result });
        await this.notify({ id, kind, status: 'succeeded', progress: 1, message: 'done', written: true });
        await this.o.boss.complete(kind, job.id);
        this.log('info', 'job succeeded', { job: id, kind, attempt, ms: Date.now() - t0 });
      } catch (err) {
        await writes;
        if (lease.lost || isConnectionError(err)) {
          // the database (or our lease) went away: nothing was committed; the sweep hands the run
          // back to the queue once the database answers, and it runs again
          this.log('warn', 'job interrupted (connection lost)', { job: id, kind, err: errText(err) });
          return;
        }
        if (err instanceof JobRefusedError && !controller.signal.aborted) {
          // its input is refused (scope, a bad file): final at once, no retry, not a dead letter
          await updateJob(this.db, id, { status: 'failed', progress: 0, message: err.message, result: refusedResult(err) });
          await this.notify({ id, kind, status: 'failed', progress: 0, message: err.message });
          await JOB_CLEANUP[kind]?.(this.db, id).catch(() => undefined);
          await this.o.boss.complete(kind, job.id, { refused: err.message });
          this.log('info', 'job refused', { job: id, kind, err: err.message });
          return;
        }
        if (controller.signal.aborted) {
          await JOB_CLEANUP[kind]?.(this.db, id).catch(() => undefined);
          await updateJob(this.db, id, { status: 'failed', message: CANCELLED_MESSAGE });
          await this.notify({ id, kind, status: 'failed', progress: 0, message: CANCELLED_MESSAGE });
          await this.o.boss.complete(kind, job.id, { cancelled: true });
          this.log('info', 'job cancelled', { job: id, kind });
          return;
        }
        await this.recordFailure(kind, id, job.id, attempt, runs, last, errText(err));
      }
    } finally {
      this.running.delete(id);
      resolveDone();
      await lease.release();
    }
  }

  /** A failed run: the row says so (queued for the next run, or dead-lettered) and pg-boss retries or dead-letters. */
  private async recordFailure(kind: QueuedKind, id: string, queueId: string, attempt: number, runs: number, last: boolean, error: string): Promise<void> {
    // dead-lettered: the row's message is the last error; dead_letter and attempts say the rest
    const message = last
      ? error
      : `第 ${attempt}/${runs} 次运行失败，将自动重试：${zhOf(error)} (run ${attempt}/${runs} failed and will be retried automatically: ${enOf(error)})`;
    await updateJob(this.db, id, last ? { status: 'failed', progress: 0, message, deadLetter: true } : { status: 'queued', progress: 0, message });
    if (last) await JOB_CLEANUP[kind]?.(this.db, id).catch(() => undefined);
    await this.notify({ id, kind, status: last ? 'failed' : 'queued', progress: 0, message });
    await this.o.boss.fail(kind, queueId, { message: error });
    this.log(last ? 'error' : 'warn', last ? `job dead-lettered (${deadLetterQueue(kind)})` : 'job failed, will run again', {
      job: id,
      kind,
      attempt,
      err: error,
    });
  }

  /**
   * Hands back to the queue the runs whose worker is gone: active in pg-boss for longer than the
   * grace period, and nobody holds their lease. pg-boss runs them again (or dead-letters them after
   * the last run); their rows say what happened.
   */
  async reapLostJobs(): Promise<number> {
    const active = await this.db.query<{ id: string; name: string; job_id: string; retry_count: number; retry_limit: number }>(
      `SELECT id::text, name, data->>'jobId' AS job_id, retry_count, retry_limit FROM ${this.o.bossSchema}.job
       WHERE name = ANY($1::text[]) AND state = 'active' AND started_on < now() - make_interval(secs => $2)`,
      [[...QUEUED_KINDS], (this.o.graceMs ?? 5000) / 1000],
    );
    let n = 0;
    for (const j of active.rows) {
      if (this.running.has(j.job_id) || !(await this.db.transaction((tx) => leaseIsFree(tx, j.job_id)))) continue;
      const kind = j.name as QueuedKind;
      const row = await getJob(this.db, j.job_id);
      if (!row || row.status === 'succeeded' || (row.status === 'failed' && row.message === CANCELLED_MESSAGE)) {
        await this.o.boss.complete(kind, j.id, { recorded: row?.status ?? 'missing' }); // its worker died after recording the end
        continue;
      }
      this.log('warn', 'run lost with its worker: handing it back to the queue', { job: j.job_id, kind, attempt: j.retry_count + 1 });
      await this.recordFailure(kind, j.job_id, j.id, j.retry_count + 1, j.retry_limit + 1, j.retry_count >= j.retry_limit, LOST_MESSAGE);
      n++;
    }
    return n;
  }
}
