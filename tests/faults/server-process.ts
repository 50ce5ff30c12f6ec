import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote (pino JSON lines), for failure messages. */
  log(): string;
  /** SIGKILL: no shutdown hook runs, no transaction commits. Resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (graceful). */
  stop(): Promise<void>;
}

/**
 * Starts `server/index.ts` as a real child process (tsx), on the embedded database in `dataDir` or
 * on `databaseUrl`, on a free port; resolves once it listens.
 */
export async function startServerProcess(opts: {
  dataDir?: string;
  databaseUrl?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    WANGGE_AUTH: 'off',
    NODE_ENV: 'test',
  };
  delete env.DATABASE_URL;
  delete env.WANGGE_DATA_DIR;
  if (opts.dataDir) env.WANGGE_DATA_DIR = opts.dataDir;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  Object.assign(env, opts.env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  // keep the start of the log (the listening line) and its last 256 KB: a long load run logs every request
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > 512 * 1024) out = out.slice(0, 16 * 1024) + '\n…\n' + out.slice(-256 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start within ${opts.timeoutMs ?? 300_000} ms:\n${out.slice(-3000)}`)),
      opts.timeoutMs ?? 300_000,
    );
    const check = () => {
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out.slice(-3000)}`));
    });
  });
  return {
    child,
    url,
    log: () => out,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function http<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: T }> {
  const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': isRaw ? 'text/csv' : 'application/json', ...headers },
    body: body === undefined ? undefined : isRaw ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json: json as T };
}

export interface Job {
  id: string;
  status: string;
  progress: number;
  message: string | null;
}

/** Polls a job until `until` holds (or the job ends); returns the last state. */
export async function pollJob(base: string, id: string, until: (j: Job) => boolean, timeoutMs = 120_000): Promise<Job> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await http<Job>(base, 'GET', `/api/jobs/${id}`);
    if (r.status !== 200) throw new Error(`GET /api/jobs/${id}: ${r.status} ${JSON.stringify(r.json)}`);
    if (until(r.json) || r.json.status === 'succeeded' || r.json.status === 'failed' || Date.now() > end) return r.json;
    await new Promise((res) => setTimeout(res, 50));
  }
}
