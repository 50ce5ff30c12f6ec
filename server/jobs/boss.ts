/**
 * pg-boss on the PostGIS server: its schema, its queues and their policies. Loaded only on the
 * PostGIS-server backend (dynamic import): the embedded backend never loads pg-boss.
 *
 * Schema: pg-boss keeps its tables in a schema of its own, created at its first start (it takes an
 * advisory lock, so several processes may start at once). Its name follows the database schema the
 * app's tables live in (`current_schema()`): `pgboss` for `public`, `<schema>_pgboss` for a scratch
 * schema chosen by search_path (tests, benches), so that queues of different app schemas in one
 * database never mix. WANGGE_QUEUE_SCHEMA names it explicitly.
 *
 * Queues: one per job kind (server/jobs/handlers.ts), policy `singleton` with the job's
 * sub-districts as singleton key (one job of a kind per sub-district set runs at a time), 3 runs in
 * all (retryLimit 2), then the job goes to `<kind>_dead` (its dead-letter queue).
 */
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Queryable } from '../db';
import { QUEUED_KINDS, jobSubdistricts, type QueuedKind } from './handlers';

export interface QueueSettings {
  /** Runs of a job in all before it goes to the dead-letter queue (default 3). */
  runs: number;
  /** Seconds before a failed run runs again (default 5). */
  retryDelaySeconds: number;
  /**
   * Seconds a run may stay active before pg-boss fails it (a backstop for a worker machine that
   * vanished without closing its connections; a killed worker process is noticed at once through
   * its lease, server/jobs/lease.ts). Default 3600.
   */
  expireSeconds: number;
}

export function queueSettings(env: NodeJS.ProcessEnv = process.env): QueueSettings {
  const num = (name: string, def: number, min: number) => {
    const v = env[name] === undefined || env[name] === '' ? def : Number(env[name]);
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${env[name]}`);
    return v;
  };
  return {
    runs: num('WANGGE_JOB_RUNS', 3, 1),
    retryDelaySeconds: num('WANGGE_JOB_RETRY_DELAY_SECONDS', 5, 0),
    expireSeconds: num('WANGGE_JOB_EXPIRE_SECONDS', 3600, 1),
  };
}

export const deadLetterQueue = (kind: string): string => `${kind}_dead`;

/** The pg-boss schema for the app schema `db` works in (see the header). */
export async function bossSchemaFor(db: Queryable, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.WANGGE_QUEUE_SCHEMA) return env.WANGGE_QUEUE_SCHEMA;
  const s = (await db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s;
  return s === 'public' ? 'pgboss' : `${s}_pgboss`;
}

/**
 * Starts pg-boss (creating its schema on first use) and its queues. `onError`: pg-boss's own
 * errors (a lost connection while it polls or maintains): they must be listened to, or the
 * process dies on them.
 */
export async function openBoss(databaseUrl: string, schema: string, settings: QueueSettings, onError: (err: Error) => void): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema,
    max: 4,
    application_name: 'wangge-queue',
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: 30,
  });
  boss.on('error', onError);
  // processes starting together (an API server and its workers) would deadlock creating the
  // queues' partitions: one at a time, under an advisory lock of our own
  const lock = new pg.Client({ connectionString: databaseUrl, application_name: 'wangge-queue-setup' });
  lock.on('error', () => undefined);
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtextextended('wangge-queue-setup:' || $1, 0))", [schema]);
    await boss.start();
    await setUpQueues(boss, settings);
  } finally {
    await lock.end().catch(() => undefined); // ends the session and its lock
  }
  return boss;
}

async function setUpQueues(boss: PgBoss, settings: QueueSettings): Promise<void> {
  for (const kind of QUEUED_KINDS) {
    if (!(await boss.getQueue(deadLetterQueue(kind)))) await boss.createQueue(deadLetterQueue(kind), { name: deadLetterQueue(kind), policy: 'standard' });
    const q = {
      name: kind,
      policy: 'singleton' as const,
      retryLimit: settings.runs - 1,
      retryDelay: settings.retryDelaySeconds,
      retryBackoff: false,
      expireInSeconds: settings.expireSeconds,
      deadLetter: deadLetterQueue(kind),
    };
    if (!(await boss.getQueue(kind))) await boss.createQueue(kind, q);
    else await boss.updateQueue(kind, q); // settings changed since the queue was made (policy too: it defaults to standard)
  }
}

/** The singleton key of a job: its kind's sub-districts (one run per set at a time), or 'all'. */
export function singletonKeyOf(kind: QueuedKind, params: Record<string, unknown>): string {
  return `${kind}:${jobSubdistricts(params)?.join(',') ?? 'all'}`;
}
