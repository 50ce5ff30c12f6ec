import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { localProjection } from '../../../server/algorithms/geo/projection';
import { prepareAreas } from '../../../server/algorithms/units/areas';
import { buildBlocks } from '../../../server/algorithms/units/blocks';
import { buildUnits } from '../../../server/algorithms/units/units';
import { pointInRings, type Pt } from '../../../server/algorithms/units/planar';
import type { HouseholdRow } from '../../../server/algorithms/units/types';

const proj = localProjection(117.05, 30.52);
const ll = (x: number, y: number) => proj.inverse(x, y);
const rect = (x0: number, y0: number, x1: number, y1: number) => [[ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]];

describe('units from blocks and the register', () => {
  it('every household counted exactly once, in the unit holding its point; units never cross a sub-district boundary', () => {
    const { subdistricts, communities } = prepareAreas(
      [
        { level: 'subdistrict', code: 'A', name: 'A', ref: 'feature 0', polygons: [rect(0, 0, 400, 400)] },
        { level: 'subdistrict', code: 'B', name: 'B', ref: 'feature 1', polygons: [rect(400, 0, 800, 400)] },
      ],
      proj,
    );
    const streets: Pt[][] = [
      [
        [-10, 200],
        [810, 200],
      ],
      [
        [200, -10],
        [200, 410],
      ],
      [
        [600, -10],
        [600, 410],
      ],
    ];
    const { blocks } = buildBlocks(subdistricts, communities, streets);
    expect(blocks.length).toBe(8);
    const point = fc.tuple(fc.integer({ min: -50, max: 850 }), fc.integer({ min: 1, max: 399 }), fc.integer({ min: 0, max: 120 }));
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 60 }), (pts) => {
        const rows: HouseholdRow[] = pts.map(([x, y, h], i) => {
          const [lon, lat] = ll(x + 0.37, y + 0.41);
          return { ref: `line ${i + 2}`, building: null, compound: null, households: h, lon, lat };
        });
        const r = buildUnits(blocks, subdistricts, rows, proj, { splitAbove: 150 });
        const inside = rows.filter((_, i) => pts[i][0] + 0.37 > 0 && pts[i][0] + 0.37 < 800);
        expect(r.units.reduce((s, u) => s + u.households, 0)).toBe(inside.reduce((s, x) => s + x.households, 0));
        expect(r.warnings.length).toBe(rows.length - inside.length);
        rows.forEach((row, i) => {
          const u = r.rowUnit[i];
          if (u < 0) {
            expect(r.warnings.some((w) => w.row === row.ref)).toBe(true);
            return;
          }
          const holders = r.units.filter((x) => x.polygons.some((poly) => pointInRings(row.lon, row.lat, poly)));
          expect(holders.map((x) => x.id)).toEqual([r.units[u].id]);
        });
        for (const u of r.units) {
          const xs = u.polygons.flatMap((poly) => poly[0].map((p) => proj.forward(p[0], p[1])[0]));
          if (u.subdistrict === 'A') expect(Math.max(...xs)).toBeLessThanOrEqual(400.01);
          else expect(Math.min(...xs)).toBeGreaterThanOrEqual(399.99);
        }
      }),
      { numRuns: 40 },
    );
  });
});
