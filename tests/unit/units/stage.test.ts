/**
 * The units stage on its own (server/algorithms/units/stage.ts): water polygons are holes, not
 * blocks; healed and unclosed street ends are reported where they are; every household row lands
 * in exactly one unit or is reported outside.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { localProjection } from '../../../server/algorithms/geo/projection';
import { buildUnitsStage } from '../../../server/algorithms/units/stage';
import type { DividingLine, HouseholdRow } from '../../../server/algorithms/units/types';

const proj = localProjection(117.05, 30.52);
const ll = (x: number, y: number) => proj.inverse(x, y);
const rect = (x0: number, y0: number, x1: number, y1: number) => [[ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]];
const areas = [{ level: 'subdistrict' as const, code: 'A', name: 'A', ref: 'feature 0', polygons: [rect(0, 0, 400, 400)] }];
const lines: DividingLine[] = [
  { role: 'minor', coords: [ll(-10, 200), ll(410, 200)] },
  { role: 'minor', coords: [ll(200, 200), ll(200, 398.5)] }, // 1.5 m short of the boundary: healed
  { role: 'minor', coords: [ll(100, 10), ll(100, 190)] }, // 10 m short of both: unclosed twice
];
const water = [rect(250, 50, 350, 150)];

describe('units stage', () => {
  it('takes water out, reports healed and unclosed ends, covers the land', () => {
    const r = buildUnitsStage({ areas, lines, rows: [], water }, { splitAbove: 500 });
    expect(r.stats.water_blocks).toBe(1);
    expect(r.blocks).toHaveLength(3); // south half (with the pond as a hole), north-west, north-east
    const land = r.blocks.reduce((s, b) => s + b.area, 0);
    expect(Math.abs(land - (400 * 400 - 100 * 100))).toBeLessThan(1);
    expect(r.healedAt).toHaveLength(1);
    expect(proj.forward(...(r.healedAt[0] as [number, number]))[1]).toBeCloseTo(400, 1);
    expect(r.unclosedAt).toHaveLength(2);
    expect(r.warnings.filter((w) => w.code === 'coverage')).toEqual([]);
  });

  it('every row lands in one unit (its households counted once) or is reported outside', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.integer({ min: -100, max: 500 }), y: fc.integer({ min: -100, max: 500 }), h: fc.integer({ min: 0, max: 200 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        (pts) => {
          const rows: HouseholdRow[] = pts.map((p, i) => {
            const [lon, lat] = ll(p.x + 0.5, p.y + 0.5);
            return { ref: `line ${i + 2}`, building: null, compound: null, households: p.h, lon, lat };
          });
          const r = buildUnitsStage({ areas, lines, rows, water }, { splitAbove: 500 });
          const inside = pts.filter((p) => p.x >= 0 && p.x < 400 && p.y >= 0 && p.y < 400);
          expect(r.units.reduce((s, u) => s + u.households, 0)).toBe(inside.reduce((s, p) => s + p.h, 0));
          rows.forEach((_, i) => expect(r.rowUnit[i] >= 0).toBe(pts[i].x >= 0 && pts[i].x < 400 && pts[i].y >= 0 && pts[i].y < 400));
          expect(r.warnings.filter((w) => w.code === 'household_outside')).toHaveLength(pts.length - inside.length);
        },
      ),
      { numRuns: 15 },
    );
  });
});
