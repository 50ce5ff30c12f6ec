/**
 * Units from blocks and the household register: every row is placed by point-in-polygon (a row in
 * no sub-district is a warning, never silently dropped); a block holding more than `splitAbove`
 * households is split into units by its buildings (morphological tessellation, the existing
 * `tessellateBlocks`) or, without footprints, by its rows' points; a unit's households are then
 * counted from the rows whose point lies inside the unit itself, so every household is counted
 * exactly once and grids built from units hold exactly their rows. Pure, no I/O.
 */
import Flatbush from 'flatbush';
import type { LocalProjection } from '../geo';
import { tessellateBlocks, type TessellationBlock, type TessellationBuilding } from '../partition';
import type { PartitionUnit } from '../partition';
import { pointInRings, ringArea, type Pt } from './planar';
import type { Block } from './blocks';
import type { Area } from './areas';
import type { BuildingFootprint, DistrictWarning, HouseholdRow } from './types';

export interface UnitsResult {
  units: PartitionUnit[];
  /** unit index of each row (-1: the row lies in no sub-district) */
  rowUnit: Int32Array;
  /** block index of each unit */
  unitBlock: number[];
  warnings: DistrictWarning[];
  stats: { blocks_split: number; blocks_empty: number; rows_outside: number; rows_snapped: number };
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

function segDist2(p: Pt, a: readonly number[], b: readonly number[]): number {
  const dx = b[0] - a[0],
    dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2 : 0;
  t = Math.max(0, Math.min(1, t));
  const x = a[0] + t * dx - p[0],
    y = a[1] + t * dy - p[1];
  return x * x + y * y;
}
function distToRings(p: Pt, rings: readonly (readonly (readonly number[])[])[]): number {
  let d = Infinity;
  for (const r of rings) for (let i = 1; i < r.length; i++) d = Math.min(d, segDist2(p, r[i - 1], r[i]));
  return d;
}

export function buildUnits(
  blocks: Block[],
  subdistricts: Area[],
  rows: HouseholdRow[],
  proj: LocalProjection,
  options: { splitAbove: number; buildings?: BuildingFootprint[] },
): UnitsResult {
  const warnings: DistrictWarning[] = [];
  const toLonLat = (rings: Pt[][]) =>
    rings.map((r) =>
      r.map((p) => {
        const q = proj.inverse(p[0], p[1]);
        return [round7(q[0]), round7(q[1])];
      }),
    );
  const blockLL = blocks.map((b) => toLonLat(b.rings));
  // --- place rows in blocks ---
  const idx = new Flatbush(Math.max(1, blocks.length));
  for (const b of blocks) {
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -Infinity,
      y1 = -Infinity;
    for (const p of b.rings[0]) {
      x0 = Math.min(x0, p[0]);
      y0 = Math.min(y0, p[1]);
      x1 = Math.max(x1, p[0]);
      y1 = Math.max(y1, p[1]);
    }
    idx.add(x0, y0, x1, y1);
  }
  if (!blocks.length) idx.add(0, 0, 0, 0);
  idx.finish();
  const inSub = (p: Pt) => subdistricts.find((s) => s.polygons.some((poly) => pointInRings(p[0], p[1], poly)));
  const rowPt: Pt[] = rows.map((r) => proj.forward(r.lon, r.lat) as Pt);
  const rowBlock = new Int32Array(rows.length).fill(-1);
  let outside = 0,
    snapped = 0;
  rows.forEach((r, i) => {
    const p = rowPt[i];
    for (const b of idx.search(p[0], p[1], p[0], p[1]))
      if (b < blocks.length && pointInRings(p[0], p[1], blocks[b].rings)) {
        rowBlock[i] = b;
        return;
      }
    const s = inSub(p);
    if (!s) {
      outside++;
      warnings.push({
        code: 'household_outside',
        message: `households ${r.ref}${r.building ? ` (building ${r.building})` : ''}: point ${r.lon.toFixed(6)}, ${r.lat.toFixed(6)} (WGS84) lies in no sub-district; its ${r.households} households are in no grid`,
        file: 'households',
        row: r.ref,
      });
      return;
    }
    // on a block edge or in a rounding gap: the nearest block of its sub-district
    let best = -1,
      bestD = Infinity;
    for (const b of idx.neighbors(p[0], p[1], 16)) {
      if (b >= blocks.length || blocks[b].subdistrict !== s.code) continue;
      const d = distToRings(p, blocks[b].rings);
      if (d < bestD) {
        bestD = d;
        best = b;
      }
    }
    if (best >= 0) {
      rowBlock[i] = best;
      snapped++;
      // more than a rounding gap away: the point lies in the water (or a gap) inside its sub-district;
      // its households still count once, in the nearest land, and the row is named
      const d = Math.sqrt(bestD);
      if (d > 1)
        warnings.push({
          code: 'household_off_land',
          message: `households ${r.ref}${r.building ? ` (building ${r.building})` : ''}: point ${r.lon.toFixed(6)}, ${r.lat.toFixed(6)} (WGS84) lies in no block (in the water?), ${d.toFixed(1)} m from land: its ${r.households} households are counted in the nearest block`,
          file: 'households',
          row: r.ref,
          subdistrict: s.code,
        });
    }
  });
  const blockRows: number[][] = blocks.map(() => []);
  rowBlock.forEach((b, i) => {
    if (b >= 0) blockRows[b].push(i);
  });
  // --- buildings per block (by the centroid of the outline) ---
  const blockBuildings: number[][] = blocks.map(() => []);
  const bldPt: Pt[] = [];
  (options.buildings ?? []).forEach((f, k) => {
    const poly = f.polygons.reduce((a, b) => (Math.abs(ringArea(b[0] as Pt[])) > Math.abs(ringArea(a[0] as Pt[])) ? b : a));
    const ring = poly[0].slice(0, -1).map((p) => proj.forward(p[0], p[1]));
    const c: Pt = [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
    bldPt[k] = c;
    for (const b of idx.search(c[0], c[1], c[0], c[1]))
      if (b < blocks.length && pointInRings(c[0], c[1], blocks[b].rings)) {
        blockBuildings[b].push(k);
        return;
      }
  });
  // --- units ---
  const units: PartitionUnit[] = [];
  const rowUnit = new Int32Array(rows.length).fill(-1);
  const unitBlock: number[] = [];
  let split = 0,
    empty = 0;
  blocks.forEach((block, bi) => {
    const mine = blockRows[bi];
    const total = mine.reduce((s, i) => s + rows[i].households, 0);
    if (!mine.length) empty++;
    const base = { subdistrict: block.subdistrict, community: block.community };
    if (total <= options.splitAbove) {
      for (const i of mine) rowUnit[i] = units.length;
      units.push({ id: block.id, households: total, ...base, compound: majorityCompound(mine.map((i) => rows[i])), polygons: [blockLL[bi]] });
      unitBlock.push(bi);
      return;
    }
    split++;
    const sites: TessellationBuilding[] = [];
    const footprints = blockBuildings[bi].map((k) => options.buildings![k]);
    const fpRings = footprints.map((f) => f.polygons.map((poly) => poly.map((r) => r.map((p) => proj.forward(p[0], p[1]) as Pt))));
    footprints.forEach((f, k) => {
      const poly = f.polygons.reduce((a, b) => (a[0].length >= b[0].length ? a : b));
      sites.push({ id: `f${k}`, polygon: poly });
    });
    const byPoint = new Map<string, number>();
    for (const i of mine) {
      if (fpRings.some((m) => m.some((poly) => pointInRings(rowPt[i][0], rowPt[i][1], poly)))) continue;
      const key = `${rows[i].lon},${rows[i].lat}`;
      if (!byPoint.has(key)) {
        byPoint.set(key, sites.length);
        sites.push({ id: `p${sites.length}`, point: [rows[i].lon, rows[i].lat] });
      }
    }
    // a cell the block's shape cuts in two becomes two units (a grid must be able to take either)
    const cells = tessellateSafely({ id: block.id, polygon: blockLL[bi] }, sites, (problem) =>
      warnings.push({
        code: 'block_not_split',
        message: `block ${block.id} (${block.subdistrict}) of ${total} households could not be split (${problem}): it stays one unit`,
        units: [block.id],
        subdistrict: block.subdistrict,
      }),
    )
      .map((c) => ({ ...c, polygons: cleanPolygons(c.polygons) }))
      .filter((c) => c.polygons.length)
      .flatMap((c) => (c.polygons.length === 1 ? [c] : c.polygons.map((poly, k) => ({ ...c, id: `${c.id}~${k + 1}`, polygons: [poly] }))));
    const first = units.length;
    for (const c of cells) {
      units.push({ id: c.id, households: 0, ...base, compound: null, polygons: c.polygons });
      unitBlock.push(bi);
    }
    // count each row in the cell that holds its point
    const cellRows: number[][] = cells.map(() => []);
    for (const i of mine) {
      const p: Pt = [rows[i].lon, rows[i].lat];
      let k = cells.findIndex((c) => c.polygons.some((poly) => pointInRings(p[0], p[1], poly)));
      if (k < 0) {
        let bestD = Infinity;
        cells.forEach((c, j) => {
          const d = Math.min(...c.polygons.map((poly) => distToRings(p, poly)));
          if (d < bestD) {
            bestD = d;
            k = j;
          }
        });
      }
      if (k < 0) continue;
      cellRows[k].push(i);
      rowUnit[i] = first + k;
    }
    cells.forEach((_, k) => {
      const u = units[first + k];
      u.households = cellRows[k].reduce((s, i) => s + rows[i].households, 0);
      u.compound = majorityCompound(cellRows[k].map((i) => rows[i]));
    });
  });
  if (split) shareVertices(units, proj);
  return { units, rowUnit, unitBlock, warnings, stats: { blocks_split: split, blocks_empty: empty, rows_outside: outside, rows_snapped: snapped } };
}

/**
 * Where a split block's cells end on the block's edge, their (rounded) vertices sit up to a
 * centimetre off the neighbouring units' edges, which a union reads as a gap. Every vertex lying
 * within `tolM` of another unit's edge is inserted into that edge, so neighbours share their
 * boundary vertex for vertex and grids dissolve into one piece.
 */
export function shareVertices(units: PartitionUnit[], proj: LocalProjection, tolM = 0.02): void {
  const keys = new Map<string, number[]>();
  for (const u of units)
    for (const poly of u.polygons)
      for (const r of poly)
        for (const p of r) {
          const k = `${p[0]},${p[1]}`;
          if (!keys.has(k)) keys.set(k, p);
        }
  const verts = [...keys.values()];
  const xy = verts.map((p) => proj.forward(p[0], p[1]));
  const idx = new Flatbush(Math.max(1, verts.length));
  for (const [x, y] of xy) idx.add(x, y, x, y);
  if (!verts.length) idx.add(0, 0, 0, 0);
  idx.finish();
  for (const u of units)
    for (const poly of u.polygons)
      for (let ri = 0; ri < poly.length; ri++) {
        const r = poly[ri];
        const out: number[][] = [r[0]];
        for (let i = 1; i < r.length; i++) {
          const a = proj.forward(r[i - 1][0], r[i - 1][1]),
            b = proj.forward(r[i][0], r[i][1]);
          const dx = b[0] - a[0],
            dy = b[1] - a[1],
            l2 = dx * dx + dy * dy;
          const ins: Array<{ t: number; p: number[] }> = [];
          if (l2 > 0)
            for (const v of idx.search(Math.min(a[0], b[0]) - tolM, Math.min(a[1], b[1]) - tolM, Math.max(a[0], b[0]) + tolM, Math.max(a[1], b[1]) + tolM)) {
              if (v >= verts.length) continue;
              const [x, y] = xy[v];
              const t = ((x - a[0]) * dx + (y - a[1]) * dy) / l2;
              if (t <= 1e-9 || t >= 1 - 1e-9) continue;
              const d = Math.abs(dx * (y - a[1]) - dy * (x - a[0])) / Math.sqrt(l2);
              if (d <= tolM) ins.push({ t, p: verts[v] });
            }
          ins.sort((p, q) => p.t - q.t);
          for (const x of ins) {
            const last = out[out.length - 1];
            if (last[0] !== x.p[0] || last[1] !== x.p[1]) out.push(x.p);
          }
          const last = out[out.length - 1];
          if (last[0] !== r[i][0] || last[1] !== r[i][1]) out.push(r[i]);
        }
        poly[ri] = out;
      }
}

/**
 * tessellateBlocks on one block; the polygon clipper can fail on near-degenerate footprints, so
 * on failure the buildings count by their centroid points instead, and as the last resort the
 * block stays whole.
 */
function tessellateSafely(block: TessellationBlock, sites: TessellationBuilding[], warn: (problem: string) => void): ReturnType<typeof tessellateBlocks> {
  try {
    return tessellateBlocks([block], sites);
  } catch {
    /* next */
  }
  const points = sites.map((s) => {
    if (s.point || !s.polygon) return s;
    const r = s.polygon[0].slice(0, -1);
    return { id: s.id, point: [r.reduce((a, p) => a + p[0], 0) / r.length, r.reduce((a, p) => a + p[1], 0) / r.length] as [number, number] };
  });
  try {
    return tessellateBlocks([block], points);
  } catch (e) {
    warn((e as Error).message.split('\n')[0]);
    return [{ id: block.id, block: block.id, buildings: [], households: 0, polygons: [block.polygon] }];
  }
}

/**
 * Drops what the clipper can leave behind and a database refuses: rings of fewer than 4 positions
 * (after repeated positions are dropped), and polygons whose outer ring is such a ring.
 */
export function cleanPolygons(polys: number[][][][]): number[][][][] {
  const ring = (r: number[][]) => {
    const out: number[][] = [];
    for (const p of r) {
      const l = out[out.length - 1];
      if (!l || l[0] !== p[0] || l[1] !== p[1]) out.push(p);
    }
    return out.length >= 4 ? out : null;
  };
  const res: number[][][][] = [];
  for (const poly of polys) {
    const outer = poly[0] ? ring(poly[0]) : null;
    if (!outer) continue;
    res.push([
      outer,
      ...poly
        .slice(1)
        .map(ring)
        .filter((r): r is number[][] => r !== null),
    ]);
  }
  return res;
}

/** The compound holding most of the rows' households (null when no row names one). */
export function majorityCompound(rows: HouseholdRow[]): string | null {
  const m = new Map<string, number>();
  for (const r of rows) if (r.compound) m.set(r.compound, (m.get(r.compound) ?? 0) + r.households + 1e-6);
  let best: string | null = null,
    bestN = -1;
  for (const [k, n] of m)
    if (n > bestN || (n === bestN && best !== null && k < best)) {
      best = k;
      bestN = n;
    }
  return best;
}
