import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { straightLattice, verticalStreet } from './helpers';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { checkGrids } from '../../../server/algorithms/partition/constraints';
import { partition } from '../../../server/algorithms/partition/engine';
import { makeRng } from '../../../server/algorithms/partition/rng';
import { planBounds, splittable } from '../../../bench/partition/bounds';

describe('planBounds (what any plan could reach on a benchmark case)', () => {
  it('known answers: a major street between two halves of 320 households lets both grids stay clear of it', () => {
    const g = buildUnitGraph(
      straightLattice(8, 4, () => 20),
      [verticalStreet(4, 4, 'major')],
    );
    expect(planBounds(g, 300, 500)).toEqual({ straddles_min: 0, in_band_possible: true, components_unsplittable: 0 });
  });

  it('known answers: halves of 240 households cannot hold a grid of ≥ 300 each, so the one grid must straddle', () => {
    const g = buildUnitGraph(
      straightLattice(8, 4, () => 15),
      [verticalStreet(4, 4, 'major')],
    );
    expect(planBounds(g, 300, 500).straddles_min).toBe(1);
    // a minor street divides nothing: no straddle needed
    const m = buildUnitGraph(
      straightLattice(8, 4, () => 15),
      [verticalStreet(4, 4, 'minor')],
    );
    expect(planBounds(m, 300, 500).straddles_min).toBe(0);
  });

  it('known answers: three strips of 240 between two major streets (720 households, 2 grids): both grids straddle', () => {
    const g = buildUnitGraph(
      straightLattice(12, 4, () => 15),
      [verticalStreet(4, 4, 'major'), verticalStreet(8, 4, 'major')],
    );
    expect(planBounds(g, 300, 500).straddles_min).toBe(2);
  });

  it('known answers: an island of another sub-district below min makes 100% in band impossible', () => {
    const units = straightLattice(
      6,
      4,
      (i, j) => (i === 5 && j === 3 ? 50 : 15),
      (i, j) => (i === 5 && j === 3 ? { subdistrict: 'T' } : {}),
    );
    const b = planBounds(buildUnitGraph(units, []), 300, 500);
    expect(b.in_band_possible).toBe(false);
    expect(b.components_unsplittable).toBe(1);
  });

  it('property: splittable(H) ⇔ some k ≥ 1 has k·min ≤ H ≤ k·max (brute force)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 400 }), (H, min, extra) => {
        const max = min + extra;
        let brute = false;
        for (let k = 1; k <= H + 1 && !brute; k++) if (k * min <= H && H <= k * max) brute = true;
        expect(splittable(H, min, max)).toBe(brute);
      }),
      { numRuns: 300 },
    );
  });

  it('property: every contiguous, all-in-band plan the engine finds straddles at least straddles_min times', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 9 }),
        fc.integer({ min: 4, max: 7 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 4 }),
        (cols, rows, seed, streets) => {
          const rng = makeRng(seed);
          const hh = Array.from({ length: cols * rows }, () => Math.floor(rng() * 30));
          const units = straightLattice(cols, rows, (i, j) => hh[j * cols + i]);
          // up to four major streets across the lattice: narrow strips between them hold fewer than min
          const barriers = streets.filter((s) => s < cols).map((s) => verticalStreet(s, rows, 'major'));
          const g = buildUnitGraph(units, barriers);
          const bound = planBounds(g, 150, 250);
          const r = partition({ units, barriers }, { min: 150, max: 250, seed: 1 });
          const index = new Map(g.ids.map((id, u) => [id, u]));
          const names = new Map<string, number>();
          const gridOf = new Int32Array(g.n);
          for (const [id, name] of Object.entries(r.assignment)) {
            if (!names.has(name)) names.set(name, names.size);
            gridOf[index.get(id)!] = names.get(name)!;
          }
          const checks = checkGrids(g, gridOf);
          if (!checks.every((c) => c.contiguous && c.households >= 150 && c.households <= 250)) return;
          expect(bound.in_band_possible).toBe(true);
          expect(checks.filter((c) => c.straddlesBarrier).length).toBeGreaterThanOrEqual(bound.straddles_min);
        },
      ),
      { numRuns: 12 },
    );
  });
});
