/**
 * English mode (issue M): every case department the database seeds and every demo water body has
 * an English name; in Chinese the data's name is shown, in English the English one.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../../../client/src/i18n';
import { englishName, localName } from '../../../client/src/i18n/names';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('English names of data values', () => {
  afterEach(() => setLang('zh-CN'));

  it('cover every seeded department and every demo water body', () => {
    const sql = readFileSync(resolve(ROOT, 'server/migrations/050_cases.sql'), 'utf8');
    const seeded = [
      ...sql
        .slice(sql.indexOf('INSERT INTO case_departments'))
        .split(';')[0]!
        .matchAll(/\('([^']+)',\s*\d+\)/g),
    ].map((m) => m[1]!);
    expect(seeded.length).toBeGreaterThanOrEqual(10);
    for (const d of seeded) expect(englishName('dept', d), d).toMatch(/^[A-Z][A-Za-z -]+$/);
    const frame = readFileSync(resolve(ROOT, 'geodata/generator/frame.ts'), 'utf8');
    const water = [...frame.matchAll(/id: 'w\d+', name: '([^']+)'/g)].map((m) => m[1]!);
    expect(water.length).toBeGreaterThanOrEqual(3);
    for (const w of water) expect(englishName('water', w), w).toMatch(/^[A-Z][A-Za-z -]+$/);
  });

  it('show the data name in Chinese and the English name in English', () => {
    expect(localName('dept', '城管局')).toBe('城管局');
    setLang('en');
    expect(localName('dept', '城管局')).toBe('Urban Management Bureau');
    expect(localName('dept', '某新部门')).toBe('某新部门');
    expect(localName('water', null)).toBe('');
  });
});
