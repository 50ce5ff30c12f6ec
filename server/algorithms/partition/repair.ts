/**
 * Band repair: move boundary nodes, merge and split grids until every grid's households are in
 * [min, max] wherever the graph allows it. Moves as little as possible (warm starts rely on it).
 * Pure, no I/O.
 */
import { chooseK, feasibleK, recursiveBisect, type BisectParams } from './bisect';
import type { GridState } from './state';
import { ejectionChain } from './chain';

export interface RepairParams extends BisectParams {
  maxRounds?: number;
  /** pass households along chains of grids when no single move fixes a grid (default false) */
  chains?: boolean;
  /**
   * grids already changed (warm starts): single moves prefer them as partners, so that fewer grids
   * change; updated with every grid a move or chain touches
   */
  touched?: Set<number>;
  /** re-bisect the neighbourhood of grids that moves and chains cannot fix (default true) */
  repartition?: boolean;
}

export function repairContiguity(st: GridState): number[] {
  // keep each grid's heaviest component; return the orphaned nodes (unassigned)
  const orphans: number[] = [];
  for (let g = 0; g < st.gridCount; g++) {
    if (st.members[g].size <= 1) continue;
    const comps = st.components(g);
    if (comps.length <= 1) continue;
    let bi = 0,
      bw = -1;
    comps.forEach((c, i) => {
      let w = 0;
      for (const u of c) w += st.cg.hh[u] + 1e-6;
      if (w > bw) {
        bw = w;
        bi = i;
      }
    });
    comps.forEach((c, i) => {
      if (i !== bi)
        for (const u of c) {
          st.move(u, -1);
          orphans.push(u);
        }
    });
  }
  return orphans;
}

/** attach unassigned nodes to the adjacent grid of their group they share most boundary with */
export function attachOrphans(st: GridState): number[] {
  const cg = st.cg;
  let pending: number[] = [];
  for (let u = 0; u < cg.n; u++) if (st.assign[u] < 0) pending.push(u);
  for (let round = 0; pending.length && round < cg.n; round++) {
    const next: number[] = [];
    const choices: [number, number][] = [];
    for (const u of pending) {
      let best = -1,
        bestL = -1;
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
        const h = st.assign[cg.targets[e]];
        if (h < 0 || st.group[h] !== cg.group[u]) continue;
        const [L] = st.linkTo(u, h);
        if (L > bestL || (L === bestL && st.hh[h] < st.hh[best])) {
          bestL = L;
          best = h;
        }
      }
      if (best >= 0) choices.push([u, best]);
      else next.push(u);
    }
    if (!choices.length) break;
    for (const [u, h] of choices) st.move(u, h);
    pending = next;
  }
  return pending;
}

function splitGrid(st: GridState, g: number, k: number, p: BisectParams): number[] | null {
  const nodes = [...st.members[g]];
  const parts = recursiveBisect(st.cg, nodes, k, p, st.sc);
  const sums = parts.map((part) => part.reduce((s, u) => s + st.cg.hh[u], 0));
  if (parts.length < 2 || sums.some((h) => h < p.min || h > p.max)) return null;
  const ids = [g];
  for (let i = 1; i < parts.length; i++) {
    const ng = st.newGrid(st.group[g]);
    ids.push(ng);
    for (const u of parts[i]) st.move(u, ng);
  }
  return ids;
}

const inBand = (h: number, p: RepairParams) => h >= p.min && h <= p.max;
/** extra score for a partner grid that no repair has changed yet (warm starts) */
const fresh = (p: RepairParams, h: number) => (p.touched && !p.touched.has(h) ? p.target : 0);
function moveTouch(st: GridState, u: number, h: number, p: RepairParams) {
  if (p.touched) {
    p.touched.add(st.assign[u]);
    p.touched.add(h);
  }
  st.move(u, h);
}

/** One repair step for grid g; returns true when something changed. */
function repairOne(st: GridState, g: number, p: RepairParams): boolean {
  const cg = st.cg;
  const hg = st.hh[g];
  if (hg > p.max) {
    // push a boundary node to a neighbour with room
    let best: [number, number, number] | null = null;
    for (const u of st.boundary(g)) {
      const hu = cg.hh[u];
      if (hu <= 0) continue; // moving an empty node changes a grid and fixes nothing
      for (const h of st.neighbourGrids(u)) {
        if (st.hh[h] + hu > p.max) continue;
        const after = hg - hu;
        const score = Math.abs(after - p.target) + (after < p.min ? 1e6 : 0) + Math.abs(st.hh[h] + hu - p.target) * 0.5 + fresh(p, h);
        if (!best || score < best[2]) {
          if (!st.canLeave(u)) continue;
          best = [u, h, score];
        }
      }
    }
    if (best && hg - cg.hh[best[0]] >= p.min) {
      moveTouch(st, best[0], best[1], p);
      return true;
    }
    if (p.chains && ejectionChain(st, g, p)) return true;
    const k = Math.max(2, Math.round(hg / p.target));
    if (hg >= 2 * p.min && st.members[g].size > 1 && splitGrid(st, g, Math.min(k, Math.floor(hg / p.min)), p)) return true;
    if (best) {
      moveTouch(st, best[0], best[1], p);
      return true;
    }
    return false;
  }
  if (hg < p.min) {
    // pull a node from a neighbour that can spare it
    let best: [number, number, number] | null = null;
    const seen = new Set<number>();
    for (const u of st.boundary(g)) {
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
        const v = cg.targets[e];
        const h = st.assign[v];
        if (h < 0 || h === g || st.group[h] !== st.group[g] || seen.has(v)) continue;
        seen.add(v);
        const hv = cg.hh[v];
        if (hv === 0 || st.hh[h] - hv < p.min || hg + hv > p.max) continue;
        const score = Math.abs(hg + hv - p.target) + Math.abs(st.hh[h] - hv - p.target) * 0.5 + fresh(p, h);
        if (!best || score < best[2]) {
          if (!st.canLeave(v)) continue;
          best = [v, g, score];
        }
      }
    }
    if (best) {
      moveTouch(st, best[0], best[1], p);
      return true;
    }
    if (p.chains && ejectionChain(st, g, p)) return true;
    // merge with a neighbour (then split again when too big)
    const nbrs = new Set<number>();
    for (const u of st.boundary(g)) for (const h of st.neighbourGrids(u)) nbrs.add(h);
    let mh = -1,
      ms = Infinity;
    for (const h of nbrs) {
      const sum = hg + st.hh[h];
      const score = sum <= p.max ? Math.abs(sum - p.target) : sum >= 2 * p.min ? 1e5 + Math.abs(sum / 2 - p.target) : 1e9;
      if (score < ms) {
        ms = score;
        mh = h;
      }
    }
    if (mh < 0 || ms >= 1e9) return false;
    const mine = [...st.members[g]];
    for (const u of mine) st.move(u, mh);
    const sum = st.hh[mh];
    if (sum > p.max && !splitGrid(st, mh, Math.max(2, Math.min(Math.floor(sum / p.min), Math.round(sum / p.target))), p)) {
      for (const u of mine) st.move(u, g); // revert: no in-band split of the union
      return false;
    }
    return true;
  }
  return false;
}

/** Repair until every grid is in band or no step helps; returns the grids still out of band. */
export function repairBand(st: GridState, p: RepairParams): number[] {
  const maxRounds = p.maxRounds ?? 50;
  const attempts = new Map<number, number>();
  for (let round = 0; round < maxRounds; round++) {
    let changed = false;
    const G = st.gridCount;
    for (let g = 0; g < G; g++) {
      if (!st.members[g].size || inBand(st.hh[g], p)) continue;
      const a = attempts.get(g) ?? 0;
      if (a > 200) continue;
      attempts.set(g, a + 1);
      if (repairOne(st, g, p)) changed = true;
    }
    if (!changed) break;
  }
  let bad: number[] = [];
  for (let g = 0; g < st.gridCount; g++) if (st.members[g].size && !inBand(st.hh[g], p)) bad.push(g);
  // fallback: re-partition the neighbourhood of each remaining bad grid (1 then 2 rings)
  if (p.repartition !== false)
    for (const g of bad) {
      if (!st.members[g].size || inBand(st.hh[g], p)) continue;
      let ok = false;
      // first with the neighbourhood's grid count kept (wider rings), then with a count of its own
      for (const changeCount of [false, true])
        for (let rings = 1; rings <= 4 && !ok; rings++)
          for (let attempt = 0; attempt < 4 && !ok; attempt++) ok = repartitionNeighbourhood(st, g, rings, p, changeCount);
    }
  bad = [];
  for (let g = 0; g < st.gridCount; g++) if (st.members[g].size && !inBand(st.hh[g], p)) bad.push(g);
  return bad;
}

/**
 * Re-bisect grid g together with its neighbours up to `rings` away; keep only when all in band.
 * The neighbourhood keeps its grid count when that count can be in band; otherwise it gets the
 * count closest to the target, or (changeCount false) the attempt fails.
 */
export function repartitionNeighbourhood(st: GridState, g: number, rings: number, p: BisectParams, changeCount = true): boolean {
  let grids = new Set<number>([g]);
  for (let r = 0; r < rings; r++) {
    const next = new Set(grids);
    for (const x of grids) for (const u of st.boundary(x)) for (const h of st.neighbourGrids(u)) next.add(h);
    grids = next;
  }
  const ids = [...grids].sort((a, b) => a - b);
  const nodes = ids.flatMap((x) => [...st.members[x]]);
  let H = 0;
  for (const u of nodes) H += st.cg.hh[u];
  // keep the neighbourhood's grid count when it can be in band (the group's count was chosen for the target)
  const [kLo, kHi] = feasibleK(H, p.min, p.max);
  if (kLo > kHi) return false;
  const keep = ids.length >= kLo && ids.length <= kHi;
  if (!keep && !changeCount) return false;
  const k = keep ? ids.length : chooseK(H, p.min, p.max, p.target).k;
  const parts = recursiveBisect(st.cg, nodes, k, p, st.sc);
  if (
    parts.length !== k ||
    parts.some((part) => {
      const h = part.reduce((s, u) => s + st.cg.hh[u], 0);
      return h < p.min || h > p.max;
    })
  )
    return false;
  // keep ids stable: give each part the old grid it overlaps most
  const before = new Map<number, number>(nodes.map((u) => [u, st.assign[u]]));
  const free = new Set(ids);
  const order = parts.map((part, i) => {
    const cnt = new Map<number, number>();
    for (const u of part) cnt.set(before.get(u)!, (cnt.get(before.get(u)!) ?? 0) + 1);
    return { i, cnt };
  });
  const target: number[] = new Array(parts.length).fill(-1);
  const pairs: [number, number, number][] = [];
  for (const { i, cnt } of order) for (const [gid, c] of cnt) pairs.push([c, i, gid]);
  pairs.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  for (const [, i, gid] of pairs)
    if (target[i] < 0 && free.has(gid)) {
      target[i] = gid;
      free.delete(gid);
    }
  parts.forEach((part, i) => {
    if (target[i] < 0) target[i] = free.size ? [...free].shift()! : st.newGrid(st.group[g]);
    free.delete(target[i]);
    for (const u of part) st.move(u, target[i]);
  });
  return true;
}
