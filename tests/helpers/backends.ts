import { openDb, type Db } from '../../server/db';

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
  if (kind === 'pglite') return openDb({ dataDir: 'memory' });
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
