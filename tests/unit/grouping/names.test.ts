/** Group names (pure part): main street of the group's own shops, landmark, number when taken. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeNames, mainStreet, nameBase } from '../../../server/defense/names';

describe('group names', () => {
  it('known answers', () => {
    expect(mainStreet(['甲路', '乙路', '乙路', null])).toBe('乙路');
    expect(mainStreet(['乙路', '甲路'])).toBe('乙路'); // tie: code-point order (乙 U+4E59 < 甲 U+7532)
    expect(mainStreet([null])).toBeNull();
    expect(nameBase('倒扒狮路', '文昌中路')).toBe('倒扒狮路·文昌中路口');
    expect(
      composeNames(
        [
          { main: '倒扒狮路', cross: '文昌中路' },
          { main: '倒扒狮路', cross: '工农街' },
          { main: '倒扒狮路', cross: '文昌中路' },
          { main: null, cross: '工农街' },
        ],
        ['倒扒狮路·工农街口联防组'],
      ),
    ).toEqual(['倒扒狮路·文昌中路口联防组', '倒扒狮路·工农街口联防2组', '倒扒狮路·文昌中路口联防2组', '工农街联防组']);
  });

  it('names are unique among themselves and the taken ones', () => {
    const street = fc.option(fc.constantFrom('甲路', '乙路', '丙街'), { nil: null });
    fc.assert(
      fc.property(
        fc.array(fc.record({ main: street, cross: street }), { maxLength: 30 }),
        fc.array(fc.constantFrom('甲路联防组', '甲路·乙路口联防组', '联防组'), { maxLength: 3 }),
        (items, taken) => {
          const names = composeNames(items, taken);
          expect(new Set(names).size).toBe(names.length);
          for (const n of names) expect(taken).not.toContain(n);
          names.forEach((n, i) => expect(n.startsWith(nameBase(items[i]!.main, items[i]!.cross))).toBe(true));
        },
      ),
      { numRuns: 100 },
    );
  });
});
