import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  classifyHotSpot,
  classOf,
  equalIntervalBreaks,
  getisOrdGiStar,
  HOTSPOT_CLASSES,
  jenksBreaks,
  mannKendall,
  normalCdf,
  quantileBreaks,
  ratePer1000,
  ratesPer1000,
  suppressSmall,
  twoSidedP,
} from '../../../server/algorithms/hotspots';

describe('normal distribution', () => {
  it('matches R pnorm known values', () => {
    // R 4.2.2: print(pnorm(c(-1, -1.96, -3, -5, 0.5, -8.3)), digits = 15)
    const known: Array<[number, number]> = [
      [-1, 0.158655253931457],
      [-1.96, 0.0249978951482204],
      [-3, 0.00134989803163009],
      [-5, 2.86651571879194e-7],
      [0.5, 0.691462461274013],
      [-8.3, 5.20556974489026e-17],
    ];
    for (const [z, v] of known) expect(Math.abs(normalCdf(z) - v) / v).toBeLessThan(1e-9);
    expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 12);
    expect(twoSidedP(0)).toBe(1);
  });
  it('is symmetric and monotone', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (z, d) => {
        expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 12);
        expect(normalCdf(z + d)).toBeGreaterThanOrEqual(normalCdf(z));
      }),
    );
  });
});

describe('Benjamini-Hochberg', () => {
  it('known answer: R p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), "BH")', () => {
    expect(Array.from(benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5]))).toEqual([0.025, 0.05, 0.05, 0.025, 0.5].map((v) => expect.closeTo(v, 12)));
  });
  it('q >= p, q <= 1, q monotone in p', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 200 }), (p) => {
        const q = benjaminiHochberg(p);
        for (let i = 0; i < p.length; i++) {
          expect(q[i]!).toBeGreaterThanOrEqual(p[i]!);
          expect(q[i]!).toBeLessThanOrEqual(1);
          for (let j = 0; j < p.length; j++) if (p[i]! < p[j]!) expect(q[i]!).toBeLessThanOrEqual(q[j]!);
        }
      }),
    );
  });
});

describe('classification', () => {
  it('class is consistent with z and the significance value', () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (z, q) => {
        const c = classifyHotSpot(z, q);
        expect(HOTSPOT_CLASSES).toContain(c);
        if (q > 0.1 || z === 0) expect(c).toBe('ns');
        else {
          expect(c.startsWith(z > 0 ? 'hot' : 'cold')).toBe(true);
          expect(c.endsWith(q <= 0.01 ? '99' : q <= 0.05 ? '95' : '90')).toBe(true);
        }
      }),
    );
  });
  it('boundaries are inclusive', () => {
    expect(classifyHotSpot(2, 0.01)).toBe('hot99');
    expect(classifyHotSpot(2, 0.05)).toBe('hot95');
    expect(classifyHotSpot(-2, 0.1)).toBe('cold90');
    expect(classifyHotSpot(-2, 0.1000001)).toBe('ns');
  });
});

describe('Gi* degenerate cases', () => {
  it('constant values give z = 0, p = 1 (R: NaN)', () => {
    const { z, p } = getisOrdGiStar([3, 3, 3], [[1], [0, 2], [1]]);
    expect(Array.from(z)).toEqual([0, 0, 0]);
    expect(Array.from(p)).toEqual([1, 1, 1]);
  });
  it('hand computed on a path of 4: x = [0, 0, 0, 4]', () => {
    // mean 1, s^2 = (1+1+1+9)/4 = 3; zone 3: N* = {2, 3}, W = 2: (4 - 2) / (sqrt(3) sqrt((8 - 4) / 3)) = 1
    const { z } = getisOrdGiStar([0, 0, 0, 4], [[1], [0, 2], [1, 3], [2]]);
    expect(z[3]!).toBeCloseTo(1, 12);
    // zone 0: N* = {0, 1}: (0 - 2) / 2 = -1
    expect(z[0]!).toBeCloseTo(-1, 12);
  });
});

describe('Mann-Kendall (hand computed)', () => {
  it('x = [1, 3, 2]: S = 1, Var = 3*2*11/18, z = 0 after continuity correction', () => {
    const r = mannKendall([1, 3, 2]);
    expect(r.s).toBe(1);
    expect(r.varS).toBeCloseTo(11 / 3, 12);
    expect(r.z).toBe(0);
    expect(r.p).toBe(1);
  });
  it('x = [1, 2, 2, 4] with one tie pair: S = 5, Var = (4*3*13 - 2*1*9)/18 = 7.6667', () => {
    const r = mannKendall([1, 2, 2, 4]);
    expect(r.s).toBe(5);
    expect(r.varS).toBeCloseTo(138 / 18, 12);
    expect(r.z).toBeCloseTo(4 / Math.sqrt(138 / 18), 12);
  });
  it('reversal negates S and z; S is invariant under monotone transforms', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 30 }), (x) => {
        const a = mannKendall(x),
          b = mannKendall([...x].reverse());
        expect(b.s + a.s).toBe(0);
        expect(b.z).toBeCloseTo(-a.z, 12);
        expect(mannKendall(x.map((v) => Math.exp(v))).s).toBe(a.s);
      }),
    );
  });
});

describe('rates and suppression', () => {
  it('per 1000 households', () => {
    expect(ratePer1000(12, 400)).toBe(30);
    expect(ratePer1000(3, 0)).toBeNull();
    expect(ratesPer1000([1, 2], [500, Number.NaN])).toEqual([2, null]);
  });
  it('counts below 5 are suppressed', () => {
    expect(suppressSmall(4)).toBeNull();
    expect(suppressSmall(0)).toBeNull();
    expect(suppressSmall(0, 5, true)).toBe(0);
    expect(suppressSmall(5)).toBe(5);
    expect(suppressSmall(9, 10)).toBeNull();
  });
});

/** Brute force: all ways to cut sorted values into k non-empty classes, minimal total SSD. */
function bruteJenksCost(s: number[], k: number): number {
  const ssd = (a: number[]) => {
    const m = a.reduce((x, y) => x + y, 0) / a.length;
    return a.reduce((x, y) => x + (y - m) ** 2, 0);
  };
  const rec = (start: number, left: number): number => {
    if (left === 1) return ssd(s.slice(start));
    let best = Infinity;
    for (let end = start + 1; end <= s.length - left + 1; end++) best = Math.min(best, ssd(s.slice(start, end)) + rec(end, left - 1));
    return best;
  };
  return rec(0, k);
}

describe('class breaks', () => {
  it('equal interval and quantile (R quantile type 7) known answers', () => {
    expect(equalIntervalBreaks([0, 10, 3], 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(quantileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([1, 3.25, 5.5, 7.75, 10]);
    expect(quantileBreaks([10, 1, 4, 3, 2], 4)).toEqual([1, 2, 3, 4, 10]);
    expect(quantileBreaks([], 3)).toEqual([]);
  });
  it('Jenks finds obvious groups', () => {
    expect(jenksBreaks([1, 2, 3, 10, 11, 12, 20, 21, 22], 3)).toEqual([1, 3, 12, 22]);
    expect(jenksBreaks([5, 5, 5], 3)).toEqual([5, 5, 5, 5]);
  });
  it('Jenks is optimal (brute force on small inputs)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 4, maxLength: 11 }), fc.integer({ min: 2, max: 4 }), (xs, k) => {
        const s = [...xs].sort((a, b) => a - b);
        const br = jenksBreaks(s, k);
        expect(br.length).toBe(k + 1);
        // cost of the partition the breaks define (each value in its classOf class)
        const groups: number[][] = Array.from({ length: k }, () => []);
        for (const v of s) groups[classOf(v, br)]!.push(v);
        const cost = groups
          .filter((g) => g.length > 0)
          .reduce((acc, g) => {
            const m = g.reduce((x, y) => x + y, 0) / g.length;
            return acc + g.reduce((x, y) => x + (y - m) ** 2, 0);
          }, 0);
        expect(cost).toBeCloseTo(bruteJenksCost(s, k), 6);
      }),
      { numRuns: 150 },
    );
  });
  it('classOf puts every value in range into one class', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 7 }), (xs, k) => {
        for (const br of [equalIntervalBreaks(xs, k), quantileBreaks(xs, k), jenksBreaks(xs, k)]) {
          for (const v of xs) {
            const c = classOf(v, br);
            expect(c).toBeGreaterThanOrEqual(0);
            expect(c).toBeLessThan(k);
          }
        }
      }),
    );
  });
});
