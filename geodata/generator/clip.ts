/**
 * Planar polygon helpers on the local metric plane (XY metres): boolean clipping through turf
 * (polyclip-ts), areas, point-in-polygon and bounding boxes. Pure, no I/O.
 */
import { difference, featureCollection, intersect, multiPolygon, polygon, union } from '@turf/turf';
import pc from 'polygon-clipping';
import type { Feature, MultiPolygon as GMultiPolygon, Polygon as GPolygon } from 'geojson';
import type { XY } from './proj';

export type Ring = XY[];
export type Poly = Ring[]; // outer ring first, then holes (closed rings: first == last)
export type MPoly = Poly[];

export type BBox = [number, number, number, number];

export function closeRing(r: Ring): Ring {
  const a = r[0];
  const b = r[r.length - 1];
  return a[0] === b[0] && a[1] === b[1] ? r : [...r, a];
}

function toFeature(m: MPoly): Feature<GMultiPolygon> {
  return multiPolygon(m.map((p) => p.map(closeRing)) as number[][][][]);
}

function fromFeature(f: Feature<GPolygon | GMultiPolygon> | null): MPoly {
  if (!f) return [];
  const g = f.geometry;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys as unknown as MPoly;
}

/** Snaps coordinates to a grid of `q` metres (removes near-degenerate input for polyclip). */
function snap(m: MPoly, q: number): MPoly {
  return m.map((p) =>
    p.map((r) => {
      const out: Ring = [];
      for (const [x, y] of r) {
        const s: XY = [Math.round(x / q) * q, Math.round(y / q) * q];
        const l = out[out.length - 1];
        if (!l || l[0] !== s[0] || l[1] !== s[1]) out.push(s);
      }
      return out;
    }),
  );
}

type PcGeom = Parameters<typeof pc.intersection>[0];
const fast = (kind: 'intersection' | 'difference', a: MPoly, b: MPoly): MPoly => pc[kind](a as unknown as PcGeom, b as unknown as PcGeom) as unknown as MPoly;

/**
 * Runs a clipping operation with polygon-clipping (fast, floating point); on its rare robustness
 * failures falls back to polyclip-ts (exact arithmetic) and then to coarser snapped input.
 */
function robust(kind: 'intersection' | 'difference', op: (a: MPoly, b: MPoly) => MPoly, a: MPoly, b: MPoly): MPoly {
  try {
    return fast(kind, a, b);
  } catch {
    /* fall through */
  }
  try {
    return op(a, b);
  } catch {
    for (const q of [0.001, 0.01, 0.05]) {
      try {
        return op(snap(a, q), snap(b, q));
      } catch {
        /* try coarser */
      }
    }
    throw new Error('polygon clipping failed');
  }
}

export function mIntersect(a: MPoly, b: MPoly): MPoly {
  if (!a.length || !b.length) return [];
  return robust('intersection', (x, y) => fromFeature(intersect(featureCollection([toFeature(x), toFeature(y)]))), a, b);
}

export function mDifference(a: MPoly, b: MPoly): MPoly {
  if (!a.length) return [];
  if (!b.length) return a;
  return robust('difference', (x, y) => fromFeature(difference(featureCollection([toFeature(x), toFeature(y)]))), a, b);
}

export function mUnion(parts: MPoly[]): MPoly {
  const nonEmpty = parts.filter((p) => p.length);
  if (!nonEmpty.length) return [];
  if (nonEmpty.length === 1) return nonEmpty[0];
  return fromFeature(union(featureCollection(nonEmpty.map(toFeature))));
}

/** Signed area of a ring (positive when counter-clockwise). */
export function ringSignedArea(r: Ring): number {
  let s = 0;
  for (let i = 0, n = r.length; i < n; i++) {
    const [x1, y1] = r[i];
    const [x2, y2] = r[(i + 1) % n];
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
}

export function polyArea(p: Poly): number {
  let a = Math.abs(ringSignedArea(p[0]));
  for (let i = 1; i < p.length; i++) a -= Math.abs(ringSignedArea(p[i]));
  return a;
}

export const mArea = (m: MPoly): number => m.reduce((s, p) => s + polyArea(p), 0);

export function pointInRing(pt: XY, r: Ring): boolean {
  let inside = false;
  const [x, y] = pt;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i];
    const [xj, yj] = r[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInPoly(pt: XY, p: Poly): boolean {
  if (!pointInRing(pt, p[0])) return false;
  for (let i = 1; i < p.length; i++) if (pointInRing(pt, p[i])) return false;
  return true;
}

export const pointInMPoly = (pt: XY, m: MPoly): boolean => m.some((p) => pointInPoly(pt, p));

export function ringBBox(r: Ring): BBox {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of r) {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

export function mBBox(m: MPoly): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of m) {
    const r = ringBBox(p[0]);
    b[0] = Math.min(b[0], r[0]);
    b[1] = Math.min(b[1], r[1]);
    b[2] = Math.max(b[2], r[2]);
    b[3] = Math.max(b[3], r[3]);
  }
  return b;
}

export function ringCentroid(r: Ring): XY {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, n = r.length; i < n; i++) {
    const [x1, y1] = r[i];
    const [x2, y2] = r[(i + 1) % n];
    const f = x1 * y2 - x2 * y1;
    a += f;
    cx += (x1 + x2) * f;
    cy += (y1 + y2) * f;
  }
  if (Math.abs(a) < 1e-9) return r[0];
  return [cx / (3 * a), cy / (3 * a)];
}

/** A closed ring approximating an ellipse with some seeded wobble (lakes). */
export function wobblyEllipse(c: XY, rx: number, ry: number, rot: number, wobble: (i: number) => number, n = 40): Ring {
  const r: Ring = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    const k = 1 + wobble(i);
    const x = Math.cos(t) * rx * k;
    const y = Math.sin(t) * ry * k;
    r.push([c[0] + x * Math.cos(rot) - y * Math.sin(rot), c[1] + x * Math.sin(rot) + y * Math.cos(rot)]);
  }
  r.push(r[0]);
  return r;
}

export { polygon };
