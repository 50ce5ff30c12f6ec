/**
 * Healing of imported street lines (e.g. vector-tile data cut at tile edges):
 *  1. snap vertices closer than toleranceM to one vertex,
 *  2. snap dangling line ends onto a nearby segment of another line (T-junctions),
 *  3. node lines where they share a vertex (split there),
 *  4. join pieces of the same road that meet end to end with nothing else there
 *     (the cuts at tile edges), so one road is one line between junctions again.
 */
import Flatbush from 'flatbush';
import type { Feature, GeoJsonProperties, LineString, MultiLineString, Position } from 'geojson';
import { closestOnSegment, projectionFor, type LonLat } from './geo';

export interface HealOptions {
  /** Snap distance in metres (default 1). */
  toleranceM?: number;
  /**
   * Pieces are joined only when their keys are equal. Default: the OSM-style `id` property when
   * present, else all properties except `tile_index`.
   */
  joinKey?: (props: GeoJsonProperties) => string;
}

export interface HealStats {
  inputParts: number;
  outputLines: number;
  snappedVertices: number;
  tJunctions: number;
  joins: number;
}

type LineFeature = Feature<LineString | MultiLineString>;

export function defaultJoinKey(props: GeoJsonProperties): string {
  const p = props ?? {};
  if (p.id !== undefined && p.id !== null) return `id:${String(p.id)}`;
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(p).sort()) if (k !== 'tile_index') rest[k] = p[k];
  return JSON.stringify(rest);
}

class UnionFind {
  private p: Int32Array;
  constructor(n: number) {
    this.p = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(a: number): number {
    const p = this.p;
    while (p[a] !== a) {
      p[a] = p[p[a]];
      a = p[a];
    }
    return a;
  }
  union(a: number, b: number): void {
    const ra = this.find(a),
      rb = this.find(b);
    if (ra === rb) return;
    if (ra < rb) this.p[rb] = ra;
    else this.p[ra] = rb;
  }
}

export function healLines(lines: LineFeature[], opts: HealOptions = {}): Feature<LineString>[] {
  return healLinesWithStats(lines, opts).lines;
}

export function healLinesWithStats(lines: LineFeature[], opts: HealOptions = {}): { lines: Feature<LineString>[]; stats: HealStats } {
  const tol = opts.toleranceM ?? 1;
  const joinKey = opts.joinKey ?? defaultJoinKey;

  // 1. Parts and all their vertices.
  const parts: { src: number; first: number; count: number }[] = [];
  const lon: number[] = [],
    lat: number[] = [];
  lines.forEach((f, src) => {
    const g = f.geometry;
    const list: Position[][] = !g ? [] : g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
    for (const coords of list) {
      if (coords.length < 2) continue;
      parts.push({ src, first: lon.length, count: coords.length });
      for (const c of coords) {
        lon.push(c[0]);
        lat.push(c[1]);
      }
    }
  });
  const nv = lon.length;
  const proj = projectionFor(lon.map((x, i) => [x, lat[i]] as LonLat));
  const X = new Float64Array(nv),
    Y = new Float64Array(nv);
  for (let i = 0; i < nv; i++) {
    X[i] = proj.x(lon[i]);
    Y[i] = proj.y(lat[i]);
  }

  // 2. Cluster vertices within tolerance (grid hash, cell = tol).
  const uf = new UnionFind(nv);
  const cell = Math.max(tol, 1e-6);
  const grid = new Map<string, number[]>();
  for (let i = 0; i < nv; i++) {
    const cx = Math.floor(X[i] / cell),
      cy = Math.floor(Y[i] / cell);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const bucket = grid.get(`${cx + dx}:${cy + dy}`);
        if (!bucket) continue;
        for (const j of bucket) {
          const ddx = X[i] - X[j],
            ddy = Y[i] - Y[j];
          if (ddx * ddx + ddy * ddy <= tol * tol) uf.union(i, j);
        }
      }
    }
    const k = `${cx}:${cy}`;
    const b = grid.get(k);
    if (b) b.push(i);
    else grid.set(k, [i]);
  }
  let snappedVertices = 0;
  const rep = new Int32Array(nv);
  for (let i = 0; i < nv; i++) {
    rep[i] = uf.find(i);
    if (rep[i] !== i && (lon[i] !== lon[rep[i]] || lat[i] !== lat[rep[i]])) snappedVertices++;
  }
  const clusterSize = new Int32Array(nv);
  for (let i = 0; i < nv; i++) clusterSize[rep[i]]++;

  // 3. T-junctions: a dangling end near the interior of another segment gets a new shared vertex.
  const vLon = lon.slice(),
    vLat = lat.slice(); // may grow with inserted vertices
  const insertions = new Map<number, { t: number; v: number }[]>(); // key: global segment start vertex
  let tJunctions = 0;
  const segStart: number[] = [];
  const partOfVertex = new Int32Array(nv);
  parts.forEach((p, pi) => {
    for (let k = 0; k < p.count; k++) partOfVertex[p.first + k] = pi;
    for (let k = 0; k < p.count - 1; k++) segStart.push(p.first + k);
  });
  if (segStart.length > 0 && tol > 0) {
    const idx = new Flatbush(segStart.length);
    for (const i of segStart) idx.add(Math.min(X[i], X[i + 1]), Math.min(Y[i], Y[i + 1]), Math.max(X[i], X[i + 1]), Math.max(Y[i], Y[i + 1]));
    idx.finish();
    for (const p of parts) {
      for (const end of [p.first, p.first + p.count - 1]) {
        if (clusterSize[rep[end]] > 1) continue; // already shared
        let best = -1,
          bestD2 = tol * tol,
          bestT = 0;
        for (const s of idx.search(X[end] - tol, Y[end] - tol, X[end] + tol, Y[end] + tol)) {
          const a = segStart[s];
          if (rep[a] === rep[end] || rep[a + 1] === rep[end]) continue;
          const [t, d2] = closestOnSegment(X[end], Y[end], X[a], Y[a], X[a + 1], Y[a + 1]);
          if (d2 <= bestD2 && t > 0 && t < 1) {
            best = a;
            bestD2 = d2;
            bestT = t;
          }
        }
        if (best < 0) continue;
        const v = vLon.length;
        vLon.push(lon[best] + bestT * (lon[best + 1] - lon[best]));
        vLat.push(lat[best] + bestT * (lat[best + 1] - lat[best]));
        const list = insertions.get(best) ?? [];
        list.push({ t: bestT, v });
        insertions.set(best, list);
        rep[end] = v; // this end now is the inserted vertex
        tJunctions++;
      }
    }
  }

  // 4. Vertex sequences per part; count occurrences to find nodes.
  const seqs: { src: number; verts: number[] }[] = [];
  for (const p of parts) {
    const verts: number[] = [];
    const push = (v: number) => {
      if (verts.length === 0 || verts[verts.length - 1] !== v) verts.push(v);
    };
    for (let k = 0; k < p.count; k++) {
      const gi = p.first + k;
      push(rep[gi]);
      const ins = k < p.count - 1 ? insertions.get(gi) : undefined;
      if (ins) for (const { v } of ins.sort((a, b) => a.t - b.t)) push(v);
    }
    if (verts.length >= 2) seqs.push({ src: p.src, verts });
  }
  const occ = new Map<number, number>();
  const isEnd = new Set<number>();
  for (const s of seqs) {
    for (const v of s.verts) occ.set(v, (occ.get(v) ?? 0) + 1);
    isEnd.add(s.verts[0]);
    isEnd.add(s.verts[s.verts.length - 1]);
  }
  const isNode = (v: number) => isEnd.has(v) || (occ.get(v) ?? 0) > 1;

  // 5. Split at nodes.
  interface Piece {
    srcs: number[];
    verts: number[];
    alive: boolean;
    key: string;
  }
  const pieces: Piece[] = [];
  for (const s of seqs) {
    let start = 0;
    for (let i = 1; i < s.verts.length; i++) {
      if (!isNode(s.verts[i])) continue;
      pieces.push({ srcs: [s.src], verts: s.verts.slice(start, i + 1), alive: true, key: joinKey(lines[s.src].properties) });
      start = i;
    }
  }

  // 6. Join pieces with equal keys that meet end to end at a node of degree two.
  const ends = new Map<number, number[]>();
  const addEnd = (v: number, p: number) => {
    const l = ends.get(v);
    if (l) l.push(p);
    else ends.set(v, [p]);
  };
  pieces.forEach((p, i) => {
    addEnd(p.verts[0], i);
    addEnd(p.verts[p.verts.length - 1], i);
  });
  let joins = 0;
  for (const [v, list] of ends) {
    if (list.length !== 2 || list[0] === list[1]) continue;
    if ((occ.get(v) ?? 0) !== 2) continue; // something else passes through here
    const a = pieces[list[0]],
      b = pieces[list[1]];
    if (a.key !== b.key) continue;
    const av = a.verts[a.verts.length - 1] === v ? a.verts : a.verts.slice().reverse();
    const bv = b.verts[0] === v ? b.verts : b.verts.slice().reverse();
    a.verts = av.concat(bv.slice(1));
    a.srcs = a.srcs.concat(b.srcs);
    b.alive = false;
    // b's other end now belongs to a.
    const other = bv[bv.length - 1];
    const ol = ends.get(other)!;
    for (let k = 0; k < ol.length; k++) if (ol[k] === list[1]) ol[k] = list[0];
    list.length = 0; // v is interior now
    joins++;
  }

  const out: Feature<LineString>[] = [];
  for (const p of pieces) {
    if (!p.alive) continue;
    const props: Record<string, unknown> = { ...(lines[p.srcs[0]].properties ?? {}) };
    const uniq = [...new Set(p.srcs)];
    if (uniq.length > 1) {
      delete props.tile_index;
      props.healed_from = uniq.length;
    }
    out.push({
      type: 'Feature',
      properties: props,
      geometry: { type: 'LineString', coordinates: p.verts.map((v) => [vLon[v], vLat[v]]) },
    });
  }
  return {
    lines: out,
    stats: { inputParts: parts.length, outputLines: out.length, snappedVertices, tJunctions, joins },
  };
}
