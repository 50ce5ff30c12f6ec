import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Db } from './db';
import accountPlugin from './plugins/account';
import auditPlugin from './plugins/audit';
import auditLogPlugin from './plugins/audit-log';
import casesPlugin from './plugins/cases';
import fieldPlugin from './field/plugin';
import creditPlugin from './plugins/credit';
import partyPlugin, { partyManagePlugin } from './plugins/party';
import committeePlugin from './plugins/party-committee';
import ledgerLayersPlugin from './plugins/ledger-layers';
import gridCachePlugin from './plugins/grid-cache';
import authPlugin, { type AuthOptions } from './plugins/auth';
import securityPlugin from './plugins/security';
import docsPlugin from './plugins/docs';
import errorsPlugin from './plugins/errors';
import healthPlugin from './plugins/health';
import inputGuardPlugin from './plugins/input-guard';
import metricsPlugin from './plugins/metrics';
import hotspotsPlugin from './plugins/hotspots';
import incidentsPlugin from './plugins/incidents';
import importPlugin from './plugins/import';
import jobsPlugin, { type JobsPluginOptions } from './plugins/jobs';
import layersPlugin from './plugins/layers';
import { localCliAuth, localCliRoutes } from './plugins/local-cli';
import partitionPlugin from './plugins/partition';
import unitsPlugin from './units/plugin';
import plansPlugin from './plugins/plans';
import compressPlugin from './plugins/compress';
import readCachePlugin from './plugins/read-cache';
import groupsPlugin from './plugins/groups';
import patrolsPlugin from './plugins/patrols';
import patrolPlansPlugin from './plugins/patrol-plans';
import planToolsPlugin from './plugins/plan-tools';
import staticPlugin from './plugins/static';
import tilesPlugin from './plugins/tiles';
import usersPlugin from './plugins/users';

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
  /** Jobs on the pg-boss queue (PostGIS-server backend; server/plugins/jobs.ts); in-process without. */
  jobQueue?: JobsPluginOptions['queue'];
  /**
   * Fastify's trustProxy: whether X-Forwarded-For names the client (for the per-address login limit
   * and the audit log). Default from WANGGE_TRUST_PROXY (see parseTrustProxy); off when unset.
   */
  trustProxy?: boolean | number | string | string[];
}

/**
 * WANGGE_TRUST_PROXY: unset/'off'/'false' → trust nobody (req.ip is the socket address); 'on'/'true'
 * → trust every proxy (only when the server is reachable through the proxy alone); a number → trust
 * that many hops; otherwise a comma-separated list of proxy addresses or CIDR ranges
 * ('127.0.0.1,10.0.0.0/8'). Throws on an empty list item.
 */
export function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  const v = (value ?? '').trim();
  if (v === '' || /^(off|false|0|no)$/i.test(v)) return false;
  if (/^(on|true|yes)$/i.test(v)) return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((x) => x.trim());
  if (list.some((x) => !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(x))) {
    throw new Error(`WANGGE_TRUST_PROXY must be on, off, a hop count or a comma-separated list of addresses/CIDR ranges, got ${value}`);
  }
  return list;
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
    // a hop count is supported at run time (trust the nearest N proxies) though not in Fastify's types
    trustProxy: (opts.trustProxy ?? parseTrustProxy(process.env.WANGGE_TRUST_PROXY)) as FastifyServerOptions['trustProxy'],
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  app.decorate('db', opts.db);
  // security first: their onRoute/onRequest hooks must see every route registered below
  await app.register(securityPlugin);
  if (opts.localToken) await app.register(localCliAuth, { token: opts.localToken }); // before auth: its hook runs first
  await app.register(inputGuardPlugin); // NUL characters, deep nesting, huge numbers: 400 before any route
  await app.register(authPlugin, opts.auth ?? {});
  await app.register(auditPlugin);
  await app.register(docsPlugin);
  await app.register(errorsPlugin);
  await app.register(metricsPlugin); // GET /metrics; its onResponse hook times every route registered after it
  // routes from here on: in the OpenAPI document and under the shared error handler
  await app.register(accountPlugin);
  await app.register(usersPlugin);
  await app.register(auditLogPlugin);
  await app.register(gridCachePlugin); // before the plans plugin: caches GET /api/plans/:id/grids per plan state
  await app.register(readCachePlugin); // after auth: routes with config.readCache keep their answers per user for a few seconds
  await app.register(compressPlugin); // after both caches (they keep the uncompressed answer), before the routes
  await app.register(healthPlugin, { prefix: '/api' });
  await app.register(layersPlugin, { prefix: '/api' });
  await app.register(tilesPlugin);
  await app.register(jobsPlugin, { queue: opts.jobQueue });
  await app.register(plansPlugin, { prefix: '/api' });
  await app.register(groupsPlugin, { prefix: '/api' });
  await app.register(patrolsPlugin, { prefix: '/api' });
  await app.register(patrolPlansPlugin, { prefix: '/api' });
  await app.register(partitionPlugin, { prefix: '/api' });
  await app.register(unitsPlugin, { prefix: '/api' });
  await app.register(planToolsPlugin, { prefix: '/api' });
  await app.register(incidentsPlugin, { prefix: '/api' });
  await app.register(importPlugin, { prefix: '/api' });
  await app.register(hotspotsPlugin, { prefix: '/api' });
  await app.register(casesPlugin, { prefix: '/api' });
  await app.register(fieldPlugin, { prefix: '/api' });
  await app.register(partyPlugin, { prefix: '/api' });
  await app.register(partyManagePlugin, { prefix: '/api' });
  await app.register(committeePlugin, { prefix: '/api' });
  await app.register(ledgerLayersPlugin, { prefix: '/api' });
  await app.register(creditPlugin, { prefix: '/api' });
  if (opts.localToken) await app.register(localCliRoutes, { prefix: '/api' });
  await app.register(staticPlugin, { clientDir: opts.clientDir });
  return app;
}
