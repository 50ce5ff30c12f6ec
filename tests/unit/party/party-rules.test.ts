import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateBranches, chunk, memberGridsProblem, plaqueStatus, quarterOf, quarterRange } from '../../../server/party/rules';

describe('plaque rule: at least 20% of party-member households', () => {
  it('known answers', () => {
    expect(plaqueStatus(0, 0)).toEqual({ share: null, meets: null, missing: 0 });
    expect(plaqueStatus(10, 2)).toEqual({ share: 0.2, meets: true, missing: 0 });
    expect(plaqueStatus(10, 1)).toEqual({ share: 0.1, meets: false, missing: 1 });
    expect(plaqueStatus(11, 2)).toMatchObject({ meets: false, missing: 1 }); // 20% of 11 = 2.2 → 3
    expect(plaqueStatus(4860, 1289)).toMatchObject({ meets: true, missing: 0 });
  });
  it('property: meets exactly when share ≥ 20%, and adding the missing plaques meets it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 0, max: 2000 }), (party, p) => {
        const plaqued = Math.min(p, party);
        const s = plaqueStatus(party, plaqued);
        expect(s.meets).toBe(plaqued / party >= 0.2 - 1e-12);
        expect(plaqueStatus(party, plaqued + s.missing).meets).toBe(true);
        if (s.missing > 0) expect(plaqueStatus(party, plaqued + s.missing - 1).meets).toBe(false);
      }),
    );
  });
});

describe('quarters', () => {
  it('known answers', () => {
    expect(quarterOf(new Date(Date.UTC(2026, 11, 2)))).toBe('2026Q4');
    expect(quarterOf(new Date(Date.UTC(2026, 0, 1)))).toBe('2026Q1');
    expect(quarterRange('2026Q4')).toEqual(['2026-10-01', '2027-01-01']);
    expect(quarterRange('2026Q2')).toEqual(['2026-04-01', '2026-07-01']);
    expect(quarterRange('2026Q5')).toBeNull();
  });
  it('property: a date lies in the range of its quarter', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        const [from, to] = quarterRange(quarterOf(d))!;
        const day = d.toISOString().slice(0, 10);
        expect(day >= from && day < to).toBe(true);
      }),
    );
  });
});

describe('serving members link 1-2 grids', () => {
  it('known answers', () => {
    expect(memberGridsProblem(['340802001001001'])).toBeNull();
    expect(memberGridsProblem(['340802001001001', '340802001001002'])).toBeNull();
    expect(memberGridsProblem([])).not.toBeNull();
    expect(memberGridsProblem(['a', 'b', 'c'])).toContain('3');
    expect(memberGridsProblem(['a', 'a'])).not.toBeNull();
  });
});

describe('branches spread over communities', () => {
  it('known answer: 213 branches over 382 grids', () => {
    const counts = [12, 9, 0, 7, 15, 3, 1];
    const a = allocateBranches(counts, 25);
    expect(a.reduce((s, x) => s + x, 0)).toBe(25);
    expect(a[2]).toBe(0);
    expect(a[6]).toBe(1);
  });
  it('property: sums to the clamped total, 1..grids per community with grids', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 500 }), (counts, total) => {
        const a = allocateBranches(counts, total);
        const withGrids = counts.filter((c) => c > 0).length;
        const grids = counts.reduce((s, c) => s + c, 0);
        expect(a.reduce((s, x) => s + x, 0)).toBe(withGrids === 0 ? 0 : Math.max(withGrids, Math.min(grids, total)));
        counts.forEach((c, i) => (c === 0 ? expect(a[i]).toBe(0) : expect(a[i] >= 1 && a[i] <= c).toBe(true)));
      }),
    );
  });
  it('chunk keeps order and sizes within one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 60 }), (xs, k) => {
        const c = chunk(xs, k);
        expect(c.flat()).toEqual(xs);
        const sizes = c.map((x) => x.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(c.length).toBe(Math.min(k, xs.length));
      }),
    );
  });
});
