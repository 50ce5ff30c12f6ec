import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { partition } from '../../../server/algorithms/partition/engine';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { checkGrids } from '../../../server/algorithms/partition/constraints';
import { barriersFromGeoJSON, unitsFromGeoJSON } from '../../../server/algorithms/partition/geojson';
import { straightLattice } from './helpers';

describe('band escalation (compounds taken apart where the band demands it)', () => {
  it('known answer: three compounds of 260 in a row → two grids of 390, the middle compound split and reported', () => {
    const units = straightLattice(
      6,
      1,
      () => 130,
      (i) => ({ compound: `c${Math.floor(i / 2)}` }),
    );
    const res = partition({ units });
    expect(res.grids.map((g) => g.households)).toEqual([390, 390]);
    const split = res.warnings.filter((w) => w.code === 'compound_split');
    expect(split).toHaveLength(1);
    expect(split[0].message).toMatch(/c1/);
    expect(split[0].units?.sort()).toEqual(['u2_0', 'u3_0']);
    expect(res.warnings.some((w) => w.code === 'grid_out_of_band')).toBe(false);
  });

  it('compounds stay whole when the band allows it (no warning)', () => {
    const units = straightLattice(
      6,
      1,
      () => 100,
      (i) => ({ compound: `c${Math.floor(i / 3)}` }),
    );
    const res = partition({ units });
    expect(res.grids.map((g) => g.units.length)).toEqual([3, 3]);
    expect(res.warnings).toEqual([]);
  });
});

describe('demo regression: community 340802005006 (127 units, 5,218 households)', () => {
  // committed extract of the synthetic demo; the engine before escalation left 3 of its 13 grids out
  // of band (536, 279, 577 households) because compound super-units of 200-460 could not be combined
  const fx = JSON.parse(readFileSync(new URL('./fixtures/demo-340802005006.json', import.meta.url), 'utf8'));
  const units = unitsFromGeoJSON(fx.units),
    barriers = barriersFromGeoJSON(fx.barriers);

  for (const seed of [1, 4])
    it(`every grid in band and contiguous (seed ${seed}); most compounds whole`, () => {
      const res = partition({ units, barriers }, { seed });
      const g = buildUnitGraph(units, barriers);
      const names = [...new Set(Object.values(res.assignment))];
      const gridOf = Int32Array.from(g.ids, (id) => names.indexOf(res.assignment[id]));
      const checks = checkGrids(g, gridOf);
      // 5,218 households: 13 grids is the count closest to the target; where the super-units leave no
      // in-band arrangement of 13 around a grid, the last-resort re-bisection may add one
      expect(checks.length).toBeGreaterThanOrEqual(13);
      expect(checks.length).toBeLessThanOrEqual(14);
      for (const c of checks) {
        expect(c.contiguous).toBe(true);
        expect(c.households).toBeGreaterThanOrEqual(300);
        expect(c.households).toBeLessThanOrEqual(500);
      }
      expect(res.stats.in_band).toBe(res.stats.grids);
      expect(res.warnings.every((w) => w.code === 'compound_split')).toBe(true);
      // compounds of ≤ 500 households kept whole
      const grids = new Map<string, Set<string>>(),
        hh = new Map<string, number>();
      for (const u of units)
        if (u.compound) {
          hh.set(u.compound, (hh.get(u.compound) ?? 0) + u.households);
          (grids.get(u.compound) ?? grids.set(u.compound, new Set()).get(u.compound)!).add(res.assignment[u.id]);
        }
      const small = [...hh].filter(([, h]) => h <= 500).map(([k]) => k);
      const whole = small.filter((k) => grids.get(k)!.size === 1).length;
      expect(whole / small.length).toBeGreaterThanOrEqual(0.8);
    });
});
