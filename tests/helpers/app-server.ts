/**
 * Starts the real app for browser tests: builds the client once (when dist/client is missing or
 * older than any client source), opens an embedded PGlite+PostGIS database in a temp dir, loads the
 * demo district (falls back to the small hand-made fixture while the demo generator is absent, or
 * when `data: 'fixture'`), builds the app and listens on a free port on 127.0.0.1.
 *
 * Creating a PGlite database with PostGIS and loading the demo takes about a minute on 2 busy cores,
 * so a pristine copy is cached in `.data/test-pglite/<key>` (key = hash of the migrations, the demo
 * generator and loader sources) and each server gets its own copy of it in a temp dir (about 6 s to
 * open): parallel test files never share a data directory. WANGGE_TEST_NO_CACHE=1 disables it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openDb, type Db } from '../../server/db';
import { buildApp } from '../../server/app';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLIENT_DIR = join(ROOT, 'dist/client');

export interface AppServer {
  url: string;
  app: FastifyInstance;
  db: Db;
  /** Which data were loaded. */
  data: 'demo' | 'fixture';
  close(): Promise<void>;
}

export interface StartOptions {
  data?: 'demo' | 'fixture' | 'auto';
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

/** True when dist/client is missing or older than client/ sources (fonts excluded: copied as is). */
export function clientIsStale(): boolean {
  const index = join(CLIENT_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return newestMtime(join(ROOT, 'client')) > built || newestMtime(join(ROOT, 'vite.config.ts')) > built;
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
    // Vite sets NODE_ENV=production while building; keep the test process's own value.
    const nodeEnv = process.env.NODE_ENV;
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

/** Cache key: the inputs that decide the database's content. */
function cacheKey(want: string): string {
  const h = createHash('sha1').update(want);
  for (const f of ['server/migrations', 'server/demo', 'geodata/generator', 'tests/helpers/demo-fixture.ts'].flatMap((p) => filesUnder(join(ROOT, p)))) {
    h.update(f).update(readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

async function withLock<T>(lock: string, fn: () => Promise<T>, staleMs = 600_000): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A fresh data directory holding the wanted data: a copy of the cached pristine one (built once). */
export async function preparedDataDir(want: NonNullable<StartOptions['data']>): Promise<{ dir: string; data: 'demo' | 'fixture' }> {
  const dir = mkdtempSync(join(tmpdir(), 'wangge-browser-'));
  if (process.env.WANGGE_TEST_NO_CACHE) return { dir, data: await fill(dir, want) };
  const cacheRoot = join(ROOT, '.data/test-pglite');
  mkdirSync(cacheRoot, { recursive: true });
  const cached = join(cacheRoot, cacheKey(want));
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
  const data = readFileSync(marker(cached), 'utf8').trim() === 'demo' ? 'demo' : 'fixture';
  return { dir, data };
}

/** Creates a database in `dir`, loads the data and closes it. */
async function fill(dir: string, want: NonNullable<StartOptions['data']>): Promise<'demo' | 'fixture'> {
  const db = await openDb({ dataDir: dir, databaseUrl: undefined });
  try {
    return await loadData(db, want);
  } finally {
    await db.close();
  }
}

async function loadData(db: Db, want: StartOptions['data']): Promise<'demo' | 'fixture'> {
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
