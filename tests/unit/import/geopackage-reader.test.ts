/**
 * The GeoPackage reader the server and the browser preview share (common/gis-files/geopackage.ts),
 * its Buffer-free WKB reader (common/gis-files/wkb.ts, checked against wkx as the encoder), and the
 * import view's GeoPackage preview (client/src/views/import: the tables listed for the picker, the
 * first one drawn, another one picked, a damaged file refused with a plain message).
 */
import fc from 'fast-check';
import type { Feature, Geometry, Position } from 'geojson';
import wkx from 'wkx';
import { beforeAll, describe, expect, it } from 'vitest';
import { geoPackageLayerNames, gpkgWkb, readGeoPackage } from '../../../common/gis-files/geopackage';
import { ParseFailure } from '../../../common/gis-files/parse-errors';
import { wkbToGeometry } from '../../../common/gis-files/wkb';
import { SQL } from '../../../server/import/sqljs';
import { geoPackageReader } from '../../../client/src/views/import/geopackage-preview';
import { isGeoPackage, layerNamesOf, readPreview, roleOf } from '../../../client/src/views/import/read-preview';
import { geoPackage, shapefileZip, TO_4548, WKT_4326, WKT_4548_OGC } from '../../helpers/gis-files';

const toWkb = (g: Geometry) => new Uint8Array(wkx.Geometry.parseGeoJSON(g).toWkb());

// ---- arbitrary geometries (2D or XYZ throughout one geometry) ----
const num = fc.double({ min: -1e7, max: 1e7, noNaN: true });
const pos = (z: boolean): fc.Arbitrary<Position> => (z ? fc.tuple(num, num, num) : fc.tuple(num, num));
const line = (z: boolean) => fc.array(pos(z), { minLength: 1, maxLength: 6 });
const rings = (z: boolean) => fc.array(line(z), { minLength: 1, maxLength: 3 });
const simple = (z: boolean): fc.Arbitrary<Geometry> =>
  fc.oneof(
    pos(z).map((coordinates): Geometry => ({ type: 'Point', coordinates })),
    line(z).map((coordinates): Geometry => ({ type: 'LineString', coordinates })),
    rings(z).map((coordinates): Geometry => ({ type: 'Polygon', coordinates })),
    fc.array(pos(z), { minLength: 1, maxLength: 4 }).map((coordinates): Geometry => ({ type: 'MultiPoint', coordinates })),
    fc.array(line(z), { minLength: 1, maxLength: 3 }).map((coordinates): Geometry => ({ type: 'MultiLineString', coordinates })),
    fc.array(rings(z), { minLength: 1, maxLength: 3 }).map((coordinates): Geometry => ({ type: 'MultiPolygon', coordinates })),
  );
const anyGeometry: fc.Arbitrary<Geometry> = fc.boolean().chain((z) =>
  fc.oneof(
    simple(z),
    fc.array(simple(z), { minLength: 1, maxLength: 3 }).map((geometries): Geometry => ({ type: 'GeometryCollection', geometries })),
  ),
);

/** A big-endian WKB point, written by hand (wkx writes little-endian only). */
function bigEndianPoint(x: number, y: number): Uint8Array {
  const v = new DataView(new ArrayBuffer(21));
  v.setUint8(0, 0);
  v.setUint32(1, 1, false);
  v.setFloat64(5, x, false);
  v.setFloat64(13, y, false);
  return new Uint8Array(v.buffer);
}

describe('WKB reader (no Node Buffer)', () => {
  it('reads what wkx writes, WKB and EWKB with an SRID, 2D and Z, every geometry type', () => {
    fc.assert(
      fc.property(anyGeometry, (g) => {
        expect(wkbToGeometry(toWkb(g))).toEqual(g);
        const e = wkx.Geometry.parseGeoJSON(g);
        e.srid = 4548;
        expect(wkbToGeometry(new Uint8Array(e.toEwkb()))).toEqual(g);
      }),
      { numRuns: 300 },
    );
  });

  it('throws on every truncation of a valid blob instead of returning a partial geometry', () => {
    fc.assert(
      fc.property(anyGeometry, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (g, cut) => {
        const wkb = toWkb(g);
        const n = Math.floor(cut * wkb.length);
        expect(() => wkbToGeometry(wkb.subarray(0, n))).toThrow(/truncated WKB/);
      }),
      { numRuns: 300 },
    );
  });

  it('big-endian, ISO ZM and M-only points; M is dropped, Z kept', () => {
    expect(wkbToGeometry(bigEndianPoint(117.05, 30.52))).toEqual({ type: 'Point', coordinates: [117.05, 30.52] });
    const zm = new wkx.Point(1, 2, 3, 4).toWkb();
    expect(zm.readUInt32LE(1)).toBe(3001);
    expect(wkbToGeometry(new Uint8Array(zm))).toEqual({ type: 'Point', coordinates: [1, 2, 3] });
    const m = new wkx.Point(1, 2, undefined, 4);
    m.hasM = true;
    const mWkb = m.toWkb();
    expect(mWkb.readUInt32LE(1)).toBe(2001);
    expect(wkbToGeometry(new Uint8Array(mWkb))).toEqual({ type: 'Point', coordinates: [1, 2] });
  });

  it('empty geometries read as null; a huge count, an unknown type or byte order throw', () => {
    expect(wkbToGeometry(new Uint8Array(new wkx.Point().toWkb()))).toBeNull();
    expect(wkbToGeometry(new Uint8Array(new wkx.LineString([]).toWkb()))).toBeNull();
    const huge = new Uint8Array([1, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]); // LineString of 2^32-1 points
    expect(() => wkbToGeometry(huge)).toThrow(/truncated WKB/);
    expect(() => wkbToGeometry(new Uint8Array([1, 8, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/unsupported WKB geometry type 8/); // CircularString
    expect(() => wkbToGeometry(new Uint8Array([2, 1, 0, 0, 0]))).toThrow(/byte order/);
  });
});

const SRS = [
  { srsId: 4548, name: 'CGCS2000 / 3-degree Gauss-Kruger CM 117E', organization: 'EPSG', code: 4548, definition: WKT_4548_OGC },
  { srsId: 4326, name: 'WGS 84', organization: 'EPSG', code: 4326, definition: WKT_4326 },
];
const square = (x: number, y: number): Position[][] => [
  [
    [x, y],
    [x, y + 0.0003],
    [x + 0.0004, y + 0.0003],
    [x + 0.0004, y],
    [x, y],
  ],
];
const BUILDINGS: Feature[] = Array.from({ length: 4 }, (_, i) => ({
  type: 'Feature',
  properties: { name: `迎江小区${i + 1}号楼`, floors: 6 + i },
  geometry: { type: 'Polygon', coordinates: square(117.05 + i * 0.001, 30.52) },
}));
const SHOPS: Feature[] = [
  { type: 'Feature', properties: { name: '小吃店' }, geometry: { type: 'Point', coordinates: [117.051, 30.521] } },
  { type: 'Feature', properties: { name: '面馆' }, geometry: { type: 'Point', coordinates: [117.052, 30.521] } },
];

function failure(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ParseFailure);
    return (err as ParseFailure).problem;
  }
  throw new Error('expected a ParseFailure');
}

describe('GeoPackage reader (common/gis-files/geopackage.ts)', () => {
  let two: Uint8Array;
  beforeAll(async () => {
    two = await geoPackage(
      [
        { name: 'shops', srsId: 4326, features: SHOPS },
        { name: '楼栋', srsId: 4548, features: BUILDINGS, project: TO_4548 },
      ],
      SRS,
    );
  });

  it('names the feature tables; reads the one named, or the first with orFirst, and refuses otherwise', () => {
    expect(geoPackageLayerNames(SQL, two)).toEqual(['shops', '楼栋']);
    const first = readGeoPackage(SQL, two, { orFirst: true });
    expect(first.layers).toEqual(['shops', '楼栋']);
    expect(first.result.sourceLayer).toBe('shops');
    expect(first.result.features.map((f) => f.properties.name)).toEqual(['小吃店', '面馆']);
    const named = readGeoPackage(SQL, two, { sourceLayer: '楼栋', orFirst: true }).result;
    expect(named.sourceLayer).toBe('楼栋');
    expect(named.features).toHaveLength(4);
    expect(readGeoPackage(SQL, two, { sourceLayer: 'gone', orFirst: true }).result.sourceLayer).toBe('shops');
    expect(failure(() => readGeoPackage(SQL, two, { sourceLayer: 'gone' }))).toMatch(/没有图层“gone”，可选：shops、楼栋/);
    expect(failure(() => readGeoPackage(SQL, two))).toMatch(/2 个图层：shops、楼栋/);
  });

  it('a damaged or foreign file: a plain message, and no table names', () => {
    expect(failure(() => readGeoPackage(SQL, new TextEncoder().encode('not a database at all')))).toMatch(/不是 GeoPackage（SQLite）文件/);
    expect(failure(() => readGeoPackage(SQL, two.slice(0, 1024), { orFirst: true }))).toMatch(/损坏|不完整/);
    const garbage = two.slice();
    garbage.fill(0x5a, 100);
    expect(failure(() => readGeoPackage(SQL, garbage, { orFirst: true }))).toMatch(/损坏|不完整/);
    expect(geoPackageLayerNames(SQL, new TextEncoder().encode('not a database at all'))).toEqual([]);
    expect(geoPackageLayerNames(SQL, two.slice(0, 1024))).toEqual([]);
    expect(geoPackageLayerNames(SQL, garbage)).toEqual([]);
  });

  it('an unreadable geometry is a problem of its feature, empty and missing ones are counted, the rest read', () => {
    const db = new SQL.Database(two);
    const blob = (wkb: Uint8Array) => new Uint8Array([0x47, 0x50, 0, 0b0000_0001, 0xe6, 0x10, 0, 0, ...wkb]); // no envelope
    const emptyFlagged = new Uint8Array([0x47, 0x50, 0, 0b0001_0001, 0xe6, 0x10, 0, 0, ...new wkx.Point().toWkb()]);
    const ins = (g: Uint8Array | null, name: string) => db.run('INSERT INTO shops (geom, name) VALUES (?, ?)', [g, name]);
    ins(blob(toWkb({ type: 'Point', coordinates: [117.053, 30.521] }).subarray(0, 12)), 'cut'); // fid 3
    ins(null, 'nothing'); // fid 4
    ins(emptyFlagged, 'empty'); // fid 5
    ins(blob(new Uint8Array(new wkx.Point().toWkb())), 'nan point'); // fid 6
    ins(blob(toWkb({ type: 'Point', coordinates: [117.054, 30.521] })), 'ok'); // fid 7
    const bytes = db.export();
    db.close();
    const r = readGeoPackage(SQL, bytes, { sourceLayer: 'shops' }).result;
    expect(r.features.map((f) => [f.ref, f.properties.name])).toEqual([
      ['feature 1', '小吃店'],
      ['feature 2', '面馆'],
      ['feature 7', 'ok'],
    ]);
    expect(r.problems).toEqual([{ feature: 'feature 3', problem: expect.stringMatching(/unreadable geometry \(truncated WKB/) }]);
    expect(r.skipped).toEqual({ 'no geometry': 1, 'empty geometry': 2 });
    expect(gpkgWkb(emptyFlagged)).toBeNull();
  });
});

describe('GeoPackage preview in the import view', () => {
  let two: Uint8Array;
  const reader = () => geoPackageReader(SQL);
  beforeAll(async () => {
    two = await geoPackage(
      [
        { name: 'shops', srsId: 4326, features: SHOPS },
        { name: '楼栋', srsId: 4548, features: BUILDINGS, project: TO_4548 },
      ],
      SRS,
    );
  });

  it('draws the first table and lists both for the picker; the picked one in WGS84 with its fields', () => {
    const p = readPreview('城区.gpkg', two, 'wgs84', undefined, reader());
    expect(p).toMatchObject({ format: 'geopackage', layers: ['shops', '楼栋'], layer: 'shops', types: { Point: 2 } });
    expect(p.features!.features.map((f) => f.geometry)).toEqual(SHOPS.map((f) => f.geometry));
    const b = readPreview('城区.gpkg', two, 'wgs84', '楼栋', reader());
    expect(b).toMatchObject({ layer: '楼栋', types: { Polygon: 4 } });
    expect(b.fields.map((f) => [f.name, f.role, f.sample])).toEqual([
      ['name', 'name', '迎江小区1号楼'],
      ['floors', 'floors', '6'], // the buildings import reads floors from it: the preview says so
    ]);
    // EPSG:4548 back to WGS84 within a centimetre or so
    const got = (b.features!.features[0].geometry as { coordinates: Position[][] }).coordinates[0];
    const want = (BUILDINGS[0].geometry as { coordinates: Position[][] }).coordinates[0];
    got.forEach((p, i) => expect(Math.hypot(p[0] - want[i][0], p[1] - want[i][1])).toBeLessThan(1e-6));
    // the datum choice applies as for the other formats (GCJ-02 → WGS84 moves it a few hundred metres)
    const g = readPreview('城区.gpkg', two, 'gcj02', 'shops', reader()).features!.features[0].geometry as { coordinates: Position };
    const shift = Math.hypot(g.coordinates[0] - 117.051, g.coordinates[1] - 30.521);
    expect(shift).toBeGreaterThan(0.002);
    expect(shift).toBeLessThan(0.01);
  });

  it('a GeoPackage by magic bytes or name; a damaged one throws a plain message and lists no tables', async () => {
    expect(isGeoPackage('upload.bin', two)).toBe(true);
    expect(isGeoPackage('x.GPKG', new Uint8Array(10))).toBe(true);
    expect(isGeoPackage('x.csv', new TextEncoder().encode('a,b'))).toBe(false);
    expect(() => readPreview('坏.gpkg', two.slice(0, 1024), 'wgs84', undefined, reader())).toThrow(/损坏|不完整/);
    expect(layerNamesOf('坏.gpkg', two.slice(0, 1024), reader())).toEqual([]);
    expect(() => readPreview('x.gpkg', two, 'wgs84')).toThrow(/not loaded/);
    // a .zip is never taken for a GeoPackage
    const zip = await shapefileZip([{ name: 'b', features: BUILDINGS }]);
    expect(readPreview('b.zip', zip, 'wgs84', undefined, reader()).format).toBe('shapefile');
  });

  it('one table whose coordinate system cannot be read: the message says so, the other table stays pickable', async () => {
    const odd = await geoPackage(
      [
        { name: 'a_bad', srsId: 9999, features: BUILDINGS, project: TO_4548 },
        { name: 'b_good', srsId: 4326, features: SHOPS },
      ],
      [...SRS, { srsId: 9999, name: 'local grid', organization: 'NONE', code: 9999, definition: 'LOCAL_CS["nothing"]' }],
    );
    expect(() => readPreview('odd.gpkg', odd, 'wgs84', undefined, reader())).toThrow(/无法识别 GeoPackage 的坐标系/);
    expect(layerNamesOf('odd.gpkg', odd, reader())).toEqual(['a_bad', 'b_good']);
    expect(readPreview('odd.gpkg', odd, 'wgs84', 'b_good', reader()).types).toEqual({ Point: 2 });
  });
});

describe('roleOf: the preview names a column by what the import reads from it', () => {
  it('names floors, height and party households as the buildings and register imports use them', () => {
    expect(['building:levels', 'levels', 'Floors', '层数', 'height', '高度', '党员户数', 'party_households', 'remark'].map(roleOf)).toEqual([
      'floors',
      'floors',
      'floors',
      'floors',
      'height',
      'height',
      'party',
      'party',
      'other',
    ]);
  });
});
