/** Planted clusters are found; spatially random patterns give (almost) nothing after FDR; emerging patterns. */
import { describe, expect, it } from 'vitest';
import { analyzeHotSpots, emergingHotSpots, emergingPattern, queenContiguity, type EmergingPattern } from '../../../server/algorithms/hotspots';
import { mulberry32, poisson, squareLattice } from './testkit';

const C = 20,
  R = 20;
const zones = squareLattice(C, R).map((geometry, i) => ({ id: `z${i}`, geometry }));
const neighbours = queenContiguity(zones.map((z) => z.geometry));

function uniformPoints(rand: () => number, n: number): number[][] {
  return Array.from({ length: n }, () => [rand() * C, rand() * R]);
}

describe('planted cluster', () => {
  it('the 3 x 3 block with extra incidents is hot (q <= 0.05) and zones far from it are not', () => {
    const rand = mulberry32(7);
    const pts = uniformPoints(rand, 4000);
    for (let r = 5; r <= 7; r++) for (let c = 5; c <= 7; c++) for (let k = 0; k < 20; k++) pts.push([c + rand(), r + rand()]);
    const res = analyzeHotSpots(zones, pts, { neighbours });
    expect(res.outside).toBe(0);
    res.zones.forEach((z, i) => {
      const r = Math.floor(i / C),
        c = i % C;
      const dist = Math.max(Math.abs(r - 6), Math.abs(c - 6));
      if (dist <= 1) expect(['hot95', 'hot99']).toContain(z.class);
      if (dist >= 3) expect(z.class.startsWith('hot')).toBe(false);
    });
    expect(res.zones[6 * C + 6]!.class).toBe('hot99');
  });

  it('a planted empty block in a dense field is cold', () => {
    const rand = mulberry32(11);
    const pts = uniformPoints(rand, 12000).filter(([x, y]) => !(x >= 12 && x < 16 && y >= 12 && y < 16));
    const res = analyzeHotSpots(zones, pts, { neighbours });
    expect(res.zones[13 * C + 13]!.class).toBe('cold99');
    expect(res.zones[14 * C + 14]!.class).toBe('cold99');
  });
});

describe('complete spatial randomness', () => {
  it('uniform Poisson points: (almost) no significant zones after FDR, about 10 % at raw p <= 0.10', () => {
    let withFdr = 0,
      raw = 0,
      total = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const rand = mulberry32(1000 + seed);
      const pts = uniformPoints(rand, poisson(rand, 4000));
      const a = analyzeHotSpots(zones, pts, { neighbours });
      const b = analyzeHotSpots(zones, pts, { neighbours, fdr: false });
      withFdr += a.zones.filter((z) => z.class !== 'ns').length;
      raw += b.zones.filter((z) => z.class !== 'ns').length;
      total += zones.length;
    }
    expect(withFdr / total).toBeLessThan(0.005);
    expect(raw / total).toBeGreaterThan(0.05);
    expect(raw / total).toBeLessThan(0.15);
  });
});

describe('emerging hot spots', () => {
  it('pattern rules on hand-made significance series', () => {
    const none = { z: 0, p: 1 },
      up = { z: 3, p: 0.001 },
      down = { z: -3, p: 0.001 };
    const s = (str: string) => [...str].map((ch) => (ch === '+' ? 1 : ch === '-' ? -1 : 0)) as Array<1 | 0 | -1>;
    const cases: Array<[string, { z: number; p: number }, EmergingPattern]> = [
      ['0000000000', none, 'no_pattern'],
      ['+000000000', none, 'no_pattern'],
      ['000000000+', none, 'new_hot'],
      ['0000000+++', up, 'consecutive_hot'],
      ['0+0+00+00+', none, 'sporadic_hot'],
      ['-00000000+', none, 'oscillating_hot'],
      ['++++++++++', up, 'intensifying_hot'],
      ['++++++++++', none, 'persistent_hot'],
      ['+++++++++0', none, 'historical_hot'],
      ['++++++++++', down, 'diminishing_hot'],
      ['000000000-', none, 'new_cold'],
      ['----------', down, 'intensifying_cold'],
      ['----------', up, 'diminishing_cold'],
      ['+0000000--', none, 'oscillating_cold'],
      ['0-0-00000-', none, 'sporadic_cold'],
      ['---------0', none, 'historical_cold'],
    ];
    for (const [str, trend, want] of cases) expect([str, emergingPattern(s(str), trend)]).toEqual([str, want]);
  });

  // One planted 2 x 2 block per scenario on a 12 x 12 lattice, background Poisson(5), 10 weeks,
  // 5 seeds each (scenarios are separate because the whole-cube mean and variance couple them).
  const n = 12,
    T = 10;
  const lat = squareLattice(n, n);
  const nb = queenContiguity(lat);
  const inBlock = (i: number) => {
    const r = Math.floor(i / n),
      c = i % n;
    return c >= 5 && c <= 6 && r >= 5 && r <= 6;
  };
  const far = (i: number) => {
    const r = Math.floor(i / n),
      c = i % n;
    return r <= 2 || r >= 9 || c <= 2 || c >= 9;
  };
  function scenario(mean: (t: number) => number, seed: number) {
    const rand = mulberry32(seed);
    const counts = lat.map((_, i) => Array.from({ length: T }, (_, t) => poisson(rand, inBlock(i) ? mean(t) : 5)));
    const res = emergingHotSpots(nb, counts);
    return { block: res.filter((_, i) => inBlock(i)), far: res.filter((_, i) => far(i)) };
  }
  const cases: Array<[EmergingPattern, (t: number) => number]> = [
    ['persistent_hot', () => 20],
    ['intensifying_hot', (t) => 20 + 3 * t],
    ['diminishing_hot', (t) => 47 - 3 * t],
    ['new_hot', (t) => (t === T - 1 ? 30 : 5)],
    ['consecutive_hot', (t) => (t >= T - 3 ? 25 : 5)],
  ];
  for (const [want, mean] of cases) {
    it(`finds a planted ${want} block (5 seeds)`, () => {
      let right = 0;
      for (let seed = 1; seed <= 5; seed++) {
        const { block, far: farZones } = scenario(mean, seed * 7919);
        for (const z of block) {
          // always in the planted family (hot through the final week; >= 90 % of weeks for trend kinds)
          if (want === 'new_hot' || want === 'consecutive_hot') expect([seed, z.pattern]).toEqual([seed, want]);
          else expect(['persistent_hot', 'intensifying_hot', 'diminishing_hot']).toContain(z.pattern);
          if (z.pattern === want) right++;
        }
        expect(farZones.filter((z) => z.pattern !== 'no_pattern').length).toBeLessThanOrEqual(2);
      }
      // Poisson noise gives a constant-mean zone a significant Mann-Kendall trend now and then (the
      // four zones of a block share most of their neighbourhood, so they err together).
      expect(right).toBeGreaterThanOrEqual(15);
    });
  }
});
