/**
 * Morphological tessellation for imported real data without parcels: inside each block, the
 * Voronoi cells of the buildings (centroids plus points sampled along each outline, merged per
 * building) clipped to the block. Cells of one block tile it exactly, and blocks are faces of the
 * street network, so the units can be fed straight to buildUnitGraph. Pure, no I/O.
 */
import { Delaunay } from 'd3-delaunay';
import * as polyclip from 'polyclip-ts';
import { projectionForPositions } from '../geo';

export interface TessellationBlock {
  id: string;
  polygon: number[][][];
}
export interface TessellationBuilding {
  id: string;
  households?: number;
  polygon?: number[][][];
  point?: [number, number];
}
export interface TessellatedUnit {
  id: string;
  block: string;
  buildings: string[];
  households: number;
  /** lon/lat MultiPolygon coordinates */
  polygons: number[][][][];
}

function pointInRing(x: number, y: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i],
      [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function tessellateBlocks(blocks: TessellationBlock[], buildings: TessellationBuilding[], sampleSpacingM = 8): TessellatedUnit[] {
  const proj = projectionForPositions(blocks.flatMap((b) => b.polygon[0] ?? []));
  const fwd = (p: number[]) => proj.forward(p[0], p[1]);
  const inv = (p: number[]) => {
    const q = proj.inverse(p[0], p[1]);
    return [Number(q[0].toFixed(7)), Number(q[1].toFixed(7))];
  };
  const bld = buildings.map((b) => {
    const outline = b.polygon ? b.polygon[0].map(fwd) : null;
    let c: [number, number];
    if (b.point) c = fwd(b.point);
    else {
      let sx = 0,
        sy = 0;
      const r = outline!.slice(0, -1);
      for (const p of r) {
        sx += p[0];
        sy += p[1];
      }
      c = [sx / r.length, sy / r.length];
    }
    const pts: [number, number][] = [c];
    if (outline)
      for (let i = 1; i < outline.length; i++) {
        const [x1, y1] = outline[i - 1],
          [x2, y2] = outline[i];
        const n = Math.floor(Math.hypot(x2 - x1, y2 - y1) / sampleSpacingM);
        for (let k = 0; k <= n; k++) pts.push([x1 + ((x2 - x1) * k) / Math.max(1, n + 1), y1 + ((y2 - y1) * k) / Math.max(1, n + 1)]);
      }
    return { b, c, pts };
  });
  const out: TessellatedUnit[] = [];
  for (const block of blocks) {
    const rings = block.polygon.map((r) => r.map(fwd));
    const mine = bld.filter(({ c }) => pointInRing(c[0], c[1], rings[0]) && !rings.slice(1).some((h) => pointInRing(c[0], c[1], h)));
    const blockGeom = rings as polyclip.Geom;
    if (mine.length <= 1) {
      out.push({
        id: `${block.id}-1`,
        block: block.id,
        buildings: mine.map((m) => m.b.id),
        households: mine.reduce((s, m) => s + (m.b.households ?? 0), 0),
        polygons: [block.polygon],
      });
      continue;
    }
    const pts: number[] = [],
      owner: number[] = [];
    mine.forEach((m, i) => {
      for (const p of m.pts)
        if (pointInRing(p[0], p[1], rings[0])) {
          pts.push(p[0], p[1]);
          owner.push(i);
        }
    });
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (const p of rings[0]) {
      minX = Math.min(minX, p[0]);
      maxX = Math.max(maxX, p[0]);
      minY = Math.min(minY, p[1]);
      maxY = Math.max(maxY, p[1]);
    }
    const vor = new Delaunay(Float64Array.from(pts)).voronoi([minX - 10, minY - 10, maxX + 10, maxY + 10]);
    const cells: polyclip.Geom[][] = mine.map(() => []);
    for (let i = 0; i < owner.length; i++) {
      const cell = vor.cellPolygon(i);
      if (cell) cells[owner[i]].push([cell as unknown as [number, number][]] as polyclip.Geom);
    }
    mine.forEach((m, i) => {
      if (!cells[i].length) return;
      const merged = cells[i].length > 1 ? polyclip.union(cells[i][0], ...cells[i].slice(1)) : cells[i][0];
      const clipped = polyclip.intersection(merged, blockGeom) as number[][][][];
      if (!clipped.length) return;
      out.push({
        id: `${block.id}-${m.b.id}`,
        block: block.id,
        buildings: [m.b.id],
        households: m.b.households ?? 0,
        polygons: clipped.map((poly) => poly.map((ring) => ring.map(inv))),
      });
    });
  }
  return out;
}
