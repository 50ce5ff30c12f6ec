/**
 * npm run bench:partition — our engine vs METIS 5.1 (gpmetis -contig) on the same unit files.
 * Prints one JSON object on stdout and writes it to bench/results/partition-<date>.json.
 * Both tools are timed as whole processes (our CLI is pre-bundled with esbuild into dist/cli/).
 * `--cases synthetic-2k,demo-340802001` runs a subset (names as in the report; a name ending in `*`
 * is a prefix, e.g. `demo-*`). The report opens with `summary`: the worst case of each target figure
 * (pp ratio, straddle ratio, in band, contiguous, warm-start units moved) and pass/fail per target,
 * and `out_of_reach`: failing targets that no plan can meet on a case (each run's `bounds`: a lower
 * bound on straddles from the faces between major streets / water, and whether every grid can be
 * in band at all — bench/partition/bounds.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { syntheticDistrict } from '../bench/partition/synthetic';
import { demoAvailable, demoCases } from '../bench/partition/demo';
import { planBounds } from '../bench/partition/bounds';
import { barriersFromGeoJSON, unitsFromGeoJSON } from '../server/algorithms/partition';
import { buildUnitGraph, type UnitGraph } from '../server/algorithms/partition';
import { checkGrids } from '../server/algorithms/partition';
import { makeRng } from '../server/algorithms/partition';
import { parseArgs, progress, writeJson } from './lib/cli';

const MIN = 300,
  MAX = 500,
  TARGET = 400;
/** targets of issue G (partition quality), checked on every case */
const TARGETS = { pp_ratio_min: 1.15, straddle_ratio_max: 0.6, pct_in_band_min: 100, pct_contiguous_min: 100, warm_moved_max: 5 };
const args = parseArgs(process.argv.slice(2), { cases: 'string' });
const only = args.cases
  ? args.cases
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : null;
const wanted = (name: string) => !only || only.some((w) => (w.endsWith('*') ? name.startsWith(w.slice(0, -1)) : name === w));
const which = spawnSync('sh', ['-c', 'command -v gpmetis'], { encoding: 'utf8' });
const gpmetis = which.stdout.trim();
if (!gpmetis) {
  process.stderr.write('error: gpmetis not found. Install METIS 5.1 with: apt-get install metis (Debian package "metis")\n');
  process.exit(2);
}
const cli = 'dist/cli/partition.mjs';
await build({ entryPoints: ['scripts/partition.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: cli, logLevel: 'error' });
const dir = mkdtempSync(join(tmpdir(), 'bench-partition-'));

interface Metrics {
  grids: number;
  in_band: number;
  pp_sum: number;
  pct_in_band: number;
  pct_contiguous: number;
  pp_mean: number;
  pp_min: number;
  barrier_straddles: number;
  /** null: no compound of ≤ max households in the case (rural townships) */ pct_compounds_le_max_whole: number | null;
  pct_communities_split: number;
}
function evaluate(g: UnitGraph, gridOf: Int32Array): Metrics {
  const checks = checkGrids(g, gridOf);
  const pct = (a: number, b: number) => Number(((100 * a) / Math.max(1, b)).toFixed(2));
  const pp = checks.map((c) => c.polsbyPopper);
  const groupGrids = (label: Int32Array) => {
    const m = new Map<number, { grids: Set<number>; hh: number }>();
    for (let u = 0; u < g.n; u++)
      if (label[u] >= 0) {
        let e = m.get(label[u]);
        if (!e) m.set(label[u], (e = { grids: new Set(), hh: 0 }));
        e.grids.add(gridOf[u]);
        e.hh += g.households[u];
      }
    return m;
  };
  const comp = [...groupGrids(g.compound).values()].filter((e) => e.hh <= MAX);
  // a community is whole when every grid holding its units holds only its units
  const gridComms = new Map<number, Set<number>>();
  for (let u = 0; u < g.n; u++) {
    let s = gridComms.get(gridOf[u]);
    if (!s) gridComms.set(gridOf[u], (s = new Set()));
    s.add(g.community[u]);
  }
  const comms = groupGrids(g.community);
  let split = 0;
  for (const e of comms.values()) if ([...e.grids].some((k) => gridComms.get(k)!.size > 1)) split++;
  return {
    grids: checks.length,
    in_band: checks.filter((c) => c.households >= MIN && c.households <= MAX).length,
    pp_sum: pp.reduce((s, x) => s + x, 0),
    pct_in_band: pct(checks.filter((c) => c.households >= MIN && c.households <= MAX).length, checks.length),
    pct_contiguous: pct(checks.filter((c) => c.contiguous).length, checks.length),
    pp_mean: Number((pp.reduce((s, x) => s + x, 0) / Math.max(1, pp.length)).toFixed(4)),
    pp_min: Number(Math.min(...pp).toFixed(4)),
    barrier_straddles: checks.filter((c) => c.straddlesBarrier).length,
    pct_compounds_le_max_whole: comp.length ? pct(comp.filter((e) => e.grids.size === 1).length, comp.length) : null,
    pct_communities_split: pct(split, comms.size),
  };
}
function stability(g: UnitGraph, hhNew: Float64Array, a: Int32Array, b: Int32Array) {
  // match each new grid to the old grid it overlaps most (greedy by overlap); moved = units whose match differs
  const ov = new Map<string, number>();
  for (let u = 0; u < g.n; u++) {
    const k = `${b[u]}|${a[u]}`;
    ov.set(k, (ov.get(k) ?? 0) + 1);
  }
  const pairs = [...ov].map(([k, c]) => [...k.split('|').map(Number), c]).sort((x, y) => y[2] - x[2]);
  const matchNew = new Map<number, number>(),
    usedOld = new Set<number>();
  for (const [nb, oa] of pairs)
    if (!matchNew.has(nb) && !usedOld.has(oa)) {
      matchNew.set(nb, oa);
      usedOld.add(oa);
    }
  let um = 0,
    hm = 0,
    H = 0;
  for (let u = 0; u < g.n; u++) {
    H += hhNew[u];
    if (matchNew.get(b[u]) !== a[u]) {
      um++;
      hm += hhNew[u];
    }
  }
  const setsA = new Map<number, number[]>(),
    setsB = new Map<number, number[]>();
  for (let u = 0; u < g.n; u++) {
    (setsA.get(a[u]) ?? setsA.set(a[u], []).get(a[u])!).push(u);
    (setsB.get(b[u]) ?? setsB.set(b[u], []).get(b[u])!).push(u);
  }
  const keyA = new Set([...setsA.values()].map((s) => s.join(',')));
  let same = 0;
  for (const s of setsB.values()) if (keyA.has(s.join(','))) same++;
  return {
    pct_units_moved: Number(((100 * um) / g.n).toFixed(2)),
    pct_households_moved: Number(((100 * hm) / Math.max(1, H)).toFixed(2)),
    pct_grids_unchanged: Number(((100 * same) / Math.max(1, setsA.size)).toFixed(2)),
  };
}
function runOurs(units: string, barriers: string | null, out: string, previous?: string) {
  const args = [cli, '--units', units, ...(barriers ? ['--barriers', barriers] : []), '--out', out, '--quiet', ...(previous ? ['--previous', previous] : [])];
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`partition CLI failed: ${r.stderr}`);
  return { ms, result: JSON.parse(readFileSync(out, 'utf8')) as { assignment: Record<string, string>; warnings: unknown[] } };
}
function metisFile(g: UnitGraph, hh: Float64Array, file: string) {
  const lines: string[] = [];
  let m = 0;
  for (let u = 0; u < g.n; u++) {
    const parts = [String(Math.round(hh[u]))];
    for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
      parts.push(String(g.targets[e] + 1), String(Math.max(1, Math.round(g.edgeLen[e]))));
      m++;
    }
    lines.push(parts.join(' '));
  }
  writeFileSync(file, `${g.n} ${m / 2} 011\n${lines.join('\n')}\n`);
}
function runMetis(g: UnitGraph, hh: Float64Array, tag: string) {
  const file = join(dir, `${tag}.graph`);
  metisFile(g, hh, file);
  let H = 0;
  for (const h of hh) H += h;
  const nparts = Math.max(2, Math.round(H / TARGET));
  const ufactor = Math.round(1000 * (MAX / TARGET - 1));
  const t = process.hrtime.bigint();
  const r = spawnSync(gpmetis, ['-contig', `-ufactor=${ufactor}`, file, String(nparts)], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`gpmetis failed: ${r.stdout} ${r.stderr}`);
  const part = Int32Array.from(readFileSync(`${file}.part.${nparts}`, 'utf8').trim().split('\n').map(Number));
  return { ms, part, nparts, ufactor };
}
function perturb(fc: { features: { properties: Record<string, unknown> }[] }, seed: number) {
  const rng = makeRng(seed);
  const copy = JSON.parse(JSON.stringify(fc));
  for (const f of copy.features) {
    const h = f.properties.households as number;
    let n = Math.round(h * (1 + (rng() * 2 - 1) * 0.05));
    if (rng() < 0.03) n = Math.round(n * 1.5) + (h === 0 ? 0 : 0);
    f.properties.households = Math.max(0, n);
  }
  return copy;
}

interface Case {
  name: string;
  units: object;
  barriers: object | null;
}
const cases: Case[] = [];
for (const [name, cols, rows] of [
  ['synthetic-500', 20, 25],
  ['synthetic-2k', 45, 45],
  ['synthetic-10k', 100, 100],
  ['synthetic-40k', 200, 200],
] as const) {
  if (!wanted(name)) continue;
  const d = syntheticDistrict({ cols, rows, seed: 11 });
  cases.push({ name, units: d.units, barriers: d.barriers });
}
// the demo district, one run per sub-district as the app partitions it (barriers: streets + water outlines)
if (demoAvailable())
  for (const d of demoCases()) if (wanted(`demo-${d.subdistrict}`)) cases.push({ name: `demo-${d.subdistrict}`, units: d.units, barriers: d.barriers });

if (!cases.length) {
  process.stderr.write(
    `error: --cases ${args.cases} names no case (synthetic-500, synthetic-2k, synthetic-10k, synthetic-40k, demo-<sub-district>; demo cases need npm run generate-demo -- --no-db)\n`,
  );
  process.exit(2);
}
const runs: unknown[] = [];
const timing: [number, number][] = [];
for (const c of cases) {
  progress(`bench: ${c.name}`);
  const uf = join(dir, `${c.name}.units.geojson`),
    bf = c.barriers ? join(dir, `${c.name}.barriers.geojson`) : null;
  writeFileSync(uf, JSON.stringify(c.units));
  if (bf) writeFileSync(bf, JSON.stringify(c.barriers));
  const units = unitsFromGeoJSON(c.units);
  const g = buildUnitGraph(units, c.barriers ? barriersFromGeoJSON(c.barriers) : []);
  const index = new Map(g.ids.map((id, i) => [id, i]));
  const toArr = (a: Record<string, string>) => {
    const names = new Map<string, number>();
    const out = new Int32Array(g.n);
    for (const [id, gid] of Object.entries(a)) {
      let k = names.get(gid);
      if (k === undefined) names.set(gid, (k = names.size));
      out[index.get(id)!] = k;
    }
    return out;
  };
  const p0 = join(dir, `${c.name}.p0.json`);
  const ours = runOurs(uf, bf, p0);
  const oursArr = toArr(ours.result.assignment);
  const metis = runMetis(g, g.households, c.name);
  if (c.name.startsWith('synthetic-')) timing.push([g.n, ours.ms]);
  // perturbation
  const pert = perturb(c.units as never, 5);
  const uf2 = join(dir, `${c.name}.units2.geojson`);
  writeFileSync(uf2, JSON.stringify(pert));
  const hh2 = Float64Array.from(unitsFromGeoJSON(pert).map((u) => u.households));
  const g2 = { ...g, households: hh2 };
  const ours2 = runOurs(uf2, bf, join(dir, `${c.name}.p1.json`), p0);
  const ours2Arr = toArr(ours2.result.assignment);
  const metis2 = runMetis(g, hh2, c.name + '-2');
  const oursM = evaluate(g, oursArr),
    metisM = evaluate(g, metis.part);
  // what any plan could reach here: a target below the bound is out of every plan's reach
  const bounds = planBounds(g, MIN, MAX);
  const reachable = {
    straddle_ratio: metisM.barrier_straddles > 0 ? bounds.straddles_min <= TARGETS.straddle_ratio_max * metisM.barrier_straddles : bounds.straddles_min === 0,
    in_band: bounds.in_band_possible,
  };
  const warm = {
    ms: Math.round(ours2.ms),
    pct_in_band: evaluate(g2, ours2Arr).pct_in_band,
    pct_contiguous: evaluate(g2, ours2Arr).pct_contiguous,
    ...stability(g, hh2, oursArr, ours2Arr),
  };
  runs.push({
    case: c.name,
    units: g.n,
    households: g.households.reduce((s, h) => s + h, 0),
    // ours ÷ METIS; straddle ratio 0 when both have none, null when only ours has some (no finite ratio)
    pp_ratio: Number((oursM.pp_mean / Math.max(1e-9, metisM.pp_mean)).toFixed(3)),
    straddle_ratio:
      metisM.barrier_straddles > 0 ? Number((oursM.barrier_straddles / metisM.barrier_straddles).toFixed(3)) : oursM.barrier_straddles > 0 ? null : 0,
    /** lower bound on straddles of any in-band plan (faces between major streets / water), whether 100% in band is possible, and which targets any plan can reach */
    bounds: { ...bounds, straddle_ratio_min: metisM.barrier_straddles > 0 ? Number((bounds.straddles_min / metisM.barrier_straddles).toFixed(3)) : null },
    reachable,
    ours: { ms: Math.round(ours.ms), ...oursM, warnings: ours.result.warnings.length, after_perturbation: warm },
    time_ratio_to_metis: Number((ours.ms / Math.max(1, metis.ms)).toFixed(1)),
    metis: {
      ms: Math.round(metis.ms),
      nparts: metis.nparts,
      ufactor: metis.ufactor,
      ...metisM,
      after_perturbation: { pct_in_band: evaluate(g2, metis2.part).pct_in_band, ...stability(g, hh2, metis.part, metis2.part) },
    },
  });
}
// growth exponent: least squares of log(ms) on log(n) over the synthetic sizes
const syn = timing;
const lx = syn.map(([n]) => Math.log(n)),
  ly = syn.map(([, t]) => Math.log(t));
const mx = lx.reduce((s, x) => s + x, 0) / lx.length,
  my = ly.reduce((s, y) => s + y, 0) / ly.length;
const slope = lx.reduce((s, x, i) => s + (x - mx) * (ly[i] - my), 0) / lx.reduce((s, x) => s + (x - mx) ** 2, 0);
// demo district totals (all sub-districts)
type Run = { case: string; units: number; ours: Metrics & { ms: number }; metis: Metrics & { ms: number } };
const demoRuns = (runs as Run[]).filter((r) => r.case.startsWith('demo-'));
const total = (pick: (r: Run) => Metrics & { ms: number }) => {
  const grids = demoRuns.reduce((s, r) => s + pick(r).grids, 0);
  return {
    grids,
    in_band: demoRuns.reduce((s, r) => s + pick(r).in_band, 0),
    pp_mean: Number((demoRuns.reduce((s, r) => s + pick(r).pp_sum, 0) / Math.max(1, grids)).toFixed(4)),
    pp_min: Math.min(...demoRuns.map((r) => pick(r).pp_min)),
    barrier_straddles: demoRuns.reduce((s, r) => s + pick(r).barrier_straddles, 0),
    ms: demoRuns.reduce((s, r) => s + pick(r).ms, 0),
  };
};
const demo = demoRuns.length
  ? { subdistricts: demoRuns.length, units: demoRuns.reduce((s, r) => s + r.units, 0), ours: total((r) => r.ours), metis: total((r) => r.metis) }
  : null;
// worst case of each target figure; a null straddle ratio (ours > 0, METIS 0) counts as a fail
type RunR = Run & {
  pp_ratio: number;
  straddle_ratio: number | null;
  reachable: { straddle_ratio: boolean; in_band: boolean };
  ours: { after_perturbation: { pct_units_moved: number } };
};
const rs = runs as RunR[];
const worst = {
  pp_ratio_min: Math.min(...rs.map((r) => r.pp_ratio)),
  straddle_ratio_max: rs.some((r) => r.straddle_ratio === null) ? null : Math.max(...rs.map((r) => r.straddle_ratio ?? 0)),
  pct_in_band_min: Math.min(...rs.map((r) => r.ours.pct_in_band)),
  pct_contiguous_min: Math.min(...rs.map((r) => r.ours.pct_contiguous)),
  warm_moved_max: Math.max(...rs.map((r) => r.ours.after_perturbation.pct_units_moved)),
};
const caseFails = (r: RunR) =>
  [
    r.pp_ratio < TARGETS.pp_ratio_min ? 'pp_ratio' : '',
    r.straddle_ratio === null || r.straddle_ratio > TARGETS.straddle_ratio_max ? 'straddle_ratio' : '',
    r.ours.pct_in_band < TARGETS.pct_in_band_min ? 'in_band' : '',
    r.ours.pct_contiguous < TARGETS.pct_contiguous_min ? 'contiguous' : '',
    r.ours.after_perturbation.pct_units_moved > TARGETS.warm_moved_max ? 'warm_moved' : '',
  ].filter(Boolean);
const summary = {
  ...worst,
  targets: TARGETS,
  pass: {
    pp_ratio: worst.pp_ratio_min >= TARGETS.pp_ratio_min,
    straddle_ratio: worst.straddle_ratio_max !== null && worst.straddle_ratio_max <= TARGETS.straddle_ratio_max,
    in_band: worst.pct_in_band_min >= TARGETS.pct_in_band_min,
    contiguous: worst.pct_contiguous_min >= TARGETS.pct_contiguous_min,
    warm_moved: worst.warm_moved_max <= TARGETS.warm_moved_max,
  },
  failing_cases: Object.fromEntries(rs.map((r) => [r.case, caseFails(r)]).filter(([, f]) => f.length)),
  /** failing targets that no plan can meet on that case (see bench/partition/bounds.ts) */
  out_of_reach: Object.fromEntries(
    rs
      .map((r) => [r.case, caseFails(r).filter((f) => (f === 'straddle_ratio' && !r.reachable.straddle_ratio) || (f === 'in_band' && !r.reachable.in_band))])
      .filter(([, f]) => f.length),
  ),
};
const report = {
  summary,
  bench: 'partition',
  at: new Date().toISOString(),
  band: [MIN, MAX],
  target: TARGET,
  cases: runs.length,
  notes:
    'times are whole processes (our CLI bundled with esbuild, run by node; gpmetis -contig with vertex weights = households, edge weights = shared metres); METIS is run on the whole graph (it knows nothing of sub-districts, communities or streets) and from scratch after the perturbation',
  /** null when fewer than two synthetic sizes ran */
  time_growth_exponent: syn.length >= 2 ? Number(slope.toFixed(3)) : null,
  demo,
  runs,
};
mkdirSync('bench/results', { recursive: true });
writeJson(`bench/results/partition-${report.at.replace(/[:.]/g, '-')}.json`, report, true);
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
