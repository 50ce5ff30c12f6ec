/**
 * What stands in one block, planned in lattice space as rectangles: compounds (小区, old-town
 * courtyards, schools, parks, commercial and public sites), the parcels (partition units) that tile
 * the block, the building footprints inside each parcel, and the street-front shops.
 */
import type { Rect } from './lattice';
import type { Rng } from '../../common/rng';
import type { Zone } from './subdistricts';
import type { StreetClass, StreetPiece } from './streets';

export type CompoundKind = 'compound' | 'old_town' | 'school' | 'park' | 'commercial' | 'public';
export type BuildingUse = 'residential' | 'mixed' | 'commercial' | 'school' | 'public';

export interface PlannedBuilding {
  rect: Rect;
  use: BuildingUse;
  floors: number;
  households: number;
}
export interface PlannedShop {
  u: number;
  v: number;
  street: StreetPiece;
  building: PlannedBuilding;
}
export interface PlannedUnit {
  rect: Rect;
  compound: boolean; // part of the block's compound (false: street-front strip / rural parcel)
  buildings: PlannedBuilding[];
}
export interface BlockContent {
  kind: CompoundKind | 'rural';
  compoundRect: Rect | null;
  units: PlannedUnit[];
  shops: PlannedShop[];
}

export interface Side {
  h: boolean;
  line: number;
  /** +1: block lies on the increasing side of the line; -1: decreasing side. */
  inward: 1 | -1;
  cls: StreetClass | null;
  piece: StreetPiece | undefined;
  commercial: boolean;
  /** The kept street piece on this side's line covering position x. */
  at: (x: number) => StreetPiece | undefined;
}

export interface ContentParams {
  shopSpacing: number;
  /** Households per floor per stair in mid-rise slabs / per floor in towers (tuning knobs). */
  slabHpf: number;
  towerHpf: number;
  oldDensity: number; // m2 floor area per household in old houses
}

const SETBACK: Record<string, number> = { arterial: 16, secondary: 11, local: 7, lane: 3, path: 3, rail: 15, none: 4 };
const setback = (s: Side) => SETBACK[s.cls ?? 'none'];

/** Splits [a, b] into consecutive pieces of roughly `lo`..`hi` metres (integer boundaries). */
export function splitRange(rng: Rng, a: number, b: number, lo: number, hi: number): number[] {
  const cuts = [a];
  let x = a;
  while (b - x > hi) {
    x += Math.round(rng.range(lo, hi));
    if (b - x < lo) break;
    cuts.push(x);
  }
  cuts.push(b);
  return cuts;
}

function pickKind(rng: Rng, zone: Zone, landFrac: number, area: number): CompoundKind {
  if (landFrac < 0.55) return rng.chance(0.7) ? 'park' : 'public';
  const table: Record<Exclude<Zone, 'rural'>, Array<[CompoundKind | 'tower', number]>> = {
    old: [
      ['old_town', 56],
      ['compound', 16],
      ['school', 7],
      ['park', 5],
      ['commercial', 9],
      ['public', 7],
    ],
    mid: [
      ['compound', 46],
      ['tower', 9],
      ['old_town', 5],
      ['school', 8],
      ['park', 9],
      ['commercial', 11],
      ['public', 8],
    ],
    new: [
      ['tower', 48],
      ['compound', 9],
      ['school', 9],
      ['park', 13],
      ['commercial', 11],
      ['public', 10],
    ],
  };
  const t = table[zone as Exclude<Zone, 'rural'>];
  const k = t[rng.weighted(t.map((x) => x[1]))][0];
  if (k === 'tower') return area > 20000 ? ('tower' as unknown as CompoundKind) : 'compound';
  return k;
}

export function planContent(
  rng: Rng,
  block: Rect,
  zone: Zone,
  sides: Side[], // S, N, W, E
  lane: number | undefined,
  landFrac: number,
  params: ContentParams,
): BlockContent {
  if (zone === 'rural') return planRural(rng, block);
  const area = (block.u1 - block.u0) * (block.v1 - block.v0);
  let kind = pickKind(rng, zone, landFrac, area);
  const units: PlannedUnit[] = [];
  const shops: PlannedShop[] = [];
  // street-front strip on one commercial side
  let R: Rect = { ...block };
  const sb = sides.map(setback); // S N W E
  const allowStrip = kind !== 'park' && kind !== 'school';
  const stripSide = allowStrip ? sides.findIndex((s, i) => s.commercial && (lane === undefined || i < 2)) : -1;
  if (stripSide >= 0) {
    const s = sides[stripSide];
    const D = 26;
    const along: [number, number] = s.h ? [block.u0, block.u1] : [block.v0, block.v1];
    const crossLo = s.h ? sb[2] : sb[0];
    const crossHi = s.h ? sb[3] : sb[1];
    const cuts = splitRange(rng, along[0], along[1], 28, 44);
    const depth0 = s.line; // the centre line
    for (let k = 0; k + 1 < cuts.length; k++) {
      const a = cuts[k];
      const b = cuts[k + 1];
      const unitRect: Rect = s.h
        ? { u0: a, u1: b, v0: s.inward > 0 ? block.v0 : block.v1 - D, v1: s.inward > 0 ? block.v0 + D : block.v1 }
        : { v0: a, v1: b, u0: s.inward > 0 ? block.u0 : block.u1 - D, u1: s.inward > 0 ? block.u0 + D : block.u1 };
      const unit: PlannedUnit = { rect: unitRect, compound: false, buildings: [] };
      units.push(unit);
      const ba = Math.max(a + 2, along[0] + crossLo + 2);
      const bb = Math.min(b - 2, along[1] - crossHi - 2);
      if (bb - ba < 10) continue;
      const d0 = depth0 + s.inward * 8;
      const d1 = depth0 + s.inward * 20;
      const floors = zone === 'old' ? rng.int(2, 4) : rng.int(2, 6);
      const bRect: Rect = s.h ? { u0: ba, u1: bb, v0: Math.min(d0, d1), v1: Math.max(d0, d1) } : { v0: ba, v1: bb, u0: Math.min(d0, d1), u1: Math.max(d0, d1) };
      const b1: PlannedBuilding = {
        rect: bRect,
        use: 'mixed',
        floors,
        households: Math.max(0, (floors - 1) * Math.floor((bb - ba) / 14)),
      };
      unit.buildings.push(b1);
      if (s.piece === undefined) continue;
      const n = Math.max(1, Math.floor((bb - ba) / params.shopSpacing));
      for (let i = 0; i < n; i++) {
        const x = ba + ((i + 0.5) * (bb - ba)) / n;
        const dd = depth0 + s.inward * rng.range(10.5, 14.5);
        const street = s.at(x);
        if (!street || !street.commercial) continue;
        shops.push({ u: s.h ? x : dd, v: s.h ? dd : x, street, building: b1 });
      }
    }
    if (s.h) {
      if (s.inward > 0) R = { ...R, v0: block.v0 + D };
      else R = { ...R, v1: block.v1 - D };
    } else if (s.inward > 0) R = { ...R, u0: block.u0 + D };
    else R = { ...R, u1: block.u1 - D };
    sb[stripSide] = 4;
  }
  const inner: Rect = { u0: R.u0 + sb[2], u1: R.u1 - sb[3], v0: R.v0 + sb[0], v1: R.v1 - sb[1] };
  const iw = inner.u1 - inner.u0;
  const ih = inner.v1 - inner.v0;
  if (iw < 20 || ih < 20) kind = kind === 'old_town' || kind === 'compound' ? 'park' : kind;
  const before = units.length;
  if (kind === 'old_town') planOldTown(rng, R, inner, lane, units, params);
  else if (kind === 'compound') planSlabs(rng, R, inner, units, params);
  else if ((kind as string) === 'tower') {
    planTowers(rng, R, inner, units, params);
    kind = 'compound';
  } else planSite(rng, kind, R, inner, units);
  for (let i = before; i < units.length; i++) units[i].compound = true;
  return { kind, compoundRect: R, units, shops };
}

function planOldTown(rng: Rng, R: Rect, inner: Rect, lane: number | undefined, units: PlannedUnit[], p: ContentParams): void {
  const rows: Array<[number, number]> = [];
  if (lane !== undefined && lane > R.v0 + 20 && lane < R.v1 - 20) rows.push([R.v0, lane], [lane, R.v1]);
  else if (R.v1 - R.v0 > 100) {
    const m = Math.round((R.v0 + R.v1) / 2);
    rows.push([R.v0, m], [m, R.v1]);
  } else rows.push([R.v0, R.v1]);
  for (const [v0, v1] of rows) {
    const cuts = splitRange(rng, R.u0, R.u1, 18, 30);
    for (let k = 0; k + 1 < cuts.length; k++) {
      const rect: Rect = { u0: cuts[k], u1: cuts[k + 1], v0, v1 };
      const unit: PlannedUnit = { rect, compound: true, buildings: [] };
      units.push(unit);
      const bu0 = Math.max(rect.u0 + 1.5, inner.u0);
      const bu1 = Math.min(rect.u1 - 1.5, inner.u1);
      const bv0 = Math.max(rect.v0 + (v0 === lane ? 3 : 1.5), inner.v0);
      const bv1 = Math.min(rect.v1 - (v1 === lane ? 3 : 1.5), inner.v1);
      const w = bu1 - bu0;
      const d = bv1 - bv0;
      if (w < 8 || d < 8) continue;
      const nd = d > 34 ? 2 : 1;
      const hd = (d - 4 * (nd - 1)) / nd;
      for (let i = 0; i < nd; i++) {
        const floors = [1, 2, 2, 3][rng.int(0, 3)];
        const br: Rect = { u0: bu0, u1: bu1 - rng.range(0, 3), v0: bv0 + i * (hd + 4), v1: bv0 + i * (hd + 4) + hd };
        const fp = (br.u1 - br.u0) * (br.v1 - br.v0);
        unit.buildings.push({ rect: br, use: 'residential', floors, households: Math.max(1, Math.round((fp * floors) / p.oldDensity)) });
      }
    }
  }
}

/** Splits [lo, hi] at the mid-gaps between consecutive items, grouping `per` items per piece. */
function groupCuts(lo: number, hi: number, starts: number[], ends: number[], per: number): number[] {
  const cuts = [lo];
  for (let k = per; k < starts.length; k += per) cuts.push(Math.round((ends[k - 1] + starts[k]) / 2));
  cuts.push(hi);
  return cuts;
}

function planSlabs(rng: Rng, R: Rect, inner: Rect, units: PlannedUnit[], p: ContentParams): void {
  const W = inner.u1 - inner.u0;
  const H = inner.v1 - inner.v0;
  const L = Math.min(W, Math.round(rng.range(44, 66)));
  const nRows = Math.max(1, Math.floor((H + 22) / 34));
  const nCols = Math.max(1, Math.floor((W + 12) / (L + 12)));
  const u0 = inner.u0 + (W - (nCols * L + (nCols - 1) * 12)) / 2;
  const v0 = inner.v0 + (H - (nRows * 12 + (nRows - 1) * 22)) / 2;
  const colS = Array.from({ length: nCols }, (_, c) => u0 + c * (L + 12));
  const rowS = Array.from({ length: nRows }, (_, r) => v0 + r * 34);
  const ucuts = groupCuts(
    R.u0,
    R.u1,
    colS,
    colS.map((x) => x + L),
    nCols >= 3 ? 2 : nCols,
  );
  const vcuts = groupCuts(
    R.v0,
    R.v1,
    rowS,
    rowS.map((y) => y + 12),
    2,
  );
  const floors = rng.pick([5, 6, 6, 7, 7]);
  const stairs = Math.max(1, Math.round(L / 16));
  const grid: PlannedUnit[][] = [];
  for (let a = 0; a + 1 < ucuts.length; a++) {
    grid.push([]);
    for (let b = 0; b + 1 < vcuts.length; b++) {
      const unit: PlannedUnit = { rect: { u0: ucuts[a], u1: ucuts[a + 1], v0: vcuts[b], v1: vcuts[b + 1] }, compound: true, buildings: [] };
      grid[a].push(unit);
      units.push(unit);
    }
  }
  for (let c = 0; c < nCols; c++)
    for (let r = 0; r < nRows; r++) {
      const rect = { u0: colS[c], u1: colS[c] + L, v0: rowS[r], v1: rowS[r] + 12 };
      const f = Math.max(4, floors + rng.int(-1, 0));
      const unit = findUnit(grid, rect);
      unit.buildings.push({ rect, use: 'residential', floors: f, households: f * stairs * p.slabHpf });
    }
}

function planTowers(rng: Rng, R: Rect, inner: Rect, units: PlannedUnit[], p: ContentParams): void {
  const W = inner.u1 - inner.u0;
  const H = inner.v1 - inner.v0;
  const tw = rng.pick([24, 30, 34]);
  const td = tw === 24 ? 22 : 16;
  const pu = Math.round(rng.range(48, 60));
  const pv = Math.round(rng.range(50, 64));
  const nCols = Math.max(1, Math.floor((W - tw) / pu) + 1);
  const nRows = Math.max(1, Math.floor((H - td) / pv) + 1);
  const u0 = inner.u0 + (W - ((nCols - 1) * pu + tw)) / 2;
  const v0 = inner.v0 + (H - ((nRows - 1) * pv + td)) / 2;
  const colS = Array.from({ length: nCols }, (_, c) => u0 + c * pu);
  const rowS = Array.from({ length: nRows }, (_, r) => v0 + r * pv);
  const base = rng.int(11, 27);
  const towers: Array<{ rect: Rect; floors: number; hh: number }> = [];
  for (let c = 0; c < nCols; c++)
    for (let r = 0; r < nRows; r++) {
      const floors = Math.min(30, Math.max(10, base + rng.int(-3, 3)));
      towers.push({ rect: { u0: colS[c], u1: colS[c] + tw, v0: rowS[r], v1: rowS[r] + td }, floors, hh: floors * p.towerHpf });
    }
  let total = towers.reduce((s, t) => s + t.hh, 0);
  while (total > 3000) {
    for (const t of towers) {
      t.floors = Math.max(10, t.floors - 2);
      t.hh = t.floors * p.towerHpf;
    }
    const nt = towers.reduce((s, t) => s + t.hh, 0);
    if (nt === total) break;
    total = nt;
  }
  const perU = towers[0].hh < 100 && nCols >= 2 ? 2 : 1;
  const ucuts = groupCuts(
    R.u0,
    R.u1,
    colS,
    colS.map((x) => x + tw),
    perU,
  );
  const vcuts = groupCuts(
    R.v0,
    R.v1,
    rowS,
    rowS.map((y) => y + td),
    1,
  );
  const grid: PlannedUnit[][] = [];
  for (let a = 0; a + 1 < ucuts.length; a++) {
    grid.push([]);
    for (let b = 0; b + 1 < vcuts.length; b++) {
      const unit: PlannedUnit = { rect: { u0: ucuts[a], u1: ucuts[a + 1], v0: vcuts[b], v1: vcuts[b + 1] }, compound: true, buildings: [] };
      grid[a].push(unit);
      units.push(unit);
    }
  }
  for (const t of towers) findUnit(grid, t.rect).buildings.push({ rect: t.rect, use: 'residential', floors: t.floors, households: t.hh });
}

function findUnit(grid: PlannedUnit[][], r: Rect): PlannedUnit {
  const cu = (r.u0 + r.u1) / 2;
  const cv = (r.v0 + r.v1) / 2;
  for (const col of grid) for (const u of col) if (cu >= u.rect.u0 && cu <= u.rect.u1 && cv >= u.rect.v0 && cv <= u.rect.v1) return u;
  return grid[0][0];
}

function planSite(rng: Rng, kind: CompoundKind, R: Rect, inner: Rect, units: PlannedUnit[]): void {
  const unit: PlannedUnit = { rect: R, compound: true, buildings: [] };
  units.push(unit);
  const W = inner.u1 - inner.u0;
  const H = inner.v1 - inner.v0;
  if (kind === 'park' || W < 24 || H < 20) return;
  const use: BuildingUse = kind === 'school' ? 'school' : kind === 'commercial' ? 'commercial' : 'public';
  const n = kind === 'school' ? 2 : rng.int(1, 3);
  for (let i = 0; i < n; i++) {
    const bw = Math.min(W - 4, kind === 'commercial' && i === 0 ? rng.range(40, 70) : rng.range(30, 60));
    const bd = Math.min(H / n - 6, kind === 'commercial' && i === 0 ? rng.range(25, 40) : 14);
    if (bd < 8 || bw < 10) continue;
    const v0 = inner.v0 + i * (H / n) + 3;
    const u0 = inner.u0 + rng.range(0, Math.max(0, W - bw));
    const floors = kind === 'school' ? rng.int(4, 5) : kind === 'commercial' ? rng.pick([3, 4, 5, 6, 12, 18, 24]) : rng.int(3, 8);
    unit.buildings.push({ rect: { u0, u1: u0 + bw, v0, v1: v0 + bd }, use, floors, households: 0 });
  }
}

function planRural(rng: Rng, block: Rect): BlockContent {
  const units: PlannedUnit[] = [];
  const thirds = (a: number, b: number) => [a, Math.round(a + (b - a) / 3 + rng.range(-25, 25)), Math.round(a + (2 * (b - a)) / 3 + rng.range(-25, 25)), b];
  const us = thirds(block.u0, block.u1);
  const vs = thirds(block.v0, block.v1);
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++) {
      const [u0, u1, v0, v1] = [us[a], us[a + 1], vs[b], vs[b + 1]];
      const unit: PlannedUnit = { rect: { u0, u1, v0, v1 }, compound: false, buildings: [] };
      units.push(unit);
      if (!rng.chance(0.04)) continue;
      // a village: a loose cluster of two- and three-storey houses
      const cu = rng.range(u0 + 45, u1 - 45);
      const cv = rng.range(v0 + 45, v1 - 45);
      const n = rng.int(10, 20);
      const side = Math.ceil(Math.sqrt(n));
      for (let k = 0; k < n; k++) {
        const gu = cu + ((k % side) - side / 2) * 15 + rng.range(-3, 3);
        const gv = cv + (Math.floor(k / side) - side / 2) * 13 + rng.range(-3, 3);
        const floors = rng.pick([2, 2, 3]);
        unit.buildings.push({ rect: { u0: gu, u1: gu + 11, v0: gv, v1: gv + 9 }, use: 'residential', floors, households: rng.chance(0.15) ? 2 : 1 });
      }
    }
  return { kind: 'rural', compoundRect: null, units, shops: [] };
}
