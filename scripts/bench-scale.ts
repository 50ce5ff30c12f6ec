/**
 * Fan-out simulation of a city / province deployment on one machine: N synthetic sub-districts
 * (bench/partition/synthetic.ts) partitioned by a pool of W worker threads (server/workers/
 * run-in-worker.ts, the same entry the server's partition job uses), for W = 1, 2, 4. This is the
 * shape of the multi-machine design in docs/scaling.md: a queue of per-sub-district partition tasks
 * drained by W workers; here the "machines" are threads on this computer's cores.
 *
 *   npm run --silent bench:scale -- [--subdistricts 12] [--cols 20] [--rows 25] [--workers 1,2,4]
 *
 * Prints one JSON object (throughput per worker count, speed-up, efficiency, extrapolation) and
 * writes it to bench/results/scale-*.json.
 */
import { cpus } from 'node:os';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticDistrict } from '../bench/partition/synthetic';
import { barriersFromGeoJSON, unitsFromGeoJSON } from '../server/algorithms/partition/geojson';
import type { PartitionResult } from '../server/algorithms/partition/types';
import type { PartitionJobInput } from '../server/partition/worker';
import { runInWorker } from '../server/workers/run-in-worker';
import { ROOT } from '../tests/faults/server-process';

const WORKER = new URL('../server/partition/worker.ts', import.meta.url);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const log = (m: string) => process.stderr.write(`bench:scale: ${m}\n`);

interface Task {
  id: string;
  households: number;
  units: number;
  job: PartitionJobInput;
}

/** Drains the task queue with `workers` concurrent worker threads; returns per-task times. */
async function drain(tasks: Task[], workers: number): Promise<{ ms: number; taskMs: number[]; grids: number; inBand: number }> {
  const queue = [...tasks];
  const taskMs: number[] = [];
  let grids = 0;
  let inBand = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      const s = performance.now();
      const r = await runInWorker<PartitionJobInput, PartitionResult>(WORKER, t.job);
      taskMs.push(performance.now() - s);
      const sizes = new Map<string, number>();
      const hh = new Map(t.job.input.units.map((u) => [u.id, u.households]));
      for (const [unit, grid] of Object.entries(r.assignment ?? {})) sizes.set(grid as string, (sizes.get(grid as string) ?? 0) + (hh.get(unit) ?? 0));
      grids += sizes.size;
      for (const n of sizes.values()) if (n >= 300 && n <= 500) inBand++;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { ms: performance.now() - t0, taskMs, grids, inBand };
}

async function main(): Promise<void> {
  const n = Number(arg('subdistricts') ?? 12);
  const cols = Number(arg('cols') ?? 20);
  const rows = Number(arg('rows') ?? 25);
  const workerCounts = (arg('workers') ?? '1,2,4').split(',').map(Number);
  const tasks: Task[] = [];
  for (let i = 0; i < n; i++) {
    const d = syntheticDistrict({ cols, rows, seed: 100 + i, lon0: 117 + (i % 6) * 0.02, lat0: 30.45 + Math.floor(i / 6) * 0.02 });
    const units = unitsFromGeoJSON(d.units);
    tasks.push({
      id: `S${i}`,
      households: units.reduce((s, u) => s + u.households, 0),
      units: units.length,
      job: { input: { units, barriers: barriersFromGeoJSON(d.barriers) }, options: { min: 300, max: 500, seed: 1 } },
    });
  }
  const households = tasks.reduce((s, t) => s + t.households, 0);
  log(`${n} sub-districts, ${tasks.reduce((s, t) => s + t.units, 0)} units, ${households} households`);
  // warm-up: the first worker thread pays for tsx compiling the engine
  await drain(tasks.slice(0, 1), 1);
  const runs = [];
  let base = 0;
  for (const w of workerCounts) {
    log(`${w} worker(s) …`);
    const r = await drain(tasks, w);
    const perSec = (n * 1000) / r.ms;
    if (w === workerCounts[0]) base = perSec / w;
    const sorted = [...r.taskMs].sort((a, b) => a - b);
    runs.push({
      workers: w,
      wall_ms: Math.round(r.ms),
      subdistricts_per_s: Number(perSec.toFixed(3)),
      households_per_s: Math.round((households * 1000) / r.ms),
      speedup: 0,
      efficiency: 0,
      task_ms_median: Math.round(sorted[Math.floor(sorted.length / 2)]),
      task_ms_max: Math.round(sorted[sorted.length - 1]),
      grids: r.grids,
      pct_in_band: Number(((100 * r.inBand) / Math.max(1, r.grids)).toFixed(1)),
    });
  }
  const one = runs[0].subdistricts_per_s / runs[0].workers;
  for (const r of runs) {
    r.speedup = Number((r.subdistricts_per_s / one).toFixed(2));
    r.efficiency = Number((r.speedup / r.workers).toFixed(2));
  }
  const best = runs.reduce((a, b) => (b.households_per_s > a.households_per_s ? b : a));
  const province = 10_000_000;
  const result = {
    bench: 'scale',
    at: new Date().toISOString(),
    cores: cpus().length,
    subdistricts: n,
    units_per_subdistrict: cols * rows,
    households,
    households_per_subdistrict_mean: Math.round(households / n),
    runs,
    base_subdistricts_per_s_per_worker: Number(base.toFixed(3)),
    extrapolation: {
      note: 'partition CPU only (no database writes), linear in households; per-core throughput measured with 1 worker',
      province_households: province,
      hours_one_core: Number((province / (runs[0].households_per_s / runs[0].workers) / 3600).toFixed(2)),
      hours_this_machine_best: Number((province / best.households_per_s / 3600).toFixed(2)),
      cores_for_one_hour: Math.ceil(province / (runs[0].households_per_s / runs[0].workers) / 3600),
    },
  };
  const dir = join(ROOT, 'bench/results');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
