/**
 * Planar arrangement of line strings in a local metric plane: gap healing (a dangling end within
 * a tolerance of another line is joined to it), noding (lines split at every crossing, touch and
 * overlap, vertices snapped to a grid) and polygonizing (the bounded faces of the noded network,
 * with holes where a part of the network does not touch the rest). Dead ends do not bound faces.
 * Pure, no I/O.
 */
import Flatbush from 'flatbush';

export type Pt = [number, number];
/** A polygon: outer ring counter-clockwise, then holes; rings closed (first = last). */
export type Rings = Pt[][];

export interface NodeOptions {
  /** snapping grid, metres (default 0.01) */
  grid?: number;
  /** a dangling end within this distance of another line is joined to it, metres (default 2) */
  healM?: number;
  /** a dangling end farther than healM but within this of another line is reported as unclosed, metres (default 15) */
  nearM?: number;
}

export interface Noded {
  /** vertices on the snapping grid (metres) */
  vertices: Pt[];
  /** undirected edges between vertex indices, each once */
  edges: Array<[number, number]>;
  /** dangling ends joined to another line */
  healed: number;
  /** where each healed end was joined (metres) */
  healedAt: Pt[];
  /** dangling ends that stop short of another line by more than healM and at most nearM (metres) */
  unclosedAt: Pt[];
}

const cross = (ax: number, ay: number, bx: number, by: number) => ax * by - ay * bx;

/** Closest point to p on segment a-b and its parameter. */
function closestOnSegment(p: Pt, a: Pt, b: Pt): { q: Pt; t: number; d: number } {
  const dx = b[0] - a[0],
    dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2 : 0;
  t = Math.max(0, Math.min(1, t));
  const q: Pt = [a[0] + t * dx, a[1] + t * dy];
  return { q, t, d: Math.hypot(p[0] - q[0], p[1] - q[1]) };
}

/**
 * Nodes the lines: every segment is split where it crosses, touches or overlaps another; all
 * vertices are snapped to `grid`. Dangling line ends within `healM` of another line are first
 * extended onto it (a street drawn a little short of the street it meets).
 */
export function nodeLines(linesIn: Pt[][], options: NodeOptions = {}): Noded {
  const q = options.grid ?? 0.01;
  const healM = options.healM ?? 2;
  const nearM = Math.max(healM, options.nearM ?? 15);
  const healedAt: Pt[] = [],
    unclosedAt: Pt[] = [];
  // integer grid coordinates
  const snap = (p: readonly number[]): Pt => [Math.round(p[0] / q), Math.round(p[1] / q)];
  const lines: Pt[][] = [];
  for (const l of linesIn) {
    const s: Pt[] = [];
    for (const p of l) {
      const g = snap(p);
      const last = s[s.length - 1];
      if (!last || last[0] !== g[0] || last[1] !== g[1]) s.push(g);
    }
    if (s.length >= 2) lines.push(s);
  }
  // segments
  let segA: Pt[] = [],
    segB: Pt[] = [],
    segLine: number[] = [];
  const buildSegments = () => {
    segA = [];
    segB = [];
    segLine = [];
    lines.forEach((l, li) => {
      for (let i = 1; i < l.length; i++) {
        segA.push(l[i - 1]);
        segB.push(l[i]);
        segLine.push(li);
      }
    });
  };
  buildSegments();
  if (segA.length === 0) return { vertices: [], edges: [], healed: 0, healedAt, unclosedAt };
  const indexOf = (pad: number) => {
    const idx = new Flatbush(segA.length);
    for (let i = 0; i < segA.length; i++) {
      const a = segA[i],
        b = segB[i];
      idx.add(Math.min(a[0], b[0]) - pad, Math.min(a[1], b[1]) - pad, Math.max(a[0], b[0]) + pad, Math.max(a[1], b[1]) + pad);
    }
    idx.finish();
    return idx;
  };

  // --- heal dangling ends ---
  let healed = 0;
  if (healM > 0) {
    const tol = healM / q,
      near = nearM / q;
    const count = new Map<string, number>();
    const key = (p: Pt) => `${p[0]},${p[1]}`;
    for (const l of lines) for (const p of l) count.set(key(p), (count.get(key(p)) ?? 0) + 1);
    const idx = indexOf(near);
    const extensions: Array<{ line: number; atStart: boolean; to: Pt }> = [];
    lines.forEach((l, li) => {
      for (const atStart of [true, false]) {
        const p = atStart ? l[0] : l[l.length - 1];
        if ((count.get(key(p)) ?? 0) > 1) continue;
        if (!atStart && l[0][0] === p[0] && l[0][1] === p[1]) continue; // closed ring
        let best: { q: Pt; d: number } | null = null;
        let nearest = Infinity;
        for (const s of idx.search(p[0], p[1], p[0], p[1])) {
          if (segLine[s] === li) continue; // only onto another line
          const c = closestOnSegment(p, segA[s], segB[s]);
          nearest = Math.min(nearest, c.d);
          if (c.d > 0 && c.d <= tol && (!best || c.d < best.d)) best = c;
        }
        if (best) extensions.push({ line: li, atStart, to: [Math.round(best.q[0]), Math.round(best.q[1])] });
        else if (nearest > tol && nearest <= near) unclosedAt.push([p[0] * q, p[1] * q]);
      }
    });
    for (const e of extensions) {
      const l = lines[e.line];
      if (e.atStart) l.unshift(e.to);
      else l.push(e.to);
      healedAt.push([e.to[0] * q, e.to[1] * q]);
      healed++;
    }
    if (extensions.length) buildSegments();
  }

  // --- split at intersections ---
  const n = segA.length;
  const splits: Pt[][] = Array.from({ length: n }, () => []);
  const idx = indexOf(0.5);
  // p is known to be collinear with a-b (integer coordinates: exact)
  const onSeg = (p: Pt, a: Pt, b: Pt) => {
    const dx = b[0] - a[0],
      dy = b[1] - a[1];
    const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy);
    return t > 0 && t < 1;
  };
  for (let i = 0; i < n; i++) {
    const a = segA[i],
      b = segB[i];
    for (const j of idx.search(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]))) {
      if (j <= i) continue;
      const c = segA[j],
        d = segB[j];
      const rx = b[0] - a[0],
        ry = b[1] - a[1],
        sx = d[0] - c[0],
        sy = d[1] - c[1];
      const den = cross(rx, ry, sx, sy);
      const qpx = c[0] - a[0],
        qpy = c[1] - a[1];
      if (den !== 0) {
        const t = cross(qpx, qpy, sx, sy) / den;
        const u = cross(qpx, qpy, rx, ry) / den;
        if (t < 0 || t > 1 || u < 0 || u > 1) continue;
        const p: Pt = [Math.round(a[0] + t * rx), Math.round(a[1] + t * ry)];
        splits[i].push(p);
        splits[j].push(p);
      } else if (cross(qpx, qpy, rx, ry) === 0) {
        // collinear: each segment is split at the other's ends that lie inside it
        for (const p of [c, d]) if (onSeg(p, a, b)) splits[i].push(p);
        for (const p of [a, b]) if (onSeg(p, c, d)) splits[j].push(p);
      }
    }
  }

  // --- edges ---
  const vid = new Map<string, number>();
  const vertices: Pt[] = [];
  const vertex = (p: Pt) => {
    const k = `${p[0]},${p[1]}`;
    let v = vid.get(k);
    if (v === undefined) {
      v = vertices.length;
      vid.set(k, v);
      vertices.push([p[0] * q, p[1] * q]);
    }
    return v;
  };
  const seen = new Set<string>();
  const edges: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const a = segA[i],
      b = segB[i];
    const dx = b[0] - a[0],
      dy = b[1] - a[1];
    const pts = [a, ...splits[i], b].map((p) => ({ p, t: (p[0] - a[0]) * dx + (p[1] - a[1]) * dy }));
    pts.sort((x, y) => x.t - y.t);
    let prev = vertex(pts[0].p);
    for (let k = 1; k < pts.length; k++) {
      const v = vertex(pts[k].p);
      if (v === prev) continue;
      const key = prev < v ? `${prev},${v}` : `${v},${prev}`;
      if (!seen.has(key)) {
        seen.add(key);
        edges.push([prev, v]);
      }
      prev = v;
    }
  }
  return { vertices, edges, healed, healedAt, unclosedAt };
}

export function ringArea(r: readonly Pt[]): number {
  let s = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += r[j][0] * r[i][1] - r[i][0] * r[j][1];
  return s / 2;
}

export function pointInRing(x: number, y: number, ring: readonly Pt[] | readonly number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0],
      yi = ring[i][1],
      xj = ring[j][0],
      yj = ring[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the outer ring and outside every hole. */
export function pointInRings(x: number, y: number, rings: readonly (readonly Pt[])[] | number[][][]): boolean {
  if (!rings.length || !pointInRing(x, y, rings[0])) return false;
  for (let i = 1; i < rings.length; i++) if (pointInRing(x, y, rings[i])) return false;
  return true;
}

export interface Polygonized {
  faces: Face[];
  /** shared boundary length (metres) between faces: adjacency.get(i)?.get(j) */
  adjacency: Map<number, Map<number, number>>;
}

export interface Face {
  /** outer ring counter-clockwise, holes clockwise, closed */
  rings: Rings;
  area: number;
  /** the outer ring passes a vertex twice (a street inside the face that touches its edge) */
  pinched: boolean;
}

/**
 * Bounded faces of a noded network. Dead ends are pruned first; each connected part of the network
 * whose outline lies inside a face of another part becomes a hole of the smallest such face.
 */
export function polygonize(noded: Noded): Polygonized {
  const { vertices, edges } = noded;
  const nv = vertices.length;
  const deg = new Int32Array(nv);
  const adj: number[][] = Array.from({ length: nv }, () => []);
  edges.forEach(([u, v], e) => {
    adj[u].push(e);
    adj[v].push(e);
    deg[u]++;
    deg[v]++;
  });
  // prune dead ends
  const alive = new Uint8Array(edges.length).fill(1);
  const stack: number[] = [];
  for (let v = 0; v < nv; v++) if (deg[v] === 1) stack.push(v);
  while (stack.length) {
    const v = stack.pop()!;
    if (deg[v] !== 1) continue;
    for (const e of adj[v])
      if (alive[e]) {
        alive[e] = 0;
        deg[v]--;
        const w = edges[e][0] === v ? edges[e][1] : edges[e][0];
        deg[w]--;
        if (deg[w] === 1) stack.push(w);
      }
  }
  // half-edges: 2e = u→v, 2e+1 = v→u; outgoing lists sorted by angle
  const from = (h: number) => (h & 1 ? edges[h >> 1][1] : edges[h >> 1][0]);
  const to = (h: number) => (h & 1 ? edges[h >> 1][0] : edges[h >> 1][1]);
  const out: number[][] = Array.from({ length: nv }, () => []);
  const angle = new Float64Array(edges.length * 2);
  for (let e = 0; e < edges.length; e++)
    if (alive[e])
      for (const h of [2 * e, 2 * e + 1]) {
        const a = vertices[from(h)],
          b = vertices[to(h)];
        angle[h] = Math.atan2(b[1] - a[1], b[0] - a[0]);
        out[from(h)].push(h);
      }
  const pos = new Int32Array(edges.length * 2);
  for (let v = 0; v < nv; v++) {
    out[v].sort((x, y) => angle[x] - angle[y]);
    out[v].forEach((h, i) => {
      pos[h] = i;
    });
  }
  const next = (h: number) => {
    const v = to(h),
      t = h ^ 1,
      list = out[v];
    return list[(pos[t] - 1 + list.length) % list.length];
  };
  const visited = new Uint8Array(edges.length * 2);
  const cycleOf = new Int32Array(edges.length * 2).fill(-1);
  const positive: Array<{ ring: Pt[]; area: number; pinched: boolean }> = [];
  const negative: Array<{ ring: Pt[] }> = [];
  for (let e = 0; e < edges.length; e++)
    if (alive[e])
      for (const h0 of [2 * e, 2 * e + 1]) {
        if (visited[h0]) continue;
        const ring: Pt[] = [];
        const seenV = new Set<number>();
        let pinched = false;
        let h = h0;
        const cycleHalves: number[] = [];
        do {
          visited[h] = 1;
          cycleHalves.push(h);
          const v = from(h);
          if (seenV.has(v)) pinched = true;
          else seenV.add(v);
          ring.push(vertices[v]);
          h = next(h);
        } while (h !== h0);
        ring.push(ring[0]);
        const a = ringArea(ring);
        // positive cycles → face i (code i), others → outline j (code -2 - j)
        const code = a > 1e-9 ? positive.length : -2 - negative.length;
        if (a > 1e-9) positive.push({ ring, area: a, pinched });
        else negative.push({ ring });
        for (const x of cycleHalves) cycleOf[x] = code;
      }
  const holeOwner = new Int32Array(negative.length).fill(-1);
  const faces: Face[] = positive.map((p) => ({ rings: [p.ring], area: p.area, pinched: p.pinched }));
  if (negative.length && positive.length) {
    const idx = new Flatbush(positive.length);
    const bbox = (r: Pt[]) => {
      let x0 = Infinity,
        y0 = Infinity,
        x1 = -Infinity,
        y1 = -Infinity;
      for (const p of r) {
        x0 = Math.min(x0, p[0]);
        y0 = Math.min(y0, p[1]);
        x1 = Math.max(x1, p[0]);
        y1 = Math.max(y1, p[1]);
      }
      return [x0, y0, x1, y1] as const;
    };
    for (const p of positive) idx.add(...bbox(p.ring));
    idx.finish();
    for (let ni = 0; ni < negative.length; ni++) {
      const neg = negative[ni];
      if (ringArea(neg.ring) >= -1e-9) continue;
      const [x0, y0, x1, y1] = bbox(neg.ring);
      const [px, py] = neg.ring[0];
      let best = -1;
      for (const i of idx.search(x0, y0, x1, y1)) {
        const f = positive[i];
        if (f.area <= -ringArea(neg.ring) + 1e-9) continue;
        if (f.ring.some((p) => p[0] === px && p[1] === py)) continue; // same part of the network
        if (!pointInRing(px, py, f.ring)) continue;
        if (best < 0 || f.area < positive[best].area) best = i;
      }
      if (best >= 0 && ringArea(neg.ring) < -1e-9) {
        faces[best].rings.push(neg.ring);
        faces[best].area += ringArea(neg.ring);
      }
      if (best >= 0) holeOwner[ni] = best;
    }
  }
  const faceOf = (h: number) => {
    const c = cycleOf[h];
    return c >= 0 ? c : c === -1 ? -1 : holeOwner[-2 - c];
  };
  const adjacency = new Map<number, Map<number, number>>();
  const add = (a: number, b: number, l: number) => {
    let m = adjacency.get(a);
    if (!m) adjacency.set(a, (m = new Map()));
    m.set(b, (m.get(b) ?? 0) + l);
  };
  for (let e = 0; e < edges.length; e++)
    if (alive[e]) {
      const fa = faceOf(2 * e),
        fb = faceOf(2 * e + 1);
      if (fa < 0 || fb < 0 || fa === fb) continue;
      const p = vertices[edges[e][0]],
        r = vertices[edges[e][1]];
      const l = Math.hypot(p[0] - r[0], p[1] - r[1]);
      add(fa, fb, l);
      add(fb, fa, l);
    }
  return { faces, adjacency };
}

/** A point well inside a polygon (midpoint of the widest scanline interval at mid-height). */
export function interiorPoint(rings: readonly (readonly Pt[])[]): Pt {
  let y0 = Infinity,
    y1 = -Infinity;
  for (const p of rings[0]) {
    y0 = Math.min(y0, p[1]);
    y1 = Math.max(y1, p[1]);
  }
  let best: Pt | null = null,
    bestW = -1;
  for (const f of [0.5, 0.3, 0.7, 0.15, 0.85, 0.41, 0.59]) {
    const y = y0 + (y1 - y0) * f + 1e-7;
    const xs: number[] = [];
    for (const r of rings)
      for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
        const [xi, yi] = r[i],
          [xj, yj] = r[j];
        if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
      }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const w = xs[k + 1] - xs[k];
      if (w > bestW) {
        bestW = w;
        best = [(xs[k] + xs[k + 1]) / 2, y];
      }
    }
    if (best && bestW > (y1 - y0) * 0.2) break;
  }
  return best ?? [rings[0][0][0], rings[0][0][1]];
}
