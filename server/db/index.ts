import { resolve } from 'node:path';
import { migrate } from './migrate';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import type { Db } from './types';

export type { Db, Queryable, BackendKind } from './types';

export interface OpenDbOptions {
  /** postgres://… selects the server backend; otherwise the embedded one. */
  databaseUrl?: string;
  /** Data directory of the embedded backend; 'memory' keeps it in memory. */
  dataDir?: string;
  migrate?: boolean;
}

/** Opens the configured backend and brings its schema up to date. */
export async function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  const url = opts.databaseUrl ?? process.env.DATABASE_URL;
  const db = url
    ? await openPostgres(url)
    : await openPglite(opts.dataDir === 'memory' ? undefined : resolve(opts.dataDir ?? process.env.WANGGE_DATA_DIR ?? '.data/pglite'));
  if (opts.migrate !== false) await migrate(db);
  return db;
}
