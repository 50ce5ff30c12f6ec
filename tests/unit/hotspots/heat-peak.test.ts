import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heatPeak } from '../../../client/src/views/hotspots/heat-domain';

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
});
