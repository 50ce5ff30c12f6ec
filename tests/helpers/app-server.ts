/**
 * Starts the real app for browser tests: builds the client once (when dist/client is missing or
 * older than any client source), opens an embedded PGlite+PostGIS database in a temp dir, loads the
 * demo district with the fast loader (server/demo/load.ts, as `WANGGE_DEMO=fast npm start`: these
 * tests are about the app, not about how the demo gets in; `npm start`'s default raw path has
 * tests/db/demo-load-raw.test.ts), or the small hand-made fixture while the demo generator is
 * absent or with `data: 'fixture'`, or nothing but the migrations with `data: 'empty'` (a real
 * deployment's first start), builds the app and listens on a free port on 127.0.0.1.
 *
 * Creating a PGlite database with PostGIS and loading the demo takes about a minute on 2 busy cores,
 * so a pristine copy is cached in `.data/test-pglite/<key>` (key = hash of the migrations and every
 * source the demo loader, generator and fixture reach; 'auto' and 'demo' share it), built from the migrated template of
 * tests/helpers/backends.ts, and each server gets its own copy of it in a scratch dir (/dev/shm when
 * there; about 6 s to open): parallel test files never share a data directory.
 * WANGGE_TEST_NO_CACHE=1 disables the demo cache.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openDb, type Db } from '../../server/db';
import { buildApp } from '../../server/app';
import { pgliteTemplateDir, scratchRoot, withLock } from './backends';
import { sourceClosure } from './source-closure';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLIENT_DIR = join(ROOT, 'dist/client');

export interface AppServer {
  url: string;
  app: FastifyInstance;
  db: Db;
  /** Which data were loaded. */
  data: Loaded;
  close(): Promise<void>;
}

type Loaded = 'demo' | 'fixture' | 'empty';

export interface StartOptions {
  /** 'empty': migrations only (no district), as `WANGGE_DEMO=off npm start` on a new database. */
  data?: 'demo' | 'fixture' | 'empty' | 'auto';
  /** Enforce access control (sessions, roles, CSRF); off by default so pages load without a login. */
  auth?: boolean;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const f of readdirSync(path)) if (f !== 'fonts') m = Math.max(m, newestMtime(join(path, f)));
  return m;
}

/** True when dist/client is missing or older than the client/ and common/ sources (fonts excluded: copied as is). */
export function clientIsStale(): boolean {
  const index = join(CLIENT_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return ['client', 'common', 'vite.config.ts'].some((p) => newestMtime(join(ROOT, p)) > built); // the client bundles common/ too
}

/** Builds the client with Vite's JS API unless fresh. A lock directory serialises parallel test files. */
export async function ensureClientBuilt(): Promise<void> {
  if (!clientIsStale()) return;
  const lock = join(ROOT, 'dist/.client-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than 3 minutes is stale.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for the client build lock');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (!clientIsStale()) return;
    const { build } = await import('vite');
    // The same production bundle users get (Vite keeps a NODE_ENV already set, and vitest sets 'test':
    // import.meta.env.PROD would be false and the service worker left out); then the test's own value.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', root: join(ROOT, 'client') });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

interface DemoLoader {
  hasDemo(db: Db): Promise<boolean>;
  loadDemo(db: Db, demo: never): Promise<unknown>;
}
interface DemoGenerator {
  generateDemo(opts?: { seed?: number }): unknown;
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((f) => filesUnder(join(path, f)));
}

/**
 * Cache key: the inputs that decide the database's content: the migrations, and every source file
 * the demo loader, the generator or the fixture reaches (followed through their imports and worker
 * entries, so a loader that calls into other server modules is covered too).
 */
function cacheKey(want: string): string {
  const h = createHash('sha1').update(want);
  const sources = sourceClosure(['server/demo/load.ts', 'geodata/generator/index.ts', 'tests/helpers/demo-fixture.ts'].map((p) => join(ROOT, p)));
  for (const f of [...filesUnder(join(ROOT, 'server/migrations')), ...sources]) {
    h.update(f.slice(ROOT.length)).update(readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

/** A fresh data directory holding the wanted data: a copy of the cached pristine one (built once). */
export async function preparedDataDir(want: NonNullable<StartOptions['data']>): Promise<{ dir: string; data: Loaded }> {
  const dir = mkdtempSync(join(scratchRoot(), 'wangge-browser-'));
  if (process.env.WANGGE_TEST_NO_CACHE) return { dir, data: await fill(dir, want) };
  const cacheRoot = join(ROOT, '.data/test-pglite');
  mkdirSync(cacheRoot, { recursive: true });
  // 'auto' loads the demo whenever its generator and loader are there (they are): one cache for both
  const cached = join(cacheRoot, cacheKey(want === 'fixture' || want === 'empty' ? want : 'demo'));
  const marker = (d: string) => join(d, 'wangge-test-data.txt');
  if (!existsSync(marker(cached))) {
    await withLock(`${cached}.lock`, async () => {
      if (existsSync(marker(cached))) return;
      const tmp = `${cached}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      const data = await fill(tmp, want);
      writeFileSync(marker(tmp), data);
      rmSync(cached, { recursive: true, force: true });
      renameSync(tmp, cached);
      // Drop caches of older inputs (115 MB each) that nobody has touched for 10 minutes.
      for (const f of readdirSync(cacheRoot)) {
        const p = join(cacheRoot, f);
        if (/^[0-9a-f]{16}$/.test(f) && p !== cached && Date.now() - statSync(p).mtimeMs > 600_000) rmSync(p, { recursive: true, force: true });
      }
    });
  }
  cpSync(cached, dir, { recursive: true });
  const written = readFileSync(marker(cached), 'utf8').trim();
  const data: Loaded = written === 'demo' || written === 'empty' ? written : 'fixture';
  if (want === 'demo' && data !== 'demo') throw new Error(`the cached test database in ${cached} holds ${data}, not the demo`);
  return { dir, data };
}

/** Creates a database in `dir` (a copy of the migrated template: no initdb + PostGIS install), loads the data and closes it. */
async function fill(dir: string, want: NonNullable<StartOptions['data']>): Promise<Loaded> {
  cpSync(await pgliteTemplateDir(), dir, { recursive: true });
  const db = await openDb({ dataDir: dir, databaseUrl: undefined });
  try {
    return await loadData(db, want);
  } finally {
    await db.close();
  }
}

async function loadData(db: Db, want: StartOptions['data']): Promise<Loaded> {
  if (want === 'empty') return 'empty';
  if (want !== 'fixture') {
    let loader: DemoLoader | null = null;
    let generator: DemoGenerator | null = null;
    try {
      // Imported by computed path so this helper keeps working (with the fixture) without them.
      const loadPath = '../../server/demo/load';
      const genPath = '../../geodata/generator';
      loader = (await import(/* @vite-ignore */ loadPath)) as DemoLoader;
      generator = (await import(/* @vite-ignore */ genPath)) as DemoGenerator;
    } catch (e) {
      if (want === 'demo') throw e;
    }
    if (loader && generator) {
      if (!(await loader.hasDemo(db))) await loader.loadDemo(db, generator.generateDemo() as never);
      return 'demo';
    }
  }
  const { insertFixture } = await import('./demo-fixture');
  await insertFixture(db);
  return 'fixture';
}

export async function startAppServer(opts: StartOptions = {}): Promise<AppServer> {
  await ensureClientBuilt();
  const { dir: dataDir, data } = await preparedDataDir(opts.data ?? 'auto');
  const db = await openDb({ dataDir, databaseUrl: undefined });
  const app = await buildApp({ db, clientDir: CLIENT_DIR, auth: { enforce: opts.auth ?? false, demoUsers: opts.auth ?? false } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    app,
    db,
    data,
    async close() {
      await app.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
