import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
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

export async function openPglite(dataDir?: string, opts: { loadDataDir?: Blob } = {}): Promise<PgliteDb> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({ dataDir, extensions: { postgis }, loadDataDir: opts.loadDataDir });
  await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis;');

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
      await pg.close();
    },
    dumpDataDir: () => pg.dumpDataDir('gzip'),
  };
}
