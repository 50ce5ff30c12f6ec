/**
 * npm run restore -- --file FILE[.gz]
 *   Replaces the data of every table in the backup, in one transaction (a bad or truncated file
 *   changes nothing). The database (DATABASE_URL or WANGGE_DATA_DIR) is migrated first and must be
 *   at least as new as the backup's source. Sessions end: users sign in again. While the server
 *   owns the embedded data directory this exits 2 (stop the server first: a restore replaces all
 *   data under its caches). Recovering a damaged data directory: docs/operations.md.
 */
import { existsSync } from 'node:fs';
import { BackupFormatError, restoreDb } from '../server/audit/backup';
import { audit } from '../server/audit/log';
import { adminFlags, failWith, UsageError } from './lib/cli';
import { exitOnDataDirError, openTarget } from './lib/db-or-server';

const USAGE = 'usage: npm run restore -- --file FILE[.jsonl|.jsonl.gz]';

async function main(): Promise<number> {
  const values = adminFlags({ file: { type: 'string' } } as const, USAGE);
  if (!values) return 0;
  if (!values.file) throw new UsageError(`--file FILE is required; ${USAGE}`);
  if (!existsSync(values.file)) throw new UsageError(`${values.file}: no such file`);
  const { db } = (await openTarget({
    tool: 'restore',
    viaServer: false,
    advice: 'stop it first (a restore replaces all data and needs the data directory to itself), then run this again',
  })) as { db: import('../server/db').Db };
  try {
    const s = await restoreDb(db, values.file);
    await audit(db, { actor: 'cli:restore', action: 'db.restore', entity: 'backup', entityId: values.file, after: { rows: s.rows, counts: s.counts } });
    process.stdout.write(`${JSON.stringify(s)}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    exitOnDataDirError(err);
    const bad =
      err instanceof UsageError ||
      err instanceof BackupFormatError ||
      ['ENOENT', 'EACCES', 'EISDIR', 'Z_DATA_ERROR', 'Z_BUF_ERROR'].includes(String((err as NodeJS.ErrnoException)?.code));
    failWith(err, bad);
  },
);
