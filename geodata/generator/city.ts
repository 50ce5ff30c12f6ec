/**
 * Builds the physical city: sub-districts, communities, streets, water, blocks, compounds,
 * buildings, units and shops, in the local metric plane (converted to WGS84 by the caller).
 */
import { A, U0, V0, NI, NJ, emitRing, LineRegistry, rectCorners, traceCells, Warp, type Rect } from './lattice';
import { buildFrame, type Frame } from './frame';
import { planStreets, pieceAt, rectKey, S, type StreetPiece, type StreetPlan, NP, NQ } from './streets';
import { planContent, type BlockContent, type ContentParams, type PlannedBuilding, type Side } from './content';
import { RegionIndex } from './landindex';
import { classifyMainlandCell, SUBDISTRICTS, XINZHOU, type SubdistrictDef, type Zone } from './subdistricts';
import { mArea, mIntersect, pointInRing, polyArea, type MPoly, type Poly, type Ring } from './clip';
import type { Rng } from '../../common/rng';
import { COMMUNITY_STEMS, COMPOUND_STEMS, COMPOUND_SUFFIX, NamePool } from './names';
import type { XY } from './proj';

export interface CityBlock {
  id: string;
  rect: Rect;
  region: 'main' | 'island';
  p: number;
  q: number;
  zone: Zone;
  sd: SubdistrictDef;
  communityId: string;
  status: 'in' | 'edge';
  content: BlockContent;
  geom: Poly | null;
}
export interface CityUnit {
  id: string;
  block: CityBlock;
  compoundId: string | null;
  rect: Rect;
  geom: MPoly;
  households: number;
  buildings: CityBuilding[];
  partyHouseholds: number;
  plaquedHouseholds: number;
}
export interface CityBuilding {
  id: string;
  unit: CityUnit;
  plan: PlannedBuilding;
  geom: Ring;
  compoundId: string | null;
}
export interface CityCompound {
  id: string;
  name: string;
  kind: string;
  block: CityBlock;
  households: number;
  geom: Poly;
}
export interface CityShop {
  id: string;
  pos: XY;
  building: CityBuilding;
  street: StreetPiece;
}
export interface CityArea {
  id: string;
  def?: SubdistrictDef;
  sd: SubdistrictDef;
  code: string;
  name: string;
  households: number;
  geom: MPoly;
}

export interface City {
  warp: Warp;
  frame: Frame;
  streets: StreetPlan;
  subdistricts: CityArea[];
  communities: CityArea[];
  blocks: CityBlock[];
  units: CityUnit[];
  buildings: CityBuilding[];
  compounds: CityCompound[];
  shops: CityShop[];
}

export const DEFAULT_PARAMS: ContentParams = { shopSpacing: 4, slabHpf: 2, towerHpf: 4, oldDensity: 100 };
/**
 * Target households per urban zone, 150,000 in the five urban sub-districts (so grids of 300-500
 * households give ~384 grids); the old town is the densest.
 */
/** Shops on the commercial streets (about 2,000). */
export const SHOP_TARGET = 2000;
export const ZONE_HOUSEHOLDS: Record<'old' | 'mid' | 'new', number> = { old: 62_000, mid: 38_000, new: 50_000 };

export function buildCity(rng: Rng, seed: number, params: ContentParams = DEFAULT_PARAMS): City {
  const warp = new Warp(seed);
  const frame = buildFrame(rng.fork('frame'), warp);
  const mainIdx = new RegionIndex(frame.landMain);
  const islandIdx = new RegionIndex(frame.landIsland);
  const islandZoneIdx = new RegionIndex(frame.island);
  const canalIdx = new RegionIndex(frame.canal);

  const zoneOf = (p: number, q: number): Zone => {
    const c = warp.map(U0 + S * (p + 0.5), V0 + S * (q + 0.5));
    if (islandZoneIdx.contains(c)) return 'rural';
    return classifyMainlandCell(p >> 1, q >> 1).zone;
  };
  const inLandOrCanal = (pt: XY) => mainIdx.contains(pt) || islandIdx.contains(pt) || canalIdx.contains(pt);
  const streets = planStreets({ rng, warp, zoneOf, inLandOrCanal, canal: frame.canalLine });

  // ---- blocks and their content (lattice space) ----
  const cr = rng.fork('content');
  const planned: Omit<CityBlock, 'id' | 'communityId' | 'geom'>[] = [];
  const cornerRing = (r: Rect): Ring => {
    const ring = rectCorners(r).map(([u, v]) => warp.map(u, v));
    ring.push(ring[0]);
    return ring;
  };
  for (let p = 0; p < NP; p++)
    for (let q = 0; q < NQ; q++) {
      const cell = streets.cells[p][q];
      const us = [cell.rect.u0, ...(cell.zone === 'rural' ? [] : cell.uCuts), cell.rect.u1];
      const vs = [cell.rect.v0, ...(cell.zone === 'rural' ? [] : cell.vCuts), cell.rect.v1];
      for (const region of ['main', 'island'] as const) {
        const idx = region === 'main' ? mainIdx : islandIdx;
        for (let a = 0; a + 1 < us.length; a++)
          for (let b = 0; b + 1 < vs.length; b++) {
            const rect: Rect = { u0: us[a], u1: us[a + 1], v0: vs[b], v1: vs[b + 1] };
            const ring = cornerRing(rect);
            const status = idx.status(ring);
            if (status === 'out') continue;
            let landFrac = 1;
            if (status === 'edge') {
              let n = 0;
              for (let x = 0; x < 4; x++)
                for (let y = 0; y < 4; y++)
                  if (idx.contains(warp.map(rect.u0 + ((x + 0.5) * (rect.u1 - rect.u0)) / 4, rect.v0 + ((y + 0.5) * (rect.v1 - rect.v0)) / 4))) n++;
              landFrac = n / 16;
            }
            const zone: Zone = region === 'island' ? 'rural' : cell.zone;
            const sd = region === 'island' ? XINZHOU : classifyMainlandCell(p >> 1, q >> 1).sd;
            const sides = blockSides(streets, rect);
            const content = planContent(cr, rect, zone, sides, streets.lanes.get(rectKey(rect)), landFrac, params);
            planned.push({ rect, region, p, q, zone, sd, status, content });
          }
      }
    }

  // ---- calibrate urban residential households to URBAN_HOUSEHOLDS (a factor close to 1) ----
  // (0.985: buildings dropped at the water's edge)
  const zoneHh = { old: 0, mid: 0, new: 0 };
  const urbanZone = (b: (typeof planned)[number]) => (b.region === 'main' && b.zone !== 'rural' ? b.zone : null);
  for (const b of planned) {
    const z = urbanZone(b);
    if (z) for (const u of b.content.units) for (const x of u.buildings) zoneHh[z] += x.households;
  }
  for (const b of planned) {
    const z = urbanZone(b);
    if (!z) continue;
    const factor = ZONE_HOUSEHOLDS[z] / Math.max(1, zoneHh[z] * 0.985);
    for (const u of b.content.units) for (const x of u.buildings) if (x.households > 0) x.households = Math.max(1, Math.round(x.households * factor));
  }

  // ---- register every rectangle corner, then emit rings ----
  const reg = new LineRegistry();
  for (let i = 0; i <= NI; i++) for (let j = 0; j <= NJ; j++) reg.addPoint(U0 + A * i, V0 + A * j);
  for (let p = 0; p <= NP; p++) for (let q = 0; q <= NQ; q++) reg.addPoint(U0 + S * p, V0 + S * q);
  for (const b of planned) {
    reg.addRect(b.rect);
    if (b.content.compoundRect) reg.addRect(b.content.compoundRect);
    for (const u of b.content.units) reg.addRect(u.rect);
  }
  reg.freeze();
  const ringOf = (r: Rect) => emitRing(rectCorners(r), reg, warp);

  const blocks: CityBlock[] = [];
  const units: CityUnit[] = [];
  const buildings: CityBuilding[] = [];
  const compounds: CityCompound[] = [];
  const shops: CityShop[] = [];
  const compoundNames = new NamePool(rng.fork('compound-names'), COMPOUND_STEMS);
  const siteNames = new NamePool(rng.fork('site-names'));
  let nb = 0;
  for (const pb of planned) {
    const idx = pb.region === 'main' ? mainIdx : islandIdx;
    const ring = ringOf(pb.rect);
    let geom: Poly;
    if (pb.status === 'in') geom = [ring];
    else {
      const ai = Math.floor((pb.rect.u0 - U0) / A);
      const aj = Math.floor((pb.rect.v0 - V0) / A);
      const cellRing = ringOf({ u0: U0 + A * ai, v0: V0 + A * aj, u1: U0 + A * (ai + 1), v1: V0 + A * (aj + 1) });
      const part = idx.cellPart(`${ai},${aj}`, cellRing);
      const clipped = mIntersect([[ring]], part);
      if (!clipped.length) continue;
      clipped.sort((x, y) => polyArea(y) - polyArea(x));
      if (polyArea(clipped[0]) < 200) continue;
      geom = clipped[0];
    }
    const block: CityBlock = { ...pb, id: `b${String(++nb).padStart(6, '0')}`, communityId: '', geom };
    blocks.push(block);
    const clipBlock = pb.status === 'edge';
    let compoundId: string | null = null;
    if (pb.content.compoundRect && pb.content.kind !== 'rural') {
      compoundId = `c${String(compounds.length + 1).padStart(5, '0')}`;
      let cg: Poly = [ringOf(pb.content.compoundRect)];
      if (clipBlock) {
        const m = mIntersect([cg], [geom]);
        m.sort((x, y) => polyArea(y) - polyArea(x));
        cg = m[0] ?? cg;
      }
      compounds.push({ id: compoundId, name: '', kind: pb.content.kind, block, households: 0, geom: cg });
    }
    for (const pu of pb.content.units) {
      const ur = ringOf(pu.rect);
      let ug: MPoly = [[ur]];
      if (clipBlock) {
        ug = mIntersect(ug, [geom]).filter((poly) => polyArea(poly) >= 2);
        if (mArea(ug) < 5) continue;
      }
      const unit: CityUnit = {
        id: `u${String(units.length + 1).padStart(6, '0')}`,
        block,
        compoundId: pu.compound ? compoundId : null,
        rect: pu.rect,
        geom: ug,
        households: 0,
        buildings: [],
        partyHouseholds: 0,
        plaquedHouseholds: 0,
      };
      for (const plan of pu.buildings) {
        const g = cornerRing(plan.rect);
        if (clipBlock && !g.slice(0, 4).every((pt) => ug.some((poly) => pointInRing(pt, poly[0]) && poly.slice(1).every((h) => !pointInRing(pt, h))))) continue;
        const bld: CityBuilding = { id: `bd${String(buildings.length + 1).padStart(6, '0')}`, unit, plan, geom: g, compoundId: unit.compoundId };
        buildings.push(bld);
        unit.buildings.push(bld);
        unit.households += plan.households;
      }
      units.push(unit);
    }
    for (const s of pb.content.shops) {
      const bld = buildings.find((b) => b.plan === s.building && b.unit.block === block);
      if (!bld) continue;
      shops.push({ id: '', pos: warp.map(s.u, s.v), building: bld, street: s.street });
    }
  }
  // compound households and names
  const cById = new Map(compounds.map((c) => [c.id, c]));
  for (const u of units) if (u.compoundId) cById.get(u.compoundId)!.households += u.households;
  for (const c of compounds) {
    if (c.kind === 'compound' && c.households < 200) c.kind = 'old_town';
    if (c.kind === 'compound') c.name = compoundNames.next(cr.pick(COMPOUND_SUFFIX));
    else if (c.kind === 'old_town') c.name = siteNames.next(cr.pick(['老街区', '里', '巷片区', '老小区']));
    else if (c.kind === 'school') c.name = siteNames.next(cr.pick(['小学', '中学', '幼儿园', '实验学校']));
    else if (c.kind === 'park') c.name = siteNames.next(cr.pick(['公园', '游园', '广场绿地']));
    else if (c.kind === 'commercial') c.name = siteNames.next(cr.pick(['商业广场', '商厦', '市场', '购物中心']));
    else c.name = siteNames.next(cr.pick(['卫生服务中心', '医院', '办公区', '文化站', '养老院']));
  }
  // street fronts are planned with dense shop slots; keep a seeded subset of SHOP_TARGET of them
  const sr = rng.fork('shop-subset');
  const keep = new Set(sr.shuffle(shops.map((_, i) => i)).slice(0, SHOP_TARGET));
  const kept = shops.filter((_, i) => keep.has(i));
  shops.length = 0;
  shops.push(...kept);
  shops.forEach((s, i) => (s.id = `sh${String(i + 1).padStart(5, '0')}`));

  // ---- sub-districts (unions of arterial cells) and communities (unions of 450 m cells) ----
  const sdCells = new Map<string, Array<[number, number]>>();
  for (let i = 0; i < NI; i++)
    for (let j = 0; j < NJ; j++) {
      const sd = classifyMainlandCell(i, j).sd;
      const l = sdCells.get(sd.id) ?? [];
      l.push([i, j]);
      sdCells.set(sd.id, l);
    }
  const unionGeom = (cells: Array<[number, number]>, size: number): MPoly => {
    const rings = traceCells(cells, size, U0, V0);
    const area = (r: [number, number][]) => r.reduce((s, p, k) => s + p[0] * r[(k + 1) % r.length][1] - r[(k + 1) % r.length][0] * p[1], 0);
    const outers = rings.filter((r) => area(r) > 0);
    const holes = rings.filter((r) => area(r) < 0);
    return outers.map((o) => {
      const oRing = emitRing(o, reg, warp);
      const hs = holes.filter(
        (h) => pointInRing([h[0][0] + 0.5, h[0][1] + 0.5] as XY, o as unknown as Ring) || pointInRing(h[0] as unknown as XY, o as unknown as Ring),
      );
      return [oRing, ...hs.map((h) => emitRing(h, reg, warp))];
    });
  };
  const subdistricts: CityArea[] = [];
  const communities: CityArea[] = [];
  const hhByCell = new Map<string, number>();
  for (const u of units) {
    const k = `${u.block.sd.id}:${u.block.p},${u.block.q}`;
    hhByCell.set(k, (hhByCell.get(k) ?? 0) + u.households + (u.block.zone === 'rural' ? 0 : 0));
  }
  const landByCell = new Map<string, number>();
  for (const b of blocks) {
    const k = `${b.sd.id}:${b.p},${b.q}`;
    landByCell.set(k, (landByCell.get(k) ?? 0) + polyArea(b.geom!));
  }
  const commNames = new NamePool(rng.fork('community-names'), COMMUNITY_STEMS);
  for (const def of SUBDISTRICTS) {
    let geom: MPoly;
    let cells2: Array<[number, number]> = [];
    if (def.id === XINZHOU.id) {
      geom = frame.island;
      for (let p = 0; p < NP; p++)
        for (let q = 0; q < NQ; q++) {
          const r = cornerRing({ u0: U0 + S * p, v0: V0 + S * q, u1: U0 + S * (p + 1), v1: V0 + S * (q + 1) });
          if (islandZoneIdx.status(r) !== 'out') cells2.push([p, q]);
        }
    } else {
      geom = mIntersect(unionGeom(sdCells.get(def.id) ?? [], A), frame.mainland);
      for (const [i, j] of sdCells.get(def.id) ?? [])
        for (const [di, dj] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ])
          cells2.push([2 * i + di, 2 * j + dj]);
      cells2 = cells2.filter(([p, q]) => {
        const r = cornerRing({ u0: U0 + S * p, v0: V0 + S * q, u1: U0 + S * (p + 1), v1: V0 + S * (q + 1) });
        return new RegionIndexCache(frame).mainland.status(r) !== 'out';
      });
    }
    const sdArea: CityArea = { id: def.id, sd: def, def, code: def.code, name: def.name, households: 0, geom };
    subdistricts.push(sdArea);
    // order cells in a snake along the longer side, then cut into chunks of similar weight
    const ps = cells2.map((c) => c[0]);
    const qs = cells2.map((c) => c[1]);
    const wide = Math.max(...ps) - Math.min(...ps) >= Math.max(...qs) - Math.min(...qs);
    const major = (c: [number, number]) => (wide ? c[0] : c[1]);
    const minor = (c: [number, number]) => (wide ? c[1] : c[0]);
    cells2.sort((x, y) => major(x) - major(y) || (major(x) % 2 ? minor(y) - minor(x) : minor(x) - minor(y)));
    const weight = (c: [number, number]) => {
      const k = `${def.id}:${c[0]},${c[1]}`;
      return (hhByCell.get(k) ?? 0) + (def.urban ? 0.002 : 0.0005) * (landByCell.get(k) ?? 0);
    };
    const ws = cells2.map(weight);
    const total = ws.reduce((s, w) => s + w, 0);
    const n = def.communities;
    const chunks: Array<Array<[number, number]>> = Array.from({ length: n }, () => []);
    let acc = 0;
    cells2.forEach((c, k) => {
      const ci = Math.min(n - 1, Math.floor((acc + ws[k] / 2) / (total / n)));
      chunks[ci].push(c);
      acc += ws[k];
    });
    let code = 0;
    const cellToComm = new Map<string, string>();
    for (const ch of chunks) {
      if (!ch.length) continue;
      const cg = mIntersect(unionGeom(ch, S), geom);
      if (!cg.length) continue;
      code++;
      const id = `${def.id}${String(code).padStart(3, '0')}`;
      communities.push({ id, sd: def, code: String(code).padStart(3, '0'), name: commNames.next('社区'), households: 0, geom: cg });
      for (const [p, q] of ch) cellToComm.set(`${p},${q}`, id);
    }
    for (const b of blocks) if (b.sd.id === def.id) b.communityId = cellToComm.get(`${b.p},${b.q}`) ?? communities[communities.length - 1].id;
  }
  const commById = new Map(communities.map((c) => [c.id, c]));
  const sdById = new Map(subdistricts.map((s) => [s.id, s]));
  for (const u of units) {
    commById.get(u.block.communityId)!.households += u.households;
    sdById.get(u.block.sd.id)!.households += u.households;
  }
  return { warp, frame, streets, subdistricts, communities, blocks, units, buildings, compounds, shops };
}

class RegionIndexCache {
  private static m = new WeakMap<Frame, RegionIndex>();
  constructor(private readonly frame: Frame) {}
  get mainland(): RegionIndex {
    let r = RegionIndexCache.m.get(this.frame);
    if (!r) RegionIndexCache.m.set(this.frame, (r = new RegionIndex(this.frame.mainland)));
    return r;
  }
}

/** The four sides of a block (S, N, W, E) with the street class on each. */
function blockSides(plan: StreetPlan, r: Rect): Side[] {
  const mk = (h: boolean, line: number, inward: 1 | -1, lo: number, hi: number): Side => {
    const piece = pieceAt(plan, h, line, (lo + hi) / 2);
    return {
      h,
      line,
      inward,
      cls: piece?.cls ?? null,
      piece,
      commercial: piece?.commercial ?? false,
      at: (x: number) => pieceAt(plan, h, line, x),
    };
  };
  return [mk(true, r.v0, 1, r.u0, r.u1), mk(true, r.v1, -1, r.u0, r.u1), mk(false, r.u0, 1, r.v0, r.v1), mk(false, r.u1, -1, r.v0, r.v1)];
}
