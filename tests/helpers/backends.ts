import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDb, type Db } from '../../server/db';
import { migrate, MIGRATIONS_DIR } from '../../server/db/migrate';
import { openPglite } from '../../server/db/pglite';

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
    const db = await openPglite(undefined, { loadDataDir: await pgliteTemplate() });
    await migrate(db);
    return db;
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
 * A migrated, empty embedded database as a tarball, cached on disk by the hash of the migrations:
 * creating PGlite and installing PostGIS from scratch costs ~15 s, loading this template ~5 s.
 */
export async function pgliteTemplate(): Promise<Blob> {
  const h = createHash('sha1');
  for (const f of readdirSync(MIGRATIONS_DIR).sort()) h.update(f).update(readFileSync(join(MIGRATIONS_DIR, f)));
  const file = join(TEMPLATE_DIR, `pglite-${h.digest('hex').slice(0, 16)}.tar.gz`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const db = await openPglite(undefined);
  await migrate(db);
  const blob = await db.dumpDataDir();
  await db.close();
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
  renameSync(tmp, file); // atomic: parallel test workers never read half a file
  return blob;
}
