/**
 * The units stage on its own: outlines → blocks (street faces, water taken out) → units (blocks
 * split by buildings or household points), with the warnings and statistics a planner needs to fix
 * the data. Pure, no I/O: `partitionDistrict` (the CLI) runs it before the partition engine, and
 * the server's "build units" job (server/units/) runs it in a worker thread and writes its result.
 */
import { projectionForPositions, type LocalProjection } from '../geo';
import type { PartitionUnit, ProgressFn } from '../partition';
import { prepareAreas, type AreaFeature, type Community, type Area } from './areas';
import { buildBlocks, type Block } from './blocks';
import { interiorPoint, pointInRings, type Pt } from './planar';
import { buildUnits } from './units';
import type { BuildingFootprint, DistrictWarning, DividingLine, HouseholdRow } from './types';

export interface UnitsStageInput {
  areas: AreaFeature[];
  lines: DividingLine[];
  rows: HouseholdRow[];
  buildings?: BuildingFootprint[];
  /** water polygons (WGS84 MultiPolygon coordinates): their outlines divide land, their inside is no block */
  water?: number[][][][];
}

export interface UnitsStageResult {
  proj: LocalProjection;
  subdistricts: Area[];
  communities: Community[];
  /** land blocks (metric), water taken out */
  blocks: Block[];
  units: PartitionUnit[];
  /** unit index of each row (-1: in no unit) */
  rowUnit: Int32Array;
  /** block index of each unit */
  unitBlock: number[];
  /** WGS84 points: street ends joined to another line, street ends left short of one */
  healedAt: [number, number][];
  unclosedAt: [number, number][];
  warnings: DistrictWarning[];
  stats: Record<string, number>;
}

/**
 * Builds blocks and units. `splitAbove`: a block holding more households is split (the band's max).
 * A `coverage` warning names a sub-district whose blocks (with water) do not cover its outline.
 */
export function buildUnitsStage(input: UnitsStageInput, options: { splitAbove: number }, onProgress: ProgressFn = () => {}): UnitsStageResult {
  const stats: Record<string, number> = {};
  const lap = (name: string, t: number) => {
    stats[`${name}_ms`] = Date.now() - t;
    return Date.now();
  };
  const proj = projectionForPositions(
    (function* () {
      for (const a of input.areas) for (const poly of a.polygons) yield* poly[0];
    })(),
  );
  let t = Date.now();
  onProgress(0.05, 'outlines');
  const { subdistricts, communities, warnings } = prepareAreas(input.areas, proj);
  onProgress(0.2, 'blocks');
  const toMetric = (l: number[][]) => l.map((p) => proj.forward(p[0], p[1]) as Pt);
  const water = (input.water ?? []).map((poly) => poly.map(toMetric));
  const streets = [...input.lines.map((l) => toMetric(l.coords)), ...water.flat()];
  const built = buildBlocks(subdistricts, communities, streets);
  const bs = built.stats;
  // faces inside a water polygon are water, not land
  const inWater = (b: Block) => {
    const p = interiorPoint(b.rings);
    return water.some((w) => pointInRings(p[0], p[1], w));
  };
  const waterArea = new Map<string, number>();
  const blocks: Block[] = [];
  for (const b of built.blocks) {
    if (water.length && inWater(b)) waterArea.set(b.subdistrict, (waterArea.get(b.subdistrict) ?? 0) + b.area);
    else blocks.push(b);
  }
  // a street end short of another line matters inside the land only (one overshooting the boundary does not)
  const onLand = (p: Pt) => subdistricts.some((s) => s.polygons.some((poly) => pointInRings(p[0], p[1], poly)));
  const unclosed = bs.unclosedAt.filter(onLand);
  Object.assign(stats, {
    faces: bs.faces,
    blocks: blocks.length,
    water_blocks: built.blocks.length - blocks.length,
    gaps_healed: bs.healed,
    streets_unclosed: unclosed.length,
    slivers_merged: bs.merged,
    blocks_clipped: bs.clipped,
  });
  t = lap('blocks', t);
  for (const s of subdistricts) {
    const covered = blocks.filter((b) => b.subdistrict === s.code).reduce((x, b) => x + b.area, 0) + (waterArea.get(s.code) ?? 0);
    if (Math.abs(covered - s.area) > s.area * 0.005) {
      warnings.push({
        code: 'coverage',
        message: `sub-district ${s.name}: its blocks cover ${Math.round(covered)} of ${Math.round(s.area)} m²`,
        subdistrict: s.code,
      });
    }
  }
  onProgress(0.5, 'units');
  const ur = buildUnits(blocks, subdistricts, input.rows, proj, { splitAbove: options.splitAbove, buildings: input.buildings });
  warnings.push(...ur.warnings);
  Object.assign(stats, { units: ur.units.length, rows: input.rows.length, ...ur.stats });
  lap('units', t);
  const ll = (p: Pt): [number, number] => {
    const q = proj.inverse(p[0], p[1]);
    return [Math.round(q[0] * 1e7) / 1e7, Math.round(q[1] * 1e7) / 1e7];
  };
  onProgress(1, 'units done');
  return {
    proj,
    subdistricts,
    communities,
    blocks,
    units: ur.units,
    rowUnit: ur.rowUnit,
    unitBlock: ur.unitBlock,
    healedAt: bs.healedAt.map(ll),
    unclosedAt: unclosed.map(ll),
    warnings,
    stats,
  };
}
