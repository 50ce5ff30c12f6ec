/**
 * The data-quality items' references in the UI's language (client/src/views/plan/quality-ref.ts):
 * the forms the server writes (server/units/quality.ts, load.ts) in Chinese and English; block ids
 * and community names unchanged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../../../client/src/i18n';
import { qualityRefText } from '../../../client/src/views/plan/quality-ref';

describe('quality item references', () => {
  afterEach(() => setLang('zh-CN'));

  it('Chinese by default, English on request; other references as they are', () => {
    expect(qualityRefText('street end 4')).toBe('道路端点 4');
    expect(qualityRefText('gap 2')).toBe('已接上的缺口 2');
    expect(qualityRefText('register imp1 line 17')).toBe('住户登记 imp1 第 17 行');
    expect(qualityRefText('register reg.xlsx row 3')).toBe('住户登记 reg.xlsx 第 3 行');
    expect(qualityRefText('register h.geojson feature 9')).toBe('住户登记 h.geojson 第 9 个要素');
    expect(qualityRefText('building b-12')).toBe('建筑 b-12');
    expect(qualityRefText('420111901-1-b1')).toBe('420111901-1-b1');
    expect(qualityRefText('光谷北街道 (420111901)')).toBe('光谷北街道 (420111901)');
    setLang('en');
    expect(qualityRefText('street end 4')).toBe('street end 4');
    expect(qualityRefText('register imp1 line 17')).toBe('register imp1, line 17');
  });
});
