import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { edgePenalty, gridPenalty } from '../../../server/algorithms/partition/objective';

describe('edgePenalty (margin from the band edges)', () => {
  it('known answers for band 300-500, target 400 (margin 12 households)', () => {
    expect(edgePenalty(400, 300, 500, 400)).toBe(0);
    expect(edgePenalty(488, 300, 500, 400)).toBe(0);
    expect(edgePenalty(312, 300, 500, 400)).toBe(0);
    expect(edgePenalty(494, 300, 500, 400)).toBeCloseTo(0.25, 12);
    expect(edgePenalty(306, 300, 500, 400)).toBeCloseTo(0.25, 12);
    expect(edgePenalty(500, 300, 500, 400)).toBeCloseTo(1, 12);
    expect(edgePenalty(300, 300, 500, 400)).toBeCloseTo(1, 12);
  });

  it('property: zero well inside the band, non-decreasing towards and past either edge', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (a, b) => {
        const [x, y] = a <= b ? [a, b] : [b, a];
        // above the middle of the band the penalty grows with households, below it shrinks
        if (x >= 400) expect(edgePenalty(y, 300, 500, 400)).toBeGreaterThanOrEqual(edgePenalty(x, 300, 500, 400));
        if (y <= 400) expect(edgePenalty(x, 300, 500, 400)).toBeGreaterThanOrEqual(edgePenalty(y, 300, 500, 400));
        if (x >= 312 && x <= 488) expect(edgePenalty(x, 300, 500, 400)).toBe(0);
      }),
    );
  });
});

describe('gridPenalty barrier term', () => {
  it('known answers: barrier length inside a grid counts up to half its width, then saturates', () => {
    const w = { compactness: 0, balance: 0, barrier: 1 };
    // area 10,000 m² (width 100 m)
    expect(gridPenalty(400, 10_000, 400, 0, 400, w)).toBe(0);
    expect(gridPenalty(400, 10_000, 400, 25, 400, w)).toBeCloseTo(0.5, 12);
    expect(gridPenalty(400, 10_000, 400, 50, 400, w)).toBeCloseTo(1, 12);
    expect(gridPenalty(400, 10_000, 400, 200, 400, w)).toBeCloseTo(1, 12);
  });
});
