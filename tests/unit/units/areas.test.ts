import { describe, expect, it } from 'vitest';
import { localProjection } from '../../../server/algorithms/geo/projection';
import { multiArea, prepareAreas, type AreaFeature } from '../../../server/algorithms/units/areas';
import { buildBlocks } from '../../../server/algorithms/units/blocks';

const proj = localProjection(117.05, 30.52);
const ll = (x: number, y: number) => proj.inverse(x, y);
const rect = (x0: number, y0: number, x1: number, y1: number) => [[ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]];
const area = (level: AreaFeature['level'], code: string, r: number[][][]): AreaFeature => ({ level, code, name: code, ref: `feature ${code}`, polygons: [r] });

describe('outlines made fit for tiling', () => {
  it('overlapping sub-districts: the overlap stays with the first and is named in a warning; their blocks do not overlap', () => {
    const { subdistricts, warnings } = prepareAreas([area('subdistrict', 'A', rect(0, 0, 600, 400)), area('subdistrict', 'B', rect(500, 0, 1000, 400))], proj);
    expect(subdistricts.map((s) => Math.round(s.area))).toEqual([240000, 160000]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'subdistrict_overlap', feature: 'feature B' });
    expect(warnings[0].message).toMatch(/overlaps feature A .* by 40000 m²/);
    const { blocks } = buildBlocks(
      subdistricts,
      [],
      [
        [
          [-10, 200],
          [1010, 200],
        ],
      ],
    );
    expect(blocks.map((b) => `${b.subdistrict}:${Math.round(b.area)}`).sort()).toEqual(['A:120000', 'A:120000', 'B:80000', 'B:80000']);
  });
  it('a community sticking out of its sub-district is clipped (warned); one in no sub-district is ignored (warned); blocks follow community outlines', () => {
    const { subdistricts, communities, warnings } = prepareAreas(
      [area('subdistrict', 'A', rect(0, 0, 400, 400)), area('community', 'A1', rect(0, 0, 250, 450)), area('community', 'X', rect(2000, 2000, 2100, 2100))],
      proj,
    );
    expect(communities.map((c) => [c.code, c.subdistrict, Math.round(multiArea(c.polygons))])).toEqual([['A1', 'A', 100000]]);
    expect(warnings.map((w) => w.code)).toEqual(['community_outside', 'community_outside']);
    const { blocks } = buildBlocks(subdistricts, communities, []);
    expect(blocks.map((b) => `${b.community}:${Math.round(b.area)}`).sort()).toEqual(['A1:100000', 'null:60000']);
  });
});
