/**
 * Unit adjacency graph (CSR) with shared-edge lengths and the street class each adjacency lies
 * along. Rook adjacency: a shared boundary of at least `minShared` metres (corners do not count).
 * All geometry is computed once in a local metric projection. Pure, no I/O.
 */
import Flatbush from 'flatbush';
import { projectionForPositions, type LocalProjection } from '../geo';
import { polygonArea, polygonPerimeter, ringCentroid, ringSignedArea } from '../geo';
import { EDGE_MAJOR, EDGE_MINOR, EDGE_NONE, EDGE_RAIL, EDGE_WATER, type Barrier, type PartitionUnit } from './types';

export interface UnitGraph {
  n: number;
  ids: string[];
  households: Float64Array;
  area: Float64Array;
  perimeter: Float64Array;
  /** metric centroid */
  cx: Float64Array;
  cy: Float64Array;
  /** CSR adjacency */
  offsets: Int32Array;
  targets: Int32Array;
  edgeLen: Float64Array;
  edgeClass: Uint8Array;
  /** label indices (-1 = none) into the name arrays */
  subdistrict: Int32Array;
  community: Int32Array;
  compound: Int32Array;
  subdistricts: string[];
  communities: string[];
  compounds: string[];
  projection: LocalProjection;
}

export interface GraphOptions {
  /** minimum shared boundary for adjacency, metres (default 1) */
  minShared?: number;
  /** collinearity tolerance for T-junction matching, metres (default 0.5) */
  tolerance?: number;
  /** distance from a barrier line within which a shared edge lies along it, metres (default 3) */
  barrierTolerance?: number;
}

const BARRIER_CODE: Record<Barrier['cls'], number> = { minor: EDGE_MINOR, major: EDGE_MAJOR, rail: EDGE_RAIL, water: EDGE_WATER };

function labelIndex(values: (string | null | undefined)[]): { idx: Int32Array; names: string[] } {
  const names: string[] = [];
  const map = new Map<string, number>();
  const idx = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (v === null || v === undefined || v === '') {
      idx[i] = -1;
      return;
    }
    let k = map.get(v);
    if (k === undefined) {
      k = names.length;
      names.push(v);
      map.set(v, k);
    }
    idx[i] = k;
  });
  return { idx, names };
}

export function buildUnitGraph(units: PartitionUnit[], barriers: Barrier[] = [], options: GraphOptions = {}): UnitGraph {
  const minShared = options.minShared ?? 1;
  const tol = options.tolerance ?? 0.5;
  const btol = options.barrierTolerance ?? 3;
  const n = units.length;
  const proj = projectionForPositions(
    (function* () {
      for (const u of units) for (const poly of u.polygons) for (const p of poly[0] ?? []) yield p;
    })(),
  );

  // --- vertices, segments, per-unit measures ---
  const vertexId = new Map<string, number>();
  const vx: number[] = [],
    vy: number[] = [];
  const segA: number[] = [],
    segB: number[] = [],
    segUnit: number[] = [];
  const households = new Float64Array(n),
    area = new Float64Array(n),
    perimeter = new Float64Array(n);
  const cx = new Float64Array(n),
    cy = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const unit = units[u];
    households[u] = unit.households;
    let aSum = 0,
      xSum = 0,
      ySum = 0;
    for (const poly of unit.polygons) {
      const rings = poly.map((ring) => ring.map((p) => proj.forward(p[0], p[1])));
      const a = polygonArea(rings);
      perimeter[u] += polygonPerimeter(rings);
      area[u] += a;
      if (rings[0] && rings[0].length) {
        const c = ringCentroid(rings[0]);
        const w = a > 0 ? a : 1e-9;
        aSum += w;
        xSum += c[0] * w;
        ySum += c[1] * w;
      }
      for (const ring of poly) {
        let prev = -1,
          first = -1;
        for (let i = 0; i < ring.length; i++) {
          const p = ring[i];
          const key = p[0] + ',' + p[1];
          let v = vertexId.get(key);
          if (v === undefined) {
            v = vx.length;
            vertexId.set(key, v);
            const q = proj.forward(p[0], p[1]);
            vx.push(q[0]);
            vy.push(q[1]);
          }
          if (i === 0) first = v;
          if (prev >= 0 && prev !== v) {
            segA.push(prev);
            segB.push(v);
            segUnit.push(u);
          }
          prev = v;
        }
        if (prev >= 0 && first >= 0 && prev !== first) {
          segA.push(prev);
          segB.push(first);
          segUnit.push(u);
        }
      }
    }
    cx[u] = aSum > 0 ? xSum / aSum : 0;
    cy[u] = aSum > 0 ? ySum / aSum : 0;
  }
  void ringSignedArea;

  // --- barrier segment index ---
  const bx1: number[] = [],
    by1: number[] = [],
    bx2: number[] = [],
    by2: number[] = [],
    bcls: number[] = [];
  for (const b of barriers) {
    const code = BARRIER_CODE[b.cls];
    for (const line of b.lines) {
      for (let i = 1; i < line.length; i++) {
        const p = proj.forward(line[i - 1][0], line[i - 1][1]),
          q = proj.forward(line[i][0], line[i][1]);
        bx1.push(p[0]);
        by1.push(p[1]);
        bx2.push(q[0]);
        by2.push(q[1]);
        bcls.push(code);
      }
    }
  }
  let bindex: Flatbush | null = null;
  if (bcls.length) {
    bindex = new Flatbush(bcls.length);
    for (let i = 0; i < bcls.length; i++) {
      bindex.add(Math.min(bx1[i], bx2[i]) - btol, Math.min(by1[i], by2[i]) - btol, Math.max(bx1[i], bx2[i]) + btol, Math.max(by1[i], by2[i]) + btol);
    }
    bindex.finish();
  }
  /** class of a shared piece from (x1,y1) to (x2,y2): strongest barrier it runs along */
  const pieceClass = (x1: number, y1: number, x2: number, y2: number): number => {
    if (!bindex) return EDGE_NONE;
    const mx = (x1 + x2) / 2,
      my = (y1 + y2) / 2;
    const dx = x2 - x1,
      dy = y2 - y1,
      len = Math.hypot(dx, dy) || 1;
    let best = EDGE_NONE;
    for (const i of bindex.search(mx, my, mx, my)) {
      if (bcls[i] <= best) continue;
      const ex = bx2[i] - bx1[i],
        ey = by2[i] - by1[i],
        el = Math.hypot(ex, ey) || 1;
      // parallel within ~25°
      if (Math.abs(dx * ey - dy * ex) / (len * el) > 0.42) continue;
      // distance from midpoint to the barrier segment
      const t = Math.max(0, Math.min(1, ((mx - bx1[i]) * ex + (my - by1[i]) * ey) / (el * el)));
      const d = Math.hypot(mx - (bx1[i] + t * ex), my - (by1[i] + t * ey));
      if (d <= btol) best = bcls[i];
    }
    return best;
  };

  // --- shared pieces: exact segment matches ---
  const pairLen = new Map<number, number>();
  const pairCls = new Map<number, Float64Array>(); // per pair: covered length per class
  const addPiece = (u: number, v: number, x1: number, y1: number, x2: number, y2: number) => {
    if (u === v) return;
    const a = Math.min(u, v),
      b = Math.max(u, v);
    const key = a * n + b;
    const len = Math.hypot(x2 - x1, y2 - y1);
    pairLen.set(key, (pairLen.get(key) ?? 0) + len);
    const c = pieceClass(x1, y1, x2, y2);
    if (c !== EDGE_NONE) {
      let arr = pairCls.get(key);
      if (!arr) {
        arr = new Float64Array(5);
        pairCls.set(key, arr);
      }
      arr[c] += len;
    }
  };
  const S = segUnit.length;
  const nv = vx.length;
  const segByKey = new Map<number, number>();
  const matched = new Uint8Array(S);
  for (let s = 0; s < S; s++) {
    const a = Math.min(segA[s], segB[s]),
      b = Math.max(segA[s], segB[s]);
    const key = a * nv + b;
    const other = segByKey.get(key);
    if (other !== undefined && segUnit[other] !== segUnit[s]) {
      matched[s] = 1;
      matched[other] = 1;
      addPiece(segUnit[s], segUnit[other], vx[segA[s]], vy[segA[s]], vx[segB[s]], vy[segB[s]]);
      segByKey.delete(key);
    } else segByKey.set(key, s);
  }

  // --- T-junctions / partial overlaps: collinear overlap of unmatched segments ---
  const un: number[] = [];
  for (let s = 0; s < S; s++) if (!matched[s]) un.push(s);
  if (un.length > 1) {
    const idx = new Flatbush(un.length);
    for (const s of un) {
      const x1 = vx[segA[s]],
        y1 = vy[segA[s]],
        x2 = vx[segB[s]],
        y2 = vy[segB[s]];
      idx.add(Math.min(x1, x2) - tol, Math.min(y1, y2) - tol, Math.max(x1, x2) + tol, Math.max(y1, y2) + tol);
    }
    idx.finish();
    for (let i = 0; i < un.length; i++) {
      const s = un[i];
      const x1 = vx[segA[s]],
        y1 = vy[segA[s]],
        x2 = vx[segB[s]],
        y2 = vy[segB[s]];
      const dx = x2 - x1,
        dy = y2 - y1,
        L = Math.hypot(dx, dy);
      if (L < 1e-9) continue;
      const ux = dx / L,
        uy = dy / L;
      for (const j of idx.search(Math.min(x1, x2) - tol, Math.min(y1, y2) - tol, Math.max(x1, x2) + tol, Math.max(y1, y2) + tol)) {
        if (j <= i) continue;
        const t = un[j];
        if (segUnit[t] === segUnit[s]) continue;
        const px = vx[segA[t]],
          py = vy[segA[t]],
          qx = vx[segB[t]],
          qy = vy[segB[t]];
        // both endpoints of t within tol of the line through s
        if (Math.abs((px - x1) * uy - (py - y1) * ux) > tol || Math.abs((qx - x1) * uy - (qy - y1) * ux) > tol) continue;
        const tp = (px - x1) * ux + (py - y1) * uy,
          tq = (qx - x1) * ux + (qy - y1) * uy;
        const lo = Math.max(0, Math.min(tp, tq)),
          hi = Math.min(L, Math.max(tp, tq));
        if (hi - lo <= 1e-6) continue;
        addPiece(segUnit[s], segUnit[t], x1 + ux * lo, y1 + uy * lo, x1 + ux * hi, y1 + uy * hi);
      }
    }
  }

  // --- CSR ---
  const deg = new Int32Array(n);
  const pairs: [number, number, number, number][] = [];
  for (const [key, len] of pairLen) {
    if (len < minShared) continue;
    const a = Math.floor(key / n),
      b = key - a * n;
    const cov = pairCls.get(key);
    let cls = EDGE_NONE;
    if (cov) {
      const hard = cov[EDGE_MAJOR] + cov[EDGE_RAIL] + cov[EDGE_WATER];
      if (hard >= 0.5 * len) {
        cls = cov[EDGE_WATER] > 0 ? EDGE_WATER : cov[EDGE_RAIL] > 0 ? EDGE_RAIL : EDGE_MAJOR;
        // strongest class that carries a real share of the length
        let bestLen = -1;
        for (const c of [EDGE_MAJOR, EDGE_RAIL, EDGE_WATER])
          if (cov[c] > bestLen) {
            bestLen = cov[c];
            cls = c;
          }
      } else if (cov[EDGE_MINOR] + hard >= 0.5 * len) cls = EDGE_MINOR;
    }
    pairs.push([a, b, len, cls]);
    deg[a]++;
    deg[b]++;
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + deg[i];
  const m2 = offsets[n];
  const targets = new Int32Array(m2),
    edgeLen = new Float64Array(m2),
    edgeClass = new Uint8Array(m2);
  const fill = offsets.slice(0, n);
  pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  for (const [a, b, len, cls] of pairs) {
    let k = fill[a]++;
    targets[k] = b;
    edgeLen[k] = len;
    edgeClass[k] = cls;
    k = fill[b]++;
    targets[k] = a;
    edgeLen[k] = len;
    edgeClass[k] = cls;
  }
  const sd = labelIndex(units.map((u) => u.subdistrict));
  const cm = labelIndex(units.map((u) => (u.community ? `${u.subdistrict ?? ''}\u0000${u.community}` : null)));
  const cp = labelIndex(units.map((u) => (u.compound ? `${u.subdistrict ?? ''}\u0000${u.compound}` : null)));
  return {
    n,
    ids: units.map((u) => u.id),
    households,
    area,
    perimeter,
    cx,
    cy,
    offsets,
    targets,
    edgeLen,
    edgeClass,
    subdistrict: sd.idx,
    community: cm.idx,
    compound: cp.idx,
    subdistricts: sd.names,
    communities: cm.names.map((s) => s.split('\u0000')[1]),
    compounds: cp.names.map((s) => s.split('\u0000')[1]),
    projection: proj,
  };
}
