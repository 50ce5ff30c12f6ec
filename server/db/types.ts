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

/** Live figures of a backend for /metrics and /api/health (server/plugins/metrics.ts). */
export interface DbStats {
  /** The pg pool (PostGIS server): connections open, idle, and queries waiting for one. */
  pool?: { total: number; idle: number; waiting: number };
  /** PGlite: size of its WebAssembly linear memory (it grows and never shrinks). */
  wasmMemoryBytes?: number;
}

export interface Db extends Queryable {
  readonly kind: BackendKind;
  /** Live figures of the backend (optional: test wrappers may leave it out). */
  stats?(): DbStats;
  /** Runs fn in one transaction: commit on success, rollback on any throw. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
