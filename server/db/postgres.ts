import pg from 'pg';
import { isConnectionError } from './connection-errors';
import type { Db, Queryable, QueryResult } from './types';

// bigint (int8) and numeric come back as JS numbers, as they do from PGlite.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** A PostGIS server reached through `pg` (DATABASE_URL=postgres://…). */
export async function openPostgres(connectionString: string, opts: { onError?: (err: Error) => void } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 10_000 });
  // An idle client whose connection dies (server stopped, pg_terminate_backend) emits 'error' on the
  // pool; without a listener that kills the process. The pool drops that client and connects anew
  // on the next query, so logging it is all there is to do.
  const onError =
    opts.onError ??
    ((err: Error) =>
      process.stderr.write(`warning: database connection lost (${(err as { code?: string }).code ?? err.message}); reconnecting on the next query\n`));
  pool.on('error', onError);
  const client = await pool.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
  } finally {
    client.release();
  }
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await q.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as T[] };
    },
    async exec(sql: string): Promise<void> {
      await q.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    stats: () => ({ pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } }),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const c = await pool.connect();
      // a checked-out client has no pool listener: its connection dying between queries would
      // otherwise be an unhandled 'error' event (the next query on it fails and we roll back)
      let broken: Error | undefined;
      const onClientError = (err: Error) => {
        broken = err;
        onError(err);
      };
      c.on('error', onClientError);
      try {
        await c.query('BEGIN');
        const out = await fn(wrap(c));
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        if (!broken && isConnectionError(err)) broken = err as Error;
        throw err;
      } finally {
        c.off('error', onClientError);
        c.release(broken); // a broken client is destroyed, not returned to the pool
      }
    },
    async close() {
      await pool.end();
    },
  };
}
