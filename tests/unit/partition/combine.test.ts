import { describe, expect, it } from 'vitest';
import { straightLattice } from './helpers';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { contractGraph } from '../../../server/algorithms/partition/contract';
import { GridState } from '../../../server/algorithms/partition/state';
import { bestPerGroup, projectPlan } from '../../../server/algorithms/partition/combine';
import { polsbyPopper } from '../../../server/algorithms/geo/polygon';

const pos = (id: string) => id.slice(1).split('_').map(Number) as [number, number];

describe('contractGraph sticky edges', () => {
  it('known answer: an edge inside a sticky compound costs 4× as much to cut, others are unchanged', () => {
    // 3×1 units of 50 m; u0 and u1 share compound K (not contracted: key −1, sticky key 0)
    const g = buildUnitGraph(
      straightLattice(3, 1, () => 10),
      [],
    );
    const none = new Int32Array(g.n).fill(-1);
    const sticky = Int32Array.from(g.ids, (id) => (id === 'u0_0' || id === 'u1_0' ? 0 : -1));
    const plain = contractGraph(g, new Int32Array(g.n), none).cg;
    const st = contractGraph(g, new Int32Array(g.n), none, sticky).cg;
    const cut = (cg: typeof st, a: string, b: string) => {
      const u = g.ids.indexOf(a),
        v = g.ids.indexOf(b);
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) if (cg.targets[e] === v) return cg.cutW[e];
      return NaN;
    };
    expect(cut(plain, 'u0_0', 'u1_0')).toBeCloseTo(50, 2); // 50 m shared edge (local projection)
    expect(cut(st, 'u0_0', 'u1_0') / cut(plain, 'u0_0', 'u1_0')).toBeCloseTo(4, 9);
    expect(cut(st, 'u1_0', 'u0_0') / cut(plain, 'u1_0', 'u0_0')).toBeCloseTo(4, 9);
    expect(cut(st, 'u1_0', 'u2_0')).toBeCloseTo(cut(plain, 'u1_0', 'u2_0'), 9);
  });
});

describe('projectPlan', () => {
  it('known answer: each compound goes whole to the grid holding most of its households', () => {
    // 4×2 units of 50 hh; compound K = the 2×2 block of columns 1-2; fine plan = left half | right half
    const units = straightLattice(
      4,
      2,
      () => 50,
      (i) => ({ compound: i === 1 || i === 2 ? 'K' : null }),
    );
    units.find((u) => u.id === 'u2_0')!.households = 80; // K holds more households on the right
    const g = buildUnitGraph(units, []);
    const none = new Int32Array(g.n).fill(-1);
    const fine = contractGraph(g, new Int32Array(g.n), none);
    const fst = new GridState(fine.cg);
    fst.newGrid(0);
    fst.newGrid(0);
    for (let u = 0; u < g.n; u++) fst.move(fine.nodeOf[u], pos(g.ids[u])[0] < 2 ? 0 : 1);
    const key = Int32Array.from(g.ids, (_, u) => (g.compound[u] >= 0 ? 0 : -1));
    const coarse = contractGraph(g, new Int32Array(g.n), key);
    const st = projectPlan(g, fst, fine.nodeOf, coarse.cg);
    const gridOf = (id: string) => st.assign[coarse.nodeOf[g.ids.indexOf(id)]];
    for (const id of ['u1_0', 'u1_1', 'u2_0', 'u2_1', 'u3_0', 'u3_1']) expect(gridOf(id)).toBe(1);
    for (const id of ['u0_0', 'u0_1']) expect(gridOf(id)).toBe(0);
    expect([st.hh[0], st.hh[1]]).toEqual([100, 330]);
  });
});

describe('bestPerGroup', () => {
  it('known answer: per group, the plan with the more compact grids', () => {
    // 8×4 lattice, group 0 = columns 0-3, group 1 = columns 4-7; in each group two grids of 8 units
    const g = buildUnitGraph(
      straightLattice(8, 4, () => 50),
      [],
    );
    const group = Int32Array.from(g.ids, (id) => (pos(id)[0] < 4 ? 0 : 1));
    const { cg, nodeOf } = contractGraph(g, group, new Int32Array(g.n).fill(-1));
    // compact: 2×4 halves side by side; combs: alternating rows
    const compact = (i: number) => (i % 4 < 2 ? 0 : 1);
    const comb = (i: number, j: number) => (j % 2 === 0 ? 0 : 1);
    const plan = (left: (i: number, j: number) => number, right: (i: number, j: number) => number) => {
      const st = new GridState(cg);
      for (let k = 0; k < 4; k++) st.newGrid(k < 2 ? 0 : 1);
      for (let u = 0; u < g.n; u++) {
        const [i, j] = pos(g.ids[u]);
        st.move(nodeOf[u], i < 4 ? left(i, j) : 2 + right(i, j));
      }
      return st;
    };
    // rows are not contiguous as grids, but the choice only reads area and perimeter
    const a = plan(compact, comb),
      b = plan(comb, compact);
    const best = bestPerGroup([a, b], { min: 0, max: 1e9 });
    const pp = (st: GridState) => st.members.map((m, x) => (m.size ? polsbyPopper(st.area[x], st.perim[x]) : 0));
    const compactPP = pp(a)[0];
    expect(best.members.filter((m) => m.size)).toHaveLength(4);
    for (const v of pp(best).filter((v) => v > 0)) expect(v).toBeCloseTo(compactPP, 9);
    // same group structure: each grid stays inside its group
    for (let x = 0; x < best.gridCount; x++) for (const c of best.members[x]) expect(cg.group[c]).toBe(best.group[x]);
  });

  it('an out-of-band plan loses against an in-band one even when it is more compact', () => {
    const g = buildUnitGraph(
      straightLattice(4, 2, (i) => (i === 0 ? 200 : 50)),
      [],
    );
    const { cg, nodeOf } = contractGraph(g, new Int32Array(g.n), new Int32Array(g.n).fill(-1));
    const mk = (split: (i: number, j: number) => number) => {
      const st = new GridState(cg);
      st.newGrid(0);
      st.newGrid(0);
      for (let u = 0; u < g.n; u++) {
        const [i, j] = pos(g.ids[u]);
        st.move(nodeOf[u], split(i, j));
      }
      return st;
    };
    const squares = mk((i) => (i < 2 ? 0 : 1)); // 500 | 200: compact, right half under min 300
    const strips = mk((i, j) => (j === 0 ? 0 : 1)); // 350 | 350: two 4×1 strips, in band
    const best = bestPerGroup([squares, strips], { min: 300, max: 500 });
    expect(best.hh.filter((h, x) => best.members[x].size)).toEqual([350, 350]);
  });
});
