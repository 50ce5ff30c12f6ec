/** The client dictionary: both languages complete, switching persists and notifies. No browser needed. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { en } from '../../client/src/i18n/en';

function stubStorage(): Map<string, string> {
  const m = new Map<string, string>();
  vi.stubGlobal('localStorage', { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) });
  return m;
}

describe('i18n dictionary', () => {
  beforeEach(() => {
    vi.resetModules();
    vi.unstubAllGlobals();
  });

  it('has the same non-empty keys in zh-CN and en', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [k, v] of Object.entries(zhCN)) expect(v.trim(), k).not.toBe('');
    for (const [k, v] of Object.entries(en)) expect(v.trim(), k).not.toBe('');
    // English strings are not left in Chinese (the attribution is bilingual on purpose).
    const chineseOnly = Object.entries(en).filter(([k, v]) => /[\u4e00-\u9fff]/.test(v) && !/[A-Za-z]/.test(v) && k !== 'lang.switch');
    expect(chineseOnly).toEqual([]);
  });

  it('defaults to zh-CN, switches to English, persists and notifies', async () => {
    const store = stubStorage();
    const i18n = await import('../../client/src/i18n');
    expect(i18n.getLang()).toBe('zh-CN');
    expect(i18n.t('layer.streets')).toBe('道路');
    const seen: string[] = [];
    i18n.onLangChange((l) => seen.push(l));
    i18n.setLang('en');
    expect(i18n.t('layer.streets')).toBe('Streets');
    expect(store.get('wangge.lang')).toBe('en');
    expect(seen).toEqual(['en']);
    expect(i18n.tMaybe('prop.households')).toBe('Households');
    expect(i18n.tMaybe('prop.no_such_key')).toBeUndefined();
    // A fresh load reads the persisted choice.
    vi.resetModules();
    const again = await import('../../client/src/i18n');
    expect(again.getLang()).toBe('en');
  });

  it('joins lists, parenthesises and labels with the punctuation of the language', async () => {
    stubStorage();
    const i18n = await import('../../client/src/i18n');
    i18n.setLang('zh-CN');
    expect(i18n.joinList(['人民路街道', '新河路街道'])).toBe('人民路街道、新河路街道');
    expect(`支部${i18n.paren(3)}`).toBe('支部（3）');
    expect(i18n.labelled('操作人', '张三')).toBe('操作人：张三');
    expect(i18n.joinClauses(['缺网格长', '网格员 0 名'])).toBe('缺网格长；网格员 0 名');
    i18n.setLang('en');
    expect(i18n.joinList(['Renminlu', 'Xinhelu', 3])).toBe('Renminlu, Xinhelu, 3');
    expect(`Branch${i18n.paren(3)}`).toBe('Branch (3)');
    expect(i18n.labelled('Actor', 'admin')).toBe('Actor: admin');
    expect(i18n.joinClauses(['no grid leader', '0 grid members (3 short)'])).toBe('no grid leader; 0 grid members (3 short)');
    expect(i18n.joinList([])).toBe('');
  });
});
