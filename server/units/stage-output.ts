/**
 * The units stage's result in WGS84, with nothing that cannot cross a thread (no projection
 * object): what the worker (worker.ts) hands back to the "build units" job. Pure, no I/O.
 */
import { buildUnitsStage, type UnitsStageInput } from '../algorithms/units';
import { interiorPoint, isStreetSliver, type Pt } from '../algorithms/units';
import type { DistrictWarning } from '../algorithms/units';
import type { PartitionUnit } from '../algorithms/partition';

export interface UnitsJobInput {
  input: UnitsStageInput;
  splitAbove: number;
}

export interface StageBlock {
  subdistrict: string;
  community: string | null;
  /** WGS84 polygon (outer ring, then holes) */
  polygon: number[][][];
  /** a point inside the block */
  at: [number, number];
  area_m2: number;
  /** too thin for housing (algorithms/units/sliver.ts): empty, it is street space, not missing data */
  sliver: boolean;
}

export interface UnitsJobOutput {
  blocks: StageBlock[];
  units: PartitionUnit[];
  unitBlock: number[];
  rowUnit: number[];
  healedAt: [number, number][];
  unclosedAt: [number, number][];
  /** sub-district id → its communities (after clipping) */
  communities: Record<string, number>;
  warnings: DistrictWarning[];
  stats: Record<string, number>;
}

export function runUnitsStage({ input, splitAbove }: UnitsJobInput, progress: (f: number, m: string) => void = () => {}): UnitsJobOutput {
  const r = buildUnitsStage(input, { splitAbove }, progress);
  const ll = (p: Pt): [number, number] => {
    const q = r.proj.inverse(p[0], p[1]);
    return [Math.round(q[0] * 1e7) / 1e7, Math.round(q[1] * 1e7) / 1e7];
  };
  const communities: Record<string, number> = {};
  for (const s of r.subdistricts) communities[s.code] = 0;
  for (const c of r.communities) communities[c.subdistrict] = (communities[c.subdistrict] ?? 0) + 1;
  return {
    blocks: r.blocks.map((b) => ({
      subdistrict: b.subdistrict,
      community: b.community,
      polygon: b.rings.map((ring) => ring.map(ll)),
      at: ll(interiorPoint(b.rings)),
      area_m2: Math.round(b.area),
      sliver: isStreetSliver(b.rings, b.area),
    })),
    units: r.units,
    unitBlock: r.unitBlock,
    rowUnit: [...r.rowUnit],
    healedAt: r.healedAt,
    unclosedAt: r.unclosedAt,
    communities,
    warnings: r.warnings,
    stats: r.stats,
  };
}
