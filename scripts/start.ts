/**
 * npm start: open the database (migrations run), generate and load the demo district if it is not
 * loaded yet, build the client if dist/client is missing or older than its sources, then serve.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/config';
import type { Db } from '../server/db';
import { setLockRole } from '../server/db/datadir-lock';
import { openConfiguredDb, reportStartupError, startServer } from '../server/index';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const log = (msg: string): void => {
  process.stderr.write(`[start] ${msg}\n`);
};

interface DemoGenerator {
  generateDemo(opts?: { seed?: number }): unknown;
}
interface DemoLoader {
  loadDemo(db: Db, demo: unknown, onProgress?: (...args: unknown[]) => void): Promise<unknown>;
  hasDemo(db: Db): Promise<boolean>;
}

/** Imports the first module that exists among the candidates (the demo modules are optional). */
async function importOptional<T>(candidates: string[]): Promise<T | null> {
  for (const spec of candidates) {
    try {
      return (await import(/* @vite-ignore */ spec)) as T;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw err;
    }
  }
  return null;
}

function describeProgress(args: unknown[]): string {
  if (typeof args[0] === 'number' && args[0] >= 0 && args[0] <= 1) return `${Math.round(args[0] * 100)}% ${args.slice(1).join(' ')}`.trim();
  return args.map((a) => (typeof a === 'string' || typeof a === 'number' ? String(a) : JSON.stringify(a))).join(' ');
}

async function ensureDemo(db: Db): Promise<void> {
  if (/^(off|0|false|no)$/i.test(process.env.WANGGE_DEMO ?? '')) {
    return log('WANGGE_DEMO=off: no demo district (import your own data: sign in and open 导入数据 / Import data)');
  }
  const loader = await importOptional<DemoLoader>(['../server/demo/load.ts', '../server/demo/load']);
  if (!loader) return log('server/demo/load.ts not found: starting without demo data');
  if (await loader.hasDemo(db)) return log('demo district already loaded');
  const gen = await importOptional<DemoGenerator>(['../geodata/generator/index.ts', '../geodata/generator']);
  if (!gen) return log('geodata/generator not found: starting without demo data');
  let t = Date.now();
  log('generating the demo district …');
  const demo = gen.generateDemo({});
  log(`generated in ${((Date.now() - t) / 1000).toFixed(1)} s; loading …`);
  t = Date.now();
  await loader.loadDemo(db, demo, (...args: unknown[]) => log(`load: ${describeProgress(args)}`));
  log(`demo loaded in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

/** The demo opens already partitioned: the first start partitions every sub-district and publishes it. */
async function ensurePlan(db: Db): Promise<void> {
  const { ensureInitialPlan } = await import('../server/partition/service');
  const t = Date.now();
  let last = -1;
  const planId = await ensureInitialPlan(db, (f, msg) => {
    const pct = Math.floor(f * 20) * 5;
    if (pct !== last) log(`partition: ${pct}% ${msg}`);
    last = pct;
  });
  if (planId !== null) log(`partitioned the district into grids (plan ${planId}) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  if (planId !== null) {
    // the demo's "1+3" roster: clearly synthetic (names 示例…, no phones), see server/plans/staff.ts
    const { seedStaff } = await import('../server/plans/staff');
    log(`seeded ${(await seedStaff(db, planId)).inserted} synthetic grid staff`);
  }
}

/** Newest modification time (ms) of any file under dir. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

async function ensureClient(clientDir: string): Promise<void> {
  const index = join(clientDir, 'index.html');
  if (!existsSync(join(ROOT, 'client', 'index.html'))) return log('client/ has no index.html: serving the API only');
  const sources = Math.max(newestMtime(join(ROOT, 'client')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return log('client build is up to date');
  log('building the client (vite) …');
  const t = Date.now();
  try {
    const { build } = await import('vite');
    // vite build sets NODE_ENV=production in this process: restore it so the server that starts
    // next is not mistaken for a production deployment (demo users, cookie flags).
    const nodeEnv = process.env.NODE_ENV;
    try {
      await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    log(`client built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } catch (err) {
    log(`client build failed, serving the API only: ${(err as Error).message}`);
  }
}

async function main(): Promise<void> {
  setLockRole('server');
  const config = loadConfig();
  log(config.databaseUrl ? 'database: PostGIS server (DATABASE_URL)' : `database: embedded PGlite at ${config.dataDir}`);
  const db = await openConfiguredDb(config);
  await ensureDemo(db);
  await ensurePlan(db);
  // Joint-defense groups: form them for every sub-district when none exist yet, after the plan so groups follow its grids (server/defense/service.ts).
  await (await import('../server/defense/service')).autoGroupAll(db, (m) => log(`groups: ${m}`));
  await ensureClient(config.clientDir);
  await startServer(db, config);
  console.log(`Wangge listening on http://localhost:${config.port}`);
}

main().catch(reportStartupError);
