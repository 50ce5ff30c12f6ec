import { describe, expect, it } from 'vitest';
import { setLang } from '../../../client/src/i18n';
import { warningLabel, warningRows } from '../../../client/src/views/plan/warnings';

const WARNINGS = [
  { code: 'island_infeasible', message: 'units u7, u8 form an island of 51 households … Fix: merge it with a neighbour', units: ['u7', 'u8'] },
  { code: 'compound_split', message: 'compound c1 split', units: ['u1', 'u2', 'u3', 'u4', 'u5'] },
  { code: 'grid_out_of_band', message: 'grid G9 has 120 households', grids: ['G9'], units: ['u9', 'u10'] },
  { code: 'something_new', message: 'a code this client does not know', units: ['gone'] },
];

describe('plan warnings in the editor', () => {
  it('labels each kind in the UI language, and unknown codes as they are', () => {
    setLang('zh-CN');
    expect(warningLabel(WARNINGS[0])).toBe('孤立片区户数无法达标');
    setLang('en');
    expect(warningLabel(WARNINGS[1])).toBe('a compound is split across grids');
    expect(warningLabel(WARNINGS[3])).toBe('something_new');
    setLang('zh-CN');
  });

  it('lists the first units (an out-of-band grid by its code), keeps the full message for hover, and points each row at a grid', () => {
    const gridOf = (u: string) => ({ u7: null, u8: 'A', u1: 'B' })[u as 'u7'] ?? null;
    const w = warningRows(WARNINGS, gridOf);
    expect(w.rows.map((r) => r[1])).toEqual(['u7, u8', 'u1, u2, u3 … (5)', 'G9', 'gone']);
    expect(w.titles[0]).toMatch(/Fix: merge/);
    expect(w.grids).toEqual(['A', 'B', 'G9', null]); // first unit that has a grid; else the named grid
  });
});
