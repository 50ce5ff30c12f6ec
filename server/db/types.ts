/** The one data-layer interface both backends implement (PGlite embedded, PostgreSQL server). */
export interface QueryResult<T> {
  rows: T[];
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type BackendKind = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly kind: BackendKind;
  /** Runs fn in one transaction: commit on success, rollback on any throw. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
