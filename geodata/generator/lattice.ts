/**
 * The warped street lattice. Planning happens in "lattice space" (integer metres, axis-aligned
 * rectangles); a piecewise-bilinear warp over the arterial cells (900 m) with seeded node jitter
 * and a gentle large-scale bend maps it to the local metric plane. Bilinear maps keep every
 * axis-aligned segment inside one arterial cell straight, so street pieces stay straight and
 * T-junctions lie on the segments they meet.
 *
 * Shared edges: every rectangle corner is registered on its two lattice lines before any ring is
 * emitted; a ring edge then includes every registered point of its line between its ends, so
 * neighbouring polygons carry identical vertices along shared edges (exact tiling after rounding).
 */
import { hash32 } from '../../common/rng';
import type { XY } from './proj';

export const A = 900; // arterial spacing (lattice metres)
export const U0 = -2700;
export const V0 = -6300;
export const NI = 24; // arterial cells in u
export const NJ = 32; // arterial cells in v

export interface Rect {
  u0: number;
  v0: number;
  u1: number;
  v1: number;
}

export class Warp {
  private readonly nodes: Float64Array;
  constructor(seed: number) {
    this.nodes = new Float64Array((NI + 1) * (NJ + 1) * 2);
    for (let i = 0; i <= NI; i++)
      for (let j = 0; j <= NJ; j++) {
        const u = U0 + A * i;
        const v = V0 + A * j;
        const h1 = hash32(`n${i},${j}`, seed) / 4294967296 - 0.5;
        const h2 = hash32(`m${i},${j}`, seed) / 4294967296 - 0.5;
        const dx = 110 * h1 + 90 * Math.sin(v / 3700 + 0.7) + 0.03 * v;
        const dy = 110 * h2 + 80 * Math.sin(u / 4300 + 0.2) - 0.02 * u;
        const k = (i * (NJ + 1) + j) * 2;
        this.nodes[k] = u + dx;
        this.nodes[k + 1] = v + dy;
      }
  }

  private node(i: number, j: number): XY {
    const k = (i * (NJ + 1) + j) * 2;
    return [this.nodes[k], this.nodes[k + 1]];
  }

  /** Lattice (u, v) to the local metric plane. */
  map(u: number, v: number): XY {
    let i = Math.floor((u - U0) / A);
    let j = Math.floor((v - V0) / A);
    i = Math.min(Math.max(i, 0), NI - 1);
    j = Math.min(Math.max(j, 0), NJ - 1);
    const s = (u - (U0 + A * i)) / A;
    const t = (v - (V0 + A * j)) / A;
    const p00 = this.node(i, j);
    const p10 = this.node(i + 1, j);
    const p01 = this.node(i, j + 1);
    const p11 = this.node(i + 1, j + 1);
    const a = (1 - s) * (1 - t);
    const b = s * (1 - t);
    const c = (1 - s) * t;
    const d = s * t;
    return [a * p00[0] + b * p10[0] + c * p01[0] + d * p11[0], a * p00[1] + b * p10[1] + c * p01[1] + d * p11[1]];
  }
}

/** Registered vertex positions per lattice line (h: constant v, keyed by v; v: constant u). */
export class LineRegistry {
  private readonly h = new Map<number, Set<number>>();
  private readonly v = new Map<number, Set<number>>();
  private readonly hs = new Map<number, number[]>();
  private readonly vs = new Map<number, number[]>();
  private frozen = false;

  addPoint(u: number, v: number): void {
    if (this.frozen) throw new Error('LineRegistry is frozen');
    let a = this.h.get(v);
    if (!a) this.h.set(v, (a = new Set()));
    a.add(u);
    let b = this.v.get(u);
    if (!b) this.v.set(u, (b = new Set()));
    b.add(v);
  }

  addRect(r: Rect): void {
    this.addPoint(r.u0, r.v0);
    this.addPoint(r.u1, r.v0);
    this.addPoint(r.u1, r.v1);
    this.addPoint(r.u0, r.v1);
  }

  freeze(): void {
    this.frozen = true;
    for (const [k, s] of this.h)
      this.hs.set(
        k,
        [...s].sort((x, y) => x - y),
      );
    for (const [k, s] of this.v)
      this.vs.set(
        k,
        [...s].sort((x, y) => x - y),
      );
  }

  /** Points strictly between a and b on the line, ordered from a to b, plus arterial cell crossings. */
  between(horizontal: boolean, line: number, a: number, b: number): number[] {
    const arr = (horizontal ? this.hs : this.vs).get(line) ?? [];
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const base = horizontal ? U0 : V0;
    const set = new Set<number>();
    for (const x of arr) if (x > lo && x < hi) set.add(x);
    for (let g = base + Math.ceil((lo - base) / A) * A; g < hi; g += A) if (g > lo) set.add(g);
    const out = [...set].sort((x, y) => x - y);
    return a <= b ? out : out.reverse();
  }
}

/**
 * Emits a closed ring in the metric plane from rectilinear lattice corners (counter-clockwise in
 * lattice space, first corner not repeated), inserting all registered points along each edge.
 */
export function emitRing(corners: [number, number][], reg: LineRegistry, warp: Warp): XY[] {
  const out: XY[] = [];
  for (let k = 0; k < corners.length; k++) {
    const [ua, va] = corners[k];
    const [ub, vb] = corners[(k + 1) % corners.length];
    out.push(warp.map(ua, va));
    if (va === vb) for (const u of reg.between(true, va, ua, ub)) out.push(warp.map(u, va));
    else if (ua === ub) for (const v of reg.between(false, ua, va, vb)) out.push(warp.map(ua, v));
    else throw new Error('emitRing: edges must be axis-aligned');
  }
  out.push(out[0]);
  return out;
}

export const rectCorners = (r: Rect): [number, number][] => [
  [r.u0, r.v0],
  [r.u1, r.v0],
  [r.u1, r.v1],
  [r.u0, r.v1],
];

/**
 * Boundary rings of a union of equal grid cells (size `size`, origin (ou, ov)), traced by edge
 * cancellation. Cells are given as integer (ci, cj). Returns rectilinear corner lists: outer rings
 * counter-clockwise, holes clockwise (collinear corners removed).
 */
export function traceCells(cells: Array<[number, number]>, size: number, ou: number, ov: number): [number, number][][] {
  const set = new Set(cells.map(([i, j]) => `${i},${j}`));
  const has = (i: number, j: number) => set.has(`${i},${j}`);
  // directed boundary edges keyed by start node; counter-clockwise around each cell
  const out = new Map<string, Array<[number, number]>>();
  const add = (a: [number, number], b: [number, number]) => {
    const k = `${a[0]},${a[1]}`;
    let l = out.get(k);
    if (!l) out.set(k, (l = []));
    l.push(b);
  };
  const sorted = [...cells].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  for (const [i, j] of sorted) {
    if (!has(i, j - 1)) add([i, j], [i + 1, j]);
    if (!has(i + 1, j)) add([i + 1, j], [i + 1, j + 1]);
    if (!has(i, j + 1)) add([i + 1, j + 1], [i, j + 1]);
    if (!has(i - 1, j)) add([i, j + 1], [i, j]);
  }
  const rings: [number, number][][] = [];
  const keys = [...out.keys()].sort();
  for (const startKey of keys) {
    while ((out.get(startKey)?.length ?? 0) > 0) {
      const ring: [number, number][] = [];
      let cur = startKey.split(',').map(Number) as [number, number];
      let prevDir: [number, number] | null = null;
      for (let guard = 0; guard < 1e6; guard++) {
        const k = `${cur[0]},${cur[1]}`;
        const l = out.get(k);
        if (!l || !l.length) break;
        let idx = 0;
        if (l.length > 1 && prevDir) {
          // at a pinch node prefer the left turn, keeping rings simple
          const left: [number, number] = [-prevDir[1], prevDir[0]];
          const f = l.findIndex((n) => n[0] - cur[0] === left[0] && n[1] - cur[1] === left[1]);
          if (f >= 0) idx = f;
        }
        const nxt = l.splice(idx, 1)[0];
        ring.push(cur);
        prevDir = [nxt[0] - cur[0], nxt[1] - cur[1]];
        cur = nxt;
        if (`${cur[0]},${cur[1]}` === startKey) break;
      }
      // drop collinear corners
      const simp = ring.filter((p, idx) => {
        const a = ring[(idx - 1 + ring.length) % ring.length];
        const b = ring[(idx + 1) % ring.length];
        return !((a[0] === p[0] && p[0] === b[0]) || (a[1] === p[1] && p[1] === b[1]));
      });
      rings.push(simp.map(([i, j]) => [ou + i * size, ov + j * size]));
    }
  }
  return rings;
}
