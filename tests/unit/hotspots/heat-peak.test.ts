import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heatDomain, heatPeak } from '../../../client/src/style/heat-domain';

// deck.gl HeatmapLayer kernel at distance 0: 1 / (sqrt(pi) * 1/6)
const K0 = 1 / (1.77245385 * 0.166666);
const view = { bounds: [117.0, 30.5, 117.1, 30.6] as [number, number, number, number], zoom: 13 };
const pts = (xy: number[]) => Float32Array.from(xy);

describe('heatPeak (CPU colour domain of the heat map)', () => {
  it('a lone visible point peaks at the kernel maximum, at most ~6% low', () => {
    const p = heatPeak(pts([117.05, 30.55]), 1, view, 30);
    expect(p).toBeLessThanOrEqual(K0 * 1.0001);
    expect(p).toBeGreaterThan(K0 * 0.94);
  });

  it('is linear in coincident points and ignores points far outside the view', () => {
    const one = heatPeak(pts([117.05, 30.55]), 1, view, 30);
    expect(heatPeak(pts([117.05, 30.55, 117.05, 30.55, 117.05, 30.55]), 3, view, 30)).toBeCloseTo(3 * one, 4);
    expect(heatPeak(pts([118.5, 31.5]), 1, view, 30)).toBe(0);
    // only the first `count` pairs are read
    expect(heatPeak(pts([117.05, 30.55, 117.05, 30.55]), 1, view, 30)).toBeCloseTo(one, 6);
  });

  it('never decreases when a point is added, and never exceeds n kernel maxima', () => {
    const coord = fc.tuple(fc.double({ min: 117.0, max: 117.1, noNaN: true }), fc.double({ min: 30.5, max: 30.6, noNaN: true }));
    fc.assert(
      fc.property(fc.array(coord, { minLength: 1, maxLength: 40 }), coord, (list, extra) => {
        const flat = list.flat();
        const before = heatPeak(pts(flat), list.length, view, 30);
        const after = heatPeak(pts([...flat, ...extra]), list.length + 1, view, 30);
        expect(after).toBeGreaterThanOrEqual(before - 1e-4);
        expect(before).toBeLessThanOrEqual(list.length * K0 * 1.0001);
      }),
      { numRuns: 60 },
    );
  });

  it('heatDomain: one outlier cluster saturates instead of paling every other place (issue M)', () => {
    // 40 places with 3 incidents each spread over the view, and one place with 400
    const xy: number[] = [];
    for (let i = 0; i < 40; i++) for (let j = 0; j < 3; j++) xy.push(117.005 + (i % 8) * 0.012, 30.505 + Math.floor(i / 8) * 0.018);
    for (let j = 0; j < 400; j++) xy.push(117.05, 30.55);
    const n = xy.length / 2;
    const d = heatDomain(pts(xy), n, view, 30);
    expect(d.peak).toBeCloseTo(heatPeak(pts(xy), n, view, 30), 3);
    // an ordinary place (3 incidents) reaches the top half of the scale, not the bottom 1 %
    const ordinary = heatPeak(pts([117.005, 30.505, 117.005, 30.505, 117.005, 30.505]), 3, view, 30);
    expect(ordinary / d.top).toBeGreaterThan(0.5);
    expect(ordinary / d.peak).toBeLessThan(0.01);
    expect(d.top).toBeLessThan(d.peak / 50);
  });

  it('heatDomain: the top lies between one lone incident and the peak', () => {
    const coord = fc.tuple(fc.double({ min: 117.0, max: 117.1, noNaN: true }), fc.double({ min: 30.5, max: 30.6, noNaN: true }));
    fc.assert(
      fc.property(fc.array(coord, { minLength: 1, maxLength: 60 }), (list) => {
        const d = heatDomain(pts(list.flat()), list.length, view, 30);
        expect(d.top).toBeLessThanOrEqual(d.peak + 1e-6);
        expect(d.top).toBeGreaterThanOrEqual(Math.min(d.peak, K0 * 0.94));
      }),
      { numRuns: 60 },
    );
  });
});
