/**
 * Scale-out on the PostGIS server with the real job queue: N lattice sub-districts
 * (tests/helpers/lattice-district.ts) in a scratch schema, one partition job per sub-district put on
 * the pg-boss queue (server/jobs/queue.ts, as POST /api/partition does), drained by W `npm run worker`
 * PROCESSES (server/worker.ts), for W = 1, 2, 4 in one run. Each round starts its workers, waits
 * until they are ready (start-up not timed), enqueues the batch and times until every job's row is
 * final; then stops the workers. Throughput per worker and the speed-up over W = 1 side by side,
 * with where the machine's CPU went during each round: the workers, PostgreSQL (every postgres
 * process on the machine: the plan writes and ST_Union dissolves of the jobs, and other sessions'
 * queries), and everything else (other processes sharing the cores).
 *
 *   DATABASE_URL=postgres://… npm run --silent bench:scale -- [--subdistricts 16] [--cols 20] [--rows 16] [--workers 1,2,4]
 *
 * The default workload (16 sub-districts of 20 x 16 lattice units, ~16,000 households each: 16
 * partition jobs of ~40 grids, about 2 s of engine each on an idle core) keeps the three rounds
 * within a few minutes on a 2-core machine; the JSON's `workload` says what ran.
 *
 * DATABASE_URL (else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/wangge_test) names a
 * database with PostGIS; the bench works in a scratch schema it drops at the end. Prints one JSON
 * object and writes it to bench/results/scale-*.json; progress on stderr.
 */
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, type Db } from '../server/db';
import { QueuedJobs } from '../server/jobs/queue';
import { insertLatticeDistrict } from '../tests/helpers/lattice-district';
import { ROOT } from '../tests/faults/server-process';
import { startWorkerProcess, type WorkerProcess } from '../tests/faults/worker-process';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const log = (m: string) => process.stderr.write(`bench:scale: ${m}\n`);

/** Busy and total jiffies of all cores (/proc/stat), for the CPU use of a round. */
function cpuTimes(): { busy: number; total: number } {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const v = f.map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU seconds used so far by a process and its threads (utime + stime). */
function procCpuSeconds(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every PostgreSQL process on this machine by pid (server and backends; other sessions' too). */
function postgresCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!s.includes('(postgres)')) continue;
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds PostgreSQL processes used between two snapshots (processes that ended meanwhile are not counted). */
function postgresCpuSince(before: Map<string, number>): number {
  let sum = 0;
  for (const [pid, cpu] of postgresCpu()) sum += Math.max(0, cpu - (before.get(pid) ?? 0));
  return sum;
}

async function main(): Promise<void> {
  const n = Number(arg('subdistricts') ?? 16);
  const cols = Number(arg('cols') ?? 20);
  const rows = Number(arg('rows') ?? 16);
  const tRun = performance.now();
  const workerCounts = (arg('workers') ?? '1,2,4').split(',').map(Number);
  const base = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/wangge_test';
  const schema = `bench_scale_${process.pid}`;
  const admin = await openDb({ databaseUrl: base, migrate: false });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema},public`);
  const url = u.toString();
  let db: Db | undefined;
  let jobs: QueuedJobs | undefined;
  let workers: WorkerProcess[] = [];
  try {
    db = await openDb({ databaseUrl: url });
    const subs: string[] = [];
    let households = 0;
    for (let i = 0; i < n; i++) {
      const r = await insertLatticeDistrict(db, cols, rows, { code: String(910 + i), index: i });
      subs.push(r.subdistrict);
      households += r.households;
    }
    log(`${n} sub-districts of ${cols * rows} units, ${households} households, in schema ${schema}`);
    jobs = await QueuedJobs.open(db, { databaseUrl: url, workers: 0 }); // the producer side, as the API server with WANGGE_JOB_WORKERS=0
    const runs = [];
    for (const w of workerCounts) {
      log(`${w} worker process(es): starting …`);
      const t0 = Date.now();
      workers = await Promise.all(Array.from({ length: w }, () => startWorkerProcess(url)));
      const startupMs = Date.now() - t0;
      const cpu0 = cpuTimes();
      const wcpu0 = workers.map((p) => procCpuSeconds(p.child.pid!));
      const pg0 = postgresCpu();
      const load0 = loadavg()[0];
      const s = performance.now();
      const ids = await Promise.all(subs.map((sub) => jobs!.start('partition', { subdistricts: [sub], min: 300, max: 500, seed: 1, author: 'bench' })));
      await Promise.all(ids.map((id) => jobs!.settled(id)));
      const wallMs = performance.now() - s;
      const cpu1 = cpuTimes();
      const wcpu = workers.map((p, i) => procCpuSeconds(p.child.pid!) - wcpu0[i]);
      const pgCpu = postgresCpuSince(pg0);
      const machineCpu = (cpu1.busy - cpu0.busy) / 100;
      const rowsOut = (
        await db.query<{ status: string; worker: string; ms: number; grids: number; in_band: number }>(
          `SELECT status, worker, (result->>'ms')::float8 AS ms, (result->>'grids')::int AS grids, (result->>'inBand')::int AS in_band FROM jobs WHERE id = ANY($1::text[])`,
          [ids],
        )
      ).rows;
      const failed = rowsOut.filter((r) => r.status !== 'succeeded').length;
      const byWorker: Record<string, number> = {};
      for (const r of rowsOut) byWorker[r.worker] = (byWorker[r.worker] ?? 0) + 1;
      const jobMs = rowsOut.map((r) => r.ms).sort((a, b) => a - b);
      const grids = rowsOut.reduce((a, r) => a + (r.grids ?? 0), 0);
      const inBand = rowsOut.reduce((a, r) => a + (r.in_band ?? 0), 0);
      const perSec = (n * 1000) / wallMs;
      runs.push({
        workers: w,
        wall_s: Number((wallMs / 1000).toFixed(1)),
        jobs_per_s: Number(perSec.toFixed(3)),
        jobs_per_s_per_worker: Number((perSec / w).toFixed(3)),
        households_per_s: Math.round((households * 1000) / wallMs),
        speedup: 0,
        efficiency: 0,
        failed,
        jobs_by_worker: Object.values(byWorker).sort((a, b) => b - a),
        job_ms_median: Math.round(jobMs[Math.floor(jobMs.length / 2)] ?? 0),
        job_ms_max: Math.round(jobMs.at(-1) ?? 0),
        worker_cpu_s: Number(wcpu.reduce((a, b) => a + b, 0).toFixed(1)),
        postgres_cpu_s: Number(pgCpu.toFixed(1)),
        machine_cpu_s: Number(machineCpu.toFixed(1)),
        other_cpu_s: Number(Math.max(0, machineCpu - pgCpu - wcpu.reduce((a, b) => a + b, 0)).toFixed(1)),
        cores_x_wall_s: Number(((cpus().length * wallMs) / 1000).toFixed(1)),
        // what the workers got of the machine, and what a job cost them: throughput = the two multiplied
        worker_cores_used: Number((wcpu.reduce((a, b) => a + b, 0) / (wallMs / 1000)).toFixed(2)),
        jobs_per_worker_cpu_s: Number(
          (
            n /
            Math.max(
              0.1,
              wcpu.reduce((a, b) => a + b, 0),
            )
          ).toFixed(2),
        ),
        machine_cpu_busy_pct: Number(((100 * (cpu1.busy - cpu0.busy)) / Math.max(1, cpu1.total - cpu0.total)).toFixed(0)),
        load_avg_1m_at_start: Number(load0.toFixed(1)),
        worker_startup_s: Number((startupMs / 1000).toFixed(1)),
        grids,
        pct_in_band: Number(((100 * inBand) / Math.max(1, grids)).toFixed(1)),
      });
      log(`${w} worker(s): ${(wallMs / 1000).toFixed(1)} s, ${perSec.toFixed(3)} jobs/s, by worker ${JSON.stringify(Object.values(byWorker))}`);
      await Promise.all(workers.map((p) => p.stop()));
      workers = [];
    }
    const one = runs[0].jobs_per_s / runs[0].workers;
    for (const r of runs) {
      r.speedup = Number((r.jobs_per_s / one).toFixed(2));
      r.efficiency = Number((r.speedup / r.workers).toFixed(2));
    }
    const result = {
      bench: 'scale',
      what: 'partition jobs on the pg-boss queue drained by W worker processes (npm run worker) on the PostGIS server',
      at: new Date().toISOString(),
      cores: cpus().length,
      workload: `${n} partition jobs (one per lattice sub-district of ${cols} x ${rows} = ${cols * rows} units of ~80 m, ${Math.round(households / n)} households each, band 300-500) put on the queue at once as POST /api/partition does; W worker processes drain the batch; the clock runs from the first send to the last final row`,
      subdistricts: n,
      units_per_subdistrict: cols * rows,
      households,
      grids_per_job: Math.round(runs[0].grids / n),
      runs,
      total_run_s: Number(((performance.now() - tRun) / 1000).toFixed(0)),
    };
    const dir = join(ROOT, 'bench/results');
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    await Promise.all(workers.map((p) => p.kill9()));
    await jobs?.close();
    await db?.close();
    const a = await openDb({ databaseUrl: base, migrate: false });
    await a.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_pgboss CASCADE`).catch(() => undefined);
    await a.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
