/**
 * The import preview in the browser and the server's table import read a column by the same rules
 * (common/import/columns.ts): a header the server gives a role gets that role in the preview.
 */
import { describe, expect, it } from 'vitest';
import { roleOf } from '../../../client/src/views/import/read-preview';
import { roleOfHeader } from '../../../server/import/columns';

describe('import column roles: preview and server agree', () => {
  const headers = [
    '经度',
    'LNG',
    'ｌａｔ',
    '户数（户）',
    '住户',
    '党员户数',
    '楼栋编号',
    '幢号',
    '小区名称',
    '详细地址',
    '编号',
    '店名',
    '事件类型',
    '发生时间',
    'remark',
  ];

  it('gives every table header the role the server detects', () => {
    for (const h of headers) expect(roleOf(h), h).toBe(roleOfHeader(h) ?? 'other');
  });

  it('names compounds, addresses and building numbers as the register import reads them', () => {
    expect(['小区', '地址', '楼栋号'].map(roleOf)).toEqual(['compound', 'address', 'building']);
  });

  it('keeps the feature imports’ own properties: floors, height, level, code, a street class', () => {
    expect(['building:levels', 'height', 'level', 'code', 'highway'].map(roleOf)).toEqual(['floors', 'height', 'level', 'code', 'type']);
  });
});
