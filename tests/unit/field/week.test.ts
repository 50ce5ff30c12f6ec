/** Weeks (Shanghai, Monday first), weekly minutes against the 5-hour rule, today's visit plan and coverage. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minutesWithin, weekLabel, weekOf, weekStart, weeklyHours, WEEKLY_RULE_MINUTES } from '../../../server/field/week';
import { coverage, visitPlan } from '../../../server/field/visit-plan';
import { apportion } from '../../../server/field/demo';
import { fitSize } from '../../../client/src/views/field/photo';
import { maskName, maskPhone } from '../../../server/field/store';

const at = (s: string) => Date.parse(s);

describe('weeks and hours', () => {
  it('starts weeks on Monday 00:00 Shanghai time (known answers)', () => {
    // Wednesday 2026-03-04 10:00 +08 → Monday 2026-03-02 00:00 +08 = 2026-03-01T16:00Z
    expect(new Date(weekStart(at('2026-03-04T10:00:00+08:00'))).toISOString()).toBe('2026-03-01T16:00:00.000Z');
    // Sunday 23:30 Shanghai is still the same week; Monday 00:10 Shanghai (Sunday 16:10 UTC) is the next
    expect(weekLabel(weekStart(at('2026-03-08T23:30:00+08:00')))).toBe('2026-03-02');
    expect(weekLabel(weekStart(at('2026-03-09T00:10:00+08:00')))).toBe('2026-03-09');
  });

  it('a week holds its instant and lasts 7 days (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2035-01-01T00:00:00Z') }), (t) => {
        const [a, b] = weekOf(t);
        expect(a).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(b);
        expect(b - a).toBe(7 * 86400e3);
        expect(new Date(a + 8 * 3600e3).getUTCDay()).toBe(1);
      }),
    );
  });

  it('counts the part of a visit inside the week; sums per visitor; marks the 5-hour rule', () => {
    const [from, to] = weekOf(at('2026-03-04T10:00:00+08:00'));
    // a visit across the week's start counts 30 minutes
    expect(minutesWithin([[from - 30 * 60e3, from + 30 * 60e3]], from, to)).toBe(30);
    const rows = [
      { visitor: '甲', start: from + 3600e3, end: from + 4 * 3600e3 },
      { visitor: '甲', start: from + 86400e3, end: from + 86400e3 + 2 * 3600e3 },
      { visitor: '乙', start: from + 3600e3, end: from + 2 * 3600e3 },
      { visitor: '丙', start: to + 3600e3, end: to + 2 * 3600e3 }, // next week
    ];
    expect(weeklyHours(rows, from, to)).toEqual([
      { visitor: '丙', minutes: 0, visits: 0, ok: false },
      { visitor: '乙', minutes: 60, visits: 1, ok: false },
      { visitor: '甲', minutes: 300, visits: 2, ok: true },
    ]);
    expect(WEEKLY_RULE_MINUTES).toBe(300);
  });
});

describe("today's plan and coverage", () => {
  const b = (id: string, households: number, lastVisit: number | null) => ({ id, households, lastVisit });
  it('puts never-visited buildings first, then the longest ago, larger first among equals; skips empty ones', () => {
    const plan = visitPlan([b('a', 10, 5), b('b', 30, null), b('c', 20, null), b('d', 0, null), b('e', 50, 1)], 4).map((x) => x.id);
    expect(plan).toEqual(['b', 'c', 'e', 'a']);
  });
  it('coverage is the share of households in buildings visited since the date', () => {
    expect(coverage([b('a', 10, 5), b('b', 30, 100), b('c', 60, null)], 50)).toBeCloseTo(0.3, 10);
    expect(coverage([], 0)).toBe(0);
  });
  it('a plan is a subset of the buildings with households, at most the limit, oldest visit first (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.string(), households: fc.nat(500), lastVisit: fc.option(fc.nat(1e9), { nil: null }) })),
        fc.nat(20),
        (bs, limit) => {
          const plan = visitPlan(bs, limit);
          expect(plan.length).toBe(Math.min(limit, bs.filter((x) => x.households > 0).length));
          for (let i = 1; i < plan.length; i++) expect(plan[i - 1].lastVisit ?? -Infinity).toBeLessThanOrEqual(plan[i].lastVisit ?? -Infinity);
        },
      ),
    );
  });
});

describe('demo apportioning, photo size, masking', () => {
  it('apportion sums exactly to the total and follows the weights (property)', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 400 }), (total, w) => {
        const out = apportion(total, w);
        expect(out.reduce((a, x) => a + x, 0)).toBe(total);
        const sum = w.reduce((a, x) => a + x, 0);
        out.forEach((x, i) => expect(Math.abs(x - (w[i] / sum) * total)).toBeLessThan(1));
      }),
    );
    expect(apportion(59_559, [1, 1, 1])).toEqual([19_853, 19_853, 19_853]);
  });
  it('photos shrink to 1280 px on the long side and are never enlarged', () => {
    expect(fitSize(4000, 3000)).toEqual([1280, 960]);
    expect(fitSize(3000, 4000)).toEqual([960, 1280]);
    expect(fitSize(800, 600)).toEqual([800, 600]);
  });
  it('names keep the surname, phones the first 3 and last 4 digits', () => {
    expect(maskName('张小明')).toBe('张**');
    expect(maskName('李')).toBe('李*');
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('0556-5551234')).toBe('055****1234');
    expect(maskName(null)).toBeNull();
  });
});
