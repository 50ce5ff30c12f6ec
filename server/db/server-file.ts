import { chmodSync, closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<dataDir>/wangge-server.json`: how the command-line tools reach the server that owns the
 * embedded data directory (its pid, URL and local token; server/plugins/local-cli.ts). Mode 0600:
 * only the account running the server (and root) can read the token. Removed when the server stops.
 */
export const SERVER_FILE = 'wangge-server.json';

export interface ServerFile {
  pid: number;
  url: string;
  token: string;
  at: string;
}

export function writeServerFile(dir: string, info: Omit<ServerFile, 'at'>): () => void {
  const file = join(dir, SERVER_FILE);
  try {
    unlinkSync(file); // a leftover of a killed server: never reuse its permissions
  } catch {
    /* none */
  }
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify({ ...info, at: new Date().toISOString() }));
  } finally {
    closeSync(fd);
  }
  chmodSync(file, 0o600); // whatever the umask
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    if (readServerFile(dir)?.pid === info.pid && readServerFile(dir)?.token === info.token) {
      try {
        unlinkSync(file);
      } catch {
        /* gone */
      }
    }
  };
  process.on('exit', remove);
  return remove;
}

export function readServerFile(dir: string): ServerFile | null {
  try {
    const v = JSON.parse(readFileSync(join(dir, SERVER_FILE), 'utf8')) as ServerFile;
    return typeof v.url === 'string' && typeof v.token === 'string' && Number.isInteger(v.pid) ? v : null;
  } catch {
    return null;
  }
}
