import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chooseLeader, groupShops, matrixOracle, networkDistanceOracle, targetSizes } from '../../../server/algorithms/grouping';
import { buildNetwork, distanceMatrix, Snapper } from '../../../server/algorithms/routing';
import { lat, latticeStreets, lon, prng } from '../routing/fixtures';

function euclid(pts: [number, number][]): Float64Array {
  const n = pts.length;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]);
  return m;
}

const infeasible = (n: number) => n < 8 || (n >= 13 && n <= 15);

describe('targetSizes', () => {
  it('sums to n, stays in [8, 12] when possible, uses 10 when n is a multiple of 10', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), (n) => {
        const { sizes, warning } = targetSizes(n);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
        if (!infeasible(n)) {
          expect(warning).toBeUndefined();
          for (const s of sizes) expect(s >= 8 && s <= 12).toBe(true);
          // as many 10s as possible: at most ceil(|n - 10k| / 2) groups differ from 10
          const off = sizes.filter((s) => s !== 10).length;
          expect(off).toBeLessThanOrEqual(Math.ceil(Math.abs(n - 10 * sizes.length) / 2));
        } else expect(warning).toBeTruthy();
        if (n % 10 === 0) expect(sizes.every((s) => s === 10)).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(targetSizes(5).sizes).toEqual([5]);
    expect(targetSizes(21).sizes).toEqual([11, 10]);
    expect(targetSizes(25).sizes).toEqual([9, 8, 8]);
  });
});

describe('groupShops', () => {
  it('every shop in exactly one group, sizes in band, grids respected, leader minimises max distance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), fc.constantFrom('A', 'B', 'C')), {
          minLength: 1,
          maxLength: 90,
        }),
        (rows) => {
          const pts = rows.map((r) => [r[0], r[1]] as [number, number]);
          const n = pts.length;
          const oracle = matrixOracle(euclid(pts), n);
          const partition = rows.map((r) => r[2]);
          const xy = pts.flat();
          const { groups, warnings } = groupShops({ oracle, xy, partition });
          const seen = new Array(n).fill(0);
          for (const g of groups) {
            for (const m of g.members) seen[m]++;
            expect(new Set(g.members.map((m) => partition[m])).size).toBe(1);
            expect(g.partition).toBe(partition[g.members[0]]);
            expect(g.members).toContain(g.leader);
            const maxFrom = (a: number) => Math.max(0, ...g.members.filter((b) => b !== a).map((b) => oracle.dist(a, b)));
            for (const m of g.members) expect(maxFrom(g.leader)).toBeLessThanOrEqual(maxFrom(m) + 1e-9);
            expect(g.maxResponseS).toBeCloseTo(maxFrom(g.leader) / 1.2, 6);
          }
          expect(seen.every((c) => c === 1)).toBe(true);
          for (const key of ['A', 'B', 'C']) {
            const cnt = partition.filter((p) => p === key).length;
            const gs = groups.filter((g) => g.partition === key);
            if (cnt > 0 && !infeasible(cnt)) for (const g of gs) expect(g.members.length >= 8 && g.members.length <= 12).toBe(true);
            if (cnt > 0 && cnt < 8) {
              expect(gs).toHaveLength(1);
              expect(warnings.some((w) => w.includes(`grid ${key}`))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds the obvious answer: four tight clusters of ten far apart (known answer)', () => {
    const rand = prng(7);
    const pts: [number, number][] = [];
    const centres = [
      [0, 0],
      [5000, 0],
      [0, 5000],
      [5000, 5000],
    ];
    for (let k = 0; k < 10; k++) for (const [cx, cy] of centres) pts.push([cx + rand() * 50, cy + rand() * 50]);
    const oracle = matrixOracle(euclid(pts), pts.length);
    const { groups } = groupShops({ oracle, xy: pts.flat() });
    expect(groups).toHaveLength(4);
    for (const g of groups) {
      expect(g.members).toHaveLength(10);
      expect(new Set(g.members.map((m) => m % 4)).size).toBe(1);
      expect(g.diameterM).toBeLessThan(75);
    }
  });

  it('local search beats cutting a shuffled order into runs (never worse on diameter sum)', () => {
    const rand = prng(3);
    const pts: [number, number][] = Array.from({ length: 200 }, () => [rand() * 2000, rand() * 2000]);
    const oracle = matrixOracle(euclid(pts), pts.length);
    const { groups } = groupShops({ oracle, xy: pts.flat() });
    const ours = groups.reduce((s, g) => s + g.diameterM, 0);
    let naive = 0;
    for (let g = 0; g < 20; g++) {
      let d = 0;
      for (let a = g * 10; a < g * 10 + 10; a++) for (let b = a + 1; b < g * 10 + 10; b++) d = Math.max(d, oracle.dist(a, b));
      naive += d;
    }
    expect(ours).toBeLessThan(naive * 0.5);
  });

  it('a chosen shop leads its group', () => {
    const pts: [number, number][] = Array.from({ length: 10 }, (_, i) => [i * 10, 0]);
    const oracle = matrixOracle(euclid(pts), 10);
    expect(chooseLeader([...Array(10).keys()], oracle)).toBe(4); // middle (4 or 5 tie -> smaller sum, then first)
    const { groups } = groupShops({ oracle, preferredLeaders: [9] });
    expect(groups[0].leader).toBe(9);
  });
});

describe('networkDistanceOracle', () => {
  it('agrees with the full distance matrix and lists true nearest neighbours', () => {
    const net = buildNetwork(latticeStreets(8, 8));
    const snapper = new Snapper(net);
    const rand = prng(11);
    const snaps = Array.from({ length: 120 }, () => snapper.snap(lon(rand() * 7), lat(rand() * 7))!);
    const full = distanceMatrix(net, snaps);
    const n = snaps.length;
    const oracle = networkDistanceOracle(net, snaps, { k: 10 });
    for (let t = 0; t < 400; t++) {
      const i = Math.floor(rand() * n),
        j = Math.floor(rand() * n);
      expect(oracle.dist(i, j)).toBeCloseTo(i === j ? 0 : full[i * n + j], 6);
    }
    for (let i = 0; i < n; i += 7) {
      const nb = Array.from(oracle.neighbors(i));
      expect(nb).toHaveLength(10);
      const sorted = [...Array(n).keys()]
        .filter((j) => j !== i)
        .map((j) => full[i * n + j])
        .sort((a, b) => a - b);
      expect(full[i * n + nb[9]]).toBeCloseTo(sorted[9], 6);
    }
  });
});
