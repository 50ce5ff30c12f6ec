import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { serverMessage } from '../../../client/src/i18n/server-message';

describe('serverMessage: the server\'s "中文 (English)" in the UI\'s language', () => {
  it('known answers', () => {
    const m = '请先登录 (sign in first)';
    expect(serverMessage(m, 'zh-CN')).toBe('请先登录');
    expect(serverMessage(m, 'en')).toBe('sign in first');
    // an ASCII parenthesis inside the Chinese part stays with it
    const nul = '请求中含有空字符 (U+0000)，无法处理 (a value in the request contains a NUL character)';
    expect(serverMessage(nul, 'zh-CN')).toBe('请求中含有空字符 (U+0000)，无法处理');
    expect(serverMessage(nul, 'en')).toBe('a value in the request contains a NUL character');
    expect(serverMessage('任务 j1 已结束（failed），无法取消 (job j1 has ended: failed)', 'en')).toBe('job j1 has ended: failed');
  });

  it('leaves messages of another shape whole', () => {
    for (const m of [
      'unknown layer x; layers: a, b', // English only
      '未写入任何数据：第 3 行 经度 abc', // Chinese only
      '目标户数 600 不在 300–500 之间（上限）', // full-width parentheses are Chinese
      'tile x (z 3) must be below 8', // no Chinese
      '网格 (A1)', // the parentheses hold no words
    ])
      for (const lang of ['zh-CN', 'en'] as const) expect(serverMessage(m, lang)).toBe(m);
  });

  it('property: a bilingual message gives back each part', () => {
    const zh = fc.stringMatching(/^[\u4e00-\u9fa5][\u4e00-\u9fa5，：0-9]{0,20}$/);
    const en = fc.stringMatching(/^[A-Za-z]{3}[A-Za-z0-9 ,:;.'-]{0,40}[A-Za-z0-9.]$/);
    fc.assert(
      fc.property(zh, en, (z, e) => {
        expect(serverMessage(`${z} (${e})`, 'zh-CN')).toBe(z);
        expect(serverMessage(`${z} (${e})`, 'en')).toBe(e);
      }),
    );
  });
});
