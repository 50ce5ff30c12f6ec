import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MATCH_LIMIT, MATCH_MAX_WALK_M, projectMoveProblem, rankMatches, walkMinutes } from '../../../server/party/committee-rules';
import { spread } from '../../../server/party/committee-demo';

describe('big party committee: ranking units for a need by walking distance', () => {
  it('known answers: nearest on foot first, not as the crow flies; unreachable and too far left out', () => {
    const c = [
      { unitId: 'a', walkM: 400, straightM: 100 },
      { unitId: 'b', walkM: 300, straightM: 290 },
      { unitId: 'c', walkM: Infinity, straightM: 50 },
      { unitId: 'd', walkM: 3001, straightM: 2000 },
      { unitId: 'e', walkM: 300, straightM: 250 },
    ];
    expect(rankMatches(c).map((x) => x.unitId)).toEqual(['e', 'b', 'a']);
    expect(rankMatches(c, 350).map((x) => x.unitId)).toEqual(['e', 'b']);
    expect(rankMatches(c, MATCH_MAX_WALK_M, 1).map((x) => x.unitId)).toEqual(['e']);
  });
  it('property: sorted by walk, all within the limit, at most MATCH_LIMIT, a subset of the input', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            unitId: fc.string({ maxLength: 4 }),
            walkM: fc.oneof(fc.double({ min: 0, max: 6000, noNaN: true }), fc.constant(Infinity)),
            straightM: fc.double({ min: 0, max: 3000, noNaN: true }),
          }),
          { maxLength: 40 },
        ),
        (c) => {
          const r = rankMatches(c);
          expect(r.length).toBeLessThanOrEqual(MATCH_LIMIT);
          for (let i = 1; i < r.length; i++) expect(r[i].walkM).toBeGreaterThanOrEqual(r[i - 1].walkM);
          for (const x of r) {
            expect(x.walkM).toBeLessThanOrEqual(MATCH_MAX_WALK_M);
            expect(c).toContain(x);
          }
          const eligible = c.filter((x) => x.walkM <= MATCH_MAX_WALK_M).length;
          expect(r.length).toBe(Math.min(MATCH_LIMIT, eligible));
        },
      ),
    );
  });
  it('walking minutes at 1.2 m/s, rounded up', () => {
    expect(walkMinutes(72)).toBe(1);
    expect(walkMinutes(73)).toBe(2);
    expect(walkMinutes(0)).toBe(0);
  });
});

describe('projects move forward only', () => {
  it('known answers', () => {
    expect(projectMoveProblem('planned', 'in_progress')).toBeNull();
    expect(projectMoveProblem('planned', 'done')).toBeNull();
    expect(projectMoveProblem('in_progress', 'done')).toBeNull();
    expect(projectMoveProblem('in_progress', 'planned')).not.toBeNull();
    expect(projectMoveProblem('done', 'in_progress')).not.toBeNull();
    expect(projectMoveProblem('done', 'done')).not.toBeNull();
  });
});

describe('the demo spreads 172 units over sub-districts by their grids', () => {
  it('property: sums exactly to the total, each part within 1 of its exact share', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 400 }), (w, total) => {
        const s = spread(w, total);
        const sum = w.reduce((a, b) => a + b, 0);
        if (sum === 0) {
          // (not returned: fast-check takes a returned non-boolean, vitest's Assertion, for a failure)
          expect(s.every((x) => x === 0)).toBe(true);
          return;
        }
        expect(s.reduce((a, b) => a + b, 0)).toBe(total);
        s.forEach((x, i) => expect(Math.abs(x - (w[i] * total) / sum)).toBeLessThan(1));
      }),
    );
  });
});
