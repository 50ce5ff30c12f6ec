/**
 * Street slivers (server/algorithms/units/sliver.ts): a block's mean width is 2·area ÷ perimeter,
 * so a strip's width and half a square's side; under 12 m (no housing block is that thin) an empty block is street space.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isStreetSliver, meanWidth, SLIVER_MEAN_WIDTH_M } from '../../../server/algorithms/units';
import type { Pt } from '../../../server/algorithms/units';

const rect = (w: number, h: number): Pt[][] => [
  [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
    [0, 0],
  ],
];

describe('street slivers', () => {
  it('known answers: a 6 m and a 12 m median 300 m long are slivers, a 15 m one is not; a 40 m square block and a 30 m deep row of buildings are not', () => {
    expect(meanWidth(rect(6, 300), 6 * 300)).toBeCloseTo((2 * 1800) / 612, 6);
    expect(isStreetSliver(rect(6, 300), 6 * 300)).toBe(true);
    expect(isStreetSliver(rect(40, 40), 1600)).toBe(false); // mean width 20 m
    expect(isStreetSliver(rect(12, 300), 3600)).toBe(true); // 2·3600/624 = 11.5 m
    expect(isStreetSliver(rect(15, 300), 4500)).toBe(false); // 2·4500/630 = 14.3 m
    expect(isStreetSliver(rect(30, 200), 6000)).toBe(false); // 26 m
    expect(isStreetSliver(rect(20, 20), 400)).toBe(true); // 10 m: too small for a housing block
  });

  it('property: a long strip has a mean width just under its width, and the rule follows the mean width', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 60, noNaN: true }), fc.double({ min: 200, max: 2000, noNaN: true }), (w, len) => {
        const m = meanWidth(rect(w, len), w * len);
        expect(m).toBeLessThanOrEqual(w);
        expect(m).toBeGreaterThan(w * (len / (len + w)) - 1e-9);
        expect(isStreetSliver(rect(w, len), w * len)).toBe(m < SLIVER_MEAN_WIDTH_M);
      }),
    );
  });
});
