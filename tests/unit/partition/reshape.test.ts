import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { straightLattice } from './helpers';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { contractGraph } from '../../../server/algorithms/partition/contract';
import { GridState } from '../../../server/algorithms/partition/state';
import { reshapePairs } from '../../../server/algorithms/partition/reshape';
import { polsbyPopper } from '../../../server/algorithms/geo/polygon';
import { gridPenalty, inertiaPenalty } from '../../../server/algorithms/partition/objective';

/** a 6×4 lattice of 20-household units split into two grids by `inA(i, j)` */
function setup(cols: number, rows: number, inA: (i: number, j: number) => boolean) {
  const g = buildUnitGraph(
    straightLattice(cols, rows, () => 20),
    [],
  );
  const { cg, nodeOf } = contractGraph(g, new Int32Array(g.n), new Int32Array(g.n).fill(-1));
  const st = new GridState(cg);
  const a = st.newGrid(0),
    b = st.newGrid(0);
  for (let u = 0; u < g.n; u++) {
    const [i, j] = g.ids[u].slice(1).split('_').map(Number);
    st.move(nodeOf[u], inA(i, j) ? a : b);
  }
  return st;
}
const pp = (st: GridState, x: number) => polsbyPopper(st.area[x], st.perim[x]);
const pen = (st: GridState, t: number) =>
  [0, 1].reduce((s, x) => s + gridPenalty(st.hh[x], st.area[x], st.perim[x], st.hard[x], t) + 2 * inertiaPenalty(st.area[x], st.mx[x], st.my[x], st.mq[x]), 0);

describe('reshapePairs', () => {
  it('turns two interleaved combs into two compact halves (known answer: 3×4 blocks)', () => {
    // 6×4 units, 20 hh each: two comb-shaped grids of 240 hh; the compact answer is left/right 3×4
    const st = setup(6, 4, (i, j) => (j === 0 ? i < 3 : j === 3 ? i >= 3 : i % 2 === 0));
    const before = pp(st, 0) + pp(st, 1);
    const n = reshapePairs(st, { min: 200, max: 280, target: 240 });
    expect(n).toBeGreaterThan(0);
    expect(st.hh[0]).toBe(240);
    expect(st.hh[1]).toBe(240);
    expect(st.components(0)).toHaveLength(1);
    expect(st.components(1)).toHaveLength(1);
    expect(pp(st, 0) + pp(st, 1)).toBeGreaterThan(before);
    // 3×4 block of 50 m cells: area 150·200, perimeter 700 → pp = 4π·30000/490000
    const ideal = (4 * Math.PI * 30000) / (700 * 700);
    expect(pp(st, 0)).toBeCloseTo(ideal, 2);
    expect(pp(st, 1)).toBeCloseTo(ideal, 2);
  });

  it('property: never leaves the band, never disconnects, never raises the summed penalty; deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), (bits) => {
        // random split made contiguous: column-major prefix decided by bits count
        const k = 8 + (bits.filter(Boolean).length % 9); // 8..16 units in A
        const order = (i: number, j: number) => (bits[0] ? i * 4 + (i % 2 ? 3 - j : j) : j * 6 + (j % 2 ? 5 - i : i));
        const mk = () => setup(6, 4, (i, j) => order(i, j) < k);
        const st = mk(),
          st2 = mk();
        const hA = st.hh[0];
        const p = { min: Math.min(hA, 480 - hA), max: Math.max(hA, 480 - hA), target: 240 };
        const before = pen(st, 240);
        reshapePairs(st, p);
        reshapePairs(st2, p);
        expect(pen(st, 240)).toBeLessThanOrEqual(before + 1e-9);
        for (const x of [0, 1]) {
          expect(st.hh[x]).toBeGreaterThanOrEqual(p.min);
          expect(st.hh[x]).toBeLessThanOrEqual(p.max);
          expect(st.components(x)).toHaveLength(1);
        }
        expect(Array.from(st.assign)).toEqual(Array.from(st2.assign));
      }),
      { numRuns: 30 },
    );
  });
});
