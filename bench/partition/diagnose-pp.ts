/**
 * Diagnostic: where is the Polsby-Popper gap to METIS? For each case: the PP of the units
 * themselves, our engine's grids, gpmetis -contig on the whole graph (as the benchmark runs it) and
 * per group (sub-district × community, the nesting our grids keep), and a compactness-only search
 * from our plan with constraints dropped (relaxedCompactness): nothing dropped (is the engine's
 * search saturated?), compounds, communities, streets. Figures: mean / quantiles of PP, grids in
 * band, contiguous, straddling.
 * `npx tsx bench/partition/diagnose-pp.ts synthetic-2k demo-340802005`
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticDistrict } from './synthetic';
import { demoCases } from './demo';
import {
  barriersFromGeoJSON,
  buildUnitGraph,
  checkGrids,
  partitionGraph,
  relaxedCompactness,
  unitsFromGeoJSON,
  type UnitGraph,
} from '../../server/algorithms/partition';
import { polsbyPopper } from '../../server/algorithms/geo';

const MIN = 300,
  MAX = 500,
  TARGET = 400;
const dir = mkdtempSync(join(tmpdir(), 'diag-pp-'));
function metis(g: UnitGraph, nodes: number[], nparts: number, tag: string): Int32Array {
  if (nparts < 2) return new Int32Array(nodes.length);
  const idx = new Map(nodes.map((u, i) => [u, i]));
  const lines: string[] = [];
  let m = 0;
  for (const u of nodes) {
    const parts = [String(Math.round(g.households[u]))];
    for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
      const j = idx.get(g.targets[e]);
      if (j === undefined) continue;
      parts.push(String(j + 1), String(Math.max(1, Math.round(g.edgeLen[e]))));
      m++;
    }
    lines.push(parts.join(' '));
  }
  const f = join(dir, tag + '.graph');
  writeFileSync(f, `${nodes.length} ${m / 2} 011\n${lines.join('\n')}\n`);
  const r = spawnSync('gpmetis', ['-contig', `-ufactor=${Math.round(1000 * (MAX / TARGET - 1))}`, f, String(nparts)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gpmetis failed: ${r.stdout}`);
  return Int32Array.from(readFileSync(`${f}.part.${nparts}`, 'utf8').trim().split('\n').map(Number));
}
const q = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(3);
  return `mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(4)} p10 ${at(0.1)} p50 ${at(0.5)} p90 ${at(0.9)} max ${at(0.999)} n ${s.length}`;
};
const stats = (g: UnitGraph, gridOf: Int32Array) => {
  const c = checkGrids(g, gridOf);
  const inb = c.filter((x) => x.households >= MIN && x.households <= MAX).length;
  return `${q(c.map((x) => x.polsbyPopper))} in band ${inb} contiguous ${c.filter((x) => x.contiguous).length} straddles ${c.filter((x) => x.straddlesBarrier).length}`;
};
const SIZES: Record<string, [number, number]> = {
  'synthetic-500': [20, 25],
  'synthetic-2k': [45, 45],
  'synthetic-10k': [100, 100],
  'synthetic-40k': [200, 200],
};
const cases: [string, object, object][] = [];
for (const name of process.argv.slice(2)) {
  if (SIZES[name]) {
    const d = syntheticDistrict({ cols: SIZES[name][0], rows: SIZES[name][1], seed: 11 });
    cases.push([name, d.units, d.barriers]);
  } else for (const d of demoCases('.data/demo', [name.replace('demo-', '')])) cases.push([name, d.units, d.barriers]);
}
for (const [name, u, b] of cases) {
  const g = buildUnitGraph(unitsFromGeoJSON(u), barriersFromGeoJSON(b));
  let H = 0;
  for (const h of g.households) H += h;
  console.log(`== ${name}: ${g.n} units, ${H} households`);
  console.log(`${'units'.padEnd(34)} ${q(Array.from({ length: g.n }, (_, i) => polsbyPopper(g.area[i], g.perimeter[i])))}`);
  const t = Date.now();
  const r = partitionGraph(g, { seed: 1, min: MIN, max: MAX, target: TARGET });
  const idx = new Map(g.ids.map((id, i) => [id, i]));
  const names = new Map<string, number>();
  const ours = new Int32Array(g.n);
  for (const [id, gid] of Object.entries(r.assignment)) {
    if (!names.has(gid)) names.set(gid, names.size);
    ours[idx.get(id)!] = names.get(gid)!;
  }
  console.log(`${'ours'.padEnd(34)} ${stats(g, ours)} (${Date.now() - t} ms)`);
  const metisWhole = metis(
    g,
    Array.from({ length: g.n }, (_, i) => i),
    Math.max(2, Math.round(H / TARGET)),
    name,
  );
  console.log(`${'metis whole'.padEnd(34)} ${stats(g, metisWhole)}`);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < g.n; i++) {
    const k = `${g.subdistrict[i]}|${g.community[i]}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(i);
  }
  const per = new Int32Array(g.n);
  let base = 0,
    gi = 0;
  for (const us of groups.values()) {
    let h = 0;
    for (const x of us) h += g.households[x];
    const k = Math.max(1, Math.round(h / TARGET));
    const p = metis(g, us, k, `${name}-g${gi++}`);
    us.forEach((x, i) => (per[x] = base + p[i]));
    base += k;
  }
  console.log(`${`metis per community (${groups.size})`.padEnd(34)} ${stats(g, per)}`);
  // our grids never mix communities that were separate groups; rural groups (grids across
  // communities) cannot be searched with communities kept
  const mixed = checkGrids(g, ours).some((c) => new Set(c.units.map((x) => g.community[x])).size > 1);
  for (const [label, keepCommunities, keepCompounds, allowStraddles] of [
    ['search only (nothing dropped)', true, true, false],
    ['compounds dropped', true, false, false],
    ['communities dropped', false, true, false],
    ['straddles allowed', true, true, true],
    ['all three dropped', false, false, true],
  ] as const) {
    if (keepCommunities && mixed) continue;
    const t2 = Date.now();
    const out = relaxedCompactness(g, ours, { min: MIN, max: MAX, keepCommunities, keepCompounds, allowStraddles });
    console.log(`${('relaxed: ' + label).padEnd(34)} ${stats(g, out)} (${Date.now() - t2} ms)`);
  }
  // the same search with everything dropped, from METIS's plan (another start; its grids may be
  // out of band or broken, and stay so)
  const fromMetis = relaxedCompactness(g, metisWhole, { min: MIN, max: MAX, keepCommunities: false, keepCompounds: false, allowStraddles: true });
  console.log(`${'relaxed from METIS: all dropped'.padEnd(34)} ${stats(g, fromMetis)}`);
}
