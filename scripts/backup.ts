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

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help || !values.out) {
    process.stderr.write('usage: npm run backup -- --out FILE[.jsonl|.jsonl.gz]\n');
    return values.help ? 0 : 2;
  }
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
    process.stderr.write(`backup: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
