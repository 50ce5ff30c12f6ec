/**
 * Recursive bisection of a connected region of the coarse graph into k contiguous parts with
 * balanced households. Each bisection tries several sweep directions (a straight cut, which is
 * compact), repairs contiguity, rebalances into a household window, then refines the cut greedily
 * (Fiduccia-Mattheyses style, positive-gain moves) so that it slides onto major streets, rail and
 * water, which are cheap to cut. Pure, no I/O.
 */
import type { CGraph } from './contract';

export interface BisectParams {
  min: number;
  max: number;
  target: number;
  rng: () => number;
  /** number of sweep directions per bisection (default 6) */
  angles?: number;
  /** FM refinement passes (default 4) */
  passes?: number;
}

/** Scratch arrays shared across calls (size of the coarse graph). */
export class Scratch {
  region: Int32Array;
  side: Uint8Array;
  seen: Int32Array;
  mark: Int32Array;
  stamp = 0;
  seenStamp = 0;
  queue: Int32Array;
  keys: Float64Array;
  constructor(n: number) {
    this.keys = new Float64Array(n);
    this.region = new Int32Array(n);
    this.side = new Uint8Array(n);
    this.seen = new Int32Array(n);
    this.mark = new Int32Array(n);
    this.queue = new Int32Array(n);
  }
}

/** Feasible grid counts for a region of H households: [ceil(H/max), floor(H/min)] (may be empty). */
export function feasibleK(H: number, min: number, max: number): [number, number] {
  return [Math.max(1, Math.ceil(H / max - 1e-9)), Math.floor(H / min + 1e-9)];
}

/** Grid count closest to H/target inside the feasible range (best effort when it is empty). */
export function chooseK(H: number, min: number, max: number, target: number): { k: number; feasible: boolean } {
  const [lo, hi] = feasibleK(H, min, max);
  const ideal = Math.max(1, Math.round(H / target));
  if (lo <= hi) return { k: Math.min(hi, Math.max(lo, ideal)), feasible: true };
  return { k: ideal, feasible: false };
}

/**
 * Split `nodes` (connected) into k parts. Returns the parts as arrays of coarse node ids.
 */
export function recursiveBisect(cg: CGraph, nodes: number[], k: number, p: BisectParams, sc: Scratch): number[][] {
  const out: number[][] = [];
  const stack: [number[], number][] = [[nodes, k]];
  while (stack.length) {
    const [ns, kk] = stack.pop()!;
    if (kk <= 1 || ns.length <= 1) {
      out.push(ns);
      continue;
    }
    const [a, b, ka, kb] = bisectOnce(cg, ns, kk, p, sc);
    if (!a.length || !b.length) {
      out.push(ns);
      continue;
    }
    stack.push([b, kb], [a, ka]);
  }
  return out;
}

function bisectOnce(cg: CGraph, nodes: number[], k: number, p: BisectParams, sc: Scratch): [number[], number[], number, number] {
  const { offsets, targets, hh, cutW } = cg;
  const stamp = ++sc.stamp;
  let H = 0;
  for (const u of nodes) {
    sc.region[u] = stamp;
    H += hh[u];
  }
  const ax = principalAxes(cg, nodes);
  const ka = splitCount(ax.elongation, k),
    kb = k - ka;
  const angles = p.angles ?? 6;
  // two sweeps along the region's principal axes (a straight cut across its length or width), the
  // others evenly spread from a random offset (re-bisections of the same region explore new cuts)
  const theta0 = (p.rng() * Math.PI) / Math.max(1, angles - 2);
  const angleOf = (ai: number) =>
    ai < 2 && angles >= 4 ? ax.angle + (ai * Math.PI) / 2 : theta0 + ((ai - (angles >= 4 ? 2 : 0)) * Math.PI) / Math.max(1, angles - (angles >= 4 ? 2 : 0));
  const keys = sc.keys;
  let best: { side: Uint8Array; cost: number; hA: number; ok: boolean } | null = null;
  const m = nodes.length;
  const idx = new Int32Array(m);
  const flips = ka === kb ? [false] : [false, true];
  for (let ai = 0; ai < angles; ai++) {
    const th = angleOf(ai);
    const c = Math.cos(th),
      s = Math.sin(th);
    for (const u of nodes) keys[u] = cg.cx[u] * c + cg.cy[u] * s;
    for (let i = 0; i < m; i++) idx[i] = nodes[i];
    sortByKey(idx, keys);
    for (const flip of flips) {
      // side 1 = prefix part with kp grids
      const kp = flip ? kb : ka,
        kq = k - kp;
      const tP = (H * kp) / k;
      const hardLo = Math.max(kp * p.min, H - kq * p.max),
        hardHi = Math.min(kp * p.max, H - kq * p.min);
      const delta = 0.07 * p.target * Math.max(1, Math.sqrt(Math.min(kp, kq)));
      let lo = Math.max(hardLo, tP - delta),
        hi = Math.min(hardHi, tP + delta);
      if (lo > hi) {
        lo = Math.min(hardLo, tP);
        hi = Math.max(hardHi, tP);
      }
      let cum = 0;
      for (const u of nodes) sc.side[u] = 0;
      for (let i = 0; i < m; i++) {
        const u = idx[i];
        if (cum + hh[u] / 2 > tP && cum > 0) break;
        sc.side[u] = 1;
        cum += hh[u];
      }
      fixContiguity(cg, nodes, sc, stamp);
      let hP = 0;
      for (const u of nodes) if (sc.side[u]) hP += hh[u];
      hP = rebalance(cg, idx, sc, stamp, hP, lo, hi, tP);
      if (hP < lo || hP > hi) hP = rebalance(cg, idx, sc, stamp, hP, Math.min(hardLo, hardHi), Math.max(hardLo, hardHi), tP);
      hP = refine(cg, nodes, sc, stamp, hP, Math.min(lo, hi), Math.max(lo, hi), p.passes ?? 4);
      let cost = 0,
        nP = 0;
      for (const u of nodes) {
        if (sc.side[u]) nP++;
        for (let e = offsets[u]; e < offsets[u + 1]; e++) {
          const v = targets[e];
          if (sc.region[v] === stamp && sc.side[v] !== sc.side[u]) cost += cutW[e];
        }
      }
      cost /= 2;
      const ok = hP >= hardLo - 1e-9 && hP <= hardHi + 1e-9 && nP > 0 && nP < m;
      const dev = Math.abs(hP - tP) / Math.max(1, p.target);
      const score = (ok ? 0 : 1e15) + cost * (1 + 0.5 * dev);
      if (!best || score < best.cost) {
        const side = new Uint8Array(m);
        for (let i = 0; i < m; i++) side[i] = flip ? 1 - sc.side[nodes[i]] : sc.side[nodes[i]];
        best = { side, cost: score, hA: flip ? H - hP : hP, ok };
      }
    }
  }
  if (!best!.ok && m <= 300) {
    const g = growCandidates(cg, nodes, k, ka, p, sc, stamp, keys);
    if (g) best = g;
  }
  const A: number[] = [],
    B: number[] = [];
  for (let i = 0; i < m; i++) (best!.side[i] ? A : B).push(nodes[i]);
  return [A, B, ka, kb];
}

/**
 * Grids on the first side of a cut of a region into k grids. Halving k (4 + 5 of 9) forces
 * staircase cuts and long grids on a square region; square-ish grids need the cuts between strips:
 * a region s times longer than wide holds about √(k·s) strips of square grids across its length,
 * so the first cut takes ⌊strips / 2⌋ of them (9 on a square: 3 strips, cut 3 + 6). The region's
 * length and width come from the principal axes of its nodes' area-weighted centroids.
 */
export function splitCount(elongation: number, k: number): number {
  if (k <= 3) return Math.floor(k / 2);
  const strips = Math.min(k, Math.max(1, Math.round(Math.sqrt(k * elongation))));
  if (strips < 2) return Math.floor(k / 2);
  const ka = Math.round((k * Math.floor(strips / 2)) / strips);
  return Math.min(k - 1, Math.max(1, ka));
}

/** direction (radians) of the long principal axis of the nodes' area-weighted centroids, and length ÷ width */
export function principalAxes(cg: CGraph, nodes: number[]): { angle: number; elongation: number } {
  let A = 0,
    mx = 0,
    my = 0;
  for (const u of nodes) {
    const a = cg.area[u] + 1e-9;
    A += a;
    mx += a * cg.cx[u];
    my += a * cg.cy[u];
  }
  mx /= A;
  my /= A;
  let sxx = 0,
    syy = 0,
    sxy = 0;
  for (const u of nodes) {
    const a = cg.area[u] + 1e-9,
      dx = cg.cx[u] - mx,
      dy = cg.cy[u] - my;
    sxx += a * dx * dx;
    syy += a * dy * dy;
    sxy += a * dx * dy;
  }
  const tr = sxx + syy,
    det = sxx * syy - sxy * sxy;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = tr / 2 + disc,
    l2 = Math.max(tr / 2 - disc, 1e-9 * (l1 + 1e-9));
  return { angle: 0.5 * Math.atan2(2 * sxy, sxx - syy), elongation: Math.sqrt(l1 / l2) };
}

/**
 * Fallback for coarse regions where sweeps fail: grow a connected side from many seeds, always
 * adding the frontier node that keeps it closest to its target, and keep the first in-range result
 * whose complement is connected.
 */
function growCandidates(cg: CGraph, nodes: number[], k: number, ka: number, p: BisectParams, sc: Scratch, stamp: number, keys: Float64Array) {
  const m = nodes.length;
  let H = 0;
  for (const u of nodes) H += cg.hh[u];
  const kb = k - ka;
  const hardLo = Math.max(ka * p.min, H - kb * p.max),
    hardHi = Math.min(ka * p.max, H - kb * p.min);
  if (hardLo > hardHi) return null;
  const tA = (H * ka) / k;
  const seeds = [...nodes].sort((x, y) => keys[x] - keys[y] || x - y);
  const step = Math.max(1, Math.floor(m / 40));
  let best: { side: Uint8Array; cost: number; hA: number; ok: boolean } | null = null;
  for (let si = 0; si < m; si += step) {
    for (const u of nodes) sc.side[u] = 0;
    const s0 = seeds[si];
    sc.side[s0] = 1;
    let hA = cg.hh[s0];
    for (let guard = 0; guard < m && hA < hardLo; guard++) {
      let pick = -1,
        pd = Infinity;
      for (const u of nodes) {
        if (sc.side[u]) continue;
        let adj = false;
        for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++)
          if (sc.region[cg.targets[e]] === stamp && sc.side[cg.targets[e]]) {
            adj = true;
            break;
          }
        if (!adj) continue;
        const d = Math.abs(hA + cg.hh[u] - tA);
        if (d < pd) {
          pd = d;
          pick = u;
        }
      }
      if (pick < 0) break;
      sc.side[pick] = 1;
      hA += cg.hh[pick];
    }
    if (hA < hardLo || hA > hardHi) continue;
    // complement connected?
    const st = ++sc.seenStamp;
    let start = -1,
      nB = 0;
    for (const u of nodes)
      if (!sc.side[u]) {
        nB++;
        if (start < 0) start = u;
      }
    if (start < 0) continue;
    const q = [start];
    sc.seen[start] = st;
    for (let i = 0; i < q.length; i++) {
      const u = q[i];
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
        const v = cg.targets[e];
        if (sc.region[v] === stamp && !sc.side[v] && sc.seen[v] !== st) {
          sc.seen[v] = st;
          q.push(v);
        }
      }
    }
    if (q.length !== nB) continue;
    let cost = 0;
    for (const u of nodes)
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
        const v = cg.targets[e];
        if (sc.region[v] === stamp && sc.side[v] !== sc.side[u]) cost += cg.cutW[e];
      }
    if (!best || cost < best.cost) {
      const side = new Uint8Array(m);
      for (let i = 0; i < m; i++) side[i] = sc.side[nodes[i]];
      best = { side, cost, hA, ok: true };
    }
  }
  return best;
}

/** BFS component labelling inside the region for one side; keep the heaviest component. */
function fixContiguity(cg: CGraph, nodes: number[], sc: Scratch, stamp: number) {
  for (const want of [1, 0]) {
    const comps: number[][] = [];
    const st = ++sc.seenStamp;
    for (const s of nodes) {
      if (sc.side[s] !== want || sc.seen[s] === st) continue;
      const comp: number[] = [s];
      sc.seen[s] = st;
      for (let qi = 0; qi < comp.length; qi++) {
        const u = comp[qi];
        for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
          const v = cg.targets[e];
          if (sc.region[v] === stamp && sc.side[v] === want && sc.seen[v] !== st) {
            sc.seen[v] = st;
            comp.push(v);
          }
        }
      }
      comps.push(comp);
    }
    if (comps.length <= 1) continue;
    let bi = 0,
      bw = -1;
    comps.forEach((c, i) => {
      let w = 0;
      for (const u of c) w += cg.hh[u] + 1e-6;
      if (w > bw) {
        bw = w;
        bi = i;
      }
    });
    comps.forEach((c, i) => {
      if (i !== bi) for (const u of c) sc.side[u] = 1 - want;
    });
  }
}

/** Can u leave its side without disconnecting it? Bounded local BFS (conservative: false when unsure). */
export function removable(cg: CGraph, u: number, inSide: (v: number) => boolean, sc: Scratch, limit = 400): boolean {
  const st = ++sc.seenStamp;
  let need = 0,
    first = -1;
  for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
    const v = cg.targets[e];
    if (inSide(v) && sc.mark[v] !== st) {
      sc.mark[v] = st;
      need++;
      if (first < 0) first = v;
    }
  }
  if (need === 0) return false; // u alone: leaving would empty the side
  if (need === 1) return true;
  const q = sc.queue;
  let head = 0,
    tail = 0,
    found = 1;
  q[tail++] = first;
  sc.seen[first] = st;
  sc.seen[u] = st;
  while (head < tail && tail < limit) {
    const x = q[head++];
    for (let e = cg.offsets[x]; e < cg.offsets[x + 1]; e++) {
      const v = cg.targets[e];
      if (sc.seen[v] === st || !inSide(v)) continue;
      sc.seen[v] = st;
      if (sc.mark[v] === st && ++found === need) return true;
      q[tail++] = v;
    }
  }
  return found === need;
}

function rebalance(cg: CGraph, idx: Int32Array, sc: Scratch, stamp: number, hP: number, lo: number, hi: number, tP: number): number {
  const m = idx.length;
  for (let round = 0; round < 50 && (hP < lo || hP > hi); round++) {
    let moved = false;
    if (hP < lo) {
      // grow side 1 along the sweep order from the cut
      for (let i = 0; i < m && hP < lo; i++) {
        const u = idx[i];
        if (sc.side[u]) continue;
        if (hP + cg.hh[u] > hi && hP + cg.hh[u] - tP > tP - hP) continue;
        if (!touches(cg, u, sc, stamp, 1)) continue;
        if (!removable(cg, u, (v) => sc.region[v] === stamp && sc.side[v] === 0, sc)) continue;
        sc.side[u] = 1;
        hP += cg.hh[u];
        moved = true;
      }
    } else {
      for (let i = m - 1; i >= 0 && hP > hi; i--) {
        const u = idx[i];
        if (!sc.side[u]) continue;
        if (hP - cg.hh[u] < lo && tP - (hP - cg.hh[u]) > hP - tP) continue;
        if (!touches(cg, u, sc, stamp, 0)) continue;
        if (!removable(cg, u, (v) => sc.region[v] === stamp && sc.side[v] === 1, sc)) continue;
        sc.side[u] = 0;
        hP -= cg.hh[u];
        moved = true;
      }
    }
    if (!moved) break;
  }
  return hP;
}

function touches(cg: CGraph, u: number, sc: Scratch, stamp: number, side: number): boolean {
  for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
    const v = cg.targets[e];
    if (sc.region[v] === stamp && sc.side[v] === side) return true;
  }
  return false;
}

function refine(cg: CGraph, nodes: number[], sc: Scratch, stamp: number, hP: number, lo: number, hi: number, passes: number): number {
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    for (const u of nodes) {
      const su = sc.side[u];
      let wSame = 0,
        wOther = 0;
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
        const v = cg.targets[e];
        if (sc.region[v] !== stamp) continue;
        if (sc.side[v] === su) wSame += cg.cutW[e];
        else wOther += cg.cutW[e];
      }
      if (wOther <= 0 || wSame - wOther >= -1e-9) continue;
      const nh = su ? hP - cg.hh[u] : hP + cg.hh[u];
      if (nh < lo || nh > hi) continue;
      if (!removable(cg, u, (v) => sc.region[v] === stamp && sc.side[v] === su, sc)) continue;
      sc.side[u] = 1 - su;
      hP = nh;
      improved = true;
    }
    if (!improved) break;
  }
  return hP;
}

// radix-sort buffers, grown on demand (the engine is single-threaded per worker)
let rKey = new Uint32Array(0),
  rKey2 = new Uint32Array(0),
  rIdx2 = new Int32Array(0),
  rPos = new Int32Array(0);
const rCount = new Uint32Array(2048);
const f32 = new Float32Array(1),
  u32 = new Uint32Array(f32.buffer);

/**
 * Sort node ids by keys[id] ascending (keys compared as float32), stable: ties keep the input order.
 * Insertion sort when short, comparison sort up to 1,500 nodes, LSD radix sort (11 + 11 + 10 bits)
 * above (the sweep orders of the first bisections of a large group).
 */
export function sortByKey(idx: Int32Array, keys: Float64Array): void {
  const m = idx.length;
  if (m < 48) {
    for (let i = 1; i < m; i++) {
      const v = idx[i];
      f32[0] = keys[v];
      const kv = f32[0];
      let j = i - 1;
      while (j >= 0) {
        f32[0] = keys[idx[j]];
        if (f32[0] <= kv) break;
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = v;
    }
    return;
  }
  if (m < 1500) {
    // comparison sort (the radix passes' fixed cost of 3 × 2048 buckets does not pay off here)
    if (rPos.length < keys.length) rPos = new Int32Array(keys.length);
    for (let i = 0; i < m; i++) rPos[idx[i]] = i;
    idx.sort((x, y) => Math.fround(keys[x]) - Math.fround(keys[y]) || rPos[x] - rPos[y]);
    return;
  }
  if (rKey.length < m) {
    rKey = new Uint32Array(m);
    rKey2 = new Uint32Array(m);
    rIdx2 = new Int32Array(m);
  }
  for (let i = 0; i < m; i++) {
    f32[0] = keys[idx[i]] + 0; // −0 → +0
    const b = u32[0];
    rKey[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0; // order-preserving map of float bits
  }
  let ka = rKey,
    kb = rKey2,
    ia: Int32Array<ArrayBufferLike> = idx,
    ib: Int32Array<ArrayBufferLike> = rIdx2;
  for (const [shift, bits] of [
    [0, 11],
    [11, 11],
    [22, 10],
  ] as const) {
    const mask = (1 << bits) - 1;
    rCount.fill(0, 0, mask + 1);
    for (let i = 0; i < m; i++) rCount[(ka[i] >>> shift) & mask]++;
    let sum = 0;
    for (let b = 0; b <= mask; b++) {
      const c = rCount[b];
      rCount[b] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const d = rCount[(ka[i] >>> shift) & mask]++;
      kb[d] = ka[i];
      ib[d] = ia[i];
    }
    [ka, kb] = [kb, ka];
    [ia, ib] = [ib, ia];
  }
  // three passes: the result is in the scratch buffer
  if (ia !== idx) idx.set(ia.subarray(0, m));
}
