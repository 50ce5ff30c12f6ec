/**
 * npm run backup -- --out FILE[.gz]
 *   Consistent logical backup (JSON lines, geometry as hex EWKB; gzip when FILE ends in .gz) of the
 *   database named by DATABASE_URL (PostGIS server) or WANGGE_DATA_DIR (embedded, default
 *   .data/pglite). Same format for both backends. Prints a JSON summary on stdout.
 *   The embedded database allows one process: stop the server first.
 */
import { parseArgs } from 'node:util';
import { backupDb } from '../server/audit/backup';
import { openDb } from '../server/db';

const USAGE = 'usage: npm run backup -- --out FILE[.jsonl|.jsonl.gz]';
/** Bad arguments or a bad file: exit 2 with one `error:` line (the rule of every CLI here). */
class UsageError extends Error {}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', default: false } } });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; ${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out) throw new UsageError(`--out FILE is required; ${USAGE}`);
  const db = await openDb({ migrate: false });
  try {
    const s = await backupDb(db, values.out);
    process.stdout.write(`${JSON.stringify(s)}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const bad = err instanceof UsageError || ['ENOENT', 'EACCES', 'EISDIR'].includes(String((err as NodeJS.ErrnoException)?.code));
    process.stderr.write(`error: ${(err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(bad ? 2 : 1);
  },
);
