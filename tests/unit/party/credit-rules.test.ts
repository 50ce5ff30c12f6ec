import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initialStatus, pointsOf, ratingOf, review, type EntryKind, type EntryStatus, type ReviewerRole } from '../../../server/credit/rules';

const merit = (points: number, status: EntryStatus = 'approved') => ({ kind: 'merit' as const, status, points });
const demerit = (points: number, status: EntryStatus = 'confirmed') => ({ kind: 'demerit' as const, status, points });

describe('credit rating (known answers)', () => {
  it('thresholds 10 / 20 / 30, pending and refused entries count nothing', () => {
    expect(ratingOf([])).toEqual({ score: 0, rating: null });
    expect(ratingOf([merit(5), merit(4)])).toEqual({ score: 9, rating: null });
    expect(ratingOf([merit(5), merit(5)])).toEqual({ score: 10, rating: 'A' });
    expect(ratingOf([merit(5), merit(5), merit(5), merit(5)])).toEqual({ score: 20, rating: '2A' });
    expect(ratingOf([merit(30)])).toEqual({ score: 30, rating: '3A' });
    expect(ratingOf([merit(30), merit(50, 'declared'), merit(50, 'rejected'), demerit(10, 'recorded'), demerit(10, 'dismissed')])).toEqual({
      score: 30,
      rating: '3A',
    });
  });
  it('a confirmed demerit subtracts its points and caps the rating at 2A', () => {
    expect(ratingOf([merit(45), demerit(5)])).toEqual({ score: 40, rating: '2A' });
    expect(ratingOf([merit(25), demerit(10)])).toEqual({ score: 15, rating: 'A' });
    expect(ratingOf([merit(5), demerit(10)])).toEqual({ score: -5, rating: null });
  });
  it('categories have fixed points; a category of the other kind is unknown', () => {
    expect(pointsOf('merit', 'volunteering')).toBe(5);
    expect(pointsOf('merit', 'asset_report')).toBe(4);
    expect(pointsOf('demerit', 'public_order')).toBe(10);
    expect(pointsOf('merit', 'public_order')).toBeNull();
    expect(pointsOf('merit', 'toString')).toBeNull();
    expect(initialStatus('merit')).toBe('declared');
    expect(initialStatus('demerit')).toBe('recorded');
  });
});

describe('credit rating (properties)', () => {
  const entry = fc.record({
    kind: fc.constantFrom<EntryKind>('merit', 'demerit'),
    status: fc.constantFrom<EntryStatus>('declared', 'approved', 'rejected', 'recorded', 'confirmed', 'dismissed'),
    points: fc.integer({ min: 1, max: 20 }),
  });
  it('another approved merit never lowers the rating; another confirmed demerit never raises it', () => {
    const rank = (r: string | null) => (r === null ? 0 : r === 'A' ? 1 : r === '2A' ? 2 : 3);
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.integer({ min: 1, max: 20 }), (es, p) => {
        const base = rank(ratingOf(es).rating);
        expect(rank(ratingOf([...es, merit(p)]).rating)).toBeGreaterThanOrEqual(base);
        expect(rank(ratingOf([...es, demerit(p)]).rating)).toBeLessThanOrEqual(base);
      }),
    );
  });
  it('the order of entries does not matter', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (es) => {
        expect(ratingOf([...es].reverse())).toEqual(ratingOf(es));
      }),
    );
  });
});

describe('review state machine', () => {
  const roles: ReviewerRole[] = ['admin', 'planner', 'coordinator', 'leader', 'grid_member'];
  it('merits: grid staff or admin approve / reject a declaration; demerits: the community (leader) or admin', () => {
    const m = { kind: 'merit' as const, status: 'declared' as const, createdBy: null };
    const d = { kind: 'demerit' as const, status: 'recorded' as const, createdBy: 7 };
    expect(review({ entry: m, actor: { id: 1, role: 'grid_member' }, decision: 'approve' })).toEqual({ ok: true, next: 'approved' });
    expect(review({ entry: m, actor: { id: 1, role: 'grid_member' }, decision: 'reject' })).toEqual({ ok: true, next: 'rejected' });
    expect(review({ entry: d, actor: { id: 2, role: 'leader' }, decision: 'approve' })).toEqual({ ok: true, next: 'confirmed' });
    expect(review({ entry: d, actor: { id: 2, role: 'admin' }, decision: 'reject' })).toEqual({ ok: true, next: 'dismissed' });
    expect(review({ entry: d, actor: { id: 2, role: 'grid_member' }, decision: 'approve' })).toMatchObject({ ok: false, status: 403 });
    expect(review({ entry: m, actor: { id: 2, role: 'leader' }, decision: 'approve' })).toMatchObject({ ok: false, status: 403 });
  });
  it('nobody reviews what they entered; a reviewed entry is final', () => {
    expect(review({ entry: { kind: 'demerit', status: 'recorded', createdBy: 7 }, actor: { id: 7, role: 'admin' }, decision: 'approve' })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(review({ entry: { kind: 'merit', status: 'declared', createdBy: 3 }, actor: { id: 3, role: 'grid_member' }, decision: 'approve' })).toMatchObject({
      ok: false,
      status: 403,
    });
    for (const status of ['approved', 'rejected'] as const)
      expect(review({ entry: { kind: 'merit', status, createdBy: null }, actor: { id: 1, role: 'admin' }, decision: 'approve' })).toMatchObject({
        ok: false,
        status: 409,
      });
  });
  it('property: an allowed step always leaves the pending status for a final one of the same kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<EntryKind>('merit', 'demerit'),
        fc.constantFrom(...roles),
        fc.constantFrom('approve' as const, 'reject' as const),
        fc.option(fc.integer({ min: 1, max: 5 })),
        fc.integer({ min: 1, max: 5 }),
        (kind, role, decision, createdBy, actorId) => {
          const entry = { kind, status: initialStatus(kind), createdBy };
          const r = review({ entry, actor: { id: actorId, role }, decision });
          if (r.ok) {
            expect(kind === 'merit' ? ['approved', 'rejected'] : ['confirmed', 'dismissed']).toContain(r.next);
            expect(review({ entry: { ...entry, status: r.next }, actor: { id: actorId, role }, decision }).ok).toBe(false);
            expect(createdBy).not.toBe(actorId);
          }
        },
      ),
    );
  });
});
