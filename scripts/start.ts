/**
 * npm start: open the database (migrations run), generate and load the demo district if it is not
 * loaded yet (through the real district's path: raw files → import → units build; WANGGE_DEMO=fast:
 * the generator's own layers as they are; WANGGE_DEMO=off: no demo), build the client if
 * dist/client is missing or older than its sources, then serve.
 * Each step prints its seconds and the process's memory; the client build runs in a child process
 * alongside the database steps (it needs no database), and a summary line precedes listening.
 */
import { spawn } from 'node:child_process';
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

const rssMb = (): number => Math.round(process.memoryUsage.rss() / 2 ** 20);
const timings: Array<[string, number]> = [];

/** CPU seconds this process (all its threads, the embedded database included) has used. */
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Runs one start-up step, printing its name, then its seconds, the CPU seconds the process spent on
 * it (worker threads and the embedded database included; steadier than wall time on a busy
 * machine) and the process's RSS.
 */
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  log(`${name} …`);
  const t = performance.now();
  const c = cpuSeconds();
  try {
    return await fn();
  } finally {
    const s = (performance.now() - t) / 1000;
    timings.push([name, s]);
    log(`${name}: ${s.toFixed(1)} s, cpu ${(cpuSeconds() - c).toFixed(1)} s (rss ${rssMb()} MB)`);
  }
}

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

/**
 * How the demo district gets in (WANGGE_DEMO): 'raw' (the default) the way a real district does,
 * raw files → import → units build (server/demo/load-raw.ts); 'fast' the generator's own blocks
 * and units as they are (server/demo/load.ts); 'off' not at all.
 */
let mode: 'raw' | 'fast' | 'off' | undefined;
function demoMode(): 'raw' | 'fast' | 'off' {
  if (mode) return mode;
  const v = (process.env.WANGGE_DEMO ?? '').trim();
  if (/^(off|0|false|no)$/i.test(v)) return (mode = 'off');
  if (/^fast$/i.test(v)) return (mode = 'fast');
  if (v !== '' && !/^(raw|on|1|true|yes)$/i.test(v)) log(`WANGGE_DEMO=${v} is not raw, fast or off: loading the demo the raw way`);
  return (mode = 'raw');
}

async function ensureDemo(db: Db): Promise<void> {
  if (demoMode() === 'off') {
    return log('WANGGE_DEMO=off: no demo district (import your own data: sign in and open 导入数据 / Import data)');
  }
  const loader = await importOptional<DemoLoader>(['../server/demo/load.ts', '../server/demo/load']);
  if (!loader) return log('server/demo/load.ts not found: starting without demo data');
  if (await loader.hasDemo(db)) return log('demo district already loaded');
  const gen = await importOptional<DemoGenerator>(['../geodata/generator/index.ts', '../geodata/generator']);
  if (!gen) return log('geodata/generator not found: starting without demo data');
  let demo: unknown = await step('generate the demo district', async () => gen.generateDemo({}));
  const onProgress = (...args: unknown[]) => log(`load: ${describeProgress(args)}`);
  if (demoMode() === 'raw') {
    // the real district's path: raw files → import → units build (server/demo/load-raw.ts)
    const { loadDemoRaw } = await import('../server/demo/load-raw');
    await step('load the demo district (raw files → import → units)', () => loadDemoRaw(db, demo as Parameters<typeof loadDemoRaw>[1], onProgress));
  } else {
    await step('load the demo district (WANGGE_DEMO=fast: the generator units as made)', () => loader.loadDemo(db, demo, onProgress));
  }
  demo = null; // the generated district is in the database now: let it go
}

/** The demo opens already partitioned: the first start partitions every sub-district and publishes it. */
async function ensurePlan(db: Db): Promise<void> {
  const { ensureInitialPlan } = await import('../server/partition/service');
  let last = -1;
  const planId = await step('partition (first start only)', () =>
    ensureInitialPlan(db, (f, msg) => {
      const pct = Math.floor(f * 20) * 5;
      if (pct !== last) log(`partition: ${pct}% ${msg}`);
      last = pct;
    }),
  );
  if (planId !== null) log(`partitioned the district into grids (plan ${planId})`);
  if (planId !== null) {
    // the demo's "1+3" roster: clearly synthetic (names 示例…, no phones), see server/plans/staff.ts
    const { seedStaff } = await import('../server/plans/staff');
    log(`seeded ${(await seedStaff(db, planId)).inserted} synthetic grid staff`);
  }
}

/**
 * The demo's grid ledgers and visits (server/field/demo.ts): once, after the plan and its roster,
 * only for the synthetic demo district (never on a real deployment's data).
 */
async function ensureFieldDemo(db: Db): Promise<void> {
  if (demoMode() === 'off') return;
  const { hasDemo } = await import('../server/demo/load');
  if (!(await hasDemo(db))) return;
  const { seedFieldDemo } = await import('../server/field/demo');
  const r = await step('grid ledgers and visits (synthetic, first start only)', () => seedFieldDemo(db, { onProgress: (m) => log(`ledger: ${m}`) }));
  if (!r.skipped)
    log(`ledgers: ${r.visits} visits, ${r.records} basic-information records, ${r.disputes} disputes, ${r.volunteer} volunteer activities (synthetic)`);
}

/** The synthetic party-building and credit-community demo, once a plan is in force (server/party/demo.ts, server/credit/demo.ts). */
async function ensurePartyCreditDemo(db: Db): Promise<void> {
  const { seedPartyDemo } = await import('../server/party/demo');
  const { seedCreditDemo } = await import('../server/credit/demo');
  const party = await step('party-building demo (first start only)', () => seedPartyDemo(db));
  if (party)
    log(`seeded ${party.branches} party branches, ${party.teams} work teams, ${party.members} serving party members, ${party.visits} visits (synthetic)`);
  const credit = await step('credit-community demo (first start only)', () => seedCreditDemo(db));
  if (credit)
    log(`seeded ${credit.approved} approved merits, ${credit.pendingMerits} declarations and ${credit.pendingDemerits} demerits awaiting review (synthetic)`);
  const { seedCommitteeDemo } = await import('../server/party/committee-demo');
  const committee = await step('big party committee demo (first start only)', () => seedCommitteeDemo(db));
  if (committee)
    log(
      `seeded ${committee.units} big-party-committee member units (${committee.resources} resources), ${committee.projects} projects, ${committee.matters} practical matters, ${committee.openNeeds} open grid needs (synthetic)`,
    );
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

/**
 * Builds the client if dist/client is missing or older than its sources: `vite build` in a child
 * process, so it runs while this process opens and fills the database (and its memory is not ours).
 */
async function ensureClient(clientDir: string): Promise<void> {
  const index = join(clientDir, 'index.html');
  if (!existsSync(join(ROOT, 'client', 'index.html'))) return log('client/ has no index.html: serving the API only');
  const sources = Math.max(newestMtime(join(ROOT, 'client')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return log('client build is up to date');
  const t = performance.now();
  log('building the client (vite, in the background) …');
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' }, // the production bundle whatever the shell sets
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', (err) => {
      log(`client build could not start: ${err.message}`);
      done(null);
    });
    child.once('exit', (c) => done(c));
  });
  const s = (performance.now() - t) / 1000;
  timings.push(['client build (parallel)', s]);
  if (code === 0) log(`client built in ${s.toFixed(1)} s`);
  else log(`client build failed (exit ${code}), serving the API only`);
}

async function main(): Promise<void> {
  setLockRole('server');
  const config = loadConfig();
  // node + tsx + this module's imports, before the first line
  log(`process up in ${process.uptime().toFixed(1)} s (rss ${rssMb()} MB)`);
  timings.push(['process start (node, tsx, imports)', process.uptime()]);
  const client = ensureClient(config.clientDir); // in a child process, alongside the database steps
  log(config.databaseUrl ? 'database: PostGIS server (DATABASE_URL)' : `database: embedded PGlite at ${config.dataDir}`);
  const db = await step('open the database (PostGIS, migrations)', () => openConfiguredDb(config));
  await ensureDemo(db);
  await ensurePlan(db);
  await ensureFieldDemo(db);
  if (demoMode() !== 'off') await ensurePartyCreditDemo(db);
  // Joint-defense groups: form them for every sub-district when none exist yet, after the plan so groups follow its grids (server/defense/service.ts).
  const { autoGroupAll } = await import('../server/defense/service');
  await step('joint-defense groups', () => autoGroupAll(db, (m) => log(`groups: ${m}`)));
  await step('client build (waiting for it)', () => client);
  await step('start the server', () => startServer(db, config));
  log(`ready in ${process.uptime().toFixed(1)} s: ${timings.map(([n, s]) => `${n} ${s.toFixed(1)} s`).join(', ')} (rss ${rssMb()} MB)`);
  console.log(`Wangge listening on http://localhost:${config.port}`);
}

main().catch(reportStartupError);
