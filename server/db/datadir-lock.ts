import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';

/**
 * One owner process per embedded data directory. PGlite (like PostgreSQL) must never have two
 * processes writing the same directory: the second one's writes are invisible to the first and the
 * files end up unopenable (`RuntimeError: Aborted()`). The owner holds `<dataDir>/wangge.lock`,
 * created atomically (O_CREAT|O_EXCL), holding its pid, process start time, host and role:
 *   {"pid":123,"startedAt":1764650000000,"host":"box","role":"server","command":"…","at":"…"}
 * A lock whose pid is not alive on this host (or is alive but started at another time: a reused
 * pid) is stale: the next owner takes it over and says so. The lock is removed by `release()`
 * (db.close()) and, as a last resort, when the process exits.
 */
export const LOCK_FILE = 'wangge.lock';

export interface LockInfo {
  pid: number;
  /** Epoch ms when the owner process started (Linux /proc; else now - uptime). */
  startedAt: number;
  host: string;
  /** 'server' for the HTTP server, else the command-line tool's name. */
  role: string;
  command: string;
  at: string;
}

export interface DataDirLock {
  readonly dir: string;
  readonly info: LockInfo;
  /** Previous owner whose stale lock was taken over, if any. */
  readonly tookOver: LockInfo | null;
  release(): void;
}

/** The data directory is held by another live process (exit code 2 for command-line tools). */
export class DataDirInUseError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly dir: string,
    readonly owner: LockInfo,
    advice?: string,
  ) {
    super(inUseMessage(dir, owner, advice));
    this.name = 'DataDirInUseError';
  }
}

/** The role this process claims in lock files (set once by the entry point: 'server', 'import', …). */
let processRole = 'process';
export function setLockRole(role: string): void {
  processRole = role;
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function displayPath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : dir;
}

function ownerText(owner: LockInfo): string {
  const who = owner.role === 'server' ? 'the running server' : owner.role === 'process' ? 'another process' : `\`npm run ${owner.role}\``;
  return `${who} (pid ${owner.pid}${owner.host !== hostname() ? ` on host ${owner.host}` : ''})`;
}

export function inUseMessage(dir: string, owner: LockInfo, advice?: string): string {
  const tail = advice ?? (owner.role === 'server' ? 'stop it first or run this command again once it has stopped' : 'wait for it to finish or stop it first');
  const foreign = owner.host !== hostname() ? `; if no process on ${owner.host} uses it any more, delete ${join(displayPath(dir), LOCK_FILE)}` : '';
  return `the data directory ${displayPath(dir)} is in use by ${ownerText(owner)}; ${tail}${foreign}`;
}

/** Start time (epoch ms) of a live process on this host from /proc, or null where unknown. */
let bootTimeMs: number | null | undefined;
const clockTicks = 100;
export function processStartMs(pid: number): number | null {
  try {
    if (bootTimeMs === undefined) {
      const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
      bootTimeMs = m ? Number(m[1]) * 1000 : null;
    }
    if (bootTimeMs === null) return null;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command (which may hold spaces and parentheses): field 22 is starttime
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? bootTimeMs + (ticks * 1000) / clockTicks : null;
  } catch {
    return null;
  }
}

const SELF_START = processStartMs(process.pid) ?? Math.round(Date.now() - process.uptime() * 1000);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Directories this process holds (a second open in the same process is refused too). */
const held = new Map<string, LockInfo>();

/** True when the lock's owner is certainly gone (or the lock is unreadable garbage). */
export function isStale(info: LockInfo | null): boolean {
  if (!info || !Number.isInteger(info.pid) || info.pid <= 0) return true;
  if (info.host !== hostname()) return false; // cannot tell: another machine may run it
  if (info.pid === process.pid) {
    // our own pid: stale unless this very process holds it (a restarted container reuses pid 1)
    return !(info.startedAt && Math.abs(info.startedAt - SELF_START) < 2000);
  }
  if (!pidAlive(info.pid)) return true;
  const started = processStartMs(info.pid);
  // alive, but started well after the lock was written: the pid was reused by another process
  return started !== null && !!info.startedAt && Math.abs(started - info.startedAt) > 2000;
}

export function readLock(dir: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

/** The live owner of dir, or null when it is free (no lock or a stale one). */
export function lockOwner(dir: string): LockInfo | null {
  const info = readLock(dir);
  if (info === null) {
    try {
      statSync(join(dir, LOCK_FILE));
    } catch {
      return null; // no lock file
    }
    return null; // unreadable or half-written: treated as stale by acquire
  }
  if (held.has(dir)) return held.get(dir)!;
  return isStale(info) ? null : info;
}

function tryCreate(file: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${JSON.stringify(info)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes `<dir>/wangge.lock` for this process, or throws DataDirInUseError naming the live owner.
 * A stale lock is taken over under a short-lived takeover mutex (mkdir), so two processes that
 * find the same stale lock cannot both win.
 */
export function acquireDataDirLock(dir: string, opts: { role?: string; advice?: string } = {}): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const mine = held.get(dir);
  if (mine) throw new DataDirInUseError(dir, mine, 'it is already open in this process');
  const info: LockInfo = {
    pid: process.pid,
    startedAt: SELF_START,
    host: hostname(),
    role: opts.role ?? processRole,
    command: process.argv.slice(1).join(' ').slice(0, 300),
    at: new Date().toISOString(),
  };
  let tookOver: LockInfo | null = null;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, info)) break;
    const current = readLock(dir);
    if (current === null) {
      // being written right now (between create and write), or garbage left by a crash: look again
      sleepSync(50);
      if (readLock(dir) === null && attempt > 0) takeOver(dir, null);
      if (attempt > 5) throw new Error(`could not take the lock ${file}: it keeps changing`);
      continue;
    }
    if (current && !isStale(current)) throw new DataDirInUseError(dir, current, opts.advice);
    if (attempt > 5) throw new Error(`could not take the lock ${file}: it keeps changing`);
    if (takeOver(dir, current)) tookOver = current;
  }
  held.set(dir, info);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(dir);
    process.off('exit', release);
    const now = readLock(dir);
    if (now && now.pid === info.pid && now.startedAt === info.startedAt && now.at === info.at) {
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', release);
  return { dir, info, tookOver, release };
}

/** Removes a stale lock (still the same stale content) under the takeover mutex; true if removed. */
function takeOver(dir: string, stale: LockInfo | null): boolean {
  const mutex = join(dir, `${LOCK_FILE}.takeover`);
  try {
    mkdirSync(mutex);
  } catch {
    try {
      if (Date.now() - statSync(mutex).mtimeMs > 10_000) rmdirSync(mutex); // its taker died
    } catch {
      /* gone meanwhile */
    }
    sleepSync(20);
    return false;
  }
  try {
    const again = readLock(dir);
    const same = stale === null ? again === null : again !== null && again.pid === stale.pid && again.at === stale.at;
    if (!same) return false;
    try {
      unlinkSync(join(dir, LOCK_FILE));
    } catch {
      /* gone meanwhile */
    }
    return true;
  } finally {
    rmdirSync(mutex);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
