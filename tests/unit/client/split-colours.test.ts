/** Editor: the two halves of a split get clearly different colours and the labels A / B (issue M). */
import { describe, expect, it } from 'vitest';
import { gridColour, markSplit, splitCodes, splitTag } from '../../../client/src/views/plan/state';

/** CIE76 ΔE between two #rrggbb colours (sRGB → Lab, D65). */
function deltaE(a: string, b: string): number {
  const lab = (hex: string) => {
    const v = parseInt(hex.slice(1), 16);
    const lin = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => c / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    const [r, g, bl] = lin as [number, number, number];
    const xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * bl, (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883];
    const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29);
    const [fx, fy, fz] = xyz.map(f) as [number, number, number];
    return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!, p[2]! - q[2]!);
}

describe('split halves', () => {
  it('get clearly different colours (ΔE > 40) and the tags A / B, for any pair of codes', () => {
    for (let k = 1; k < 60; k++) {
      const a = `340802001001${String(k).padStart(3, '0')}`,
        b = `340802001001${String(k + 1 + (k % 7)).padStart(3, '0')}`;
      markSplit(a, b);
      expect(splitTag(a)).toBe('A');
      expect(splitTag(b)).toBe('B');
      expect(deltaE(gridColour(a), gridColour(b))).toBeGreaterThan(40);
    }
  });

  it('a new split drops the previous marks; other grids keep their own colours', () => {
    markSplit('340802001001001', '340802001001009');
    markSplit('340802001001002', '340802001001010');
    expect(splitCodes().sort()).toEqual(['340802001001002', '340802001001010']);
    expect(splitTag('340802001001001')).toBeNull();
    expect(gridColour('340802001001001')).toMatch(/^#[0-9a-f]{6}$/);
    expect(gridColour(null)).toBe('#d9d9d9');
  });
});
