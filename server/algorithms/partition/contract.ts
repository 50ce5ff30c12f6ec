/**
 * Contract units into super-units (e.g. compound pieces that should not be split) and produce the
 * coarse graph the partition works on. Pure, no I/O.
 */
import { isHardBarrier, EDGE_MINOR } from './types';
import type { UnitGraph } from './graph';

export interface CGraph {
  n: number;
  hh: Float64Array;
  area: Float64Array;
  perim: Float64Array;
  cx: Float64Array;
  cy: Float64Array;
  offsets: Int32Array;
  targets: Int32Array;
  /** shared boundary length, of which along major/rail/water, of which along minor streets */
  len: Float64Array;
  hardLen: Float64Array;
  minorLen: Float64Array;
  /** bisection cut weight of each CSR edge (cheap along streets) */
  cutW: Float64Array;
  /** partition group (grids never mix groups) */
  group: Int32Array;
  memberOff: Int32Array;
  members: Int32Array;
}

export const CUT_FACTOR_NONE = 1,
  CUT_FACTOR_MINOR = 0.55,
  CUT_FACTOR_HARD = 0.08;

class UnionFind {
  p: Int32Array;
  constructor(n: number) {
    this.p = new Int32Array(n);
    for (let i = 0; i < n; i++) this.p[i] = i;
  }
  find(x: number): number {
    while (this.p[x] !== x) {
      this.p[x] = this.p[this.p[x]];
      x = this.p[x];
    }
    return x;
  }
  union(a: number, b: number) {
    a = this.find(a);
    b = this.find(b);
    if (a !== b) this.p[Math.max(a, b)] = Math.min(a, b);
  }
}

/**
 * @param group  group of every unit (units with group < 0 are left out of the coarse graph)
 * @param key    contraction key per unit (-1 = keep alone); connected units sharing group and key merge
 * @param sticky optional key per unit (-1 = none): edges between units sharing it cost `stickyFactor`
 *               times more to cut (bisection avoids cutting compounds it is not told to keep whole)
 * @returns the coarse graph and nodeOf[unit] (-1 for excluded units)
 */
export function contractGraph(g: UnitGraph, group: Int32Array, key: Int32Array, sticky?: Int32Array, stickyFactor = 4): { cg: CGraph; nodeOf: Int32Array } {
  const n = g.n;
  const uf = new UnionFind(n);
  for (let u = 0; u < n; u++) {
    if (key[u] < 0 || group[u] < 0) continue;
    for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
      const v = g.targets[e];
      if (v > u && key[v] === key[u] && group[v] === group[u]) uf.union(u, v);
    }
  }
  const nodeOf = new Int32Array(n).fill(-1);
  const rootNode = new Int32Array(n).fill(-1);
  let N = 0;
  for (let u = 0; u < n; u++) {
    if (group[u] < 0) continue;
    const r = uf.find(u);
    if (rootNode[r] < 0) rootNode[r] = N++;
    nodeOf[u] = rootNode[r];
  }
  const hh = new Float64Array(N),
    area = new Float64Array(N),
    perim = new Float64Array(N);
  const cx = new Float64Array(N),
    cy = new Float64Array(N),
    grp = new Int32Array(N);
  const cnt = new Int32Array(N + 1);
  for (let u = 0; u < n; u++) {
    const c = nodeOf[u];
    if (c < 0) continue;
    hh[c] += g.households[u];
    area[c] += g.area[u];
    perim[c] += g.perimeter[u];
    const w = g.area[u] > 0 ? g.area[u] : 1e-9;
    cx[c] += g.cx[u] * w;
    cy[c] += g.cy[u] * w;
    grp[c] = group[u];
    cnt[c + 1]++;
  }
  const wsum = new Float64Array(N);
  for (let u = 0; u < n; u++) {
    const c = nodeOf[u];
    if (c >= 0) wsum[c] += g.area[u] > 0 ? g.area[u] : 1e-9;
  }
  for (let c = 0; c < N; c++) {
    cx[c] /= wsum[c];
    cy[c] /= wsum[c];
  }
  const memberOff = new Int32Array(N + 1);
  for (let c = 0; c < N; c++) memberOff[c + 1] = memberOff[c] + cnt[c + 1];
  const members = new Int32Array(memberOff[N]);
  const fill = memberOff.slice(0, N);
  for (let u = 0; u < n; u++) {
    const c = nodeOf[u];
    if (c >= 0) members[fill[c]++] = u;
  }

  // aggregate edges
  const stamp = new Int32Array(N).fill(-1),
    slot = new Int32Array(N);
  const offs = new Int32Array(N + 1);
  const T: number[] = [],
    L: number[] = [],
    HL: number[] = [],
    ML: number[] = [],
    SL: number[] = [];
  for (let c = 0; c < N; c++) {
    const start = T.length;
    for (let m = memberOff[c]; m < memberOff[c + 1]; m++) {
      const u = members[m];
      for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
        const d = nodeOf[g.targets[e]];
        if (d < 0) continue;
        if (d === c) {
          perim[c] -= g.edgeLen[e];
          continue;
        } // internal: counted from both sides → -2·len overall
        if (stamp[d] !== c) {
          stamp[d] = c;
          slot[d] = T.length;
          T.push(d);
          L.push(0);
          HL.push(0);
          ML.push(0);
          SL.push(0);
        }
        const s = slot[d];
        L[s] += g.edgeLen[e];
        if (sticky && sticky[u] >= 0 && sticky[u] === sticky[g.targets[e]]) SL[s] += g.edgeLen[e];
        if (isHardBarrier(g.edgeClass[e])) HL[s] += g.edgeLen[e];
        else if (g.edgeClass[e] === EDGE_MINOR) ML[s] += g.edgeLen[e];
      }
    }
    offs[c + 1] = T.length;
    void start;
  }
  const len = Float64Array.from(L),
    hardLen = Float64Array.from(HL),
    minorLen = Float64Array.from(ML);
  const cutW = new Float64Array(len.length);
  for (let e = 0; e < len.length; e++) {
    cutW[e] =
      (len[e] - hardLen[e] - minorLen[e]) * CUT_FACTOR_NONE + minorLen[e] * CUT_FACTOR_MINOR + hardLen[e] * CUT_FACTOR_HARD + SL[e] * (stickyFactor - 1);
  }
  return {
    cg: { n: N, hh, area, perim, cx, cy, offsets: offs, targets: Int32Array.from(T), len, hardLen, minorLen, cutW, group: grp, memberOff, members },
    nodeOf,
  };
}
