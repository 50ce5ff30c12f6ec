/**
 * The household register's pure parts: address normalisation (fast-check properties + known
 * answers), header detection in Chinese and English, the one tabular reader on CSV (GBK, BOM,
 * CRLF) and on XLSX written here by exceljs (title rows, merged cells, text "03" vs number 3,
 * formulas, named sheets, garbage), and register rows (defaults, rejects with their row).
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { buildingIndex, buildingKey, chineseNumber, compoundKey, matchAddress, splitAddress } from '../../../server/import/address';
import { detectColumns, findHeaderRow, parseOverrides, roleOfHeader } from '../../../server/import/columns';
import { tableFeatures } from '../../../server/import/csv';
import { decodeText } from '../../../server/import/decode';
import { fromWgs84 } from '../../../server/import/datum';
import { ParseFailure } from '../../../common/gis-files/parse-errors';
import { registerRows } from '../../../server/import/register';
import { csvTable, xlsxTable } from '../../../server/import/table';

const fullWidth = (s: string) => s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const CN = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1..99 in Chinese numerals, written independently of the parser */
const chinese = (n: number) => (n < 10 ? CN[n] : `${n >= 20 ? CN[Math.floor(n / 10)] : ''}十${CN[n % 10]}`);

describe('address normalisation', () => {
  const suffixes = ['', '栋', '号楼', '幢', '号', '座', '#', '号栋', '栋楼'];
  it('every spelling of building n has the key n (digits, zero-padded, full width, spaces, Chinese numerals)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), fc.constantFrom(...suffixes), fc.nat(2), fc.boolean(), fc.boolean(), (n, suffix, zeros, wide, cn) => {
        let num = cn ? chinese(n) : '0'.repeat(zeros) + String(n);
        if (wide) num = fullWidth(num);
        const key = buildingKey(` ${num}${suffix} `);
        expect(key).toBe(String(n));
        expect(buildingKey(key)).toBe(key); // idempotent
      }),
    );
  });
  it('compound keys ignore width, spaces and the 小区 suffix; different names stay different', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('幸', '福', '花', '园', '苑', 'A', '1', '新'), minLength: 1, maxLength: 6 }), (name) => {
        const k = compoundKey(name);
        expect(compoundKey(`${name}小区`)).toBe(k);
        expect(compoundKey(` ${fullWidth(name)} 住宅小区`)).toBe(k);
        expect(compoundKey(`${name}东`)).not.toBe(k);
      }),
    );
  });
  it('known answers', () => {
    expect(buildingKey('第三栋')).toBe('3');
    expect(buildingKey('A座')).toBe('A');
    expect(buildingKey('2-1栋')).toBe('2-1');
    expect(buildingKey('')).toBeNull();
    expect(chineseNumber('一百零五')).toBe(105);
    expect(chineseNumber('一二')).toBeNull();
    expect(splitAddress('人民路幸福小区３号楼２单元501')).toEqual({ compound: '人民路幸福小区', building: '3' });
    expect(compoundKey('幸福小区')).toBe('幸福');
  });
  it('matches compound + number to one building; unmatched and ambiguous rows say why', () => {
    const idx = buildingIndex([
      { id: 'b1', label: '3栋', compound: '幸福小区', x: 1, y: 1 },
      { id: 'b2', label: '03', compound: '和平苑', x: 2, y: 2 },
      { id: 'b3', label: '5', compound: '和平苑', x: 3, y: 3 },
      { id: 'b4', label: '5号楼', compound: '和平苑', x: 4, y: 4 },
    ]);
    expect(matchAddress(idx, { compound: '幸福', building: '３号楼' })).toEqual({ building: expect.objectContaining({ id: 'b1' }) });
    expect(matchAddress(idx, { address: '迎江区人民路和平苑3幢1单元' })).toEqual({ building: expect.objectContaining({ id: 'b2' }) });
    expect(matchAddress(idx, { compound: '幸福小区', building: '4栋' })).toEqual({ problem: expect.stringMatching(/未匹配/) });
    expect(matchAddress(idx, { compound: '和平苑', building: '5' })).toEqual({ problem: expect.stringMatching(/2 栋建筑/) });
    expect(matchAddress(idx, { compound: '和平苑' })).toEqual({ problem: expect.stringMatching(/没有楼栋号/) });
  });
});

describe('header detection', () => {
  it('knows Chinese and English names, with units in brackets and full-width letters', () => {
    expect(['楼栋编号', '小区', '经度', '纬度', '户数（户）', '党员户数', 'LNG', 'ｌａｔ', 'address', 'foo'].map(roleOfHeader)).toEqual([
      'building',
      'compound',
      'lon',
      'lat',
      'households',
      'party',
      'lon',
      'lat',
      'address',
      null,
    ]);
  });
  it('passes over title and blank rows above the header', () => {
    expect(
      findHeaderRow([
        ['幸福社区住户登记表', '', ''],
        ['', '', ''],
        ['序号', '小区', '楼栋'],
        ['1', '幸福', '3'],
      ]),
    ).toBe(2);
    expect(
      findHeaderRow([
        ['a', 'b'],
        ['1', '2'],
      ]),
    ).toBe(0);
  });
  it('overrides move a role to a named column and refuse unknown columns or roles', () => {
    const headers = ['E', 'N', '经度', '数量'];
    expect(detectColumns(headers)).toEqual({ lon: 2 });
    expect(detectColumns(headers, { lon: 'E', lat: 'N', households: '数量' })).toEqual({ lon: 0, lat: 1, households: 3 });
    expect(() => detectColumns(headers, { lat: 'nope' })).toThrow(/nope/);
    expect(() => parseOverrides('{"floors":"x"}')).toThrow(/无效/);
    expect(() => parseOverrides('[1]')).toThrow(/JSON/);
  });
});

describe('tabular reader', () => {
  const csv = '小区,楼栋编号,户数\r\n幸福小区,03,12\r\n\r\n幸福小区,3栋,8\r\n';
  it('reads UTF-8 with and without BOM and GBK with CRLF to the same table, with line refs', () => {
    const plain = csvTable(decodeText(Buffer.from(csv)).text);
    const bom = csvTable(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)])).text);
    const gbk = decodeText(iconv.encode(csv, 'gbk'));
    expect(gbk.encoding).toBe('gbk');
    const fromGbk = csvTable(gbk.text);
    expect(plain.headers).toEqual(['小区', '楼栋编号', '户数']);
    expect(bom).toEqual(plain);
    expect(fromGbk).toEqual(plain);
    expect(plain.rows).toEqual([
      { ref: 'line 2', cells: ['幸福小区', '03', '12'] },
      { ref: 'line 4', cells: ['幸福小区', '3栋', '8'] },
    ]);
    const lf = csvTable(csv.replace(/\r\n/g, '\n'));
    expect(lf.rows).toEqual(plain.rows);
  });

  async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    build(wb);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it('reads an XLSX: title row, merged compound cells filled down, text vs number, formulas, row refs', async () => {
    const bytes = await workbook((wb) => {
      wb.addWorksheet('说明').addRow([]);
      const ws = wb.addWorksheet('登记');
      ws.addRow(['幸福社区住户登记表', '', '', '']);
      ws.mergeCells('A1:D1');
      ws.addRow([]);
      ws.addRow(['小区', '楼栋编号', '户数', '党员户数']);
      ws.addRow(['幸福小区', '03', 12, { formula: '1+1', result: 2 }]);
      ws.addRow([null, 3, 8, null]);
      ws.mergeCells('A4:A5');
      ws.addRow(['二期', '', '', '']);
      ws.mergeCells('A6:D6');
      ws.addRow(['和平苑', { richText: [{ text: 'A' }, { text: '座' }] }, 5, 0]);
    });
    const t = await xlsxTable(bytes);
    expect(t.sheet).toBe('登记');
    expect(t.sheets).toEqual(['说明', '登记']);
    expect(t.headerRef).toBe('row 3');
    expect(t.headers).toEqual(['小区', '楼栋编号', '户数', '党员户数']);
    expect(t.rows).toEqual([
      { ref: 'row 4', cells: ['幸福小区', '03', '12', '2'] },
      { ref: 'row 5', cells: ['幸福小区', '3', '8', ''] },
      { ref: 'row 7', cells: ['和平苑', 'A座', '5', '0'] },
    ]);
    expect(t.skipped).toEqual({ 'merged title row': 1 });
    await expect(xlsxTable(bytes, '无此表')).rejects.toThrow(/无此表/);
    await expect(xlsxTable(bytes, '说明')).rejects.toThrow(/空/);
  });

  it('gives shops from an XLSX as point features', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('商铺');
      ws.addRow(['名称', '经度', '纬度']);
      ws.addRow(['包子铺', 117.05, 30.52]);
    });
    const r = tableFeatures(await xlsxTable(bytes));
    expect(r.format).toBe('xlsx');
    expect(r.features).toEqual([
      { ref: 'row 2', sourceId: undefined, geometry: { type: 'Point', coordinates: [117.05, 30.52] }, properties: { 名称: '包子铺' } },
    ]);
  });

  it('refuses garbage and a zip that is not a workbook', async () => {
    await expect(xlsxTable(new Uint8Array(Buffer.from('not a workbook at all')))).rejects.toThrow(ParseFailure);
    await expect(xlsxTable(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).rejects.toThrow(/XLSX/);
  });
});

describe('register rows', () => {
  it('one row per household by default; coordinates converted from GCJ-02; rejects name the row and the reason', () => {
    const truth = [117.051, 30.521];
    const [gx, gy] = fromWgs84(truth, 'gcj02');
    const t = csvTable(
      [
        '小区,楼栋,经度,纬度,党员户数',
        `幸福,1,${gx},${gy},1`,
        '幸福,2栋,,,0',
        ',,,,',
        '和平,,,,0',
        `和平,3,abc,${gy},0`,
        '和平,4,,,x',
        ',,,,',
        `,,117.05,,0`,
      ].join('\n'),
    );
    const r = registerRows(t, 'gcj02');
    expect(r.rows.map((x) => [x.ref, x.households, x.party_households, x.lon === null])).toEqual([
      ['line 2', 1, 1, false],
      ['line 3', 1, 0, true],
    ]);
    const [x, y] = [r.rows[0].lon!, r.rows[0].lat!];
    const m = Math.hypot((x - truth[0]) * 111320 * Math.cos((truth[1] * Math.PI) / 180), (y - truth[1]) * 110574);
    expect(m).toBeLessThan(1);
    expect(r.rejected.map((p) => p.feature)).toEqual(['line 5', 'line 6', 'line 7', 'line 9']);
    expect(r.rejected[0].problem).toMatch(/没有楼栋号/);
    expect(r.rejected[1].problem).toMatch(/bad coordinates/);
    expect(r.rejected[2].problem).toMatch(/party/);
  });
  it('per-building counts: empty, negative or text households are rejected', () => {
    const t = csvTable('building,households,lon,lat\n1,12,117.05,30.52\n2,,117.05,30.52\n3,-4,117.05,30.52\n4,三,117.05,30.52\n5,7户,117.05,30.52\n');
    const r = registerRows(t, 'wgs84');
    expect(r.rows.map((x) => x.households)).toEqual([12, 7]);
    expect(r.rejected.map((p) => p.feature)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(r.rejected.every((p) => /households/.test(p.problem))).toBe(true);
  });
  it('a table with neither coordinates nor building/address columns is refused', () => {
    expect(() => registerRows(csvTable('小区,户数\n幸福,3\n'), 'wgs84')).toThrow(/经度/);
  });
});

describe('prepareImport of a register (no database)', () => {
  it('takes a register from its columns without a layer, and from GeoJSON points with layer=register', async () => {
    const { prepareImport, prepareImportFile } = await import('../../../server/import/import-file');
    const csv = prepareImport(Buffer.from('楼栋编号,小区,户数\n3栋,幸福小区,12\n,幸福小区,4\n'), 'data.csv');
    expect(csv.plan.register?.map((r) => [r.ref, r.building_ref, r.households])).toEqual([['line 2', '3栋', 12]]);
    expect(csv.rejections).toEqual([{ feature: 'line 3', problem: expect.stringMatching(/没有楼栋号/) }]);
    expect(csv.columns).toEqual({ building: '楼栋编号', compound: '小区', households: '户数' });
    const gj = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { 户数: 7 }, geometry: { type: 'Point', coordinates: [117.05, 30.52] } }],
    });
    const p = await prepareImportFile(Buffer.from(gj), 'h.geojson', { layer: 'register' });
    expect(p.format).toBe('geojson');
    expect(p.plan.register).toEqual([expect.objectContaining({ households: 7, lon: 117.05, lat: 30.52 })]);
  });
});
