/**
 * npm run restore -- --file FILE[.gz]
 *   Replaces the data of every table in the backup, in one transaction (a bad or truncated file
 *   changes nothing). The database (DATABASE_URL or WANGGE_DATA_DIR) is migrated first and must be
 *   at least as new as the backup's source. Sessions end: users sign in again. Stop the server
 *   first when it uses the embedded database.
 */
import { parseArgs } from 'node:util';
import { restoreDb } from '../server/audit/backup';
import { audit } from '../server/audit/log';
import { openDb } from '../server/db';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { file: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help || !values.file) {
    process.stderr.write('usage: npm run restore -- --file FILE[.jsonl|.jsonl.gz]\n');
    return values.help ? 0 : 2;
  }
  const db = await openDb();
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
    process.stderr.write(`restore: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
