import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bisectedStreetLattice, live, pp, straightLattice, verticalStreet } from './helpers';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { contractGraph } from '../../../server/algorithms/partition/contract';
import { GridState } from '../../../server/algorithms/partition/state';
import { annealCompactness, ppSum, straddleCount } from '../../../server/algorithms/partition/anneal';
import { makeRng } from '../../../server/algorithms/partition/rng';

/** two grids on a cols×rows lattice of 25-household units, `side(i, j)` true → grid a */
function twoGrids(cols: number, rows: number, side: (i: number, j: number) => boolean, streets: number[] = []) {
  const g = buildUnitGraph(
    straightLattice(cols, rows, () => 25),
    streets.map((i) => verticalStreet(i, rows, 'major')),
  );
  const { cg, nodeOf } = contractGraph(g, new Int32Array(g.n), new Int32Array(g.n).fill(-1));
  const st = new GridState(cg);
  const a = st.newGrid(0),
    b = st.newGrid(0);
  g.ids.forEach((id, u) => {
    const [i, j] = id.slice(1).split('_').map(Number);
    st.move(nodeOf[u], side(i, j) ? a : b);
  });
  return { st, a, b, nodeOf, g };
}

/** left 4×4 square gives (3,2) to the right one and takes (4,1): both grids stay contiguous */
const swapped = (i: number, j: number) => (i === 3 && j === 2 ? false : i === 4 && j === 1 ? true : i < 4);

describe('annealCompactness', () => {
  it('known answer: two 4×4 squares with two cells swapped across their border are restored (pp = π/4)', () => {
    const { st, a, b } = twoGrids(8, 4, swapped);
    expect(pp(st, a)).toBeLessThan(0.7);
    for (const x of [a, b]) expect(st.components(x)).toHaveLength(1);
    expect(annealCompactness(st, { min: 300, max: 500, target: 400, rng: makeRng(3) })).toBeGreaterThan(0);
    for (const x of [a, b]) {
      expect(st.hh[x]).toBe(400);
      expect(st.components(x)).toHaveLength(1);
      expect(pp(st, x)).toBeCloseTo(Math.PI / 4, 2);
    }
  });

  it('known answer: with a major street between the squares, the swapped cells go back and neither grid straddles it', () => {
    const { st, a, b, g, nodeOf } = twoGrids(8, 4, swapped, [4]);
    expect(straddleCount(st)).toBe(2);
    annealCompactness(st, { min: 300, max: 500, target: 400, rng: makeRng(5) });
    expect(straddleCount(st)).toBe(0);
    const left = st.assign[nodeOf[g.ids.indexOf('u0_0')]];
    for (const [u, id] of g.ids.entries()) {
      const i = Number(id.slice(1).split('_')[0]);
      expect(st.assign[nodeOf[u]] === left).toBe(i < 4);
    }
    for (const x of [a, b]) expect(st.hh[x]).toBe(400);
  });

  it('property: grids stay contiguous, in band, in their group; no more straddles; score never drops; same seed, same plan', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 11 }),
        fc.integer({ min: 6, max: 11 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 10 }),
        (cols, rows, seed, street) => {
          const { cg, build } = bisectedStreetLattice(cols, rows, seed, street);
          const st = build();
          const inBand = live(st).filter((x) => st.hh[x] >= 300 && st.hh[x] <= 500);
          const before = ppSum(st) - 0.2 * straddleCount(st),
            straddlesBefore = straddleCount(st);
          const groupOf = live(st).map((x) => st.group[x]);
          const rise = annealCompactness(st, { min: 300, max: 500, target: 400, rng: makeRng(seed), sweeps: 40 });
          expect(rise).toBeGreaterThanOrEqual(0);
          expect(ppSum(st) - 0.2 * straddleCount(st)).toBeCloseTo(before + rise, 6);
          expect(straddleCount(st)).toBeLessThanOrEqual(straddlesBefore);
          for (const x of live(st)) {
            expect(st.components(x)).toHaveLength(1);
            for (const c of st.members[x]) expect(cg.group[c]).toBe(st.group[x]);
          }
          expect(live(st).map((x) => st.group[x])).toEqual(groupOf);
          for (const x of inBand) {
            expect(st.hh[x]).toBeGreaterThanOrEqual(300);
            expect(st.hh[x]).toBeLessThanOrEqual(500);
          }
          // determinism: the same start and seed give the same plan
          const again = build();
          annealCompactness(again, { min: 300, max: 500, target: 400, rng: makeRng(seed), sweeps: 40 });
          expect(Array.from(again.assign)).toEqual(Array.from(st.assign));
        },
      ),
      { numRuns: 10, seed: 23 },
    );
  });
});
