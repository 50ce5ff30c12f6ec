/**
 * How a command-line tool reaches the database. On the PostGIS server (DATABASE_URL) it simply
 * connects. The embedded data directory has ONE owner process (server/db/datadir-lock.ts): when it
 * is free the tool opens (and locks) it; when the running server owns it, the tool either works
 * through the server's HTTP API with the server's local token (server/plugins/local-cli.ts), or,
 * for work that cannot go through the server, exits 2 with one line saying who holds it.
 */
import { resolve } from 'node:path';
import { openDb, type Db } from '../../server/db';
import { DataDirInUseError, lockOwner, setLockRole } from '../../server/db/datadir-lock';
import { DataDirOpenError } from '../../server/db/datadir-open-error';
import { readServerFile } from '../../server/db/server-file';
import { LOCAL_CLI_HEADER, LOCAL_TOKEN_HEADER } from '../../server/plugins/local-cli';

export interface RunningServer {
  url: string;
  token: string;
  pid: number;
}

export type Target = { db: Db; server?: undefined } | { db?: undefined; server: RunningServer };

export interface TargetOptions {
  /** The tool's name (lock files, audit actor cli:<tool>). */
  tool: string;
  /** The tool can do its work through the running server. */
  viaServer: boolean;
  /** The end of the exit-2 line when it cannot ("stop it first …"). */
  advice?: string;
  migrate?: boolean;
}

export function embeddedDataDir(): string | null {
  return process.env.DATABASE_URL ? null : resolve(process.env.WANGGE_DATA_DIR || '.data/pglite');
}

/**
 * The running server to go through, null when the data directory is free (or on the PostGIS
 * server), or throws DataDirInUseError when it is held and cannot be used from here.
 */
export function runningServer(opts: TargetOptions): RunningServer | null {
  setLockRole(opts.tool);
  const dir = embeddedDataDir();
  if (!dir) return null;
  const owner = lockOwner(dir);
  if (!owner) return null;
  if (opts.viaServer && owner.role === 'server') {
    const sf = readServerFile(dir);
    if (sf && sf.pid === owner.pid) return { url: sf.url, token: sf.token, pid: sf.pid };
    throw new DataDirInUseError(
      dir,
      owner,
      'it is still starting (or this account cannot read its wangge-server.json): run this again once it listens, or stop it first',
    );
  }
  throw new DataDirInUseError(dir, owner, opts.advice);
}

/** The database (opened and locked) or the running server that owns it. */
export async function openTarget(opts: TargetOptions): Promise<Target> {
  const server = runningServer(opts);
  if (server) return { server };
  // free a moment ago; a server starting right now makes openDb throw DataDirInUseError
  return { db: await openDb({ migrate: opts.migrate }) };
}

/** A request to the running server as this tool (local token). */
export async function callServer(
  server: RunningServer,
  tool: string,
  method: string,
  path: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
): Promise<Response> {
  try {
    return await fetch(server.url + path, { method, body, headers: { [LOCAL_TOKEN_HEADER]: server.token, [LOCAL_CLI_HEADER]: tool, ...headers } });
  } catch (err) {
    throw new Error(`cannot reach the running server (pid ${server.pid}) at ${server.url}: ${(err as Error).message}`);
  }
}

/** The message of an error answer of the server (its JSON body's message, else the status). */
export async function serverError(res: Response): Promise<string> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { message?: string }).message ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}: ${text.slice(0, 200)}`;
  }
}

/**
 * For a tool's top-level catch: the data directory in use → one `error:` line, exit 2; damaged →
 * the recovery text, exit 3. Returns false for any other error.
 */
export function exitOnDataDirError(err: unknown): boolean {
  if (err instanceof DataDirInUseError || err instanceof DataDirOpenError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  return false;
}
