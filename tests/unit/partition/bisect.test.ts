import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sortByKey } from '../../../server/algorithms/partition/bisect';
import { makeRng } from '../../../server/algorithms/partition/rng';

describe('sortByKey (radix sort of the sweep orders)', () => {
  it('property: same order as a stable comparison sort on float32 keys (ties keep input order)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e5, max: 1e5, noNaN: true }), fc.constantFrom(0, -0, 1.5, -1.5)), { minLength: 0, maxLength: 300 }),
        (vals) => {
          const m = vals.length;
          const keys = Float64Array.from(vals);
          const idx = Int32Array.from({ length: m }, (_, i) => m - 1 - i); // input order ≠ id order
          const pos = new Map<number, number>();
          idx.forEach((v, i) => pos.set(v, i));
          const ref = Array.from(idx).sort((x, y) => Math.fround(keys[x]) + 0 - (Math.fround(keys[y]) + 0) || pos.get(x)! - pos.get(y)!);
          sortByKey(idx, keys);
          expect(Array.from(idx)).toEqual(ref);
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  it('property: the radix path (≥ 1,500 nodes) agrees with the comparison sort, ties and −0 included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1500, max: 4000 }), fc.integer({ min: 1, max: 1e6 }), (m, seed) => {
        const rng = makeRng(seed);
        const keys = Float64Array.from({ length: m }, (_, i) => (i % 5 === 0 ? (i % 2 ? -0 : 0) : i % 7 === 0 ? 12.5 : (rng() - 0.5) * 2e4));
        const idx = Int32Array.from({ length: m }, (_, i) => m - 1 - i);
        const ref = Array.from(idx).sort((x, y) => Math.fround(keys[x]) + 0 - (Math.fround(keys[y]) + 0) || y - x);
        sortByKey(idx, keys);
        expect(Array.from(idx)).toEqual(ref);
      }),
      { numRuns: 20, seed: 5 },
    );
  });

  it('known answer', () => {
    const keys = Float64Array.from([3, -1, 2, -1, 0]);
    const idx = Int32Array.from([0, 1, 2, 3, 4]);
    sortByKey(idx, keys);
    expect(Array.from(idx)).toEqual([1, 3, 4, 2, 0]);
  });
});
