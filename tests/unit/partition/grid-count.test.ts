import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { live, pp, straightLattice } from './helpers';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { contractGraph } from '../../../server/algorithms/partition/contract';
import { GridState } from '../../../server/algorithms/partition/state';
import { chooseAlternatives, combineByGroup, groupScores, type GroupScore } from '../../../server/algorithms/partition/grid-count';
import { partition } from '../../../server/algorithms/partition/engine';

const S = (pp: number, grids: number, inBand = grids, straddles = 0): GroupScore => ({ pp, grids, inBand, straddles });
const meanOf = (alts: Map<number, GroupScore>[], pick: Map<number, number>) => {
  let s = 0,
    n = 0;
  for (const [g, i] of pick) {
    s += alts[i].get(g)!.pp;
    n += alts[i].get(g)!.grids;
  }
  return s / n;
};

describe('chooseAlternatives', () => {
  it('known answer: takes the more compact count per group, never one with more straddles or grids out of band', () => {
    const alts = [
      new Map([
        [0, S(8 * 0.76, 8)],
        [1, S(5 * 0.7, 5, 5, 1)],
        [2, S(4 * 0.7, 4)],
      ]),
      new Map([
        [0, S(9 * 0.785, 9)], // better: taken
        [1, S(6 * 0.78, 6, 6, 2)], // more straddles: refused
        [2, S(5 * 0.78, 5, 4)], // a grid out of band: refused
      ]),
    ];
    const pick = chooseAlternatives(alts);
    expect([...pick].sort((a, b) => a[0] - b[0])).toEqual([
      [0, 1],
      [1, 0],
      [2, 0],
    ]);
  });

  it('known answer: maximises the mean of the whole plan, not each group’s mean', () => {
    // group 1's alternative has the lower mean of its own (0.75 < 0.76) but, being above the
    // plan's mean (~0.72), adding its two grids raises the plan's mean
    const alts = [
      new Map([
        [0, S(10 * 0.7, 10)],
        [1, S(0.76, 1)],
      ]),
      new Map([
        [0, S(10 * 0.69, 10)],
        [1, S(1.5, 2)],
      ]),
    ];
    const pick = chooseAlternatives(alts);
    expect(pick.get(0)).toBe(0);
    expect(pick.get(1)).toBe(1);
    expect(meanOf(alts, pick)).toBeCloseTo(8.5 / 12, 9);
  });

  it('property: the mean equals the best over all admissible choices (brute force) and never falls below the first plan', () => {
    const score = fc.record({
      pp: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
      grids: fc.integer({ min: 1, max: 6 }),
      out: fc.integer({ min: 0, max: 2 }),
      straddles: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(score, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 3 }), (raw) => {
        // raw[i][g]: alternative i of group g (4 groups, up to 3 alternatives)
        const alts = raw.map(
          (row) =>
            new Map(
              row.map(
                (r, g) => [g, { pp: r.pp * r.grids, grids: r.grids, inBand: Math.max(0, r.grids - r.out), straddles: r.straddles }] as [number, GroupScore],
              ),
            ),
        );
        const pick = chooseAlternatives(alts);
        const ok = (g: number, i: number) => {
          const b = alts[0].get(g)!,
            e = alts[i].get(g)!;
          return i === 0 || (e.grids - e.inBand <= b.grids - b.inBand && e.straddles <= b.straddles);
        };
        for (const [g, i] of pick) expect(ok(g, i)).toBe(true);
        let best = -1;
        const rec = (g: number, cur: Map<number, number>) => {
          if (g === 4) return void (best = Math.max(best, meanOf(alts, cur)));
          for (let i = 0; i < alts.length; i++) if (ok(g, i)) rec(g + 1, new Map(cur).set(g, i));
        };
        rec(0, new Map());
        const got = meanOf(alts, pick);
        expect(got).toBeGreaterThanOrEqual(best - 1e-9);
        expect(got).toBeGreaterThanOrEqual(meanOf(alts, new Map([0, 1, 2, 3].map((g) => [g, 0]))) - 1e-12);
      }),
      { numRuns: 300 },
    );
  });
});

describe('combineByGroup', () => {
  // 16×4 straight lattice of 25-household cells, sub-district S west (i < 8) and T east: each is
  // 800 households, two 4×4 squares (pp π/4) or two interleaved combs
  const g = buildUnitGraph(
    straightLattice(
      16,
      4,
      () => 25,
      (i) => ({ subdistrict: i < 8 ? 'S' : 'T' }),
    ),
    [],
  );
  const { cg, nodeOf } = contractGraph(g, Int32Array.from(g.subdistrict), new Int32Array(g.n).fill(-1));
  const plan = (squaresIn: number) => {
    const st = new GridState(cg);
    const ids = [st.newGrid(0), st.newGrid(0), st.newGrid(1), st.newGrid(1)];
    g.ids.forEach((id, u) => {
      const [i, j] = id.slice(1).split('_').map(Number);
      const grp = i < 8 ? 0 : 1,
        li = i % 8;
      const first = grp === squaresIn ? li < 4 : j === 0 ? li < 4 : j === 3 ? li >= 4 : li % 2 === 0;
      st.move(nodeOf[u], ids[grp * 2 + (first ? 0 : 1)]);
    });
    return st;
  };

  it('known answer: takes each group from the plan where it is two squares', () => {
    const a = plan(0),
      b = plan(1);
    const st = combineByGroup([a, b], { min: 300, max: 500 });
    const xs = live(st);
    expect(xs).toHaveLength(4);
    for (const x of xs) {
      expect(st.hh[x]).toBe(400);
      expect(st.components(x)).toHaveLength(1);
      expect(pp(st, x)).toBeCloseTo(Math.PI / 4, 2);
    }
    expect([...groupScores(st, { min: 300, max: 500 }).values()].every((e) => e.inBand === 2 && e.straddles === 0)).toBe(true);
  });

  it('refuses plans on another graph', () => {
    const other = new GridState(
      contractGraph(
        buildUnitGraph(
          straightLattice(2, 2, () => 1),
          [],
        ),
        new Int32Array(4),
        new Int32Array(4).fill(-1),
      ).cg,
    );
    expect(() => combineByGroup([plan(0), other], { min: 300, max: 500 })).toThrow(RangeError);
  });
});

describe('engine: grid count per group', () => {
  it('known answer: a 12×12 lattice of 22-household cells (H/target → 8 grids) becomes 9 squares of 4×4', () => {
    const r = partition({ units: straightLattice(12, 12, () => 22), barriers: [] }, { seed: 1 });
    expect(r.stats.grids).toBe(9);
    expect(r.stats.in_band).toBe(9);
    expect(r.stats.polsby_popper_min).toBeCloseTo(Math.PI / 4, 3);
  });
});
