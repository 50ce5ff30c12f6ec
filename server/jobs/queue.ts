/**
 * The queue runner (PostGIS-server backend): app.jobs when the server runs with DATABASE_URL.
 * start() records the job's row and sends it to pg-boss; workers anywhere run it (this process's
 * own, WANGGE_JOB_WORKERS of them, and `npm run worker` processes); their NOTIFYs come back
 * through a LISTEN connection as the job's events. Jobs whose work is a closure of this process
 * (run(): an import holds its upload in memory) run in this process with the in-process runner,
 * on the same rows and events. Loaded only on the PostGIS-server backend (it loads pg-boss).
 */
import { EventEmitter } from 'node:events';
import type PgBoss from 'pg-boss';
import type { Db } from '../db';
import { bossSchemaFor, openBoss, queueSettings, singletonKeyOf, type QueueSettings } from './boss';
import { JOB_CLEANUP, isQueuedKind, type QueuedKind } from './handlers';
import { JOB_CHANNEL, NotifyListener, notifyCancel, notifyJob, type JobNotice } from './notify';
import { QueueWorker } from './queue-worker';
import { CANCELLED_MESSAGE, JobRunner } from './runner';
import { cancelQueuedJob, createJob, getJob, updateJob, type JobRow } from './store';
import { isFinal, type JobEvent, type Jobs, type LocalWork } from './types';
import { enOf, zhOf } from '../../common/bilingual';

export interface QueuedJobsOptions {
  databaseUrl: string;
  /** Queue workers inside this process (0: the API server only enqueues). */
  workers: number;
  settings?: QueueSettings;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

const eventOf = (row: JobRow): JobEvent => ({
  id: row.id,
  status: row.status,
  progress: row.progress,
  message: row.message,
  result: row.result,
  attempts: row.attempts,
  dead_letter: row.dead_letter,
});

export class QueuedJobs implements Jobs {
  readonly events = new EventEmitter();
  readonly mode = 'queue' as const;
  private readonly local: JobRunner;
  private readonly mine = new Set<string>();
  private worker: QueueWorker | null = null;

  private constructor(
    private readonly db: Db,
    private readonly boss: PgBoss,
    private readonly listener: NotifyListener,
  ) {
    this.events.setMaxListeners(0);
    this.local = new JobRunner(db, { events: this.events });
  }

  static async open(db: Db, o: QueuedJobsOptions): Promise<QueuedJobs> {
    const log = o.log ?? (() => undefined);
    const schema = await bossSchemaFor(db);
    const boss = await openBoss(o.databaseUrl, schema, o.settings ?? queueSettings(), (err) => log('warn', 'job queue: database error', { err: err.message }));
    let self: QueuedJobs | null = null;
    const listener = new NotifyListener(
      o.databaseUrl,
      [JOB_CHANNEL],
      (_ch, payload) => self?.onNotice(payload),
      (err) => log('warn', 'job queue: listen connection lost', { err: err.message }),
      () => self?.resync(),
    );
    await listener.start();
    self = new QueuedJobs(db, boss, listener);
    if (o.workers > 0) {
      self.worker = new QueueWorker(db, { databaseUrl: o.databaseUrl, boss, bossSchema: schema, concurrency: o.workers, log });
      await self.worker.start();
    }
    return self;
  }

  private onNotice(payload: string): void {
    let n: JobNotice;
    try {
      n = JSON.parse(payload) as JobNotice;
    } catch {
      return;
    }
    if (!isFinal(n.status)) {
      this.events.emit(`job:${n.id}`, { id: n.id, status: n.status, progress: n.progress, message: n.message } satisfies JobEvent);
      return;
    }
    if (n.written) this.events.emit('written', { id: n.id, kind: n.kind, remote: true });
    // the final event carries the row (result, dead letter): read it
    void getJob(this.db, n.id).then(
      (row) => row && this.events.emit(`job:${n.id}`, eventOf(row)),
      () => this.events.emit(`job:${n.id}`, { id: n.id, status: n.status, progress: n.progress, message: n.message } satisfies JobEvent),
    );
  }

  /** After the listen connection came back: notifications may have been missed; re-read the jobs waited for. */
  private resync(): void {
    for (const id of this.mine) {
      void getJob(this.db, id).then(
        (row) => row && isFinal(row.status) && this.events.emit(`job:${id}`, eventOf(row)),
        () => undefined,
      );
    }
  }

  async start(kind: QueuedKind, params: Record<string, unknown>, createdBy: number | null = null, attach?: (jobId: string) => Promise<void>): Promise<string> {
    const id = await createJob(this.db, kind, params, createdBy);
    try {
      if (attach) await attach(id); // before the send: no worker can take the job without it
      await this.boss.send(kind, { jobId: id }, { id, singletonKey: singletonKeyOf(kind, params) });
    } catch (err) {
      await updateJob(this.db, id, {
        status: 'failed',
        message: `无法加入任务队列：${zhOf(err instanceof Error ? err.message : String(err))} (cannot add the job to the queue: ${enOf(err instanceof Error ? err.message : String(err))})`,
      }).catch(() => undefined);
      await JOB_CLEANUP[kind]?.(this.db, id).catch(() => undefined);
      throw err;
    }
    await notifyJob(this.db, { id, kind, status: 'queued', progress: 0, message: null }).catch(() => undefined); // wakes idle workers
    this.mine.add(id);
    void this.settled(id).finally(() => this.mine.delete(id));
    return id;
  }

  run(
    kind: string,
    params: Record<string, unknown>,
    work: LocalWork,
    createdBy: number | null = null,
    attach?: (jobId: string) => Promise<void>,
  ): Promise<string> {
    return this.local.run(kind, params, work, createdBy, attach);
  }

  async cancel(id: string): Promise<boolean> {
    if (await this.local.cancel(id)) return true;
    const row = await getJob(this.db, id);
    if (!row || isFinal(row.status)) return false;
    if (row.status === 'queued' && (await cancelQueuedJob(this.db, id, CANCELLED_MESSAGE))) {
      // not running anywhere: take it off the queue (a worker that picks it meanwhile finds the row
      // final and its claim fails, so it never runs)
      await this.boss.cancel(row.kind, id).catch(() => undefined);
      if (isQueuedKind(row.kind)) await JOB_CLEANUP[row.kind]?.(this.db, id).catch(() => undefined);
      await notifyJob(this.db, { id, kind: row.kind, status: 'failed', progress: 0, message: CANCELLED_MESSAGE });
      return true;
    }
    // running (or claimed by a worker between our read and the cancel): the worker running it aborts the run
    await notifyCancel(this.db, id);
    return true;
  }

  /** Resolves once the job's row is final: on its final event, or a re-read every second. */
  async settled(id: string): Promise<void> {
    await this.local.settled(id);
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = () => {
        this.events.off(`job:${id}`, onEvent);
        if (timer) clearTimeout(timer);
        resolve();
      };
      const onEvent = (e: JobEvent) => isFinal(e.status) && done();
      const check = () => {
        getJob(this.db, id).then(
          (row) => (!row || isFinal(row.status) ? done() : (timer = setTimeout(check, 1000))),
          () => (timer = setTimeout(check, 1000)),
        );
      };
      this.events.on(`job:${id}`, onEvent);
      check();
    });
  }

  get(id: string, reader?: number | null): Promise<JobRow | null> {
    return getJob(this.db, id, reader);
  }

  /** Waits for the jobs started by this process (queued ones need a worker somewhere). */
  async idle(): Promise<void> {
    await this.local.idle();
    while (this.mine.size) await Promise.all([...this.mine].map((id) => this.settled(id)));
  }

  /** Stops this process's in-process runs (after their grace), its workers (runs in progress end, or are handed back by another worker's sweep), the listener and pg-boss. */
  async close(): Promise<void> {
    await this.local.close(); // in-process runs (imports) get their grace, then stop
    await this.worker?.stop();
    await this.listener.close();
    await this.boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
  }
}
