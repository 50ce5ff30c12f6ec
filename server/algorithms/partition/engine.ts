/**
 * The partition engine: units → contiguous grids of [min, max] households (target), following
 * major streets, keeping communities and compounds whole where the band allows, deterministic for
 * a seed, and with a warm start that moves as few households as possible. Pure, no I/O; safe to run
 * in a worker thread.
 *
 * Pipeline (cold start): unit graph → groups (sub-district components × feasible, non-sliver
 * communities) → super-units (compound pieces) → three constructions, each bisected, band-repaired,
 * local-searched and recombined: on the super-unit graph, and twice on the unit graph (cuts through
 * compounds dear / not) then projected onto the super-units (compounds whole again) → per group the
 * most compact → rural groups shaped for compactness → compactness polish (pair re-splits and node
 * moves that raise Polsby-Popper) → rural grids annealed (single land-unit moves) →
 * escalation around grids still out of band → validation.
 * Warm start: previous grids → contiguity → band repair by single moves and ejection chains (few
 * households moved) → compounds taken apart around grids still out of band → re-bisection of a
 * neighbourhood only as the last resort.
 */
import { buildUnitGraph, type UnitGraph } from './graph';
import { contractGraph } from './contract';
import { Scratch, chooseK, feasibleK, recursiveBisect } from './bisect';
import { GridState } from './state';
import { localSearch } from './local-search';
import { attachOrphans, repairBand, repairContiguity, type RepairParams } from './repair';
import { buildGroups } from './groups';
import { checkGrids, subdistrictComponents } from './constraints';
import { makeRng } from './rng';
import { recombinePairs } from './recombine';
import { reshapePairs } from './reshape';
import { polishCompactness } from './polish';
import { annealCompactness } from './anneal';
import { DEFAULT_WEIGHTS } from './objective';
import { bestPerGroup, projectPlan } from './combine';
import { combineByGroup } from './grid-count';
import { gridNeighbourhood, mergeGroups, uncontract, type Level } from './escalate';
import type { GridSummary, PartitionInput, PartitionOptions, PartitionResult, PartitionWarning, ProgressFn, ResolvedOptions } from './types';

export function resolveOptions(o: PartitionOptions = {}): ResolvedOptions {
  const min = o.min ?? 300,
    max = o.max ?? 500;
  if (!(min >= 0) || !(max >= min)) throw new RangeError(`invalid band: min ${min} > max ${max}`);
  let target = o.target ?? (o.min === undefined && o.max === undefined ? 400 : Math.round((min + max) / 2));
  target = Math.min(max, Math.max(min, target));
  return { min, max, target: target || 1, seed: o.seed ?? 1, effort: o.effort ?? 1 };
}

export function partition(input: PartitionInput, options: PartitionOptions = {}, onProgress?: ProgressFn): PartitionResult {
  const t0 = Date.now();
  onProgress?.(0, 'building unit graph');
  const g = buildUnitGraph(input.units, input.barriers ?? []);
  return partitionGraph(g, options, onProgress, t0);
}

/** grid-count offsets per group tried besides chooseK's (see grid-count.ts) */
const GRID_COUNT_ALTERNATIVES = [-1, 1];

/** The grids (with units or not) of the given groups, as they are now. */
function gridsOfGroups(st: GridState, groups: ReadonlySet<number>): Set<number> {
  const out = new Set<number>();
  for (let x = 0; x < st.gridCount; x++) if (groups.has(st.group[x])) out.add(x);
  return out;
}

const listUnits = (g: UnitGraph, us: number[], max = 12) =>
  us
    .slice(0, max)
    .map((u) => g.ids[u])
    .join(', ') + (us.length > max ? ` … (${us.length} units)` : '');

export function partitionGraph(g: UnitGraph, options: PartitionOptions = {}, onProgress?: ProgressFn, t0 = Date.now()): PartitionResult {
  const o = resolveOptions(options);
  const rng = makeRng(o.seed);
  const warnings: PartitionWarning[] = [];
  const bp = { min: o.min, max: o.max, target: o.target, rng };
  const { comp, count } = subdistrictComponents(g);
  for (let u = 0; u < g.n; u++)
    if (g.households[u] > o.max) {
      warnings.push({
        code: 'unit_over_max',
        message: `unit ${g.ids[u]} has ${g.households[u]} households, more than max ${o.max}: its grid cannot be in band. Fix: split the unit (e.g. by building) or raise --max.`,
        units: [g.ids[u]],
      });
    }
  if (g.subdistrict.some((s) => s < 0) && g.subdistricts.length > 0) {
    const us: number[] = [];
    for (let u = 0; u < g.n; u++) if (g.subdistrict[u] < 0) us.push(u);
    warnings.push({
      code: 'missing_subdistrict',
      message: `${us.length} unit(s) have no sub-district and are partitioned as a sub-district of their own: ${listUnits(g, us)}. Fix: set properties.subdistrict.`,
      units: us.map((u) => g.ids[u]),
    });
  }
  onProgress?.(0.1, 'grouping');
  const prev = options.previous;
  let lv: Level;
  let gridNames: (string | null)[] = [];
  let group0: Int32Array;
  if (prev) {
    group0 = comp;
    let st: GridState, nodeOf: Int32Array, key: Int32Array;
    const touched = new Set<number>();
    ({ st, nodeOf, gridNames, key } = warmStart(g, comp, prev, o, { ...bp, touched }, warnings));
    lv = escalate(g, { st, nodeOf, key, group: comp }, comp, { ...bp, touched }, true);
    while (gridNames.length < lv.st.gridCount) gridNames.push(null);
  } else {
    const rural = new Set<number>();
    group0 = buildGroups(g, comp, count, o, warnings, rural);
    const key = compoundKey(g, group0, o);
    const passes = Math.max(1, Math.round(6 * o.effort));
    const polish = (x: GridState, chains = false, repartition = true) => {
      repairBand(x, { ...bp, chains, repartition });
      localSearch(x, { ...bp, passes });
      repairBand(x, { ...bp, chains, repartition });
      if (recombinePairs(x, { ...bp, rounds: Math.max(1, Math.round(o.effort)) })) localSearch(x, { ...bp, passes });
    };
    // one cold plan with the grid count of every group moved by dk from chooseK (where feasible)
    const coldPlan = (dk: number, full: boolean, pre?: ReturnType<typeof contractGraph>): { st: GridState; nodeOf: Int32Array } => {
      const prog = dk ? undefined : onProgress;
      // three constructions (only (a) when !full), the most compact kept per group: (a) bisection of
      // the super-unit graph (compounds whole); (b, c) bisection of the unit graph, where cuts are free
      // to find compact shapes — (b) with cuts through a compound costing 4× as much, (c) without —
      // each projected onto the super-units (every compound to the grid holding most of its
      // households) and repaired
      const direct = fresh(g, group0, key, o, bp, (f, m) => prog?.(0.1 + f * 0.2, m), undefined, dk, pre);
      // alternatives skip the costly re-bisection of neighbourhoods moves cannot bring into band:
      // a group of theirs left out of band is simply not taken
      polish(direct.st, false, full);
      const coarse = direct.st.cg;
      const plans = [direct.st];
      if (full)
        for (const [i, sticky] of [key, undefined].entries()) {
          const fine = fresh(g, group0, new Int32Array(g.n).fill(-1), o, bp, (f, m) => prog?.(0.35 + i * 0.25 + f * 0.2, m), sticky, dk);
          polish(fine.st);
          const projected = projectPlan(g, fine.st, fine.nodeOf, coarse);
          polish(projected, true);
          plans.push(projected);
        }
      prog?.(0.85, 'shaping');
      const st = bestPerGroup(plans, bp);
      if (rural.size) {
        // rural groups (grids across communities): almost every grid there straddles a road or water
        // anyway, so shape them for compactness only
        const ruralGrids = gridsOfGroups(st, rural);
        const weights = { ...DEFAULT_WEIGHTS, barrier: 0 };
        reshapePairs(st, { ...bp, weights, rounds: 4, worstShare: 1, onlyGrids: ruralGrids, allowStraddles: true, seeds: 40, margin: 0.06 });
        localSearch(st, { ...bp, passes, weights, onlyGrids: ruralGrids });
      }
      // last shaping step, on the super-unit graph (compounds whole): raise compactness without new
      // straddles or grids leaving the band (escalation below only touches grids still out of band)
      prog?.(0.88, 'polishing');
      polishCompactness(st, { ...bp, rounds: Math.max(1, Math.round(3 * o.effort)), passes: Math.max(1, Math.round(4 * o.effort)) });
      if (rural.size) {
        // rural grids, last: annealing of single moves of the small land units (worse moves accepted
        // early on); it never lowers their summed Polsby-Popper at an equal straddle count
        const ruralGrids = gridsOfGroups(st, rural);
        annealCompactness(st, { ...bp, onlyGrids: ruralGrids, sweeps: Math.max(1, Math.round(150 * o.effort)) });
      }
      return { st, nodeOf: direct.nodeOf };
    };
    const base = coldPlan(0, true);
    const nodeOf = base.nodeOf;
    // the grid count that makes compact grids depends on the units (a 12×12 block of lattice cells
    // makes 9 squares but no 8 compact grids): plans with one grid fewer / more per group (the
    // direct construction only, on the same super-unit graph), the best kept per group for the
    // mean Polsby-Popper, never with more grids out of band or straddling (grid-count.ts)
    const alts = GRID_COUNT_ALTERNATIVES.map((dk) => coldPlan(dk, false, { cg: base.st.cg, nodeOf }).st);
    const st = alts.length ? combineByGroup([base.st, ...alts], bp) : base.st;
    lv = escalate(g, { st, nodeOf, key, group: group0 }, comp, bp);
    if (lv.st !== st) {
      // the graph was refined around out-of-band grids: polish the new boundaries (band kept)
      localSearch(lv.st, { ...bp, passes });
      repairBand(lv.st, bp);
    }
  }
  onProgress?.(0.9, 'validating');
  return finish(g, lv.st, lv.nodeOf, gridNames, o, warnings, options.previous, t0, group0);
}

const badGrids = (st: GridState, p: { min: number; max: number }) => {
  const out: number[] = [];
  for (let x = 0; x < st.gridCount; x++) if (st.members[x].size && (st.hh[x] < p.min || st.hh[x] > p.max)) out.push(x);
  return out;
};

/**
 * When grids stay out of band on the coarse graph: take the compound super-units around them
 * apart (1, 2, 3 rings of grids) and repair again; if that is not enough, merge the groups
 * (communities) around them within their sub-district and repair again.
 */
function escalate(g: UnitGraph, lv: Level, comp: Int32Array, bp: Parameters<typeof repairBand>[1], gentle = false): Level {
  let bad = badGrids(lv.st, bp);
  for (let rings = 1; rings <= 3 && bad.length; rings++) {
    const next = uncontract(g, lv, gridNeighbourhood(lv.st, bad, rings));
    if (!next) continue;
    lv = next;
    // gentle (warm starts): moves and chains on the finer graph first, re-bisection last
    repairBand(lv.st, { ...bp, chains: true, repartition: !gentle || rings === 3 });
    bad = badGrids(lv.st, bp);
  }
  if (gentle && bad.length) {
    repairBand(lv.st, { ...bp, chains: true });
    bad = badGrids(lv.st, bp);
  }
  if (!bad.length) return lv;
  // group → sub-district component
  const compOfGroup = new Map<number, number>();
  for (let u = 0; u < g.n; u++) compOfGroup.set(lv.group[u], comp[u]);
  const sameComp = (a: number, b: number) => compOfGroup.get(lv.st.group[a]) === compOfGroup.get(lv.st.group[b]);
  for (let rings = 1; rings <= 3 && bad.length; rings++) {
    for (const b of bad) {
      if (!lv.st.members[b].size || (lv.st.hh[b] >= bp.min && lv.st.hh[b] <= bp.max)) continue;
      const hood = gridNeighbourhood(lv.st, [b], rings, sameComp);
      const merged = mergeGroups(g, lv, hood);
      if (merged) lv = merged;
      const finer = uncontract(g, lv, hood);
      if (finer) lv = finer;
      if (merged || finer) repairBand(lv.st, bp);
    }
    bad = badGrids(lv.st, bp);
  }
  return lv;
}

function compoundKey(g: UnitGraph, group: Int32Array, o: ResolvedOptions, extra?: (u: number) => string): Int32Array {
  const tot = new Map<string, number>();
  const k = (u: number) => `${group[u]}|${g.compound[u]}`;
  for (let u = 0; u < g.n; u++) if (g.compound[u] >= 0) tot.set(k(u), (tot.get(k(u)) ?? 0) + g.households[u]);
  const ids = new Map<string, number>();
  const key = new Int32Array(g.n).fill(-1);
  for (let u = 0; u < g.n; u++) {
    if (g.compound[u] < 0 || (tot.get(k(u)) ?? 0) > o.max) continue;
    const s = k(u) + (extra ? '|' + extra(u) : '');
    let id = ids.get(s);
    if (id === undefined) {
      id = ids.size;
      ids.set(s, id);
    }
    key[u] = id;
  }
  return key;
}

function fresh(
  g: UnitGraph,
  group: Int32Array,
  key: Int32Array,
  o: ResolvedOptions,
  bp: Parameters<typeof recursiveBisect>[3],
  onProgress?: ProgressFn,
  sticky?: Int32Array,
  dk = 0,
  pre?: { cg: ReturnType<typeof contractGraph>['cg']; nodeOf: Int32Array },
) {
  const { cg, nodeOf } = pre ?? contractGraph(g, group, key, sticky);
  const sc = new Scratch(cg.n);
  const st = new GridState(cg, sc);
  const byGroup = new Map<number, number[]>();
  for (let c = 0; c < cg.n; c++) {
    let a = byGroup.get(cg.group[c]);
    if (!a) byGroup.set(cg.group[c], (a = []));
    a.push(c);
  }
  let done = 0;
  for (const [gr, nodes] of byGroup) {
    let H = 0;
    for (const c of nodes) H += cg.hh[c];
    let { k } = chooseK(H, o.min, o.max, o.target);
    if (dk) {
      const [lo, hi] = feasibleK(H, o.min, o.max);
      if (k + dk >= lo && k + dk <= hi) k += dk;
    }
    for (const part of recursiveBisect(cg, nodes, k, bp, sc)) {
      const id = st.newGrid(gr);
      for (const c of part) st.move(c, id);
    }
    done += nodes.length;
    onProgress?.(0.1 + 0.6 * (done / cg.n), 'bisecting');
  }
  return { st, nodeOf };
}

function warmStart(g: UnitGraph, comp: Int32Array, prev: Record<string, string>, o: ResolvedOptions, bp: RepairParams, warnings: PartitionWarning[]) {
  const group = comp;
  const prevOf = (u: number) => (Object.prototype.hasOwnProperty.call(prev, g.ids[u]) ? String(prev[g.ids[u]]) : null);
  const key = compoundKey(g, group, o, (u) => prevOf(u) ?? '\u0000new');
  const { cg, nodeOf } = contractGraph(g, group, key);
  const st = new GridState(cg);
  const gridNames: (string | null)[] = [];
  const gridOfName = new Map<string, number>();
  const firstUnit = new Int32Array(cg.n).fill(-1);
  for (let u = 0; u < g.n; u++) if (firstUnit[nodeOf[u]] < 0) firstUnit[nodeOf[u]] = u;
  let unknown = 0;
  for (let c = 0; c < cg.n; c++) {
    const name = prevOf(firstUnit[c]);
    if (name === null) {
      unknown++;
      continue;
    }
    const k = `${cg.group[c]}\u0000${name}`;
    let id = gridOfName.get(k);
    if (id === undefined) {
      id = st.newGrid(cg.group[c]);
      gridOfName.set(k, id);
      gridNames.push(gridNames.includes(name) ? null : name);
    }
    st.move(c, id);
  }
  void unknown;
  const orphans = repairContiguity(st);
  void orphans;
  const left = attachOrphans(st);
  if (left.length) {
    // pieces with no previous grid at all: partition them from scratch
    const sc = st.sc;
    const seen = new Uint8Array(cg.n);
    for (const s of left) {
      if (seen[s]) continue;
      const nodes = [s];
      seen[s] = 1;
      for (let i = 0; i < nodes.length; i++) {
        const u = nodes[i];
        for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
          const v = cg.targets[e];
          if (!seen[v] && st.assign[v] < 0 && cg.group[v] === cg.group[u]) {
            seen[v] = 1;
            nodes.push(v);
          }
        }
      }
      let H = 0;
      for (const c of nodes) H += cg.hh[c];
      for (const part of recursiveBisect(cg, nodes, chooseK(H, o.min, o.max, o.target).k, bp, sc)) {
        const id = st.newGrid(cg.group[s]);
        gridNames.push(null);
        for (const c of part) st.move(c, id);
      }
    }
  }
  repairBand(st, { ...bp, chains: true, repartition: false });
  while (gridNames.length < st.gridCount) gridNames.push(null);
  void warnings;
  return { st, nodeOf, gridNames, key };
}

function finish(
  g: UnitGraph,
  st: GridState,
  nodeOf: Int32Array,
  names: (string | null)[],
  o: ResolvedOptions,
  warnings: PartitionWarning[],
  previous: Record<string, string> | undefined,
  t0: number,
  group0?: Int32Array,
): PartitionResult {
  const gridOf = new Int32Array(g.n);
  for (let u = 0; u < g.n; u++) gridOf[u] = st.assign[nodeOf[u]];
  const checks = checkGrids(g, gridOf);
  const proj = g.projection;
  // name grids: keep previous names, number the rest per sub-district in reading order
  const used = new Set<string>(names.filter((x): x is string => !!x));
  const counters = new Map<string, number>();
  const sdName = (c: (typeof checks)[number]) => (g.subdistrict[c.units[0]] >= 0 ? g.subdistricts[g.subdistrict[c.units[0]]] : 'G');
  const cent = new Map<number, [number, number]>();
  for (const c of checks) {
    let x = 0,
      y = 0,
      w = 0;
    for (const u of c.units) {
      const a = g.area[u] || 1e-9;
      x += g.cx[u] * a;
      y += g.cy[u] * a;
      w += a;
    }
    cent.set(c.grid, [x / w, y / w]);
  }
  const rowH = Math.sqrt(checks.reduce((s, c) => s + c.area, 0) / Math.max(1, checks.length)) || 1;
  const order = [...checks].sort((a, b) => {
    const ca = cent.get(a.grid)!,
      cb = cent.get(b.grid)!;
    return sdName(a).localeCompare(sdName(b)) || Math.floor(-ca[1] / rowH) - Math.floor(-cb[1] / rowH) || ca[0] - cb[0];
  });
  const nameOf = new Map<number, string>();
  for (const c of order) {
    const prevName = names[c.grid];
    if (prevName) {
      nameOf.set(c.grid, prevName);
      continue;
    }
    const sd = sdName(c);
    let n = counters.get(sd) ?? 0,
      id: string;
    do {
      n++;
      id = `${sd}-${String(n).padStart(3, '0')}`;
    } while (used.has(id));
    counters.set(sd, n);
    used.add(id);
    nameOf.set(c.grid, id);
  }
  const assignment: Record<string, string> = {};
  for (let u = 0; u < g.n; u++) assignment[g.ids[u]] = nameOf.get(gridOf[u])!;
  const grids: GridSummary[] = order.map((c) => {
    const comm = new Map<number, number>();
    for (const u of c.units) comm.set(g.community[u], (comm.get(g.community[u]) ?? 0) + g.households[u] + 1e-6);
    let bc = -1,
      bw = -1;
    for (const [k, w] of comm)
      if (w > bw) {
        bw = w;
        bc = k;
      }
    const [x, y] = cent.get(c.grid)!;
    const ll = proj.inverse(x, y);
    return {
      id: nameOf.get(c.grid)!,
      households: c.households,
      units: c.units.map((u) => g.ids[u]),
      subdistrict: g.subdistrict[c.units[0]] >= 0 ? g.subdistricts[g.subdistrict[c.units[0]]] : null,
      community: bc >= 0 ? g.communities[bc] : null,
      area_m2: Math.round(c.area),
      polsby_popper: Number(c.polsbyPopper.toFixed(4)),
      contiguous: c.contiguous,
      in_band: c.households >= o.min && c.households <= o.max,
      centroid: [Number(ll[0].toFixed(6)), Number(ll[1].toFixed(6))],
    };
  });
  for (const gr of grids)
    if (!gr.in_band && !warnings.some((w) => w.units?.some((u) => gr.units.includes(u)))) {
      warnings.push({
        code: 'grid_out_of_band',
        message: `grid ${gr.id} has ${gr.households} households, outside ${o.min}-${o.max}; no contiguous in-band arrangement was found around it. Fix: adjust its units by hand or change --min/--max. Units: ${gr.units.slice(0, 12).join(', ')}${gr.units.length > 12 ? ' …' : ''}`,
        units: gr.units,
        grids: [gr.id],
      });
    }
  splitWarnings(g, gridOf, o, warnings, group0, (x) => nameOf.get(x)!);
  const pps = checks.map((c) => c.polsbyPopper);
  const stats: PartitionResult['stats'] = {
    grids: checks.length,
    in_band: grids.filter((x) => x.in_band).length,
    contiguous: checks.filter((c) => c.contiguous).length,
    polsby_popper_mean: Number((pps.reduce((s, x) => s + x, 0) / Math.max(1, pps.length)).toFixed(4)),
    polsby_popper_min: Number((pps.length ? Math.min(...pps) : 0).toFixed(4)),
    barrier_straddles: checks.filter((c) => c.straddlesBarrier).length,
    ms: Date.now() - t0,
  };
  if (previous) {
    let um = 0,
      hm = 0;
    for (let u = 0; u < g.n; u++) {
      const p = previous[g.ids[u]];
      if (p !== undefined && String(p) !== assignment[g.ids[u]]) {
        um++;
        hm += g.households[u];
      }
    }
    stats.units_moved = um;
    stats.households_moved = hm;
  }
  return { assignment, grids, warnings, stats };
}

/** compounds of ≤ max households spread over several grids; grids spanning communities that were separate groups */
function splitWarnings(
  g: UnitGraph,
  gridOf: Int32Array,
  o: ResolvedOptions,
  warnings: PartitionWarning[],
  group0: Int32Array | undefined,
  name: (grid: number) => string,
) {
  const hh = new Map<number, number>(),
    grids = new Map<number, Set<number>>();
  for (let u = 0; u < g.n; u++) {
    const k = g.compound[u];
    if (k < 0) continue;
    hh.set(k, (hh.get(k) ?? 0) + g.households[u]);
    let s = grids.get(k);
    if (!s) grids.set(k, (s = new Set()));
    s.add(gridOf[u]);
  }
  const split = [...grids].filter(([k, s]) => s.size > 1 && (hh.get(k) ?? 0) <= o.max).map(([k]) => k);
  if (split.length) {
    const units: string[] = [];
    for (let u = 0; u < g.n; u++) if (g.compound[u] >= 0 && split.includes(g.compound[u])) units.push(g.ids[u]);
    const names = split.map((k) => g.compounds[k]);
    warnings.push({
      code: 'compound_split',
      message: `${split.length} compound(s) of at most ${o.max} households are split between grids because the band could not be met with them whole: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ' …' : ''}. Fix: move their buildings into one grid by hand if a neighbouring grid can give up households.`,
      units,
    });
  }
  if (!group0) return;
  // communities that were separate groups but share a grid
  const byGrid = new Map<number, Map<number, number[]>>();
  for (let u = 0; u < g.n; u++) {
    let m = byGrid.get(gridOf[u]);
    if (!m) byGrid.set(gridOf[u], (m = new Map()));
    let a = m.get(group0[u]);
    if (!a) m.set(group0[u], (a = []));
    a.push(u);
  }
  for (const [grid, m] of byGrid) {
    if (m.size <= 1) continue;
    const comms = new Set<string>();
    const units: string[] = [];
    for (const us of m.values())
      for (const u of us) {
        units.push(g.ids[u]);
        if (g.community[u] >= 0) comms.add(g.communities[g.community[u]]);
      }
    warnings.push({
      code: 'community_split',
      message: `grid ${name(grid)} spans communities ${[...comms].join(', ')}: no in-band grids were found with the community boundary kept here. Fix: adjust the boundary by hand or change --min/--max.`,
      units,
      grids: [name(grid)],
    });
  }
}
