import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { straightLattice } from './helpers';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { checkGrids } from '../../../server/algorithms/partition/constraints';
import { relaxedCompactness } from '../../../server/algorithms/partition/relaxed';
import { makeRng } from '../../../server/algorithms/partition/rng';

const ppSum = (g: ReturnType<typeof buildUnitGraph>, a: Int32Array) => checkGrids(g, a).reduce((s, c) => s + c.polsbyPopper, 0);

describe('relaxedCompactness (benchmark diagnostic)', () => {
  it('known answer: two interleaved combs on an 8×4 lattice become two 4×4 squares', () => {
    const g = buildUnitGraph(
      straightLattice(8, 4, () => 25),
      [],
    );
    const a = Int32Array.from(g.ids, (id) => {
      const [i, j] = id.slice(1).split('_').map(Number);
      return (j === 0 ? i < 4 : j === 3 ? i >= 4 : i % 2 === 0) ? 0 : 1;
    });
    const out = relaxedCompactness(g, a, { min: 300, max: 500, keepCommunities: true, keepCompounds: true, allowStraddles: false });
    for (const c of checkGrids(g, out)) {
      expect(c.households).toBe(400);
      expect(c.contiguous).toBe(true);
      expect(c.polsbyPopper).toBeCloseTo(Math.PI / 4, 2);
    }
  });

  it('property: keeps band, contiguity, sub-districts and whole compounds, and never lowers the summed pp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const rng = makeRng(seed);
        const hh = Array.from({ length: 64 }, () => Math.round(10 + rng() * 30));
        // 8×8 lattice: sub-district S west, T east; 2×2 compounds in the north-west quarter
        const g = buildUnitGraph(
          straightLattice(
            8,
            8,
            (i, j) => hh[j * 8 + i],
            (i, j) => ({ subdistrict: i < 4 ? 'S' : 'T', compound: i < 4 && j < 4 ? `c${i >> 1}${j >> 1}` : undefined }),
          ),
          [],
        );
        // start: the four 4×4 quadrants; the band is set to their household range
        const a = new Int32Array(g.n);
        g.ids.forEach((id, u) => {
          const [i, j] = id.slice(1).split('_').map(Number);
          a[u] = (i < 4 ? 0 : 2) + (j < 4 ? 0 : 1);
        });
        const before = checkGrids(g, a);
        const min = Math.min(...before.map((c) => c.households)),
          max = Math.max(...before.map((c) => c.households));
        const out = relaxedCompactness(g, a, { min, max, keepCommunities: false, keepCompounds: true, allowStraddles: true, seed });
        for (const c of checkGrids(g, out)) {
          expect(c.contiguous).toBe(true);
          expect(c.subdistricts).toBe(1);
          expect(c.households).toBeGreaterThanOrEqual(min);
          expect(c.households).toBeLessThanOrEqual(max);
        }
        for (let u = 0; u < g.n; u++) if (g.compound[u] >= 0) for (let v = 0; v < g.n; v++) if (g.compound[v] === g.compound[u]) expect(out[v]).toBe(out[u]);
        expect(ppSum(g, out)).toBeGreaterThanOrEqual(ppSum(g, a) - 1e-9);
      }),
      { numRuns: 15 },
    );
  });
});
