/**
 * The data-quality report (server/units/quality.ts): an empty block is a problem to list, unless it
 * is a street sliver (too thin for housing), which is only counted; merged reports sum the count.
 */
import { describe, expect, it } from 'vitest';
import { mergeReports, qualityReports } from '../../../server/units/quality';
import type { StageBlock, UnitsJobOutput } from '../../../server/units/stage-output';
import type { AreaFeature } from '../../../server/algorithms/units';

const sq = (x0: number, y0: number, d: number) => [
  [
    [x0, y0],
    [x0 + d, y0],
    [x0 + d, y0 + d],
    [x0, y0 + d],
    [x0, y0],
  ],
];
const areas: AreaFeature[] = [{ level: 'subdistrict', code: 'A', name: 'A', ref: 'feature 0', polygons: [sq(117, 30.5, 0.01)] }];
const block = (x: number, sliver: boolean): StageBlock => ({
  subdistrict: 'A',
  community: null,
  polygon: sq(x, 30.501, 0.0005),
  at: [x + 0.0002, 30.5012],
  area_m2: 2000,
  sliver,
});
const output = (blocks: StageBlock[]): UnitsJobOutput => ({
  blocks,
  units: [],
  unitBlock: [],
  rowUnit: [],
  healedAt: [],
  unclosedAt: [],
  communities: { A: 1 },
  warnings: [],
  stats: {},
});

describe('quality report', () => {
  it('lists an empty block, counts an empty street sliver without listing it', () => {
    const { A } = qualityReports(['A'], areas, [], [], output([block(117.001, false), block(117.002, true), block(117.003, true)]), ['b1', 's1', 's2']);
    expect(A.counts.block_empty).toBe(1);
    expect(A.items.map((i) => i.ref)).toEqual(['b1']);
    expect(A.street_slivers).toBe(2);
    expect(mergeReports([A, A]).street_slivers).toBe(4);
  });
});
