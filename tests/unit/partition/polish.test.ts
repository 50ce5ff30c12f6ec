import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bisectedStreetLattice, live, pp, straightLattice } from './helpers';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { contractGraph } from '../../../server/algorithms/partition/contract';
import { GridState } from '../../../server/algorithms/partition/state';
import { polishCompactness } from '../../../server/algorithms/partition/polish';
import { partition } from '../../../server/algorithms/partition/engine';

const ppSum = (st: GridState) => live(st).reduce((s, x) => s + pp(st, x), 0);
const straddles = (st: GridState, x: number) => st.hard[x] > 1e-9;

describe('polishCompactness', () => {
  it('known answer: two interleaved combs on an 8×4 lattice become two 4×4 squares (pp = π/4)', () => {
    const g = buildUnitGraph(
      straightLattice(8, 4, () => 25),
      [],
    );
    const { cg, nodeOf } = contractGraph(g, new Int32Array(g.n), new Int32Array(g.n).fill(-1));
    const st = new GridState(cg);
    const a = st.newGrid(0),
      b = st.newGrid(0);
    g.ids.forEach((id, u) => {
      const [i, j] = id.slice(1).split('_').map(Number);
      // rows 0 and 3 are the comb backs, the teeth alternate by column
      st.move(nodeOf[u], (j === 0 ? i < 4 : j === 3 ? i >= 4 : i % 2 === 0) ? a : b);
    });
    expect(pp(st, a)).toBeLessThan(0.4);
    expect(polishCompactness(st, { min: 300, max: 500, target: 400 })).toBeGreaterThan(0);
    for (const x of [a, b]) {
      expect(st.hh[x]).toBe(400);
      expect(st.components(x)).toHaveLength(1);
      expect(pp(st, x)).toBeCloseTo(Math.PI / 4, 2);
    }
  });

  it('property: keeps grids contiguous, in band, clear of major streets they were clear of, and never lowers the summed pp', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 12 }),
        fc.integer({ min: 6, max: 12 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 11 }),
        (cols, rows, seed, street) => {
          const { cg, build } = bisectedStreetLattice(cols, rows, seed, street);
          const st = build();
          const inBand = live(st).filter((x) => st.hh[x] >= 300 && st.hh[x] <= 500);
          const clear = live(st).filter((x) => !straddles(st, x));
          const before = ppSum(st);
          const groupOf = live(st).map((x) => st.group[x]);
          polishCompactness(st, { min: 300, max: 500, target: 400 });
          expect(ppSum(st)).toBeGreaterThanOrEqual(before - 1e-9);
          for (const x of live(st)) {
            expect(st.components(x)).toHaveLength(1);
            for (const c of st.members[x]) expect(cg.group[c]).toBe(st.group[x]);
          }
          expect(live(st).map((x) => st.group[x])).toEqual(groupOf);
          for (const x of inBand) {
            expect(st.hh[x]).toBeGreaterThanOrEqual(300);
            expect(st.hh[x]).toBeLessThanOrEqual(500);
          }
          for (const x of clear) expect(straddles(st, x)).toBe(false);
        },
      ),
      { numRuns: 20, seed: 17 },
    );
  });
});

describe('partition compactness (known answer)', () => {
  it('a 12×12 lattice of equal units is split into nine square-ish blocks', () => {
    const units = straightLattice(12, 12, () => 25);
    const res = partition({ units }, { min: 300, max: 500, target: 400 });
    expect(res.grids).toHaveLength(9);
    for (const gr of res.grids) {
      expect(gr.households).toBe(400);
      expect(gr.polsby_popper).toBeGreaterThan(0.7); // 4×4 square: π/4 ≈ 0.785; a 2×8 strip: 0.50
    }
    expect(res.stats.polsby_popper_mean).toBeGreaterThan(0.77);
  });
});
