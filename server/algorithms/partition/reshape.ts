/**
 * Shape pass for compactness: re-split the union of two adjacent grids of the same group by
 * growing one side from many seeds (compact growth: the frontier node nearest the growing side's
 * centroid, or nearest the seed), and keep the split with the lowest summed penalty when both
 * halves are in band and contiguous, no more grids straddle a major street / rail / water, and the
 * penalty drops. Unlike the sweep bisection this explores many discrete cuts, which matters where
 * grids hold few, large units (rural townships). Deterministic (no randomness). Pure, no I/O.
 */
import { edgePenalty, gridPenalty, inertiaPenalty, DEFAULT_WEIGHTS, type ObjectiveWeights } from './objective';
import type { GridState } from './state';

export interface ReshapeParams {
  min: number;
  max: number;
  target: number;
  weights?: ObjectiveWeights;
  /** rounds over all pairs (default 2) */
  rounds?: number;
  /** share of grids (least compact first) whose pairs are tried (default 1) */
  worstShare?: number;
  /** most seeds per pair (default 12) */
  seeds?: number;
  /** pairs whose union has more coarse nodes are skipped (default 4000) */
  maxNodes?: number;
  /** margin from the band edges kept by both halves, as a share of the target (default 0.06) */
  margin?: number;
  /** only pairs of these grids (all when omitted) */
  onlyGrids?: Set<number>;
  /** accept splits that make more grids straddle a major street / rail / water (default false) */
  allowStraddles?: boolean;
}

interface Side {
  hh: number;
  area: number;
  perim: number;
  hard: number;
  mx: number;
  my: number;
  mq: number;
}

export function reshapePairs(st: GridState, p: ReshapeParams): number {
  const cg = st.cg,
    w = p.weights ?? DEFAULT_WEIGHTS,
    wi = w.inertia ?? 0;
  const penOf = (s: Side) =>
    gridPenalty(s.hh, s.area, s.perim, s.hard, p.target, w) +
    wi * inertiaPenalty(s.area, s.mx, s.my, s.mq) +
    (w.edge ?? 0) * edgePenalty(s.hh, p.min, p.max, p.target);
  const pen = (g: number) => penOf({ hh: st.hh[g], area: st.area[g], perim: st.perim[g], hard: st.hard[g], mx: st.mx[g], my: st.my[g], mq: st.mq[g] });
  const maxSeeds = p.seeds ?? 12,
    maxNodes = p.maxNodes ?? 4000;
  const inSide = new Int8Array(cg.n).fill(-1); // -1 outside the pair, 0 = B, 1 = A
  const seen = new Int32Array(cg.n);
  const frontier = new Int32Array(cg.n);
  let stamp = 0;
  let accepted = 0;
  const heap = new MinHeap();

  const sideStats = (nodes: number[], want: number): Side => {
    const s: Side = { hh: 0, area: 0, perim: 0, hard: 0, mx: 0, my: 0, mq: 0 };
    for (const u of nodes) {
      if (inSide[u] !== want) continue;
      const a = cg.area[u];
      s.hh += cg.hh[u];
      s.area += a;
      s.perim += cg.perim[u];
      s.mx += a * cg.cx[u];
      s.my += a * cg.cy[u];
      s.mq += a * (cg.cx[u] ** 2 + cg.cy[u] ** 2);
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
        if (inSide[cg.targets[e]] === want) {
          s.perim -= cg.len[e];
          s.hard += cg.hardLen[e] / 2;
        }
      }
    }
    return s;
  };
  const connected = (nodes: number[], want: number, count: number): boolean => {
    const stp = ++stamp;
    let start = -1;
    for (const u of nodes)
      if (inSide[u] === want) {
        start = u;
        break;
      }
    if (start < 0) return false;
    const q = [start];
    seen[start] = stp;
    for (let i = 0; i < q.length; i++) {
      const u = q[i];
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
        const v = cg.targets[e];
        if (inSide[v] === want && seen[v] !== stp) {
          seen[v] = stp;
          q.push(v);
        }
      }
    }
    return q.length === count;
  };

  for (let round = 0; round < (p.rounds ?? 2); round++) {
    const live = [...Array(st.gridCount).keys()].filter((g) => st.members[g].size > 0);
    const order = live.sort((a, b) => pen(b) - pen(a) || a - b);
    const tried = new Set<string>();
    let acc = 0;
    for (const a of order.slice(0, Math.ceil(order.length * (p.worstShare ?? 1)))) {
      if (!st.members[a].size || (p.onlyGrids && !p.onlyGrids.has(a))) continue;
      const nb: number[] = [];
      for (const u of st.members[a])
        for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
          const h = st.assign[cg.targets[e]];
          if (h >= 0 && h !== a && st.group[h] === st.group[a] && !nb.includes(h) && (!p.onlyGrids || p.onlyGrids.has(h))) nb.push(h);
        }
      nb.sort((x, y) => x - y);
      for (const b of nb) {
        const key = a < b ? `${a}|${b}` : `${b}|${a}`;
        if (tried.has(key)) continue;
        tried.add(key);
        const nodes = [...st.members[a], ...st.members[b]].sort((x, y) => x - y);
        const m = nodes.length;
        if (m < 2 || m > maxNodes) continue;
        let H = 0;
        for (const u of nodes) H += cg.hh[u];
        // both halves keep a margin from the band edges, so that small household changes later
        // (warm starts) do not push them out of band
        const mg = (p.margin ?? 0.06) * p.target;
        const lo = Math.max(p.min + mg, H - p.max + mg),
          hi = Math.min(p.max - mg, H - p.min - mg);
        if (lo > hi) continue;
        const before = pen(a) + pen(b);
        const straddleBefore = (st.hard[a] > 1e-9 ? 1 : 0) + (st.hard[b] > 1e-9 ? 1 : 0);
        let best: { A: number[]; cost: number } | null = null;
        const step = Math.max(1, Math.floor(m / maxSeeds));
        const tA = H / 2;
        const grownA: number[] = [];
        // union totals; side A is grown incrementally and side B = union − A (cut kept incrementally)
        for (const u of nodes) inSide[u] = 0;
        const U = sideStats(nodes, 0);
        const A: Side = { hh: 0, area: 0, perim: 0, hard: 0, mx: 0, my: 0, mq: 0 };
        const B: Side = { hh: 0, area: 0, perim: 0, hard: 0, mx: 0, my: 0, mq: 0 };
        let cut = 0,
          hardCut = 0,
          nA = 0;
        const addToA = (v: number) => {
          let lA = 0,
            hAl = 0,
            lB = 0,
            hBl = 0;
          for (let e = cg.offsets[v]; e < cg.offsets[v + 1]; e++) {
            const t = inSide[cg.targets[e]];
            if (t === 1) {
              lA += cg.len[e];
              hAl += cg.hardLen[e];
            } else if (t === 0) {
              lB += cg.len[e];
              hBl += cg.hardLen[e];
            }
          }
          inSide[v] = 1;
          nA++;
          const a = cg.area[v];
          A.hh += cg.hh[v];
          A.area += a;
          A.perim += cg.perim[v] - 2 * lA;
          A.hard += hAl;
          A.mx += a * cg.cx[v];
          A.my += a * cg.cy[v];
          A.mq += a * (cg.cx[v] ** 2 + cg.cy[v] ** 2);
          cut += lB - lA;
          hardCut += hBl - hAl;
        };
        const tryCurrent = () => {
          if (A.hh < lo - 1e-9 || A.hh > hi + 1e-9 || nA === m) return;
          B.hh = U.hh - A.hh;
          B.area = U.area - A.area;
          B.perim = U.perim + 2 * cut - A.perim;
          B.hard = U.hard - A.hard - hardCut;
          B.mx = U.mx - A.mx;
          B.my = U.my - A.my;
          B.mq = U.mq - A.mq;
          const straddle = (A.hard > 1e-9 ? 1 : 0) + (B.hard > 1e-9 ? 1 : 0);
          if (straddle > straddleBefore && !p.allowStraddles) return;
          const cost = penOf(A) + penOf(B);
          if (!(cost < before - 1e-6) || (best && cost >= best.cost - 1e-12)) return;
          if (!connected(nodes, 0, m - nA)) return;
          best = { A: grownA.slice(), cost };
        };
        for (let si = 0; si < m; si += step) {
          for (const mode of [0, 1]) {
            for (const u of nodes) inSide[u] = 0;
            A.hh = A.area = A.perim = A.hard = A.mx = A.my = A.mq = 0;
            cut = 0;
            hardCut = 0;
            nA = 0;
            const s0 = nodes[si];
            grownA.length = 0;
            addToA(s0);
            grownA.push(s0);
            tryCurrent();
            // frontier heap keyed by squared distance to the seed (mode 0) or to the side's centroid
            // when the node entered the frontier (mode 1)
            heap.clear();
            const push = (v: number) => {
              const gx = mode ? A.mx / Math.max(A.area, 1e-9) : cg.cx[s0],
                gy = mode ? A.my / Math.max(A.area, 1e-9) : cg.cy[s0];
              heap.push((cg.cx[v] - gx) ** 2 + (cg.cy[v] - gy) ** 2, v);
            };
            const stp = ++stamp;
            const expand = (u: number) => {
              for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
                const v = cg.targets[e];
                if (inSide[v] === 0 && frontier[v] !== stp) {
                  frontier[v] = stp;
                  push(v);
                }
              }
            };
            expand(s0);
            while (A.hh < hi && heap.size) {
              const pick = heap.pop();
              if (inSide[pick] !== 0) continue;
              if (A.hh + cg.hh[pick] > hi) break;
              addToA(pick);
              grownA.push(pick);
              expand(pick);
              if (cg.hh[pick] > 0) tryCurrent();
              if (A.hh >= tA + 0.15 * p.target) break;
            }
          }
        }
        for (const u of nodes) inSide[u] = -1;
        if (!best) continue;
        const chosen: number[] = (best as { A: number[] }).A;
        const setA = new Set(chosen);
        // give side A to the grid it overlaps most
        let ov = 0;
        for (const u of chosen) if (st.assign[u] === a) ov++;
        const [ga, gb] = ov * 2 >= chosen.length ? [a, b] : [b, a];
        for (const u of nodes) st.move(u, setA.has(u) ? ga : gb);
        acc++;
      }
    }
    accepted += acc;
    if (!acc) break;
  }
  return accepted;
}

/** binary min-heap of (key, node) with deterministic ties (smaller node first) */
class MinHeap {
  private k: number[] = [];
  private v: number[] = [];
  get size(): number {
    return this.k.length;
  }
  clear(): void {
    this.k.length = 0;
    this.v.length = 0;
  }
  private less(i: number, j: number): boolean {
    return this.k[i] < this.k[j] || (this.k[i] === this.k[j] && this.v[i] < this.v[j]);
  }
  private swap(i: number, j: number): void {
    const tk = this.k[i];
    this.k[i] = this.k[j];
    this.k[j] = tk;
    const tv = this.v[i];
    this.v[i] = this.v[j];
    this.v[j] = tv;
  }
  push(key: number, node: number): void {
    this.k.push(key);
    this.v.push(node);
    let i = this.k.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): number {
    const top = this.v[0];
    const lk = this.k.pop()!,
      lv = this.v.pop()!;
    if (this.k.length) {
      this.k[0] = lk;
      this.v[0] = lv;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < this.k.length && this.less(l, m)) m = l;
        if (r < this.k.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
