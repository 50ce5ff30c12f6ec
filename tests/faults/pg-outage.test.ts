import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends';
import { http, startServerProcess, type Job, type ServerProcess } from './server-process';

/**
 * The PostGIS-server backend losing its database under a running server (issue 16, 1b): a scratch
 * PostgreSQL 15 cluster of our own (initdb + pg_ctl, as the postgres user when run as root) under a
 * real server process. pg_terminate_backend of its idle connections, then a fast stop of the whole
 * cluster in the middle of an import job, then a start: the process lives throughout, requests get
 * 503 with a clear message while the database is away, /api/health says so, and everything works
 * again without a restart; the import job runs again and its rows are there exactly once.
 */
const BIN = '/usr/lib/postgresql/15/bin';
const haveBinaries = existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
const runsAsRoot = process.getuid?.() === 0;
const INCIDENTS = 60_000;

function asPostgres(args: string[]): { status: number | null; out: string } {
  const cmd = runsAsRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args;
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function incidentsCsv(n: number): string {
  const lines = ['id,lon,lat,time,type'];
  for (let i = 0; i < n; i++) {
    const lon = 117.04 + ((i * 7919) % 10000) / 250000;
    const lat = 30.5 + ((i * 104729) % 10000) / 250000;
    lines.push(`${i},${lon.toFixed(6)},${lat.toFixed(6)},2024-0${1 + (i % 9)}-1${i % 10} 0${i % 10}:30,纠纷`);
  }
  return `${lines.join('\n')}\n`;
}

const alive = (srv: ServerProcess) => srv.child.exitCode === null && srv.child.signalCode === null;

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!BACKENDS.includes('postgres') || !haveBinaries)('a PostgreSQL server that goes away and comes back', () => {
  let dir = '';
  let port = 0;
  let srv: ServerProcess | undefined;
  const url = () => `postgres://postgres@127.0.0.1:${port}/wangge`;
  const pgCtl = (...args: string[]) => asPostgres([join(BIN, 'pg_ctl'), '-D', dir, '-w', '-t', '60', ...args]);
  const startCluster = () => {
    const r = pgCtl('-l', join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');
    expect(r.status, r.out).toBe(0);
  };
  const stopCluster = () => {
    const r = pgCtl('-m', 'fast', 'stop');
    expect(r.status, r.out).toBe(0);
  };
  const sql = async <T extends pg.QueryResultRow>(text: string, db = 'wangge'): Promise<T[]> => {
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${db}` });
    await c.connect();
    try {
      return (await c.query<T>(text)).rows;
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wangge-pg-outage-'));
    if (runsAsRoot) {
      const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const gw = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      chownSync(dir, Number(pw.stdout.trim()), Number(gw.stdout.trim()));
    }
    port = await freePort();
    const init = asPostgres([join(BIN, 'initdb'), '-D', dir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    expect(init.status, init.out).toBe(0);
    startCluster();
    await sql('CREATE DATABASE wangge', 'postgres');
    srv = await startServerProcess({ databaseUrl: url() }); // migrations and PostGIS on the empty database
  }, 400_000);

  afterAll(async () => {
    await srv?.kill9();
    if (dir) {
      pgCtl('-m', 'immediate', 'stop');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pg_terminate_backend of the idle connections: the process lives and the next requests work', async () => {
    const s = srv!;
    for (let i = 0; i < 5; i++) expect((await http(s.url, 'GET', '/api/plans')).status).toBe(200); // pool has idle clients
    const killed = await sql<{ n: number }>(
      "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = 'wangge' AND pid <> pg_backend_pid()",
    );
    expect(killed[0].n).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(alive(s), s.log().slice(-3000)).toBe(true);
    const h = await until(
      'health after terminate',
      async () => {
        const r = await http<{ status: string }>(s.url, 'GET', '/api/health');
        return r.status === 200 ? r : null;
      },
      10_000,
    );
    expect(h.json.status).toBe('ok');
    expect((await http(s.url, 'GET', '/api/plans')).status).toBe(200);
  }, 60_000);

  it('cluster stopped mid-import: 503 and health down, then recovery without a restart; the job runs again', async () => {
    const s = srv!;
    const start = await http<{ jobId: string; features: number }>(s.url, 'POST', '/api/import?name=outage.csv&layer=incidents', incidentsCsv(INCIDENTS));
    expect(start.status, JSON.stringify(start.json).slice(0, 300)).toBe(202);
    await until('the import job to run', async () => (await http<Job>(s.url, 'GET', `/api/jobs/${start.json.jobId}`)).json.status === 'running', 60_000);
    stopCluster();

    await new Promise((r) => setTimeout(r, 1000));
    expect(alive(s), s.log().slice(-3000)).toBe(true);
    const health = await http<{ status: string; database: string; message: string }>(s.url, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.json).toMatchObject({ status: 'down', database: 'down' });
    const plans = await http<{ statusCode: number; message: string }>(s.url, 'GET', '/api/plans');
    expect(plans.status).toBe(503);
    expect(plans.json.message).toMatch(/数据库暂时无法连接/);
    const job = await http<{ message: string }>(s.url, 'GET', `/api/jobs/${start.json.jobId}`);
    expect(job.status).toBe(503);

    startCluster();
    await until('health ok after the restart of PostgreSQL', async () => (await http(s.url, 'GET', '/api/health')).status === 200, 60_000);
    expect(alive(s)).toBe(true);
    expect((await http(s.url, 'GET', '/api/plans')).status).toBe(200);

    const done = await until(
      'the import job to settle',
      async () => {
        const r = await http<Job>(s.url, 'GET', `/api/jobs/${start.json.jobId}`);
        return r.json.status === 'succeeded' || r.json.status === 'failed' ? r.json : null;
      },
      180_000,
    );
    console.log(`pg outage: import job after the outage: ${JSON.stringify(done)}`);
    const [{ n }] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    if (done.status === 'succeeded')
      expect(n).toBe(INCIDENTS); // written once, by the run after the outage
    else expect(n).toBe(0); // or failed with nothing half-written
    expect(done.status).toBe('succeeded'); // the runner retries work lost to a connection loss
    expect((done as Job & { result: { attempts?: number } }).result.attempts).toBe(2); // the first run was cut off
    expect(alive(s)).toBe(true);
  }, 400_000);
});
