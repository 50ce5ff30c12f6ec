import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './server-process';

export interface WorkerProcess {
  child: ChildProcess;
  /** host/pid, as the jobs rows name it. */
  name: string;
  log(): string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `npm run worker` (tsx server/worker.ts) as a real child process on `databaseUrl`; resolves once it is ready. */
export async function startWorkerProcess(databaseUrl: string, env: Record<string, string> = {}, timeoutMs = 300_000): Promise<WorkerProcess> {
  const e: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', ...env };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/worker.ts'], { cwd: ROOT, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > 256 * 1024) out = out.slice(-128 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const name = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready within ${timeoutMs} ms:\n${out.slice(-3000)}`)), timeoutMs);
    const check = () => {
      const m = /"msg":"worker ready","worker":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before ready:\n${out.slice(-3000)}`));
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    name,
    log: () => out,
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (alive()) child.kill('SIGTERM');
      await exited;
    },
  };
}
