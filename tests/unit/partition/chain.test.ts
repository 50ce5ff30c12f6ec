import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { straightLattice } from './helpers';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { contractGraph } from '../../../server/algorithms/partition/contract';
import { GridState } from '../../../server/algorithms/partition/state';
import { ejectionChain } from '../../../server/algorithms/partition/chain';
import { repairBand } from '../../../server/algorithms/partition/repair';
import { makeRng } from '../../../server/algorithms/partition/rng';

/** cols×rows lattice, households hh(i, j), grids = vertical strips starting at the given columns */
function strips(cols: number, rows: number, hh: (i: number, j: number) => number, starts: number[]) {
  const g = buildUnitGraph(straightLattice(cols, rows, hh), []);
  const { cg, nodeOf } = contractGraph(g, new Int32Array(g.n), new Int32Array(g.n).fill(-1));
  const st = new GridState(cg);
  for (let k = 0; k < starts.length; k++) st.newGrid(0);
  for (let u = 0; u < g.n; u++) {
    const [i] = g.ids[u].slice(1).split('_').map(Number);
    let k = 0;
    while (k + 1 < starts.length && i >= starts[k + 1]) k++;
    st.move(nodeOf[u], k);
  }
  return { g, st, nodeOf };
}

describe('ejection chains', () => {
  it('known answer: an over-max grid passes households through a full neighbour to one with room', () => {
    // one row: A = 4 × 130 (520, over max), B = 4 × 120 (480, no room for 130), C = 4 × 80 (320)
    const hh = (i: number) => (i < 4 ? 130 : i < 8 ? 120 : 80);
    const { st } = strips(12, 1, hh, [0, 4, 8]);
    const p = { min: 300, max: 500 };
    expect(ejectionChain(st, 0, p)).toBe(true);
    // A gives its boundary unit (130) to B, B gives its boundary unit (120) to C
    expect([st.hh[0], st.hh[1], st.hh[2]]).toEqual([390, 490, 440]);
    for (const x of [0, 1, 2]) expect(st.components(x)).toHaveLength(1);
  });

  it('known answer: an under-min grid pulls households through a neighbour that cannot spare them', () => {
    // A = 4 × 70 (280, under min), B = 4 × 80 (320: giving 80 would leave 240), C = 4 × 120 (480)
    const hh = (i: number) => (i < 4 ? 70 : i < 8 ? 80 : 120);
    const { st } = strips(12, 1, hh, [0, 4, 8]);
    expect(ejectionChain(st, 0, { min: 300, max: 500 })).toBe(true);
    expect([st.hh[0], st.hh[1], st.hh[2]]).toEqual([360, 360, 360]);
  });

  it('finds nothing when no chain exists (a lone grid) and leaves the plan untouched', () => {
    const { st } = strips(4, 1, () => 130, [0]);
    expect(ejectionChain(st, 0, { min: 300, max: 500 })).toBe(false);
    expect(st.hh[0]).toBe(520);
  });

  it('property: a chain keeps every other in-band grid in band, every grid contiguous, households conserved; deterministic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 1e6 }), (cols, rows, seed) => {
        const rng = makeRng(seed);
        const H = Array.from({ length: cols * rows }, () => Math.floor(rng() * 60));
        const starts = [0];
        for (let i = 1; i < cols; i++) if (rng() < 0.4) starts.push(i);
        const mk = () => strips(cols, rows, (i, j) => H[j * cols + i], starts);
        const a = mk(),
          b = mk();
        const total = (st: GridState) => st.hh.reduce((s, h) => s + h, 0);
        const T = total(a.st);
        // band around the mean grid size so that some grids are out of band
        const mean = T / starts.length,
          p = { min: Math.round(mean * 0.85), max: Math.round(mean * 1.15) };
        for (let x = 0; x < starts.length; x++) {
          const inBefore = a.st.hh.map((h) => h >= p.min && h <= p.max);
          const before = a.st.hh[x];
          const ok = ejectionChain(a.st, x, p);
          expect(ejectionChain(b.st, x, p)).toBe(ok);
          expect(Array.from(a.st.assign)).toEqual(Array.from(b.st.assign));
          expect(total(a.st)).toBeCloseTo(T, 6);
          for (let y = 0; y < starts.length; y++) {
            if (a.st.members[y].size) expect(a.st.components(y)).toHaveLength(1);
            if (y !== x && inBefore[y]) {
              expect(a.st.hh[y]).toBeGreaterThanOrEqual(p.min);
              expect(a.st.hh[y]).toBeLessThanOrEqual(p.max);
            }
          }
          if (ok) {
            // closer to the band, never past the other edge
            const dist = (h: number) => Math.max(0, p.min - h, h - p.max);
            expect(dist(a.st.hh[x])).toBeLessThan(dist(before));
          } else expect(a.st.hh[x]).toBe(before);
        }
      }),
      { numRuns: 80, seed: 7 },
    );
  });

  it('band repair with chains restores the band without re-partitioning (warm-start mode)', () => {
    const hh = (i: number) => (i < 4 ? 130 : i < 8 ? 120 : 80);
    const { st } = strips(12, 1, hh, [0, 4, 8]);
    const bad = repairBand(st, { min: 300, max: 500, target: 400, rng: makeRng(1), chains: true, repartition: false });
    expect(bad).toEqual([]);
    expect([st.hh[0], st.hh[1], st.hh[2]]).toEqual([390, 490, 440]);
  });

  it('warm-start repair prefers partners that already changed (fewer grids change)', () => {
    // L = 4 × 80 (320) | G = 4 × 130 (520, over max) | R = 4 × 80 (320): G can give a unit to either side
    const hh = (i: number) => (i >= 4 && i < 8 ? 130 : 80);
    for (const pre of [0, 2]) {
      const { st } = strips(12, 1, hh, [0, 4, 8]);
      const touched = new Set([pre]);
      expect(repairBand(st, { min: 300, max: 500, target: 400, rng: makeRng(1), chains: true, repartition: false, touched })).toEqual([]);
      expect(st.hh[1]).toBe(390);
      expect(st.hh[pre]).toBe(450);
      expect(st.hh[2 - pre]).toBe(320);
      expect([...touched].sort()).toEqual([pre, 1].sort());
    }
  });
});
