/**
 * npm run backup -- --out FILE[.gz]
 *   Consistent logical backup (JSON lines, geometry as hex EWKB; gzip when FILE ends in .gz) of the
 *   database named by DATABASE_URL (PostGIS server) or WANGGE_DATA_DIR (embedded, default
 *   .data/pglite). Same format for both backends. Prints a JSON summary on stdout.
 *   When the running server owns the embedded data directory, the backup is taken by the server
 *   itself (its own database handle, streamed over its local API: server/plugins/local-cli.ts): a
 *   second process never opens the directory. The file appears under its name only when complete.
 *   Scheduling and rotation: docs/operations.md.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { backupDb } from '../server/audit/backup';
import { adminFlags, failWith, UsageError } from './lib/cli';
import { callServer, exitOnDataDirError, openTarget, serverError, type RunningServer } from './lib/db-or-server';

/** Passes the bytes through and keeps the first and the last line (the header and the end marker). */
class Ends extends Transform {
  first: string | null = null;
  private tail = '';
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const text = chunk.toString('utf8');
    if (this.first === null) {
      const head = this.tail + text;
      const nl = head.indexOf('\n');
      if (nl >= 0) this.first = head.slice(0, nl);
    }
    this.tail = (this.tail + text).slice(-1_000_000);
    cb(null, chunk);
  }
  last(): string {
    const lines = this.tail.trimEnd().split('\n');
    return lines[lines.length - 1] ?? '';
  }
}

async function viaServer(server: RunningServer, file: string, tmp: string) {
  const t0 = Date.now();
  const res = await callServer(server, 'backup', 'GET', '/api/local/backup');
  if (!res.ok || !res.body) throw new Error(await serverError(res));
  const ends = new Ends();
  const input = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  if (file.endsWith('.gz')) await pipeline(input, ends, createGzip(), createWriteStream(tmp));
  else await pipeline(input, ends, createWriteStream(tmp));
  const header = JSON.parse(ends.first ?? '{}') as { backend?: string; tables?: string[] };
  let end: { $end?: boolean; counts?: Record<string, number> } = {};
  try {
    end = JSON.parse(ends.last()) as typeof end;
  } catch {
    /* no end marker */
  }
  if (!end.$end || !end.counts) throw new Error('the server ended the backup early (no end marker); nothing was kept');
  const rows = Object.values(end.counts).reduce((a, b) => a + b, 0);
  return {
    file,
    backend: header.backend ?? 'pglite',
    tables: header.tables?.length ?? 0,
    rows,
    counts: end.counts,
    ms: Date.now() - t0,
    via: `server pid ${server.pid}`,
  };
}

const USAGE = 'usage: npm run backup -- --out FILE[.jsonl|.jsonl.gz]';

async function main(): Promise<number> {
  const values = adminFlags({ out: { type: 'string' } } as const, USAGE);
  if (!values) return 0;
  if (!values.out) throw new UsageError(`--out FILE is required; ${USAGE}`);
  const file = values.out;
  const tmp = `${file}.partial-${process.pid}${file.endsWith('.gz') ? '.gz' : ''}`;
  const target = await openTarget({ tool: 'backup', viaServer: true, migrate: false });
  try {
    const s = target.server ? await viaServer(target.server, file, tmp) : { ...(await backupDb(target.db, tmp)), file };
    renameSync(tmp, file); // complete backups only under the final name
    process.stdout.write(`${JSON.stringify(s)}\n`);
    return 0;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    await target.db?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    exitOnDataDirError(err);
    const bad = err instanceof UsageError || ['ENOENT', 'EACCES', 'EISDIR'].includes(String((err as NodeJS.ErrnoException)?.code));
    failWith(err, bad);
  },
);
