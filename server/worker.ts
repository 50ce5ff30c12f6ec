/**
 * `npm run worker`: a queue worker process (PostGIS-server backend). It runs the long jobs
 * (partition, units build, grouping, weekly patrol plans: server/jobs/handlers.ts) that API servers put on the pg-boss
 * queue, on this machine or any other with the same DATABASE_URL; progress reaches the UI through
 * NOTIFY. Several may run at once; SIGTERM/SIGINT stop taking jobs and let the current ones end
 * (a run cut off is handed back to the queue and runs again elsewhere).
 *
 *   DATABASE_URL=postgres://… npm run worker [-- --concurrency 1]
 *
 * Logs JSON lines on stdout. Exit 2: no DATABASE_URL, or a database the server has not set up yet.
 */
import { hostname } from 'node:os';
import { openDb } from './db';
import { isConnectionError } from './db/connection-errors';
import { bossSchemaFor, openBoss, queueSettings } from './jobs/boss';
import { QueueWorker } from './jobs/queue-worker';

const log = (level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), pid: process.pid, msg, ...extra })}\n`);

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) fail('npm run worker needs DATABASE_URL (the PostGIS server); on the embedded database the server runs its jobs itself');
  const concurrency = Number(argValue('concurrency') ?? process.env.WANGGE_WORKER_CONCURRENCY ?? 1);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) fail(`--concurrency must be an integer 1-64, got ${argValue('concurrency')}`);
  const db = await openDb({ databaseUrl: url, migrate: false });
  const migrated = await db.query(
    "SELECT 1 FROM information_schema.columns WHERE table_name = 'jobs' AND column_name = 'dead_letter' AND table_schema = current_schema()",
  );
  if (!migrated.rows.length) {
    await db.close();
    fail('the database has no Wangge schema (or an old one): start the server once with this DATABASE_URL (it migrates), then the workers');
  }
  const schema = await bossSchemaFor(db);
  const boss = await openBoss(url, schema, queueSettings(), (err) => log('warn', 'queue: database error', { err: err.message }));
  const worker = new QueueWorker(db, { databaseUrl: url, boss, bossSchema: schema, concurrency, name: `${hostname()}/${process.pid}`, log });
  await worker.start();
  log('info', 'worker ready', { worker: worker.name, concurrency, queueSchema: schema });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'worker stopping', { signal, running: worker.busy });
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    worker
      .stop(10_000)
      .then(() => boss.stop({ graceful: false, wait: true, close: true }))
      .then(() => db.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // a lost database connection never ends the worker: the pool reconnects and lost runs are handed back
  process.on('unhandledRejection', (err) => {
    if (isConnectionError(err)) return log('warn', 'database connection lost (unhandled)', { err: String(err) });
    log('error', 'unhandled rejection', { err: String(err) });
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  log('error', 'worker failed to start', { err: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
