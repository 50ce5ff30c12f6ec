import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Db } from './db';
import auditPlugin from './plugins/audit';
import casesPlugin from './plugins/cases';
import gridCachePlugin from './plugins/compress';
import authPlugin, { type AuthOptions } from './plugins/auth';
import securityPlugin from './plugins/security';
import docsPlugin from './plugins/docs';
import errorsPlugin from './plugins/errors';
import healthPlugin from './plugins/health';
import hotspotsPlugin from './plugins/hotspots';
import incidentsPlugin from './plugins/incidents';
import importPlugin from './plugins/import';
import jobsPlugin from './plugins/jobs';
import layersPlugin from './plugins/layers';
import { localCliAuth, localCliRoutes } from './plugins/local-cli';
import partitionPlugin from './plugins/partition';
import plansPlugin from './plugins/plans';
import readCachePlugin from './plugins/read-cache';
import groupsPlugin from './plugins/groups';
import patrolsPlugin from './plugins/patrols';
import planToolsPlugin from './plugins/plan-tools';
import staticPlugin from './plugins/static';
import tilesPlugin from './plugins/tiles';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

export interface BuildAppOptions {
  db: Db;
  logger?: FastifyServerOptions['logger'];
  /** Directory of the built client (vite build output); not served when absent. */
  clientDir?: string;
  /** Access control (server/plugins/auth.ts); enforce defaults to WANGGE_AUTH=on or NODE_ENV=production. */
  auth?: AuthOptions;
  /** The local token of `npm run create-admin|backup|import` while this server owns the embedded data directory (server/plugins/local-cli.ts). */
  localToken?: string;
}

/**
 * Builds the Fastify app: one plugin per capability, each registering its own JSON-schema
 * validated routes under /api. The database handle is decorated once and shared.
 */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 20 * 1024 * 1024,
    // plugins that touch the database at start (jobs, demo users) may take longer than avvio's 10 s on a busy 2-core machine
    pluginTimeout: 120_000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  app.decorate('db', opts.db);
  // security first: their onRoute/onRequest hooks must see every route registered below
  await app.register(securityPlugin);
  if (opts.localToken) await app.register(localCliAuth, { token: opts.localToken }); // before auth: its hook runs first
  await app.register(authPlugin, opts.auth ?? {});
  await app.register(auditPlugin);
  await app.register(docsPlugin);
  await app.register(errorsPlugin);
  await app.register(gridCachePlugin); // before the plans plugin: caches GET /api/plans/:id/grids per plan state
  await app.register(readCachePlugin); // after auth: routes with config.readCache keep their answers per user for a few seconds
  await app.register(healthPlugin, { prefix: '/api' });
  await app.register(layersPlugin, { prefix: '/api' });
  await app.register(tilesPlugin);
  await app.register(jobsPlugin);
  await app.register(plansPlugin, { prefix: '/api' });
  await app.register(groupsPlugin, { prefix: '/api' });
  await app.register(patrolsPlugin, { prefix: '/api' });
  await app.register(partitionPlugin, { prefix: '/api' });
  await app.register(planToolsPlugin, { prefix: '/api' });
  await app.register(incidentsPlugin, { prefix: '/api' });
  await app.register(importPlugin, { prefix: '/api' });
  await app.register(hotspotsPlugin, { prefix: '/api' });
  await app.register(casesPlugin, { prefix: '/api' });
  if (opts.localToken) await app.register(localCliRoutes, { prefix: '/api' });
  await app.register(staticPlugin, { clientDir: opts.clientDir });
  return app;
}
