import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { displayPath } from './datadir-lock';

/** Where scheduled backups go by default (docs/operations.md); WANGGE_BACKUP_DIR overrides it. */
export function backupDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.WANGGE_BACKUP_DIR || '.data/backups');
}

/** The newest backup file (*.jsonl or *.jsonl.gz) in dir, or null. */
export function newestBackup(dir = backupDir()): string | null {
  try {
    const files = readdirSync(dir)
      .filter((f) => /\.jsonl(\.gz)?$/.test(f))
      .map((f) => ({ f: join(dir, f), t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    return files[0]?.f ?? null;
  } catch {
    return null;
  }
}

/**
 * The embedded database could not be opened from its data directory (damaged files: PGlite says
 * `RuntimeError: Aborted()` or "failed to initialize"). The message says what happened and how to
 * get back to the last backup, for the operator reading the console.
 */
export class DataDirOpenError extends Error {
  readonly exitCode = 3;
  constructor(
    readonly dir: string,
    override readonly cause: unknown,
  ) {
    const d = displayPath(dir);
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    const latest = newestBackup();
    const file = latest ? displayPath(latest) : 'BACKUP.jsonl.gz';
    super(
      [
        `cannot open the embedded database in ${d} (${why.split('\n')[0]}).`,
        'Its files are damaged or were written by two processes at once. Nothing was changed. To recover:',
        `  1. keep the damaged copy:      mv ${d} ${d}.damaged-${new Date().toISOString().slice(0, 10)}`,
        `  2. restore the last backup:    npm run restore -- --file ${file}   (creates a fresh ${d})`,
        '  3. start again:                npm start',
        latest
          ? `The newest backup found is ${file} (${new Date(statSync(latest).mtimeMs).toISOString()}).`
          : `No backup was found in ${displayPath(backupDir())}; see docs/operations.md (without a backup, step 2 is skipped and the demo district is rebuilt).`,
      ].join('\n'),
    );
    this.name = 'DataDirOpenError';
  }
}
