import { describe, expect, it } from 'vitest';
import { classifySla, DEFAULT_SLA } from '../../../server/cases/sla';
import { milestones } from '../../../server/cases/timeline';

const H = 3600e3;
const T0 = Date.UTC(2026, 5, 1);
const ev = (...s: Array<[string, number]>) => milestones(s.map(([status, h]) => ({ status, at: T0 + h * H })));

describe('SLA classification (known answers)', () => {
  it('dispatched quick whistle: green, amber at 18 h, red after 24 h without acceptance', () => {
    const m = ev(['reported', 0], ['dispatched', 1]);
    const c = { status: 'dispatched', kind: 'quick' as const, milestones: m };
    expect(classifySla(c, T0 + 5 * H)).toMatchObject({ level: 'ok', stage: 'accept', hoursLeft: 20, late: false });
    expect(classifySla(c, T0 + 19 * H)).toMatchObject({ level: 'due', stage: 'accept' });
    const red = classifySla(c, T0 + 26 * H);
    expect(red).toMatchObject({ level: 'overdue', stage: 'accept', hoursLeft: -1, late: true });
    expect(red.deadline).toBe(T0 + 25 * H);
  });

  it('accepted tackle-hard: feedback clock of 30 days from the whistle', () => {
    const m = ev(['reported', 0], ['dispatched', 2], ['accepted', 10]);
    const c = { status: 'accepted', kind: 'tackle_hard' as const, milestones: m };
    expect(classifySla(c, T0 + 100 * H)).toMatchObject({ level: 'ok', stage: 'feedback', deadline: T0 + 722 * H });
    expect(classifySla(c, T0 + 600 * H).level).toBe('due'); // 598/720 = 0.83
    expect(classifySla(c, T0 + 75 * 24 * H)).toMatchObject({ level: 'overdue', stage: 'feedback', late: true });
  });

  it('emergency: 2 h to report in, 24 h to feedback', () => {
    const m = ev(['reported', 0], ['dispatched', 0.5]);
    expect(classifySla({ status: 'dispatched', kind: 'emergency', milestones: m }, T0 + 3 * H)).toMatchObject({ level: 'overdue', stage: 'accept' });
    const acc = ev(['reported', 0], ['dispatched', 0.5], ['accepted', 1]);
    expect(classifySla({ status: 'accepted', kind: 'emergency', milestones: acc }, T0 + 20 * H)).toMatchObject({ level: 'due', stage: 'feedback' });
  });

  it('fed back, solved and closed cases run no clock; lateness is remembered', () => {
    const onTime = ev(['reported', 0], ['dispatched', 1], ['accepted', 3], ['feedback', 40], ['solved', 50]);
    expect(classifySla({ status: 'solved', kind: 'quick', milestones: onTime }, T0 + 1e4 * H)).toEqual({
      level: 'none',
      stage: null,
      deadline: null,
      hoursLeft: null,
      late: false,
    });
    const late = ev(['reported', 0], ['dispatched', 1], ['accepted', 3], ['feedback', 80]);
    expect(classifySla({ status: 'feedback', kind: 'quick', milestones: late }, T0 + 81 * H)).toMatchObject({ level: 'none', late: true });
    expect(classifySla({ status: 'closed', kind: null, milestones: ev(['reported', 0], ['closed', 3]) }, T0 + 1e4 * H).level).toBe('none');
  });

  it('reported but not handled: triage clock of 24 h from the (last) report', () => {
    const m = ev(['reported', 0]);
    expect(classifySla({ status: 'reported', kind: null, milestones: m }, T0 + 10 * H).level).toBe('ok');
    expect(classifySla({ status: 'reported', kind: null, milestones: m }, T0 + 25 * H)).toMatchObject({ level: 'overdue', stage: 'triage' });
    // refused by the department: back to reported, clock restarts at the refusal
    const back = ev(['reported', 0], ['dispatched', 1], ['reported', 30]);
    expect(classifySla({ status: 'reported', kind: 'quick', milestones: back }, T0 + 40 * H)).toMatchObject({ level: 'ok', stage: 'triage', hoursLeft: 14 });
  });

  it('a re-whistle restarts the clocks', () => {
    const m = ev(['reported', 0], ['dispatched', 1], ['reported', 5], ['dispatched', 100]);
    expect(m.firstDispatchedAt).toBe(T0 + H);
    expect(m.dispatchedAt).toBe(T0 + 100 * H);
    expect(classifySla({ status: 'dispatched', kind: 'quick', milestones: m }, T0 + 110 * H)).toMatchObject({ level: 'ok', stage: 'accept' });
  });

  it('rules can change per kind', () => {
    const rules = { ...DEFAULT_SLA, kinds: { ...DEFAULT_SLA.kinds, quick: { acceptHours: 48, feedbackHours: 72 } } };
    const m = ev(['reported', 0], ['dispatched', 0]);
    expect(classifySla({ status: 'dispatched', kind: 'quick', milestones: m }, T0 + 36 * H, rules).level).toBe('due');
  });
});
