/** The halves of a server message "中文 (English)" that wrapping messages place in their own halves. */
import { describe, expect, it } from 'vitest';
import { enOf, zhOf } from '../../common/bilingual';

describe('bilingual halves', () => {
  it('splits a message with a trailing English group', () => {
    const m = '未知的街道编码：340802001 (unknown sub-district codes: 340802001)';
    expect(zhOf(m)).toBe('未知的街道编码：340802001');
    expect(enOf(m)).toBe('unknown sub-district codes: 340802001');
  });
  it('keeps the last group only and tolerates Chinese parentheses in the Chinese half', () => {
    const m = '联防组 甲（G1）已归档 (group G1 is archived)';
    expect(zhOf(m)).toBe('联防组 甲（G1）已归档');
    expect(enOf(m)).toBe('group G1 is archived');
  });
  it('returns a message of another shape whole, in both halves', () => {
    for (const m of ['no stops', '巡逻点编号重复', '坐标无效 (A1)', '名称 (含 中文)']) {
      expect(zhOf(m)).toBe(m);
      expect(enOf(m)).toBe(m);
    }
  });
});
