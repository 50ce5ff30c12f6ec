/**
 * Job events across processes (the PostGIS-server backend): a worker, wherever it runs, sends each
 * change of a job with NOTIFY on `wangge_job`; every API server LISTENs and turns it into the
 * job's events (`job:<id>` on app.jobs.events, which the SSE route streams). A cancel request goes
 * the other way on `wangge_job_cancel`. One dedicated connection per process, reconnected after a
 * database outage.
 */
import pg from 'pg';
import type { Queryable } from '../db';
import type { JobStatus } from './store';

export const JOB_CHANNEL = 'wangge_job';
export const CANCEL_CHANNEL = 'wangge_job_cancel';

/** The payload of a `wangge_job` notification (small: the final row is read by the listener). */
export interface JobNotice {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  /** The job's work has committed (caches of reads drop what it changed). */
  written?: boolean;
}

/** NOTIFY limits a payload to 8000 bytes: long messages are cut (the row keeps them whole). */
export async function notifyJob(db: Queryable, n: JobNotice): Promise<void> {
  const msg = n.message && n.message.length > 1500 ? `${n.message.slice(0, 1500)}…` : n.message;
  await db.query('SELECT pg_notify($1, $2)', [JOB_CHANNEL, JSON.stringify({ ...n, message: msg })]);
}

export async function notifyCancel(db: Queryable, id: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CANCEL_CHANNEL, id]);
}

/**
 * LISTENs on `channels` with its own connection; after the connection is lost (database stopped or
 * restarted, pg_terminate_backend) it connects again with a backoff, and calls `onReconnect`
 * (notifications sent meanwhile are lost: callers re-read what they wait for).
 */
export class NotifyListener {
  private client: pg.Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly channels: string[],
    private readonly onNotice: (channel: string, payload: string) => void,
    private readonly onError: (err: Error) => void,
    private readonly onReconnect: () => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({ connectionString: this.url, application_name: 'wangge-listen' });
    c.on('error', (err) => {
      this.onError(err);
      this.lost(c);
    });
    c.on('end', () => this.lost(c));
    c.on('notification', (m) => this.onNotice(m.channel, m.payload ?? ''));
    await c.connect();
    for (const ch of this.channels) await c.query(`LISTEN ${ch}`);
    this.client = c;
  }

  private lost(c: pg.Client): void {
    if (this.client !== c || this.closed) return;
    this.client = null;
    c.end().catch(() => undefined);
    this.retry(250);
  }

  private retry(delay: number): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect().then(
        () => this.onReconnect(),
        (err: Error) => {
          this.onError(err);
          this.retry(Math.min(delay * 2, 5000));
        },
      );
    }, delay);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
