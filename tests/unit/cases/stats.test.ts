import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { caseStats, median, monthOf, trendByMonth, type CaseFacts } from '../../../server/cases/stats';
import { classifySla } from '../../../server/cases/sla';
import { milestones } from '../../../server/cases/timeline';
import type { CaseKind } from '../../../server/cases/workflow';

const H = 3600e3;
const T0 = Date.UTC(2026, 0, 10);

function mk(id: string, kind: CaseKind | null, department: string | null, steps: Array<[string, number]>, now = T0 + 1e4 * H): CaseFacts {
  const m = milestones(steps.map(([status, h]) => ({ status, at: T0 + h * H })));
  const status = steps[steps.length - 1][0];
  return {
    id,
    title: id,
    kind,
    department,
    status,
    subdistrictId: null,
    gridCode: null,
    lon: 117,
    lat: 30.5,
    milestones: m,
    sla: classifySla({ status, kind, milestones: m }, now),
  };
}

describe('median', () => {
  it('known answers', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
    expect(median([1, NaN, 3])).toBe(2);
  });
  it('property: half the values are <= the median and half >=', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        const m = median(xs);
        expect(xs.filter((x) => x <= m).length * 2).toBeGreaterThanOrEqual(xs.length);
        expect(xs.filter((x) => x >= m).length * 2).toBeGreaterThanOrEqual(xs.length);
      }),
    );
  });
});

describe('case statistics (known answers)', () => {
  const cases = [
    mk('a', 'quick', '城管局', [
      ['reported', 0],
      ['dispatched', 1],
      ['accepted', 2],
      ['feedback', 10],
      ['solved', 11],
    ]), // 10 h
    mk('b', 'quick', '城管局', [
      ['reported', 0],
      ['dispatched', 1],
      ['accepted', 2],
      ['feedback', 20],
      ['solved', 31],
    ]), // 30 h
    mk('c', 'emergency', '城管局', [
      ['reported', 0],
      ['dispatched', 2],
      ['accepted', 3],
      ['feedback', 5],
      ['solved', 6],
      ['evaluated', 100],
    ]), // 4 h
    mk('d', 'tackle_hard', '住建局', [
      ['reported', 0],
      ['dispatched', 0],
      ['accepted', 1],
      ['feedback', 100],
      ['solved', 200],
    ]), // 200 h
    mk('e', 'quick', '住建局', [
      ['reported', 0],
      ['dispatched', 1],
      ['accepted', 3],
    ]), // open, overdue on feedback (72 h) long ago
    mk('f', 'quick', '住建局', [
      ['reported', 0],
      ['dispatched', 1],
    ]), // open, not accepted
    mk('g', null, null, [
      ['reported', 0],
      ['closed', 5],
    ]),
    mk('h', null, null, [
      ['reported', 24 * 40],
      ['closed', 24 * 40 + 1],
    ]),
  ];
  const s = caseStats(cases);

  it('funnel', () => {
    expect(s.funnel).toEqual({ reported: 8, whistled: 6, accepted: 5, solved: 4 });
    expect(s.total).toBe(8);
    expect(s.open).toBe(2);
  });
  it('median hours by department, kind, both', () => {
    expect(s.medianHoursByDepartment).toEqual([
      { key: '住建局', n: 1, medianHours: 200 },
      { key: '城管局', n: 3, medianHours: 10 },
    ]);
    expect(s.medianHoursByKind).toEqual([
      { key: 'emergency', n: 1, medianHours: 4 },
      { key: 'quick', n: 2, medianHours: 20 },
      { key: 'tackle_hard', n: 1, medianHours: 200 },
    ]);
    expect(s.medianHoursByDepartmentKind.find((r) => r.department === '城管局' && r.kind === 'quick')).toMatchObject({ n: 2, medianHours: 20 });
  });
  it('overdue list, most overdue first', () => {
    expect(s.overdue.map((o) => o.id)).toEqual(['f', 'e']); // f: accept clock 24 h (share 416x) > e: feedback clock 72 h
    expect(s.overdue[1]).toMatchObject({ stage: 'feedback', overdueHours: 1e4 - 73 });
  });
  it('on-time rate: b fed back at 19 h < 72 h, d at 100 h < 720 h: all on time', () => {
    expect(s.onTimeRate).toBe(1);
  });
  it('trend by month fills the gaps (Asia/Shanghai months)', () => {
    expect(s.trend.map((r) => r.month)).toEqual(['2026-01', '2026-02']);
    expect(s.trend[0]).toEqual({ month: '2026-01', reported: 7, whistled: 6, solved: 4 });
    expect(s.trend[1]).toEqual({ month: '2026-02', reported: 1, whistled: 0, solved: 0 });
    expect(monthOf(Date.UTC(2026, 0, 31, 16, 30))).toBe('2026-02'); // 00:30 on 1 Feb in Shanghai
    const gap = trendByMonth([mk('x', null, null, [['reported', 0]]), mk('y', null, null, [['reported', 24 * 100]])]);
    expect(gap.map((r) => r.month)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04']);
    expect(gap[1].reported).toBe(0);
  });
});
