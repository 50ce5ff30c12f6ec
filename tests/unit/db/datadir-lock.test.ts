import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError, LOCK_FILE, processStartMs, readLock, type LockInfo } from '../../../server/db/datadir-lock';

/** The one-owner lock of the embedded data directory (server/db/datadir-lock.ts). */
const root = mkdtempSync(join(tmpdir(), 'wangge-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${n++}`);
const writeLock = (dir: string, info: Partial<LockInfo>) =>
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ host: hostname(), role: 'server', command: 'x', at: new Date().toISOString(), startedAt: 0, ...info }));

describe('data directory lock', () => {
  it('is created with our pid, refused to a second open in the same process, removed on release', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir, { role: 'server' });
    expect(readLock(dir)).toMatchObject({ pid: process.pid, host: hostname(), role: 'server' });
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireDataDirLock(dir).release();
  });

  it('a lock of a dead process is stale: taken over and reported', () => {
    const dir = freshDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    acquireDataDirLock(dir).release();
    writeLock(dir, { pid, role: 'import' });
    const lock = acquireDataDirLock(dir);
    expect(lock.tookOver).toMatchObject({ pid, role: 'import' });
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('a live owner is named in the error (exit code 2); a reused pid (other start time) is stale', async () => {
    const dir = freshDir();
    acquireDataDirLock(dir).release();
    const child = spawn('sleep', ['30']);
    await new Promise((r) => setTimeout(r, 100));
    try {
      writeLock(dir, { pid: child.pid!, startedAt: processStartMs(child.pid!) ?? Date.now() });
      let err: unknown;
      try {
        acquireDataDirLock(dir);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DataDirInUseError);
      expect((err as DataDirInUseError).exitCode).toBe(2);
      expect((err as Error).message).toBe(
        `the data directory ${dir} is in use by the running server (pid ${child.pid}); stop it first or run this command again once it has stopped`,
      );
      if (processStartMs(child.pid!) !== null) {
        writeLock(dir, { pid: child.pid!, startedAt: 1_000 }); // the same pid number, but a process that started in 1970
        const lock = acquireDataDirLock(dir);
        expect(lock.tookOver?.pid).toBe(child.pid);
        lock.release();
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a lock with our own pid from an earlier process (a restarted container is pid 1 again) is stale', () => {
    const dir = freshDir();
    acquireDataDirLock(dir).release();
    writeLock(dir, { pid: process.pid, startedAt: 1_000 });
    const lock = acquireDataDirLock(dir);
    expect(lock.tookOver?.pid).toBe(process.pid);
    lock.release();
  });

  it('a lock of another host is never taken over', () => {
    const dir = freshDir();
    acquireDataDirLock(dir).release();
    writeLock(dir, { pid: 999_999, host: 'other-machine' });
    expect(() => acquireDataDirLock(dir)).toThrow(/in use by the running server \(pid 999999 on host other-machine\).*delete/);
  });

  it('eight processes racing for one stale lock: exactly one wins', async () => {
    const dir = freshDir();
    acquireDataDirLock(dir).release();
    writeLock(dir, { pid: 999_998, startedAt: 1 }); // no such process
    const mod = resolve(import.meta.dirname, '../../../server/db/datadir-lock.ts');
    const script = `import { acquireDataDirLock } from ${JSON.stringify(mod)};
      try { acquireDataDirLock(${JSON.stringify(dir)}); process.stdout.write('won'); process.stdin.on('end', () => process.exit(0)); process.stdin.resume(); }
      catch (e) { process.stdout.write(e.name === 'DataDirInUseError' ? 'lost' : 'error ' + e.message); }`;
    const file = join(root, 'race.mts');
    writeFileSync(file, script);
    // the winner holds the lock until every contender has answered (its stdin closes)
    const children = Array.from({ length: 8 }, () => spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const runs = await Promise.all(
      children.map(
        (c) =>
          new Promise<string>((done) => {
            let out = '';
            c.stdout.on('data', (b) => {
              out += b;
              if (/won|lost|error/.test(out)) done(out);
            });
            c.on('exit', () => done(out));
          }),
      ),
    );
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : (c.on('exit', r), c.stdin.end())))));
    expect(runs.filter((r) => r === 'won')).toHaveLength(1);
    expect(runs.filter((r) => r === 'lost')).toHaveLength(7);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false); // the winner's exit released it
  }, 120_000);
});
