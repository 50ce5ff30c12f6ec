/**
 * Load benchmark: a real server process (server/index.ts) on the demo district, hit by autocannon
 * at 50 connections: the grid layer (GET /api/plans/:id/grids), vector tiles, statistics routes and
 * plan edits, on the embedded database (PGlite) and on the PostGIS server.
 *
 *   npm run --silent bench:load -- [--seconds 60] [--connections 50] [--backend pglite|postgres|both] [--only grid_layer,stats,…] [--workers 2] [--soak]
 *
 * Prints one JSON object: p99_ms (grid layer, worst backend), errors, non2xx, rss_mb_before /
 * rss_mb_after / rss_mb_peak (server process; sampled every 250 ms from listening to the end of the run), and per backend and scenario autocannon's latency percentiles,
 * throughput and status counts. Edits with a stale base version answer 409 by design: they are
 * counted as edit_conflicts_409, not as non2xx; so are the 304s of grid_layer_revalidate (If-None-Match). --soak runs the grid + tile mix for 10 minutes
 * (--seconds overrides) and samples the server's RSS every 10 s. Writes bench/results/load-*.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { openDb, type Db } from '../server/db';
import { ensureInitialPlan } from '../server/partition/service';
import { startServerProcess, ROOT, type ServerProcess } from '../tests/faults/server-process';
import { TEST_DATABASE_URL } from '../tests/helpers/backends';

interface AcRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: Record<string, unknown>) => AcRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AcResult {
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  requests: { average: number; total: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '1xx': number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AcResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const log = (m: string) => process.stderr.write(`bench:load: ${m}\n`);

function rssMb(pid: number): number {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return -1; // the process is gone
  }
  const m = /VmRSS:\s+(\d+) kB/.exec(text);
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}

/** The demo district, partitioned and published (cached between runs). */
async function prepare(db: Db): Promise<void> {
  const has = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM plans WHERE status = 'published'");
  if (has.rows[0].n > 0) return;
  const { hasDemo, loadDemo } = await import('../server/demo/load');
  const { generateDemo } = await import('../geodata/generator');
  if (!(await hasDemo(db))) {
    log('loading the demo district …');
    await loadDemo(db, generateDemo({}));
  }
  log('partitioning the demo district …');
  await ensureInitialPlan(db, () => undefined);
}

async function target(backend: 'pglite' | 'postgres'): Promise<{ dataDir?: string; databaseUrl?: string }> {
  if (backend === 'pglite') {
    const dataDir = join(ROOT, '.data/bench-load-pglite');
    mkdirSync(dataDir, { recursive: true });
    const db = await openDb({ dataDir });
    await prepare(db);
    await db.close();
    return { dataDir };
  }
  const admin = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
  await admin.exec('CREATE SCHEMA IF NOT EXISTS bench_load');
  await admin.close();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', '-c search_path=bench_load,public');
  const db = await openDb({ databaseUrl: url.toString() });
  await prepare(db);
  await db.close();
  return { databaseUrl: url.toString() };
}

/** Tiles over the demo district at z12-z15 (x, y from lon/lat). */
function tilePaths(): string[] {
  const out: string[] = [];
  const tile = (lon: number, lat: number, z: number) => {
    const n = 2 ** z;
    const x = Math.floor(((lon + 180) / 360) * n);
    const r = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
    return [x, y] as const;
  };
  for (const z of [12, 13, 14, 15]) {
    const [x0, y0] = tile(117.0, 30.56, z);
    const [x1, y1] = tile(117.12, 30.48, z);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push(`/tiles/${z}/${x}/${y}.pbf`);
  }
  return out;
}

interface Scenario {
  name: string;
  requests: AcRequest[];
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function scenarios(srv: ServerProcess): Promise<Scenario[]> {
  const published = await json<Array<{ id: number }>>(`${srv.url}/api/plans/published`).catch(() => []);
  const plans = await json<Array<{ id: number; status: string }>>(`${srv.url}/api/plans`);
  const planId = published[0]?.id ?? plans.find((p) => p.status === 'published')?.id ?? plans[0].id;
  // edits go to a draft copy of the published plan
  const copy = await json<{ id: number }>(`${srv.url}/api/plans/${planId}/copy`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench:load edits' }),
  });
  const asg = await json<{ version: number; assignment: Record<string, string | null> }>(`${srv.url}/api/plans/${copy.id}/assignment`);
  const units = Object.entries(asg.assignment)
    .filter(([, g]) => g)
    .slice(0, 200);
  const codes = [...new Set(units.map(([, g]) => g as string))];
  let version = asg.version;
  let k = 0;
  const where = new Map(units.map(([u, g]) => [u, g as string]));
  const edit: AcRequest = {
    method: 'POST',
    path: `/api/plans/${copy.id}/edits`,
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => {
      const [unit, home] = units[k++ % units.length];
      const other = codes.find((c) => c !== home && c.slice(0, 12) === (home ?? '').slice(0, 12)) ?? home;
      const to = where.get(unit) === home ? other : home; // back and forth, from where the server last said it is
      return { ...req, body: JSON.stringify({ baseVersion: version, moves: [{ unit, to }] }) };
    },
    onResponse: (status, body) => {
      if (status === 200) {
        const r = JSON.parse(body) as { version: number; changes: Array<{ unit: string; to: string }> };
        version = Math.max(version, r.version);
        for (const c of r.changes) where.set(c.unit, c.to);
      } else if (status === 409) version = Math.max(version, (JSON.parse(body) as { current: number }).current);
    },
  };
  const gz = { 'accept-encoding': 'gzip, deflate, br' };
  const etag = (await fetch(`${srv.url}/api/plans/${planId}/grids`)).headers.get('etag') ?? '';
  return [
    { name: 'grid_layer', requests: [{ path: `/api/plans/${planId}/grids`, headers: gz }] },
    { name: 'grid_layer_revalidate', requests: [{ path: `/api/plans/${planId}/grids`, headers: { ...gz, 'if-none-match': etag } }] },
    { name: 'tiles', requests: tilePaths().map((p) => ({ path: p, headers: gz })) },
    {
      name: 'stats',
      requests: [
        { path: '/api/plans', headers: gz },
        { path: '/api/cases/stats', headers: gz },
        { path: `/api/plans/${planId}`, headers: gz },
      ],
    },
    { name: 'edits', requests: [edit] },
  ];
}

interface ScenarioResult {
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  rps: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  status: Record<string, number>;
  /** The server process's CPU use during the run (100 = one core busy). */
  server_cpu_pct: number;
  load_generator_threads: number;
}

/** CPU seconds (user + system) the process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * autocannon at `connections` for `seconds`. Scenarios without per-request functions spread the
 * connections over `workers` load-generator threads: one JS thread reading 50 connections' worth of
 * 50-80 KB answers saturates long before the server does (server_cpu_pct shows how busy the server
 * itself was), and its own queueing would be reported as the server's latency.
 */
async function run(srv: ServerProcess, s: Scenario, seconds: number, connections: number, workers: number): Promise<ScenarioResult> {
  const plain = s.requests.every((r) => !r.setupRequest && !r.onResponse);
  const w = plain && workers > 1 ? workers : 0;
  const pid = srv.child.pid!;
  const cpu0 = cpuSeconds(pid);
  const t0 = Date.now();
  const r = await autocannon({ url: srv.url, connections, duration: seconds, requests: s.requests, timeout: 30, ...(w ? { workers: w } : {}) });
  const serverCpuPct = Math.round(((cpuSeconds(pid) - cpu0) / ((Date.now() - t0) / 1000)) * 100);
  const status: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) status[code] = v.count;
  return {
    p50_ms: r.latency.p50,
    p90_ms: r.latency.p90,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    rps: Math.round(r.requests.average),
    requests: r.requests.total,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    status,
    server_cpu_pct: serverCpuPct,
    load_generator_threads: Math.max(1, w),
  };
}

async function main(): Promise<void> {
  const soak = process.argv.includes('--soak');
  const seconds = Number(arg('seconds') ?? (soak ? 600 : 60));
  const connections = Number(arg('connections') ?? 50);
  const which = arg('backend') ?? 'both';
  const only = arg('only')?.split(',');
  const workers = Number(arg('workers') ?? Math.min(2, (await import('node:os')).cpus().length));
  const backends = (which === 'both' ? ['pglite', 'postgres'] : [which]) as Array<'pglite' | 'postgres'>;
  const out: Record<string, unknown> = {
    bench: 'load',
    at: new Date().toISOString(),
    seconds,
    connections,
    load_generator_workers: workers,
    soak,
    cores: (await import('node:os')).cpus().length,
  };
  const per: Record<string, unknown> = {};
  let p99 = 0;
  let errors = 0;
  let non2xx = 0;
  let conflicts = 0;
  let rssBefore = 0;
  let rssAfter = 0;
  let rssPeak = 0;
  for (const backend of backends) {
    log(`${backend}: preparing the demo database`);
    const t = await target(backend);
    const srv = await startServerProcess({ ...t, timeoutMs: 600_000 });
    // the server's peak RSS from listening to the end of the run (tile warm-up included)
    let peak = rssMb(srv.child.pid!);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(srv.child.pid!))), 250);
    try {
      const pid = srv.child.pid!;
      // warm up: first grid request, tile index build
      const list = await scenarios(srv);
      const by = (name: string) => list.find((s) => s.name === name)!.requests;
      await run(srv, { name: 'warm', requests: [...by('grid_layer'), ...by('tiles').slice(0, 50)] }, 5, 4, 0);
      const before = rssMb(pid);
      const res: Record<string, unknown> = { rss_mb_before: before };
      if (soak) {
        const samples: Array<{ s: number; rss_mb: number }> = [];
        const t0 = Date.now();
        const timer = setInterval(() => samples.push({ s: Math.round((Date.now() - t0) / 1000), rss_mb: rssMb(pid) }), 10_000);
        const mix = { name: 'soak', requests: [...by('grid_layer'), ...by('tiles'), ...by('stats')] };
        res.soak = await run(srv, mix, seconds, connections, workers);
        clearInterval(timer);
        res.rss_samples = samples;
        const third = Math.max(1, Math.floor(samples.length / 3));
        const mean = (xs: Array<{ rss_mb: number }>) => Math.round(xs.reduce((a, b) => a + b.rss_mb, 0) / Math.max(1, xs.length));
        res.rss_mb_first_third = mean(samples.slice(0, third));
        res.rss_mb_last_third = mean(samples.slice(-third));
        const s = res.soak as ScenarioResult;
        p99 = Math.max(p99, s.p99_ms); // in a soak: p99 of the grid + tile + stats mix
        errors += s.errors + s.timeouts;
        non2xx += s.non2xx;
      } else {
        for (const s of only ? list.filter((x) => only.includes(x.name)) : list) {
          log(`${backend}: ${s.name} for ${seconds} s at ${connections} connections`);
          const r = await run(srv, s, seconds, connections, workers);
          res[s.name] = r;
          errors += r.errors + r.timeouts;
          if (s.name === 'edits') {
            conflicts += r.status['409'] ?? 0;
            non2xx += r.non2xx - (r.status['409'] ?? 0);
          } else if (s.name === 'grid_layer_revalidate')
            non2xx += r.non2xx - (r.status['304'] ?? 0); // 304 is the right answer
          else non2xx += r.non2xx;
          if (s.name === 'grid_layer') p99 = Math.max(p99, r.p99_ms);
        }
      }
      const after = rssMb(pid);
      clearInterval(sampler);
      peak = Math.max(peak, after);
      res.rss_mb_after = after;
      res.rss_mb_peak = peak;
      rssPeak = Math.max(rssPeak, peak);
      if (srv.child.exitCode !== null || srv.child.signalCode !== null) {
        res.server_died = { exitCode: srv.child.exitCode, signal: srv.child.signalCode, log_tail: srv.log().slice(-4000) };
        errors++;
      }
      writeFileSync(join(ROOT, 'bench/results', `load-server-${backend}.log.tmp`), srv.log());
      rssBefore = Math.max(rssBefore, before);
      rssAfter = Math.max(rssAfter, after);
      per[backend] = res;
    } finally {
      clearInterval(sampler);
      await srv.stop();
    }
  }
  const result = {
    ...out,
    p99_ms: p99,
    errors,
    non2xx,
    edit_conflicts_409: conflicts,
    rss_mb_before: rssBefore,
    rss_mb_after: rssAfter,
    rss_mb_peak: rssPeak,
    backends: per,
  };
  const dir = join(ROOT, 'bench/results');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `load-${soak ? 'soak-' : ''}${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
