import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { DistrictInputError, parseBoundaries, parseHouseholds } from '../../../server/import/district';

const enc = (s: string) => new TextEncoder().encode(s);
const err = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DistrictInputError);
    return (e as DistrictInputError).message;
  }
  throw new Error('no error');
};

describe('household register CSV', () => {
  const zh = '楼栋编号,小区,经度,纬度,户数\n1号楼,幸福小区,117.05,30.52,120\n2号楼,,117.051,30.521,80\n';
  it('Chinese header as UTF-8, UTF-8 with BOM and CRLF, GBK; English header with lng/lat', () => {
    const want = [
      { ref: 'line 2', building: '1号楼', compound: '幸福小区', households: 120, lon: 117.05, lat: 30.52 },
      { ref: 'line 3', building: '2号楼', compound: null, households: 80, lon: 117.051, lat: 30.521 },
    ];
    expect(parseHouseholds(enc(zh), 'wgs84').rows).toEqual(want);
    expect(parseHouseholds(enc('\uFEFF' + zh.replace(/\n/g, '\r\n')), 'wgs84').rows).toEqual(want);
    const gbk = parseHouseholds(iconv.encode(zh, 'gbk'), 'wgs84');
    expect(gbk.encoding).toBe('gbk');
    expect(gbk.rows).toEqual(want);
    expect(parseHouseholds(enc('building_id,compound,lng,lat,households\n1号楼,幸福小区,117.05,30.52,120\n2号楼,,117.051,30.521,80\n'), 'wgs84').rows).toEqual(
      want,
    );
  });
  it('converts GCJ-02 to WGS84 (hundreds of metres around Anqing)', () => {
    const r = parseHouseholds(enc(zh), 'gcj02').rows[0];
    expect(Math.abs(r.lon - 117.05)).toBeGreaterThan(0.003);
    expect(Math.abs(r.lon - 117.05)).toBeLessThan(0.01);
  });
  it('names the line and the problem', () => {
    expect(err(() => parseHouseholds(enc(zh.replace('80', 'abc')), 'wgs84'))).toBe('line 3: households "abc" is not a non-negative whole number');
    expect(err(() => parseHouseholds(enc(zh.replace('117.051,30.521', '30.521,117.051')), 'wgs84'))).toMatch(/^line 3: latitude 117.051 .*swapped/);
    expect(err(() => parseHouseholds(enc(zh.replace('117.051', 'x')), 'wgs84'))).toMatch(/^line 3: longitude 'x' is not a number/);
    expect(err(() => parseHouseholds(enc('a,b\n1,2\n'), 'wgs84'))).toMatch(/no longitude column/);
  });
  it('the same building twice (one row per building) is a warning naming both lines', () => {
    const r = parseHouseholds(enc(zh + '1号楼,幸福小区,117.05,30.52,120\n'), 'wgs84');
    expect(r.rows).toHaveLength(3);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'duplicate_building', row: 'line 4', message: expect.stringContaining('also on line 2') })]);
  });
  it('a register without a households column counts one household per row, with a warning', () => {
    const r = parseHouseholds(enc('经度,纬度\n117.05,30.52\n'), 'wgs84');
    expect(r.rows[0].households).toBe(1);
    expect(r.warnings[0].code).toBe('no_households_column');
  });
});

describe('boundaries', () => {
  const sq = {
    type: 'Polygon',
    coordinates: [
      [
        [117, 30],
        [117.01, 30],
        [117.01, 30.01],
        [117, 30.01],
        [117, 30],
      ],
    ],
  };
  const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
  it('reads level, code and name; names the feature and the problem', () => {
    expect(parseBoundaries(fc({ type: 'Feature', properties: { level: 'subdistrict', code: 1, name: '甲' }, geometry: sq }))[0]).toMatchObject({
      level: 'subdistrict',
      code: '1',
      name: '甲',
    });
    expect(err(() => parseBoundaries(fc({ type: 'Feature', properties: { level: 'community', code: '1' }, geometry: sq })))).toBe(
      'no feature has properties.level = subdistrict',
    );
    expect(
      err(() =>
        parseBoundaries(
          fc({
            type: 'Feature',
            properties: { level: 'subdistrict', code: '1' },
            geometry: {
              type: 'LineString',
              coordinates: [
                [117, 30],
                [117.1, 30],
              ],
            },
          }),
        ),
      ),
    ).toBe('feature 0 (code 1): geometry LineString is not a Polygon or MultiPolygon');
    expect(err(() => parseBoundaries(fc({ type: 'Feature', properties: { level: 'subdistrict' }, geometry: sq })))).toBe(
      'feature 0: missing properties.code (a string)',
    );
  });
});
