import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDb, type Db } from '../../server/db';
import { migrate, MIGRATIONS_DIR } from '../../server/db/migrate';
import { PGlite } from '@electric-sql/pglite';
import { openPglite } from '../../server/db/pglite';
import { slimPostgis } from '../../server/db/postgis-bundle';

/**
 * The database test matrix: every db test runs on the embedded backend (PGlite + PostGIS) and on a
 * PostGIS server. TEST_DATABASE_URL (default: the local server's scratch database wangge_test) names
 * the server; .ci/run creates it. Set TEST_BACKENDS=pglite to skip the server on a laptop without one.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wangge_test';

export const BACKENDS: Array<'pglite' | 'postgres'> = (process.env.TEST_BACKENDS ?? 'pglite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is 'pglite' | 'postgres' => s === 'pglite' || s === 'postgres');

/** Opens a fresh, migrated, empty database on the given backend. On postgres, a fresh schema per call. */
export async function openTestDb(kind: 'pglite' | 'postgres'): Promise<Db> {
  if (kind === 'pglite') {
    const dir = await pgliteScratchCopy('wangge-test-');
    const db = await openPglite(dir);
    await migrate(db);
    const close = db.close.bind(db);
    return {
      ...db,
      async close() {
        try {
          await close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  }
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  const db = await openDb({ databaseUrl: url.toString() });
  const close = db.close.bind(db);
  return {
    ...db,
    kind: db.kind,
    query: db.query.bind(db),
    exec: db.exec.bind(db),
    transaction: db.transaction.bind(db),
    async close() {
      await db.exec(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
      await close();
    },
  } as Db;
}

const TEMPLATE_DIR = resolve(import.meta.dirname, '../../.data/test-templates');

/**
 * Where test data directories go: RAM-backed /dev/shm when this machine has it (a database's files
 * never touch the disk and copying a 70 MB template there is a memory copy), else the temp dir.
 */
export function scratchRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

function migrationsHash(): string {
  const h = createHash('sha1');
  for (const f of readdirSync(MIGRATIONS_DIR).sort()) h.update(f).update(readFileSync(join(MIGRATIONS_DIR, f)));
  return h.digest('hex').slice(0, 16);
}

/** Runs fn while holding a lock directory, so parallel test workers build a cache once. */
export async function withLock<T>(lock: string, fn: () => Promise<T>, staleMs = 600_000): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock, { recursive: false });
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A migrated, empty embedded database as a closed data directory, cached on disk by the hash of the
 * migrations (built once: initdb + PostGIS + migrations cost ~30 CPU-seconds). Never open it in
 * place: copy it (pgliteScratchCopy). Opening a copy costs less CPU than loading the tarball
 * (no gunzip, no untar of 67 MB into PGlite's in-memory filesystem; pages are read as needed).
 */
export async function pgliteTemplateDir(): Promise<string> {
  const dir = join(TEMPLATE_DIR, `pglite-${migrationsHash()}`);
  const done = join(dir, 'PG_VERSION');
  if (existsSync(done)) return dir;
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  await withLock(`${dir}.lock`, async () => {
    if (existsSync(done)) return;
    const tmp = `${dir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    const db = await openPglite(tmp);
    await migrate(db);
    await db.close(); // releases the data-directory lock file
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir); // atomic: other workers see the whole directory or none
  });
  return dir;
}

/** A private copy of the migrated template in a new scratch directory (prefix names it); the caller removes it. */
export async function pgliteScratchCopy(prefix: string): Promise<string> {
  const template = await pgliteTemplateDir();
  const dir = mkdtempSync(join(scratchRoot(), prefix));
  cpSync(template, dir, { recursive: true });
  return dir;
}

/**
 * The migrated empty database as a gzipped tarball (PGlite loadDataDir), cached beside the template
 * directory it is made from. For tests that need a tarball; opening a directory copy is cheaper.
 */
export async function pgliteTemplate(): Promise<Blob> {
  const file = join(TEMPLATE_DIR, `pglite-${migrationsHash()}.tar.gz`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const dir = await pgliteScratchCopy('wangge-template-');
  try {
    // PGlite itself, not openPglite: the dump must not carry this process's data-directory lock file
    // (a database loaded from it would hold a stranger's lock that its own close cannot release)
    const pg = await PGlite.create({ dataDir: dir, extensions: { postgis: slimPostgis } });
    const blob = await pg.dumpDataDir('gzip');
    await pg.close();
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file); // atomic: parallel test workers never read half a file
    return blob;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
