import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyTransition, checkTransition, newCase, STATUSES, TRANSITIONS, type CaseState } from '../../../server/cases/workflow';

const T0 = Date.UTC(2026, 0, 1);

describe('case workflow', () => {
  it('a whistle needs a kind and a department', () => {
    const c = newCase(T0, 'a', null);
    expect(checkTransition(c, { to: 'dispatched' })).toMatch(/哨型/);
    expect(checkTransition(c, { to: 'dispatched', kind: 'quick' })).toMatch(/部门/);
    expect(checkTransition(c, { to: 'dispatched', kind: 'slow', department: '城管局' })).toMatch(/吹哨类型/);
    expect(checkTransition(c, { to: 'dispatched', kind: 'quick', department: '城管局' })).toBeNull();
  });

  it('the happy path ends evaluated with version = number of events', () => {
    let s: CaseState = newCase(T0, 'grid member', 'lamp');
    for (const [to, dt] of [
      ['dispatched', 1],
      ['accepted', 2],
      ['feedback', 3],
      ['solved', 4],
      ['evaluated', 5],
    ] as const) {
      const r = applyTransition(s, { to, at: T0 + dt * 3600e3, actor: 'x', kind: 'quick', department: '城管局' });
      if (!r.ok) throw new Error(r.message);
      s = r.state;
    }
    expect(s.status).toBe('evaluated');
    expect(s.version).toBe(6);
    expect(s.events.map((e) => e.status)).toEqual(['reported', 'dispatched', 'accepted', 'feedback', 'solved', 'evaluated']);
    expect(s.whistled).toBe(true);
    expect(s.kind).toBe('quick');
    const r = applyTransition(s, { to: 'accepted', at: T0 + 9e8, actor: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/流程已结束/);
  });

  it('property: any sequence of allowed transitions keeps timestamps monotone and version = events', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ pick: fc.nat(), at: fc.integer({ min: T0 - 1e9, max: T0 + 1e10 }) }), { maxLength: 30 }), (steps) => {
        let s = newCase(T0, 'r', null);
        for (const st of steps) {
          const next = TRANSITIONS[s.status];
          if (next.length === 0) break;
          const to = next[st.pick % next.length];
          const r = applyTransition(s, { to, at: st.at, actor: 'a', kind: 'emergency', department: '住建局' });
          expect(r.ok).toBe(true);
          if (r.ok) s = r.state;
        }
        for (let i = 1; i < s.events.length; i++) expect(s.events[i].at).toBeGreaterThanOrEqual(s.events[i - 1].at);
        expect(s.version).toBe(s.events.length);
        expect(s.events[s.events.length - 1].status).toBe(s.status);
        if (s.events.some((e) => e.status === 'dispatched')) expect(s.whistled).toBe(true);
      }),
    );
  });

  it('property: transitions outside the table are refused and leave the state alone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES, 'done', ''), (from, to) => {
        const s: CaseState = { ...newCase(T0, 'r', null), status: from, kind: 'quick', department: '城管局' };
        const r = applyTransition(s, { to, at: T0 + 1, actor: 'a' });
        const legal = (TRANSITIONS[from] as readonly string[]).includes(to);
        expect(r.ok).toBe(legal);
        if (!r.ok) {
          expect(r.message.length).toBeGreaterThan(5);
          expect(s.version).toBe(1);
          expect(s.events).toHaveLength(1);
        }
      }),
    );
  });
});
