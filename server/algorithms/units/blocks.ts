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
  /** clipped: faces that crossed a sub-district outline (an outline edge lost in noding) and were cut by it */
  faces: number;
  blocks: number;
  healed: number;
  merged: number;
  clipped: number;
  outside: number;
  /** metric points: where a street end was joined to another line, and street ends left short of one */
  healedAt: Pt[];
  unclosedAt: Pt[];
}

class AreaIndex<T extends { polygons: Pt[][][] }> {
  private idx: Flatbush | null = null;
  private parts: Array<{ area: T; rings: Pt[][] }> = [];
  constructor(areas: T[]) {
    for (const a of areas) for (const poly of a.polygons) this.parts.push({ area: a, rings: poly });
    if (!this.parts.length) return;
    this.idx = new Flatbush(this.parts.length);
    for (const { rings } of this.parts) {
      let x0 = Infinity,
        y0 = Infinity,
        x1 = -Infinity,
        y1 = -Infinity;
      for (const p of rings[0]) {
        x0 = Math.min(x0, p[0]);
        y0 = Math.min(y0, p[1]);
        x1 = Math.max(x1, p[0]);
        y1 = Math.max(y1, p[1]);
      }
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

const segDist = (p: Pt, a: Pt, b: Pt) => {
  const dx = b[0] - a[0],
    dy = b[1] - a[1],
    l2 = dx * dx + dy * dy;
  const t = l2 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
  return Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
};

/**
 * Whether a face's outer ring has a vertex, or the middle or a quarter of an edge (an edge can cut
 * across a notch of the outline between two vertices on it), more than `tolM` outside the area.
 */
function strays(rings: Pt[][], area: Area, tolM = 0.5): boolean {
  const r0 = rings[0];
  const probes: Pt[] = [...r0];
  for (let i = 1; i < r0.length; i++)
    for (const t of [0.25, 0.5, 0.75]) probes.push([r0[i - 1][0] + t * (r0[i][0] - r0[i - 1][0]), r0[i - 1][1] + t * (r0[i][1] - r0[i - 1][1])]);
  return probes.some((p) => {
    if (area.polygons.some((poly) => pointInRings(p[0], p[1], poly))) return false;
    for (const poly of area.polygons) for (const r of poly) for (let i = 1; i < r.length; i++) if (segDist(p, r[i - 1], r[i]) <= tolM) return false;
    return true;
  });
}

/** Whether a ring's bounding box meets that of any of the polygons. */
function overlapsBox(ring: Pt[], polys: Pt[][][]): boolean {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const p of ring) {
    x0 = Math.min(x0, p[0]);
    y0 = Math.min(y0, p[1]);
    x1 = Math.max(x1, p[0]);
    y1 = Math.max(y1, p[1]);
  }
  return polys.some((poly) => {
    let a0 = Infinity,
      b0 = Infinity,
      a1 = -Infinity,
      b1 = -Infinity;
    for (const p of poly[0]) {
      a0 = Math.min(a0, p[0]);
      b0 = Math.min(b0, p[1]);
      a1 = Math.max(a1, p[0]);
      b1 = Math.max(b1, p[1]);
    }
    return a0 <= x1 && a1 >= x0 && b0 <= y1 && b1 >= y0;
  });
}

export function buildBlocks(
  subdistricts: Area[],
  communities: Community[],
  streets: Pt[][],
  options: BlockOptions = {},
): { blocks: Block[]; stats: BlockStats } {
  const minArea = options.minAreaM2 ?? 50,
    minShared = options.minSharedM ?? 2;
  const lines: Pt[][] = [];
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const a of [...subdistricts, ...communities])
    for (const poly of a.polygons)
      for (const r of poly) {
        lines.push(r);
        for (const p of r) {
          x0 = Math.min(x0, p[0]);
          y0 = Math.min(y0, p[1]);
          x1 = Math.max(x1, p[0]);
          y1 = Math.max(y1, p[1]);
        }
      }
  for (const l of streets) {
    let a0 = Infinity,
      b0 = Infinity,
      a1 = -Infinity,
      b1 = -Infinity;
    for (const p of l) {
      a0 = Math.min(a0, p[0]);
      b0 = Math.min(b0, p[1]);
      a1 = Math.max(a1, p[0]);
      b1 = Math.max(b1, p[1]);
    }
    if (a0 <= x1 + 10 && a1 >= x0 - 10 && b0 <= y1 + 10 && b1 >= y0 - 10) lines.push(l);
  }
  const noded = nodeLines(lines, { grid: options.grid, healM: options.healM });
  const { faces, adjacency } = polygonize(noded);
  const subIdx = new AreaIndex(subdistricts),
    comIdx = new AreaIndex(communities);
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
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const order = faces
    .map((_, i) => i)
    .filter((i) => label[i])
    .sort((a, b) => faces[a].area - faces[b].area);
  let merged = 0;
  const groupArea = faces.map((f) => f.area);
  for (const i of order) {
    const nb = adjacency.get(i);
    let longest = 0;
    let target = -1,
      targetLen = 0;
    for (const [j, len] of nb ?? []) {
      if (!label[j] || label[j]!.sub !== label[i]!.sub) continue;
      longest = Math.max(longest, len);
      if (find(j) !== find(i) && len > targetLen) {
        target = j;
        targetLen = len;
      }
    }
    const small = groupArea[find(i)] < minArea;
    if ((small || longest < minShared) && target >= 0) {
      const a = find(i),
        b = find(target);
      parent[a] = b;
      groupArea[b] += groupArea[a];
      merged++;
    }
  }
  const groups = new Map<number, number[]>();
  faces.forEach((_, i) => {
    if (label[i]) {
      const r = find(i);
      let g = groups.get(r);
      if (!g) groups.set(r, (g = []));
      g.push(i);
    }
  });
  const blocks: Block[] = [];
  const push = (rings: Pt[][], sub: string, com: string | null) => {
    const area = rings.reduce((s, r, k) => s + (k === 0 ? Math.abs(ringArea(r)) : -Math.abs(ringArea(r))), 0);
    // below 1 m² a face is a sliver between nearly coincident lines (a spike in an outline, with no
    // neighbour of its sub-district to join): rounding, not land; the database would store it empty
    if (area >= 1) blocks.push({ id: `b${blocks.length + 1}`, subdistrict: sub, community: com, rings, area });
  };
  const subByCode = new Map(subdistricts.map((s) => [s.code, s]));
  let clipped = 0;
  for (const [root, members] of groups) {
    const lab = label[root]!;
    let polys: Pt[][][];
    if (members.length === 1 && !faces[root].pinched) polys = [faces[root].rings];
    else {
      const geoms = members.map((m) => faces[m].rings as unknown as PcMulti[number]);
      polys = polygonClipping.union(geoms[0], ...geoms.slice(1)) as unknown as Pt[][][];
    }
    for (const rings of polys) {
      const sub = subByCode.get(lab.sub)!;
      if (!strays(rings, sub)) {
        push(rings, lab.sub, lab.com);
        continue;
      }
      // an outline edge the noding lost (a spike or a self-overlap in the boundary) leaves a face
      // across it: cut the face by every sub-district it reaches, so no block crosses an outline
      clipped++;
      for (const s of subdistricts) {
        if (!overlapsBox(rings[0], s.polygons)) continue;
        const pieces = polygonClipping.intersection(rings as unknown as PcMulti[number], s.polygons as unknown as PcMulti) as unknown as Pt[][][];
        for (const piece of pieces) {
          const c = comIdx.at(interiorPoint(piece));
          push(piece, s.code, c && c.subdistrict === s.code ? c.code : null);
        }
      }
    }
  }
  return {
    blocks,
    stats: {
      faces: faces.length,
      blocks: blocks.length,
      healed: noded.healed,
      merged,
      clipped,
      outside: faces.length - order.length,
      healedAt: noded.healedAt,
      unclosedAt: noded.unclosedAt,
    },
  };
}
