import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { Db, Queryable } from '../db';
import { linkRegisterToBuildings } from '../import/register-link';

/**
 * Logical backup of every table of our schema in one format for both backends: JSON lines
 *   {"$backup":"wangge","version":1,"createdAt":…,"backend":…,"migrations":[…],"tables":[…]}
 *   {"$table":"subdistricts","columns":[…]}      then one JSON object per row
 *   …                                             (tables in foreign-key dependency order)
 *   {"$end":true,"counts":{"subdistricts":8,…}}
 * Geometry is hex EWKB (SRID kept, exact); other values as PostgreSQL's to_json gives them.
 * `.gz` files are gzip-compressed. Restore replaces the data of every table in the file in ONE
 * transaction: a truncated or inconsistent file changes nothing. Sessions and schema_migrations
 * are not part of a backup (the target's schema is migrated first; restored users sign in again).
 */
export const BACKUP_VERSION = 1;
const EXCLUDED = new Set(['schema_migrations', 'sessions']);
const BATCH = 500;

interface ColumnInfo {
  name: string;
  type: string;
  typname: string;
  builtin: boolean;
}
interface TableInfo {
  name: string;
  columns: ColumnInfo[];
}

const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Our tables (current schema, no extension tables) in foreign-key order, parents first. */
export async function listTables(q: Queryable): Promise<TableInfo[]> {
  const t = await q.query<{ oid: number; name: string }>(
    `SELECT c.oid::int AS oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY c.relname`,
  );
  const tables = t.rows.filter((r) => !EXCLUDED.has(r.name));
  const byOid = new Map(tables.map((r) => [Number(r.oid), r.name]));
  const cols = await q.query<{ rel: number; name: string; type: string; typname: string; builtin: boolean }>(
    `SELECT a.attrelid::int AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, ty.typname,
            (tn.nspname = 'pg_catalog') AS builtin
       FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = ty.typnamespace
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attrelid, a.attnum`,
    [[...byOid.keys()]],
  );
  const fks = await q.query<{ child: number; parent: number }>(
    `SELECT conrelid::int AS child, confrelid::int AS parent FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY($1::oid[])`,
    [[...byOid.keys()]],
  );
  const columns = new Map<string, ColumnInfo[]>();
  for (const c of cols.rows) {
    const name = byOid.get(Number(c.rel))!;
    if (!columns.has(name)) columns.set(name, []);
    columns.get(name)!.push({ name: c.name, type: c.type, typname: c.typname, builtin: c.builtin });
  }
  // Kahn's algorithm, alphabetical among ready tables (deterministic); cycles appended at the end.
  const parents = new Map<string, Set<string>>([...byOid.values()].map((n) => [n, new Set<string>()]));
  for (const f of fks.rows) {
    const c = byOid.get(Number(f.child));
    const p = byOid.get(Number(f.parent));
    if (c && p && c !== p) parents.get(c)!.add(p);
  }
  const order: string[] = [];
  const left = new Set(parents.keys());
  while (left.size) {
    const ready = [...left].filter((n) => [...parents.get(n)!].every((p) => !left.has(p))).sort();
    const next = ready.length ? ready : [...left].sort();
    for (const n of ready.length ? ready : next.slice(0, 1)) {
      order.push(n);
      left.delete(n);
    }
  }
  return order.map((name) => ({ name, columns: columns.get(name) ?? [] }));
}

function selectExpr(c: ColumnInfo): string {
  if (c.typname === 'geometry') return `encode(ST_AsEWKB(${qi(c.name)}), 'hex') AS ${qi(c.name)}`;
  if (!c.builtin) return `${qi(c.name)}::text AS ${qi(c.name)}`; // geography and other extension types: text form
  return qi(c.name);
}

async function appliedMigrations(q: Queryable): Promise<string[]> {
  const exists = await q.query(
    "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = 'schema_migrations'",
  );
  if (!exists.rows.length) return [];
  return (await q.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
}

async function writeLine(out: Writable, line: string): Promise<void> {
  if (out.destroyed) throw new Error('backup output closed (the reader went away)');
  if (out.write(`${line}\n`)) return;
  // wait for drain, but never forever: a reader that went away closes the stream instead
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('backup output closed (the reader went away)'));
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', done);
  });
}

export interface BackupSummary {
  file: string;
  backend: string;
  tables: number;
  rows: number;
  counts: Record<string, number>;
  ms: number;
}

/** Writes a consistent snapshot (one REPEATABLE READ transaction) of the database to `file`. */
export async function backupDb(db: Db, file: string): Promise<BackupSummary> {
  const t0 = Date.now();
  const fileStream = createWriteStream(file);
  const gz = file.endsWith('.gz') ? createGzip() : null;
  if (gz) gz.pipe(fileStream);
  const out: Writable = gz ?? fileStream;
  let s: Omit<BackupSummary, 'file' | 'ms'>;
  try {
    s = await backupToStream(db, out);
  } finally {
    out.end();
    await once(fileStream, 'close');
  }
  return { file, ...s, ms: Date.now() - t0 };
}

/**
 * Writes the backup's JSON lines to `out` (left open: the caller ends it). The running server
 * streams this over HTTP to `npm run backup` (server/plugins/local-cli.ts), through its own
 * database handle: a second process never opens the embedded data directory.
 */
export async function backupToStream(db: Db, out: Writable): Promise<Omit<BackupSummary, 'file' | 'ms'>> {
  const counts: Record<string, number> = {};
  let tableCount = 0;
  await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const tables = await listTables(tx);
    tableCount = tables.length;
    await writeLine(
      out,
      JSON.stringify({
        $backup: 'wangge',
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
        backend: db.kind,
        migrations: await appliedMigrations(tx),
        tables: tables.map((t) => t.name),
      }),
    );
    for (const t of tables) {
      await writeLine(out, JSON.stringify({ $table: t.name, columns: t.columns.map((c) => ({ name: c.name, type: c.type })) }));
      await tx.query(
        `DECLARE wangge_backup NO SCROLL CURSOR FOR SELECT to_json(x)::text AS r FROM (SELECT ${t.columns.map(selectExpr).join(', ')} FROM ${qi(t.name)}) x`,
      );
      let n = 0;
      for (;;) {
        const batch = await tx.query<{ r: string }>(`FETCH ${BATCH * 4} FROM wangge_backup`);
        for (const row of batch.rows) await writeLine(out, row.r);
        n += batch.rows.length;
        if (batch.rows.length < BATCH * 4) break;
      }
      await tx.query('CLOSE wangge_backup');
      counts[t.name] = n;
    }
    await writeLine(out, JSON.stringify({ $end: true, counts }));
  });
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  return { backend: db.kind, tables: tableCount, rows, counts };
}

export class BackupFormatError extends Error {}

function lines(file: string): AsyncIterable<string> {
  const raw: Readable = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => input.destroy(e));
  return createInterface({ input, crlfDelay: Infinity });
}

export interface RestoreSummary {
  file: string;
  backend: string;
  tables: number;
  rows: number;
  counts: Record<string, number>;
  ms: number;
}

/**
 * Replaces the data of the tables in the backup with its rows, in one transaction (all or nothing).
 * The target must be migrated at least as far as the backup's source.
 */
export async function restoreDb(db: Db, file: string): Promise<RestoreSummary> {
  const t0 = Date.now();
  const counts: Record<string, number> = {};
  let tablesInFile: string[] = [];
  await db.transaction(async (tx) => {
    const it = lines(file)[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) throw new BackupFormatError(`${file}: empty file`);
    const header = JSON.parse(first.value) as { $backup?: string; version?: number; migrations?: string[]; tables?: string[] };
    if (header.$backup !== 'wangge' || header.version !== BACKUP_VERSION)
      throw new BackupFormatError(`${file}: not a Wangge backup (version ${BACKUP_VERSION})`);
    const have = new Set(await appliedMigrations(tx));
    const newer = (header.migrations ?? []).filter((m) => !have.has(m));
    if (newer.length) throw new BackupFormatError(`backup needs migrations this database lacks: ${newer.join(', ')}`);
    const target = new Map((await listTables(tx)).map((t) => [t.name, t]));
    tablesInFile = header.tables ?? [];
    for (const name of tablesInFile) if (!target.has(name)) throw new BackupFormatError(`table ${name} of the backup does not exist here`);
    // CASCADE also empties tables that reference these (sessions via users): restored users sign in again
    if (tablesInFile.length) await tx.query(`TRUNCATE ${tablesInFile.map(qi).join(', ')} RESTART IDENTITY CASCADE`);

    let table: string | null = null;
    let cols: string[] = [];
    let batch: string[] = [];
    let ended = false;
    let relink = false;
    const flush = async () => {
      if (!batch.length || !table) return;
      const list = cols.map(qi).join(', ');
      await tx.query(`INSERT INTO ${qi(table)} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(NULL::${qi(table)}, $1::json)`, [
        `[${batch.join(',')}]`,
      ]);
      counts[table] += batch.length;
      batch = [];
    };
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const line = r.value;
      if (!line) continue;
      if (ended) throw new BackupFormatError('data after the end marker');
      if (line.startsWith('{"$table":') || line.startsWith('{"$end":')) {
        await flush();
        const m = JSON.parse(line) as { $table?: string; columns?: Array<{ name: string }>; $end?: boolean; counts?: Record<string, number> };
        if (m.$end) {
          for (const name of tablesInFile) {
            if ((m.counts?.[name] ?? -1) !== (counts[name] ?? 0))
              throw new BackupFormatError(`table ${name}: ${counts[name] ?? 0} rows read, ${m.counts?.[name]} expected`);
          }
          ended = true;
          continue;
        }
        table = m.$table!;
        if (!target.has(table) || !tablesInFile.includes(table)) throw new BackupFormatError(`unexpected table ${table}`);
        const targetCols = new Set(target.get(table)!.columns.map((c) => c.name));
        cols = (m.columns ?? []).map((c) => c.name);
        const lost = cols.filter((c) => !targetCols.has(c));
        if (lost.length) throw new BackupFormatError(`columns ${table}.${lost.join(', ')} do not exist here`);
        if (table === 'buildings' && !cols.includes('register_households')) relink = true;
        counts[table] = 0;
        continue;
      }
      if (!table) throw new BackupFormatError('row before any table');
      batch.push(line);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    if (!ended) throw new BackupFormatError(`${file}: no end marker (truncated backup); nothing restored`);
    // a backup from before migration 121: the buildings' register households from the restored register
    if (relink) {
      const all = (await tx.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
      await linkRegisterToBuildings(tx, all);
    }
    // sequences (serial and identity columns) continue after the restored ids
    for (const name of tablesInFile) {
      for (const c of target.get(name)!.columns) {
        const s = await tx.query<{ seq: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS seq', [`${qi(name)}`, c.name]);
        const seq = s.rows[0]?.seq;
        if (!seq) continue;
        await tx.query(`SELECT setval($1, GREATEST(COALESCE(max(${qi(c.name)})::bigint, 1), 1), max(${qi(c.name)}) IS NOT NULL) FROM ${qi(name)}`, [seq]);
      }
    }
  });
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  return { file, backend: db.kind, tables: tablesInFile.length, rows, counts, ms: Date.now() - t0 };
}
