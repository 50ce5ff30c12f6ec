import type { Queryable } from '../../server/db';

/** Tables whose rows change on reads by design (session last-seen), left out of "nothing changed". */
export const VOLATILE_TABLES = new Set(['sessions']);

/** The base tables of the current schema (the test schema on the PostGIS server, public on PGlite). */
export async function userTables(db: Queryable): Promise<string[]> {
  const r = await db.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'spatial_ref_sys'
     ORDER BY table_name`,
  );
  return r.rows.map((x) => x.t).filter((t) => !VOLATILE_TABLES.has(t));
}

/**
 * An order-independent fingerprint of every row of every table: `table:count:md5` joined. Two equal
 * fingerprints mean no row was inserted, updated or deleted in between.
 */
export async function dbChecksum(db: Queryable, tables?: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of tables ?? (await userTables(db))) {
    const r = await db.query<{ n: number; h: string | null }>(`SELECT count(*)::int AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM "${t}" x`);
    out[t] = `${r.rows[0].n}:${r.rows[0].h ?? '-'}`;
  }
  return out;
}

/** The tables whose fingerprint differs between two checksums. */
export function changedTables(a: Record<string, string>, b: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).sort();
}
