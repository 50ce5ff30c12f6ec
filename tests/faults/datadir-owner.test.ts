import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../server/db';
import { LOCK_FILE, readLock } from '../../server/db/datadir-lock';
import { SERVER_FILE } from '../../server/db/server-file';
import { migrate } from '../../server/db/migrate';
import { openPglite } from '../../server/db/pglite';
import { BACKENDS, pgliteTemplate } from '../helpers/backends';
import { http, ROOT, startServerProcess, type ServerProcess } from './server-process';

/**
 * The embedded data directory has one owner (issue 16, section 1), tried with real processes: the
 * command-line tools while the server runs (create-admin, backup and import go through it; restore
 * and generate-demo exit 2 with one line), a second server, kill -9 of the server and of a CLI
 * import (the stale lock is taken over at the next start, the data are intact), a damaged data
 * directory (a clear message and exit 3 instead of a WASM abort).
 */
const tsx = join(ROOT, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'wangge-owner-'));
const dataDir = join(dir, 'pglite');

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WANGGE_DATA_DIR: dataDir, NODE_ENV: 'test' };
  delete env.DATABASE_URL;
  return env;
}
const cli = (script: string, args: string[]) =>
  spawnSync(tsx, [join(ROOT, 'scripts', script), ...args], { encoding: 'utf8', timeout: 300_000, env: cliEnv(), cwd: ROOT });

function incidentsCsv(n: number, offset = 0): string {
  const lines = ['id,lon,lat,time,type'];
  for (let i = offset; i < offset + n; i++) {
    const lon = 117.04 + ((i * 7919) % 10000) / 250000;
    const lat = 30.5 + ((i * 104729) % 10000) / 250000;
    lines.push(`${i},${lon.toFixed(6)},${lat.toFixed(6)},2024-0${1 + (i % 9)}-1${i % 10} 0${i % 10}:30,纠纷`);
  }
  return `${lines.join('\n')}\n`;
}

async function count(table: string): Promise<number> {
  const db = await openDb({ dataDir, databaseUrl: undefined });
  try {
    return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  } finally {
    await db.close();
  }
}

async function until(f: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const login = (srv: ServerProcess, username: string, password: string) => http(srv.url, 'POST', '/api/login', { username, password });

describe.skipIf(!BACKENDS.includes('pglite'))('one owner per embedded data directory', () => {
  let srv: ServerProcess | undefined;
  beforeAll(async () => {
    const db = await openPglite(dataDir, { loadDataDir: await pgliteTemplate() }); // a migrated empty database
    await migrate(db);
    await db.close();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false); // released by close
  }, 300_000);
  afterAll(async () => {
    await srv?.kill9();
    rmSync(dir, { recursive: true, force: true });
  });

  it('while the server runs: create-admin, import and backup go through it; restore, generate-demo and a second server exit 2', async () => {
    srv = await startServerProcess({ dataDir });
    expect(readLock(dataDir)).toMatchObject({ pid: srv.child.pid, role: 'server' });
    expect(statSync(join(dataDir, SERVER_FILE)).mode & 0o777).toBe(0o600);

    const admin = cli('create-admin.ts', ['--user', 'ops_admin', '--password', 'Ops-admin-pass-1']);
    expect(admin.status, admin.stderr).toBe(0);
    expect(JSON.parse(admin.stdout)).toEqual({ user: 'ops_admin', role: 'admin', reset: false });
    expect(admin.stderr).toMatch(/through the running server \(pid \d+\)/);
    // the running server sees the new administrator at once (it was written through it)
    expect((await login(srv, 'ops_admin', 'Ops-admin-pass-1')).status).toBe(200);

    const csv = join(dir, 'incidents.csv');
    writeFileSync(csv, incidentsCsv(40));
    const imp = cli('import.ts', ['--file', csv, '--layer', 'incidents']);
    expect(imp.status, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ imported: 40 });

    const out = join(dir, 'backup.jsonl.gz');
    const bak = cli('backup.ts', ['--out', out]);
    expect(bak.status, bak.stderr).toBe(0);
    const summary = JSON.parse(bak.stdout) as { counts: Record<string, number>; via: string };
    expect(summary.via).toBe(`server pid ${srv.child.pid}`);
    expect(summary.counts).toMatchObject({ incidents: 40 });
    expect(summary.counts.users).toBeGreaterThanOrEqual(1);
    const lines = gunzipSync(readFileSync(out)).toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ $backup: 'wangge' });
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ $end: true });
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);

    const inUse = new RegExp(`^error: the data directory .*pglite is in use by the running server \\(pid ${srv.child.pid}\\); stop it first`);
    for (const [script, args] of [
      ['restore.ts', ['--file', out]],
      ['generate-demo.ts', ['--out', join(dir, 'demo')]],
      ['import.ts', ['--file', csv, '--layer', 'incidents', '--anywhere']],
    ] as const) {
      const r = cli(script, [...args]);
      expect(r.status, `${script}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors, r.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(inUse);
    }
    const second = spawnSync(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...cliEnv(), PORT: '0' },
    });
    expect(second.status, second.stderr).toBe(2);
    expect(second.stderr.trim()).toMatch(inUse);

    // the local routes take only the server's token, only from this machine
    const wrong = await http(srv.url, 'GET', '/api/local/backup', undefined, { 'x-wangge-local-token': 'guess' });
    expect(wrong.status).toBe(401);
    expect((await http(srv.url, 'GET', '/api/local/backup')).status).toBe(403);

    expect(srv.child.exitCode).toBe(null); // still serving
  }, 900_000);

  it('kill -9 of the server: the next start takes the stale lock over and the data are intact; a normal stop releases it', async () => {
    const pid = srv!.child.pid;
    await srv!.kill9();
    srv = undefined;
    expect(readLock(dataDir)?.pid).toBe(pid); // left behind by the killed owner
    srv = await startServerProcess({ dataDir });
    expect(srv.log()).toMatch(new RegExp(`took over the stale lock of .*: its owner \\(server, pid ${pid}`));
    expect((await login(srv, 'ops_admin', 'Ops-admin-pass-1')).status).toBe(200);
    await srv.stop();
    srv = undefined;
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    expect(existsSync(join(dataDir, SERVER_FILE))).toBe(false);
    expect(await count('incidents')).toBe(40);
  }, 600_000);

  it('kill -9 of a CLI import in its transaction: the next start takes over, nothing of it was written', async () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, incidentsCsv(60_000, 1000));
    const child = spawn(tsx, [join(ROOT, 'scripts/import.ts'), '--file', big, '--layer', 'incidents'], {
      env: cliEnv(),
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`import never started writing:\n${err}`)), 300_000);
      child.stderr.on('data', (b) => {
        err += b;
        if (/import: writing/.test(err)) {
          clearTimeout(t);
          setTimeout(resolve, 1500); // inside the one transaction of 60,000 rows
        }
      });
      child.once('exit', () => reject(new Error(`import ended before it was killed:\n${err}`)));
    });
    // the lock's owner is the node process that runs the script (tsx starts it as its child): kill -9 that one
    const cliPid = readLock(dataDir)!.pid;
    expect(readLock(dataDir)).toMatchObject({ role: 'import' });
    process.kill(cliPid, 'SIGKILL');
    await exited;
    await until(() => {
      try {
        process.kill(cliPid, 0);
        return false;
      } catch {
        return true;
      }
    });
    expect(readLock(dataDir)?.pid).toBe(cliPid);

    srv = await startServerProcess({ dataDir });
    expect(srv.log()).toMatch(/took over the stale lock of .*: its owner \(import, pid \d+/);
    expect((await http(srv.url, 'GET', '/api/health')).status).toBe(200);
    expect((await login(srv, 'ops_admin', 'Ops-admin-pass-1')).status).toBe(200);
    await srv.stop();
    srv = undefined;
    expect(await count('incidents')).toBe(40);
  }, 600_000);

  it('a damaged data directory: the server says what happened and how to restore, exit 3, no WASM abort trace', () => {
    const broken = join(dir, 'broken');
    cpSync(dataDir, broken, { recursive: true });
    rmSync(join(broken, LOCK_FILE), { force: true }); // a copy: whoever owned the original does not own it
    for (const f of readdirSync(join(broken, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f))) {
      const fd = openSync(join(broken, 'pg_wal', f), 'r+');
      writeSync(fd, randomBytes(100_000), 0, 100_000, 0); // garbage over the start of every WAL segment
      closeSync(fd);
    }
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...cliEnv(), WANGGE_DATA_DIR: broken, WANGGE_BACKUP_DIR: dir, PORT: '0' },
    });
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^error: cannot open the embedded database in .*broken \(/m);
    expect(r.stderr).toMatch(/npm run restore -- --file .*backup\.jsonl\.gz/); // names the newest backup
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(existsSync(join(broken, LOCK_FILE))).toBe(false);
  }, 300_000);
});
