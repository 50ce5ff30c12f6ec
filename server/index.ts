import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { loadConfig, type Config } from './config';
import { openDb, type Db } from './db';
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
  // The served app always asks for sign-in (WANGGE_AUTH=off opens it, e.g. for a kiosk on a closed
  // network); demo users exist only outside production (WANGGE_DEMO_USERS=off disables them).
  const app = await buildApp({
    db,
    logger: { level: config.logLevel },
    clientDir: config.clientDir,
    auth: {
      enforce: process.env.WANGGE_AUTH !== 'off',
      demoUsers: process.env.NODE_ENV !== 'production' && process.env.WANGGE_DEMO_USERS !== 'off',
    },
  });
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app
      .close()
      .then(() => db.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ port: config.port, host: config.host });
  // Warm the tile source (builds the geojson-vt indexes on the embedded backend) without delaying start-up.
  const t0 = Date.now();
  tileSourceFor(db)
    .tile(0, 0, 0)
    .then(() => app.log.info({ ms: Date.now() - t0 }, 'tile source ready'))
    .catch((err: unknown) => app.log.warn({ err }, 'tile warm-up failed'));
  return app;
}

/** `tsx server/index.ts`: the server alone (no demo loading, no client build; see scripts/start.ts). */
export async function main(): Promise<void> {
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
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
