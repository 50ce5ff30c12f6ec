/**
 * Near-optimal tours on a (symmetric) distance matrix: nearest-neighbour starts, then 2-opt and
 * Or-opt local search, then iterated local search with double-bridge kicks. Closed tours return to
 * the start; open tours have free ends (solved with a zero-cost dummy node). Tours of up to 12 stops
 * are solved exactly (Held-Karp); the heuristic alone can end a little over 2 % above the optimum.
 */

import { heldKarp } from './held-karp';

export interface TourOptions {
  closed?: boolean;
  /** Closed tours are rotated to start here (default 0). */
  start?: number;
  /** Iterated-local-search kicks (default scales with n, max 300). */
  kicks?: number;
  seed?: number;
  /** Up to this many stops the tour is solved exactly by Held-Karp (default 12; 0 = heuristic only). */
  exactUpTo?: number;
}

export interface Tour {
  order: number[];
  length: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function tourLength(order: number[], d: (a: number, b: number) => number, closed: boolean): number {
  let len = 0;
  for (let i = 1; i < order.length; i++) len += d(order[i - 1], order[i]);
  if (closed && order.length > 1) len += d(order[order.length - 1], order[0]);
  return len;
}

/** Solve on row-major matrix m (n×n). */
export function solveTour(m: ArrayLike<number>, n: number, opts: TourOptions = {}): Tour {
  const closed = opts.closed ?? true;
  if (n === 0) return { order: [], length: 0 };
  const dm = (a: number, b: number) => m[a * n + b];
  if (n <= (opts.exactUpTo ?? 12)) {
    // small tours (a group's ten shops, a dozen hot spots) are solved exactly: 2^11·11 states
    let order = heldKarp(m, n, closed).order;
    if (closed) {
      const s = order.indexOf(opts.start ?? 0);
      order = order.slice(s).concat(order.slice(0, s));
    }
    return { order, length: tourLength(order, dm, closed) };
  }
  const N = closed ? n : n + 1; // node n is the dummy for open tours
  const D = new Float64Array(N * N);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * N + j] = i === j ? 0 : (m[i * n + j] + m[j * n + i]) / 2;
  const d = (a: number, b: number) => D[a * N + b];
  let best = solveClosed(N, d, opts.kicks ?? Math.min(300, 20 * N), rng(opts.seed ?? 12345));
  if (closed) {
    const s = best.indexOf(opts.start ?? 0);
    best = best.slice(s).concat(best.slice(0, s));
  } else {
    const s = best.indexOf(n);
    best = best.slice(s + 1).concat(best.slice(0, s));
  }
  return { order: best, length: tourLength(best, dm, closed) };
}

function solveClosed(N: number, d: (a: number, b: number) => number, kicks: number, rand: () => number): number[] {
  if (N <= 3) return Array.from({ length: N }, (_, i) => i);
  let best: number[] = [],
    bestLen = Infinity;
  const starts = Math.min(N, 6);
  for (let s = 0; s < starts; s++) {
    const t = nearestNeighbour(N, d, Math.floor((s * N) / starts));
    localSearch(t, d);
    const len = tourLength(t, d, true);
    if (len < bestLen - 1e-9) {
      best = t;
      bestLen = len;
    }
  }
  let cur = best.slice(),
    curLen = bestLen;
  for (let k = 0; k < kicks && N >= 8; k++) {
    const t = doubleBridge(cur, rand);
    localSearch(t, d);
    const len = tourLength(t, d, true);
    if (len < curLen - 1e-9) {
      cur = t;
      curLen = len;
      if (len < bestLen - 1e-9) {
        best = t.slice();
        bestLen = len;
      }
    }
  }
  return best;
}

export function nearestNeighbour(N: number, d: (a: number, b: number) => number, start: number): number[] {
  const seen = new Uint8Array(N);
  const t = [start];
  seen[start] = 1;
  for (let k = 1; k < N; k++) {
    const last = t[t.length - 1];
    let bj = -1,
      bd = Infinity;
    for (let j = 0; j < N; j++)
      if (!seen[j] && (d(last, j) < bd || bj < 0)) {
        bj = j;
        bd = d(last, j);
      }
    seen[bj] = 1;
    t.push(bj);
  }
  return t;
}

function doubleBridge(t: number[], rand: () => number): number[] {
  const n = t.length;
  const cut = [1 + Math.floor(rand() * (n - 3)), 0, 0];
  cut[1] = cut[0] + 1 + Math.floor(rand() * (n - cut[0] - 2));
  cut[2] = cut[1] + 1 + Math.floor(rand() * (n - cut[1] - 1));
  const [a, b, c] = cut;
  return t.slice(0, a).concat(t.slice(b, c), t.slice(a, b), t.slice(c));
}

/** 2-opt + Or-opt until no improving move (in place); returns the tour. */
export function localSearch(t: number[], d: (a: number, b: number) => number): number[] {
  for (let guard = 0; guard < 10000; guard++) {
    if (twoOpt(t, d)) continue;
    if (orOpt(t, d)) continue;
    break;
  }
  return t;
}

/** One sweep of first-improvement 2-opt moves on a closed tour; true if something improved. */
export function twoOpt(t: number[], d: (a: number, b: number) => number): boolean {
  const n = t.length;
  let improved = false;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 2; j < n; j++) {
      const a = t[i],
        b = t[i + 1],
        c = t[j],
        e = t[(j + 1) % n];
      if (a === e) continue;
      const delta = d(a, c) + d(b, e) - d(a, b) - d(c, e);
      if (delta < -1e-9) {
        // reverse t[i+1..j]
        for (let l = i + 1, r = j; l < r; l++, r--) {
          const tmp = t[l];
          t[l] = t[r];
          t[r] = tmp;
        }
        improved = true;
      }
    }
  }
  return improved;
}

/** Or-opt: move a run of 1-3 stops elsewhere (either direction); true if something improved. */
export function orOpt(t: number[], d: (a: number, b: number) => number): boolean {
  const n = t.length;
  for (let len = 1; len <= 3 && len < n - 2; len++) {
    for (let i = 0; i < n; i++) {
      // segment t[i..i+len-1] (cyclic)
      const seg: number[] = [];
      for (let k = 0; k < len; k++) seg.push(t[(i + k) % n]);
      const prev = t[(i - 1 + n) % n],
        next = t[(i + len) % n];
      const removeGain = d(prev, seg[0]) + d(seg[len - 1], next) - d(prev, next);
      // remaining cycle starting at next
      const rest: number[] = [];
      for (let k = 0; k < n - len; k++) rest.push(t[(i + len + k) % n]);
      for (let p = 0; p < rest.length; p++) {
        const x = rest[p],
          y = rest[(p + 1) % rest.length];
        if (x === prev && y === next) continue;
        const fwd = d(x, seg[0]) + d(seg[len - 1], y) - d(x, y);
        const rev = d(x, seg[len - 1]) + d(seg[0], y) - d(x, y);
        const add = Math.min(fwd, rev);
        if (add < removeGain - 1e-9) {
          const ins = fwd <= rev ? seg : seg.slice().reverse();
          const out = rest.slice(0, p + 1).concat(ins, rest.slice(p + 1));
          for (let k = 0; k < n; k++) t[k] = out[k];
          return true;
        }
      }
    }
  }
  return false;
}
