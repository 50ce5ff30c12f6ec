import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock } from './datadir-lock';
import { DataDirOpenError } from './datadir-open-error';
import { slimPostgis } from './postgis-bundle';
import type { Db, Queryable, QueryResult } from './types';

/**
 * Embedded PostgreSQL + PostGIS in this process. `dataDir` keeps the data across restarts;
 * undefined keeps it in memory (tests). PGlite serialises all queries on one connection, so a
 * transaction holds the connection for its whole duration (no interleaving is possible).
 */
export interface PgliteDb extends Db {
  /** The whole database as a gzipped tarball (PGlite dumpDataDir): a template for fast opens. */
  dumpDataDir(): Promise<Blob>;
}

/**
 * PostgreSQL's memory settings inside PGlite's WebAssembly memory, which grows to the largest
 * amount ever used and never shrinks: shared buffers 32 MB instead of 128 MB (pages beyond it are
 * read from the data directory through the OS page cache), maintenance_work_mem 16 MB instead of
 * 64 MB (index builds while loading). WANGGE_PGLITE_SHARED_BUFFERS (e.g. 128MB) overrides.
 */
export function memorySettings(env: NodeJS.ProcessEnv = process.env): string[] {
  const shared = env.WANGGE_PGLITE_SHARED_BUFFERS?.trim() || '32MB';
  if (!/^\d+(kB|MB|GB)$/.test(shared)) throw new Error(`WANGGE_PGLITE_SHARED_BUFFERS must be like 32MB, got ${shared}`);
  return [...PGlite.defaultStartParams, '-c', `shared_buffers=${shared}`, '-c', 'maintenance_work_mem=16MB'];
}

export async function openPglite(dataDir?: string, opts: { loadDataDir?: Blob; onStaleLock?: (msg: string) => void } = {}): Promise<PgliteDb> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // One owner process per data directory (server/db/datadir-lock.ts): throws DataDirInUseError.
  const lock = dataDir ? acquireDataDirLock(dataDir) : null;
  if (lock?.tookOver) {
    const o = lock.tookOver;
    (opts.onStaleLock ?? ((m: string) => process.stderr.write(`${m}\n`)))(
      `warning: took over the stale lock of ${dataDir}: its owner (${o.role}, pid ${o.pid}, since ${o.at}) is gone (killed or crashed)`,
    );
  }
  let pg: PGlite;
  try {
    // the slim PostGIS bundle (server/db/postgis-bundle.ts): ~400 MB less resident memory than the stock one
    pg = await PGlite.create({ dataDir, extensions: { postgis: slimPostgis }, loadDataDir: opts.loadDataDir, startParams: memorySettings() });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis;');
  } catch (err) {
    lock?.release();
    throw dataDir ? new DataDirOpenError(dataDir, err) : err;
  }

  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await q.query<T>(sql, params as unknown[] | undefined);
      return { rows: r.rows };
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
  });
  const base = wrap(pg);
  return {
    kind: 'pglite',
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction(async (tx) => fn(wrap(tx)));
    },
    async close() {
      try {
        await pg.close();
      } finally {
        lock?.release();
      }
    },
    dumpDataDir: () => pg.dumpDataDir('gzip'),
    stats: () => ({ wasmMemoryBytes: (pg as unknown as { mod?: { HEAP8?: Int8Array } }).mod?.HEAP8?.buffer.byteLength }),
  };
}
