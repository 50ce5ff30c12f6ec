/**
 * npm run --silent bench:district [-- --backend pglite|postgres] [--keep]
 *
 * A Yingjiang-size district (the synthetic demo written as raw files: ≈152k households, ≈16.7k
 * buildings, 8 sub-districts, OSM-style streets) taken through the real path twice, side by side:
 *   1. the `partition-district` CLI (pure pipeline, one process), timed as a whole process;
 *   2. a real server process (server/index.ts, no demo, a fresh embedded data directory or a fresh
 *      PostgreSQL database): import boundaries → streets → buildings → household register (HTTP
 *      uploads, as the import view sends them) → build units (job) → partition every sub-district
 *      (job) → a draft plan; each phase timed, the server's RSS sampled every 250 ms and its peak
 *      (VmHWM) read at the end.
 * Prints one JSON object on stdout and writes bench/results/district-<time>.json. Progress on stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../geodata/generator';
import { rawDistrictFiles } from '../geodata/generator/raw-files';
import { startServerProcess, ROOT, type ServerProcess } from '../tests/faults/server-process';
import { TEST_DATABASE_URL } from '../tests/helpers/backends';
import { parseArgs } from './lib/cli';

const flags = parseArgs(process.argv.slice(2), { backend: 'string', keep: 'boolean' });
const backend = flags.backend ?? 'pglite';
if (backend !== 'pglite' && backend !== 'postgres') {
  process.stderr.write('error: --backend must be pglite or postgres\n');
  process.exit(2);
}
const log = (m: string) => process.stderr.write(`bench:district: ${m}\n`);

// 1. the raw files (cached: the generator is deterministic)
const rawDir = join(ROOT, '.data', 'bench-district');
const files = {
  boundaries: join(rawDir, 'boundaries.geojson'),
  streets: join(rawDir, 'streets.geojson'),
  buildings: join(rawDir, 'buildings.geojson'),
  register: join(rawDir, 'register.csv'),
};
let registerHouseholds: number;
if (!existsSync(files.register)) {
  log('generating the demo district as raw files');
  const raw = rawDistrictFiles(generateDemo({}));
  mkdirSync(rawDir, { recursive: true });
  writeFileSync(files.boundaries, JSON.stringify(raw.boundaries));
  writeFileSync(files.streets, JSON.stringify(raw.streets));
  writeFileSync(files.buildings, JSON.stringify(raw.buildings));
  writeFileSync(files.register, raw.register);
  registerHouseholds = raw.registerHouseholds;
} else {
  registerHouseholds = readFileSync(files.register, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .reduce((s, l) => s + Number(l.split(',').at(-1)), 0);
}
const buildingCount = (JSON.parse(readFileSync(files.buildings, 'utf8')) as { features: unknown[] }).features.length;

// 2. the CLI, as a whole process
log('partition-district CLI');
const outFile = join(mkdtempSync(join(tmpdir(), 'bench-district-')), 'grids.geojson');
const t0 = Date.now();
const cli = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    'scripts/partition-district.ts',
    '--boundaries',
    files.boundaries,
    '--streets',
    files.streets,
    '--households',
    files.register,
    '--out',
    outFile,
  ],
  { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 },
);
const cliSeconds = (Date.now() - t0) / 1000;
if (cli.status !== 0) {
  process.stderr.write(cli.stderr);
  process.exit(1);
}
const cliOut = JSON.parse(readFileSync(outFile, 'utf8')) as { features: Array<{ properties: { households: number } }>; warnings: unknown[] };
const cliGrids = cliOut.features.length;
const cliInBand = cliOut.features.filter((f) => f.properties.households >= 300 && f.properties.households <= 500).length;

// 3. the server path
function status(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : -1;
  } catch {
    return -1;
  }
}

let dataDir: string | undefined;
let databaseUrl: string | undefined;
if (backend === 'pglite') dataDir = mkdtempSync(join(tmpdir(), 'bench-district-pglite-'));
else {
  const name = `wangge_bench_district_${process.pid}`;
  const admin = TEST_DATABASE_URL.replace(/\/[^/]+$/, '/postgres');
  for (const sql of [`DROP DATABASE IF EXISTS ${name}`, `CREATE DATABASE ${name}`]) spawnSync('psql', [admin, '-qc', sql]);
  databaseUrl = TEST_DATABASE_URL.replace(/\/[^/]+$/, `/${name}`);
  spawnSync('psql', [databaseUrl, '-qc', 'CREATE EXTENSION IF NOT EXISTS postgis']);
}

log(`server on ${backend}`);
const tStart = Date.now();
const server: ServerProcess = await startServerProcess({ dataDir, databaseUrl, timeoutMs: 600_000 });
const startSeconds = (Date.now() - tStart) / 1000;
const pid = server.child.pid!;
let rssPeakSampled = status(pid, 'VmRSS');
const sampler = setInterval(() => {
  rssPeakSampled = Math.max(rssPeakSampled, status(pid, 'VmRSS'));
}, 250);

async function call<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: T }> {
  const res = await fetch(server.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json: json as T };
}

async function waitJob(id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const j = await call<{ status: string; message?: string; result?: unknown }>('GET', `/api/jobs/${id}`);
    if (j.json.status === 'succeeded') return j.json as Record<string, unknown>;
    if (j.json.status === 'failed') throw new Error(`job ${id} failed: ${j.json.message}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const phases: Record<string, number> = {};
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  log(name);
  const t = Date.now();
  const r = await work();
  phases[`${name}_s`] = (Date.now() - t) / 1000;
  return r;
}

async function upload(layer: string, file: string, contentType: string): Promise<Record<string, unknown>> {
  const name = file.split('/').at(-1)!;
  const r = await call<Record<string, unknown>>(
    'POST',
    `/api/import?layer=${layer}&wait=true&name=${encodeURIComponent(name)}`,
    readFileSync(file),
    contentType,
  );
  if (r.status !== 200) throw new Error(`import ${layer}: ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
  return r.json;
}

let result: Record<string, unknown> = {};
try {
  const reports: Record<string, unknown> = {};
  reports.boundaries = await phase('import_boundaries', () => upload('boundaries', files.boundaries, 'application/geo+json'));
  reports.streets = await phase('import_streets', () => upload('streets', files.streets, 'application/geo+json'));
  reports.buildings = await phase('import_buildings', () => upload('buildings', files.buildings, 'application/geo+json'));
  reports.register = await phase('import_register', () => upload('register', files.register, 'text/csv'));
  const units = await phase('units', async () => {
    const r = await call<{ jobId: string }>('POST', '/api/units/build', { all: true });
    if (r.status !== 202 && r.status !== 200) throw new Error(`units: ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
    return waitJob(r.json.jobId);
  });
  const part = await phase('partition', async () => {
    const r = await call<{ jobId: string }>('POST', '/api/partition', { all: true, min: 300, max: 500, target: 400 });
    if (r.status !== 202 && r.status !== 200) throw new Error(`partition: ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
    return waitJob(r.json.jobId);
  });
  const planId = (part.result as { planId?: number } | undefined)?.planId;
  const grids = planId ? (await call<{ features: Array<{ properties: { households: number } }> }>('GET', `/api/plans/${planId}/grids`)).json.features : [];
  const total = Object.values(phases).reduce((s, x) => s + x, 0);
  result = {
    phases,
    import_to_draft_s: Number(total.toFixed(1)),
    server_start_s: startSeconds,
    grids: grids.length,
    grids_in_band: grids.filter((g) => g.properties.households >= 300 && g.properties.households <= 500).length,
    households_in_grids: grids.reduce((s, g) => s + g.properties.households, 0),
    partition_result: part.result ?? null,
    units_result: units.result ? { ...(units.result as Record<string, unknown>), quality: undefined } : null,
  };
} catch (e) {
  result = { phases, error: e instanceof Error ? e.message : String(e), log_tail: server.log().slice(-2000) };
} finally {
  clearInterval(sampler);
  const hwm = status(pid, 'VmHWM');
  result.rss_mb_peak = Math.max(hwm, rssPeakSampled);
  await server.stop();
  if (dataDir && !flags.keep) rmSync(dataDir, { recursive: true, force: true });
}

const out = {
  bench: 'district',
  at: new Date().toISOString(),
  backend,
  district: { households: registerHouseholds, buildings: buildingCount, source: 'synthetic demo (geodata/generator) written as raw files' },
  cli: { seconds: cliSeconds, grids: cliGrids, in_band: cliInBand, warnings: cliOut.warnings.length },
  server: result,
  server_to_cli_ratio: typeof result.import_to_draft_s === 'number' ? Number(((result.import_to_draft_s as number) / cliSeconds).toFixed(2)) : null,
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', `district-${out.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(out, null, 2));
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
process.exit(result.error ? 1 : 0);
