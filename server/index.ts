import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { loadConfig, type Config } from './config';
import { openDb, type Db } from './db';
import { DataDirInUseError, setLockRole } from './db/datadir-lock';
import { DataDirOpenError } from './db/datadir-open-error';
import { isConnectionError } from './db/connection-errors';
import { writeServerFile } from './db/server-file';
import { tileSourceFor } from './tiles';

/** Opens the configured database (running migrations). */
export function openConfiguredDb(config: Config): Promise<Db> {
  return openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

/**
 * Builds the app on db, listens on config.host:port with pino structured logs, and closes the app
 * then the database on SIGINT/SIGTERM. Resolves once listening.
 */
export async function startServer(db: Db, config: Config = loadConfig()): Promise<FastifyInstance> {
  // The embedded data directory is this process's alone: the command-line tools work through this
  // server with a local token (server/plugins/local-cli.ts, written to the data directory below).
  const localToken = config.databaseUrl || db.kind !== 'pglite' ? undefined : randomBytes(32).toString('base64url');
  // The served app always asks for sign-in (WANGGE_AUTH=off opens it, e.g. for a kiosk on a closed
  // network); demo users exist only outside production (WANGGE_DEMO_USERS=off disables them).
  const app = await buildApp({
    db,
    logger: { level: config.logLevel },
    clientDir: config.clientDir,
    localToken,
    jobQueue: config.databaseUrl && config.jobQueue ? { databaseUrl: config.databaseUrl, workers: config.jobWorkers } : undefined,
    auth: {
      enforce: process.env.WANGGE_AUTH !== 'off',
      demoUsers: process.env.NODE_ENV !== 'production' && process.env.WANGGE_DEMO_USERS !== 'off',
    },
  });
  let removeServerFile = (): void => undefined;
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app
      .close()
      .then(() => removeServerFile())
      .then(() => db.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // Safety net: a lost database connection must never end the process (requests answer 503 and
  // the pool reconnects); any other unhandled rejection still does, as Node's default would.
  process.on('unhandledRejection', (err) => {
    if (isConnectionError(err)) return app.log.warn({ err }, 'database connection lost (unhandled)');
    app.log.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
  await app.listen({ port: config.port, host: config.host });
  if (localToken) {
    const addr = app.server.address();
    const port = addr && typeof addr === 'object' ? addr.port : config.port;
    const wildcard = ['0.0.0.0', '::', '127.0.0.1', 'localhost', '::1'].includes(config.host);
    const host = wildcard ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
    removeServerFile = writeServerFile(config.dataDir, { pid: process.pid, url: `http://${host}:${port}`, token: localToken });
  }
  // Warm the tile source (builds the geojson-vt indexes on the embedded backend) without delaying start-up.
  const t0 = Date.now();
  tileSourceFor(db)
    .tile(0, 0, 0)
    .then(() => app.log.info({ ms: Date.now() - t0 }, 'tile source ready'))
    .catch((err: unknown) => app.log.warn({ err }, 'tile warm-up failed'));
  return app;
}

/**
 * For start-up failures the operator must act on (data directory in use or damaged): the message
 * alone (no stack) and a distinct exit code (2 in use, 3 damaged); anything else as before.
 */
export function reportStartupError(err: unknown): never {
  if (err instanceof DataDirInUseError || err instanceof DataDirOpenError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  console.error(err);
  process.exit(1);
}

/** `tsx server/index.ts`: the server alone (no demo loading, no client build; see scripts/start.ts). */
export async function main(): Promise<void> {
  setLockRole('server');
  const config = loadConfig();
  const db = await openConfiguredDb(config);
  await startServer(db, config);
}

const invokedDirectly = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  main().catch(reportStartupError);
}
