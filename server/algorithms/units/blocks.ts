/**
 * Blocks: the faces of the street network inside each sub-district. Sub-district and community
 * outlines and the dividing streets are noded together and polygonized; every face lies in exactly
 * one sub-district (and at most one community) because their outlines are edges too. Faces that
 * are slivers (too small, or touching their neighbours along less than `minSharedM`) join the
 * neighbour they share most boundary with. Pure, no I/O.
 */
import Flatbush from 'flatbush';
import polygonClipping, { type MultiPolygon as PcMulti } from 'polygon-clipping';
import { interiorPoint, nodeLines, pointInRings, polygonize, ringArea, type Pt } from './planar';
import type { Area, Community } from './areas';

export interface Block {
  id: string;
  subdistrict: string;
  community: string | null;
  /** metric polygon (outer + holes) */
  rings: Pt[][];
  area: number;
}

export interface BlockOptions {
  /** snapping grid, metres (default 0.01) */
  grid?: number;
  /** gap healing tolerance, metres (default 2) */
  healM?: number;
  /** faces smaller than this join a neighbour, m² (default 50) */
  minAreaM2?: number;
  /** faces touching every neighbour along less than this join the longest, metres (default 2) */
  minSharedM?: number;
}

export interface BlockStats {
  faces: number; blocks: number; healed: number; merged: number; outside: number;
  /** metric points: where a street end was joined to another line, and street ends left short of one */
  healedAt: Pt[]; unclosedAt: Pt[];
}

class AreaIndex<T extends { polygons: Pt[][][] }> {
  private idx: Flatbush | null = null;
  private parts: Array<{ area: T; rings: Pt[][] }> = [];
  constructor(areas: T[]) {
    for (const a of areas) for (const poly of a.polygons) this.parts.push({ area: a, rings: poly });
    if (!this.parts.length) return;
    this.idx = new Flatbush(this.parts.length);
    for (const { rings } of this.parts) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const p of rings[0]) { x0 = Math.min(x0, p[0]); y0 = Math.min(y0, p[1]); x1 = Math.max(x1, p[0]); y1 = Math.max(y1, p[1]); }
      this.idx.add(x0, y0, x1, y1);
    }
    this.idx.finish();
  }
  at(p: Pt): T | null {
    if (!this.idx) return null;
    for (const i of this.idx.search(p[0], p[1], p[0], p[1])) if (pointInRings(p[0], p[1], this.parts[i].rings)) return this.parts[i].area;
    return null;
  }
}

export function buildBlocks(subdistricts: Area[], communities: Community[], streets: Pt[][], options: BlockOptions = {}): { blocks: Block[]; stats: BlockStats } {
  const minArea = options.minAreaM2 ?? 50, minShared = options.minSharedM ?? 2;
  const lines: Pt[][] = [];
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const a of [...subdistricts, ...communities]) for (const poly of a.polygons) for (const r of poly) {
    lines.push(r);
    for (const p of r) { x0 = Math.min(x0, p[0]); y0 = Math.min(y0, p[1]); x1 = Math.max(x1, p[0]); y1 = Math.max(y1, p[1]); }
  }
  for (const l of streets) {
    let a0 = Infinity, b0 = Infinity, a1 = -Infinity, b1 = -Infinity;
    for (const p of l) { a0 = Math.min(a0, p[0]); b0 = Math.min(b0, p[1]); a1 = Math.max(a1, p[0]); b1 = Math.max(b1, p[1]); }
    if (a0 <= x1 + 10 && a1 >= x0 - 10 && b0 <= y1 + 10 && b1 >= y0 - 10) lines.push(l);
  }
  const noded = nodeLines(lines, { grid: options.grid, healM: options.healM });
  const { faces, adjacency } = polygonize(noded);
  const subIdx = new AreaIndex(subdistricts), comIdx = new AreaIndex(communities);
  // label faces
  const label: Array<{ sub: string; com: string | null } | null> = faces.map((f) => {
    const p = interiorPoint(f.rings);
    const s = subIdx.at(p);
    if (!s) return null;
    const c = comIdx.at(p);
    return { sub: s.code, com: c && c.subdistrict === s.code ? c.code : null };
  });
  // merge slivers into the neighbour (same sub-district) they share most boundary with
  const parent = faces.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; };
  const order = faces.map((_, i) => i).filter((i) => label[i]).sort((a, b) => faces[a].area - faces[b].area);
  let merged = 0;
  const groupArea = faces.map((f) => f.area);
  for (const i of order) {
    const nb = adjacency.get(i);
    let longest = 0;
    let target = -1, targetLen = 0;
    for (const [j, len] of nb ?? []) {
      if (!label[j] || label[j]!.sub !== label[i]!.sub) continue;
      longest = Math.max(longest, len);
      if (find(j) !== find(i) && len > targetLen) { target = j; targetLen = len; }
    }
    const small = groupArea[find(i)] < minArea;
    if ((small || longest < minShared) && target >= 0) {
      const a = find(i), b = find(target);
      parent[a] = b; groupArea[b] += groupArea[a]; merged++;
    }
  }
  const groups = new Map<number, number[]>();
  faces.forEach((_, i) => { if (label[i]) { const r = find(i); let g = groups.get(r); if (!g) groups.set(r, (g = [])); g.push(i); } });
  const blocks: Block[] = [];
  for (const [root, members] of groups) {
    const lab = label[root]!;
    let polys: Pt[][][];
    if (members.length === 1 && !faces[root].pinched) polys = [faces[root].rings];
    else {
      const geoms = members.map((m) => faces[m].rings as unknown as PcMulti[number]);
      polys = polygonClipping.union(geoms[0], ...geoms.slice(1)) as unknown as Pt[][][];
    }
    for (const rings of polys) {
      const area = rings.reduce((s, r, k) => s + (k === 0 ? Math.abs(ringArea(r)) : -Math.abs(ringArea(r))), 0);
      if (area <= 0) continue;
      blocks.push({ id: `b${blocks.length + 1}`, subdistrict: lab.sub, community: lab.com, rings, area });
    }
  }
  return { blocks, stats: { faces: faces.length, blocks: blocks.length, healed: noded.healed, merged, outside: faces.length - order.length, healedAt: noded.healedAt, unclosedAt: noded.unclosedAt } };
}
