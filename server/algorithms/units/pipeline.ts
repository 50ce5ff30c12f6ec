/**
 * A district's raw data → balanced grids, with no database: the units stage (stage.ts: outlines →
 * blocks → units) → the partition engine per sub-district → grids dissolved from their units.
 * Pure, no I/O; the CLI `partition-district` calls it (the server runs the units stage alone).
 */
import polygonClipping, { type MultiPolygon as PcMulti } from 'polygon-clipping';
import { polsbyPopper } from '../geo';
import { partition } from '../partition';
import { assignGridCodes, type CodeGridInput } from '../partition';
import { finalGridWarnings } from '../partition';
import type { Barrier, PartitionUnit, ProgressFn } from '../partition';
import { multiArea } from './areas';
import { interiorPoint, ringArea, type Pt } from './planar';
import { isStreetSliver, SLIVER_MEAN_WIDTH_M } from './sliver';
import { buildUnitsStage, type UnitsStageInput, type UnitsStageResult } from './stage';
import type { DistrictWarning, DividingLine } from './types';

export type DistrictInput = UnitsStageInput;
export interface DistrictOptions {
  min?: number;
  max?: number;
  target?: number;
  seed?: number;
}

export interface GridFeature {
  type: 'Feature';
  geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
  properties: {
    id: string;
    households: number;
    subdistrict: string;
    subdistrict_name: string;
    community: string | null;
    units: number;
    in_band: boolean;
    area_m2: number;
    polsby_popper: number;
  };
}

export interface DistrictResult {
  grids: GridFeature[];
  warnings: DistrictWarning[];
  stats: Record<string, number>;
}

const ROLE_TO_BARRIER: Record<DividingLine['role'], Barrier['cls']> = { major: 'major', minor: 'minor', rail: 'rail', water: 'water' };

/**
 * What the data-quality panel (server/units/quality.ts) lists, as warnings of the CLI's output:
 * register rows inside a sub-district that landed in no unit, blocks with no households, street
 * ends left 2-15 m short of another line, sub-districts without communities. (Rows outside every boundary
 * are already `household_outside` warnings of the stage.)
 */
export function dataQualityWarnings(stage: UnitsStageResult, rows: DistrictInput['rows']): DistrictWarning[] {
  const out: DistrictWarning[] = [];
  const outside = new Set(stage.warnings.filter((w) => w.code === 'household_outside').map((w) => w.row));
  rows.forEach((r, i) => {
    if (stage.rowUnit[i] >= 0 || outside.has(r.ref)) return;
    out.push({
      code: 'row_unplaced',
      message: `households ${r.ref}: point ${r.lon.toFixed(6)}, ${r.lat.toFixed(6)} lies inside a sub-district but in no block (water?); its ${r.households} households are in no grid`,
      file: 'households',
      row: r.ref,
    });
  });
  const ll = (p: Pt) =>
    stage.proj
      .inverse(p[0], p[1])
      .map((v) => v.toFixed(6))
      .join(', ');
  const name = new Map(stage.subdistricts.map((s) => [s.code, s.name]));
  const held = new Array<number>(stage.blocks.length).fill(0);
  stage.units.forEach((u, k) => {
    held[stage.unitBlock[k]] += u.households;
  });
  const slivers = new Map<string, number>();
  stage.blocks.forEach((b, i) => {
    if (held[i] > 0) return;
    if (isStreetSliver(b.rings, b.area)) {
      // road space between carriageways or along the boundary: no housing fits, not a problem
      slivers.set(b.subdistrict, (slivers.get(b.subdistrict) ?? 0) + 1);
      return;
    }
    out.push({
      code: 'block_empty',
      message: `sub-district ${name.get(b.subdistrict) ?? b.subdistrict}: block ${b.id} (${Math.round(b.area)} m², at ${ll(interiorPoint(b.rings))}) holds no households`,
      subdistrict: b.subdistrict,
    });
  });
  for (const [sub, n] of slivers) {
    out.push({
      code: 'street_slivers',
      message: `sub-district ${name.get(sub) ?? sub}: ${n} empty blocks thinner than ${SLIVER_MEAN_WIDTH_M} m on average (road space between carriageways or along the boundary) are not listed as empty blocks`,
      subdistrict: sub,
    });
  }
  for (const p of stage.unclosedAt) {
    out.push({
      code: 'street_unclosed',
      message: `streets: a street ends at ${p[0].toFixed(6)}, ${p[1].toFixed(6)} 2-15 m short of another line (gaps up to 2 m are healed automatically): the street does not close its block, fix the line`,
      file: 'streets',
    });
  }
  for (const s of stage.subdistricts) {
    if (stage.communities.some((c) => c.subdistrict === s.code)) continue;
    out.push({
      code: 'community_missing',
      message: `boundaries ${s.ref} (${s.name}): no community boundary lies inside; grids are coded under community ${s.code}000`,
      file: 'boundaries',
      feature: s.ref,
      subdistrict: s.code,
    });
  }
  return out;
}

export function partitionDistrict(input: DistrictInput, options: DistrictOptions = {}, onProgress: ProgressFn = () => {}): DistrictResult {
  const t0 = Date.now();
  const min = options.min ?? 300,
    max = options.max ?? 500;
  const target = options.target ?? Math.round((min + max) / 2);
  const stats: Record<string, number> = {};
  const lap = (name: string, t: number) => {
    stats[`${name}_ms`] = Date.now() - t;
    return Date.now();
  };
  onProgress(0.02, 'outlines');
  const stage = buildUnitsStage(input, { splitAbove: max }, (f, m) => onProgress(0.02 + 0.13 * f, m));
  const { proj, subdistricts, communities, warnings } = stage;
  const ur = { units: stage.units };
  Object.assign(stats, stage.stats);
  warnings.push(...dataQualityWarnings(stage, input.rows));
  let t = Date.now();

  const barriersByRole = new Map<Barrier['cls'], number[][][]>();
  for (const l of input.lines) {
    const c = ROLE_TO_BARRIER[l.role];
    let a = barriersByRole.get(c);
    if (!a) barriersByRole.set(c, (a = []));
    a.push(l.coords);
  }
  for (const poly of input.water ?? [])
    for (const ring of poly) {
      let a = barriersByRole.get('water');
      if (!a) barriersByRole.set('water', (a = []));
      a.push(ring);
    }
  const grids: GridFeature[] = [];
  const codeInputs: CodeGridInput[] = [];
  const gridUnits = new Map<string, PartitionUnit[]>();
  const withIsland = new Set<string>();
  /** engine grid key → the key of the grid it joined (land with no households attached to a neighbour) */
  const joined = new Map<string, string>();
  const unitHouseholds: Record<string, number> = {};
  for (const u of ur.units) unitHouseholds[u.id] = u.households;
  subdistricts.forEach((s, si) => {
    const units = ur.units.filter((u) => u.subdistrict === s.code);
    if (!units.length) return;
    const span = 0.8 / subdistricts.length;
    onProgress(0.15 + span * si, `${s.name}: partition of ${units.length} units`);
    const households = units.reduce((x, u) => x + u.households, 0);
    if (households === 0)
      warnings.push({
        code: 'subdistrict_no_households',
        message: `sub-district ${s.name}: no household row lies inside; it becomes one grid of 0 households`,
        subdistrict: s.code,
      });
    let bx0 = Infinity,
      by0 = Infinity,
      bx1 = -Infinity,
      by1 = -Infinity;
    for (const u of units)
      for (const poly of u.polygons)
        for (const p of poly[0]) {
          bx0 = Math.min(bx0, p[0]);
          by0 = Math.min(by0, p[1]);
          bx1 = Math.max(bx1, p[0]);
          by1 = Math.max(by1, p[1]);
        }
    const barriers: Barrier[] = [...barriersByRole]
      .map(([cls, lines]) => ({
        cls,
        lines: lines.filter((l) => {
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
          return a0 <= bx1 + 1e-3 && a1 >= bx0 - 1e-3 && b0 <= by1 + 1e-3 && b1 >= by0 - 1e-3;
        }),
      }))
      .filter((b) => b.lines.length);
    const result =
      households === 0
        ? {
            assignment: Object.fromEntries(units.map((u) => [u.id, 'g1'])),
            warnings: [],
            grids: [{ id: 'g1', community: null as string | null, centroid: [0, 0] as [number, number], units: units.map((u) => u.id) }],
          }
        : partition({ units, barriers }, { min, max, target, seed: options.seed ?? 1 }, (f, m) => onProgress(0.15 + span * (si + f), `${s.name}: ${m}`));
    const byId = new Map(units.map((u) => [u.id, u]));
    // a piece of land with no households cut off from the rest (an island, a pier) joins the
    // nearest grid as a second part instead of standing as a grid of 0 households
    const attached = new Set<string>();
    const full = result.grids.filter((g) => g.units.some((u) => byId.get(u)!.households > 0));
    for (const g of result.grids) {
      if (!full.length || full.includes(g)) continue;
      let best = full[0],
        bestD = Infinity;
      for (const f of full) {
        const d = Math.hypot((f.centroid[0] - g.centroid[0]) * Math.cos((g.centroid[1] * Math.PI) / 180), f.centroid[1] - g.centroid[1]);
        if (d < bestD) {
          bestD = d;
          best = f;
        }
      }
      best.units = [...best.units, ...g.units];
      withIsland.add(`${s.code}:${best.id}`);
      joined.set(`${s.code}:${g.id}`, `${s.code}:${best.id}`);
      for (const u of g.units) attached.add(u);
      g.units = [];
    }
    for (const w of result.warnings) {
      if (w.code === 'island_infeasible' && w.units?.every((u) => attached.has(u))) continue;
      // engine grid ids are per sub-district: key them like the code inputs until the codes exist
      warnings.push({
        ...w,
        message: `sub-district ${s.name}: ${w.message}`,
        subdistrict: s.code,
        ...(w.grids ? { grids: w.grids.map((g) => `${s.code}:${g}`) } : {}),
      });
    }
    for (const g of result.grids) {
      if (!g.units.length) continue;
      const id = `${s.code}:${g.id}`;
      const us = g.units.map((u) => byId.get(u)!);
      gridUnits.set(id, us);
      codeInputs.push({ id, communityId: g.community ?? `${s.code}000`, centroid: g.centroid, units: g.units });
    }
  });
  t = lap('partition', t);
  onProgress(0.95, 'grid outlines');
  const codes = assignGridCodes(codeInputs, [], unitHouseholds);
  for (const [from, to] of joined) if (codes.has(to)) codes.set(from, codes.get(to)!);
  const coded: Record<string, string> = {};
  for (const ci of codeInputs) for (const u of ci.units) coded[u] = codes.get(ci.id)!;
  // a row off the land is counted in the grid of its nearest block: name that grid
  const rowIndex = new Map(input.rows.map((r, i) => [r.ref, i]));
  for (const w of warnings) {
    if (w.code !== 'household_off_land' || !w.row) continue;
    const u = stage.rowUnit[rowIndex.get(w.row) ?? -1];
    const code = u >= 0 ? coded[ur.units[u].id] : undefined;
    if (code) {
      w.grids = [code];
      w.message = w.message.replace(/counted in the nearest block$/, `counted in grid ${code}, the nearest land`);
    }
  }
  // the same final names as the server's plans: every grid outside [min, max] named by its id
  finalGridWarnings(warnings, codes, coded, unitHouseholds, min, max);
  const subName = new Map(subdistricts.map((s) => [s.code, s.name]));
  const areaM2 = (poly: number[][][]) =>
    poly.reduce((x, r, k) => {
      const a = Math.abs(ringArea(r.map((p) => proj.forward(p[0], p[1]) as Pt)));
      return x + (k === 0 ? a : -a);
    }, 0);
  const perimM = (poly: number[][][]) =>
    poly.reduce((x, r) => {
      let l = 0;
      for (let i = 1; i < r.length; i++) {
        const a = proj.forward(r[i - 1][0], r[i - 1][1]),
          b = proj.forward(r[i][0], r[i][1]);
        l += Math.hypot(a[0] - b[0], a[1] - b[1]);
      }
      return x + l;
    }, 0);
  for (const ci of codeInputs) {
    const us = gridUnits.get(ci.id)!;
    const geoms = us.flatMap((u) => u.polygons) as unknown as PcMulti;
    let polys = (geoms.length > 1 ? polygonClipping.union(geoms[0], ...geoms.slice(1)) : geoms) as number[][][][];
    // drop the slivers rounding leaves where a split block meets its neighbour (< 0.5 m²)
    polys = polys.filter((poly) => areaM2([poly[0]]) >= 0.5).map((poly) => [poly[0], ...poly.slice(1).filter((h) => areaM2([h]) >= 0.5)]);
    const households = us.reduce((x, u) => x + u.households, 0);
    const sub = us[0].subdistrict!;
    const code = codes.get(ci.id)!;
    const area = polys.reduce((x, p) => x + areaM2(p), 0);
    const perim = polys.reduce((x, p) => x + perimM(p), 0);
    if (polys.length > 1) {
      warnings.push({
        code: 'grid_in_parts',
        grids: [code],
        subdistrict: sub,
        message: withIsland.has(ci.id)
          ? `grid ${code} (${subName.get(sub)}) is in ${polys.length} parts: land with no households, cut off from the rest by water or the boundary, joins the nearest grid`
          : `grid ${code} (${subName.get(sub)}) is in ${polys.length} parts: its units are not contiguous`,
      });
    }
    grids.push({
      type: 'Feature',
      geometry: polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys },
      properties: {
        id: code,
        households,
        subdistrict: sub,
        subdistrict_name: subName.get(sub) ?? sub,
        community: ci.communityId.endsWith('000') && !communities.some((c) => c.code === ci.communityId) ? null : ci.communityId,
        units: us.length,
        in_band: households >= min && households <= max,
        area_m2: Math.round(area),
        polsby_popper: Number(polsbyPopper(area, perim).toFixed(4)),
      },
    });
  }
  grids.sort((a, b) => (a.properties.id < b.properties.id ? -1 : 1));
  lap('dissolve', t);
  stats.grids = grids.length;
  stats.in_band = grids.filter((g) => g.properties.in_band).length;
  stats.households = grids.reduce((x, g) => x + g.properties.households, 0);
  stats.land_m2 = Math.round(subdistricts.reduce((x, s) => x + multiArea(s.polygons), 0));
  stats.total_ms = Date.now() - t0;
  onProgress(1, 'done');
  return { grids, warnings, stats };
}
