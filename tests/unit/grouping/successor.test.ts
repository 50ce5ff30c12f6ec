import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { successorOf } from '../../../server/defense/archive';

describe("successorOf (the new group that takes over an archived group's records)", () => {
  it('is the new group holding most of the old shops; ties go to the smallest id; none when no shop is held', () => {
    const groups = [
      { id: 'g-003', members: ['a', 'b'] },
      { id: 'g-001', members: ['c', 'x'] },
      { id: 'g-002', members: ['d', 'e', 'f'] },
    ];
    expect(successorOf(['a', 'b', 'c', 'd', 'e', 'f'], groups)).toBe('g-002');
    expect(successorOf(['a', 'c'], groups)).toBe('g-001');
    expect(successorOf(['a', 'b', 'c', 'x'], groups)).toBe('g-001');
    expect(successorOf(['z'], groups)).toBeNull();
    expect(successorOf([], groups)).toBeNull();
  });

  it('no other group holds more of the old shops (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 12 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 15 }),
        (gs, old) => {
          const groups = gs.map((m, i) => ({ id: `g-${String(i).padStart(3, '0')}`, members: m.map(String) }));
          const o = old.map(String);
          const held = (g: { members: string[] }) => g.members.filter((m) => o.includes(m)).length;
          const s = successorOf(o, groups);
          const best = Math.max(0, ...groups.map(held));
          if (best === 0) return s === null;
          const chosen = groups.find((g) => g.id === s)!;
          return held(chosen) === best && groups.every((g) => held(g) < best || g.id >= chosen.id);
        },
      ),
    );
  });
});
