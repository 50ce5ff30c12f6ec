import fc from 'fast-check';
import type { Feature, Geometry, Position } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParseFailure } from '../../../common/gis-files/parse-errors';
import { parseGeoPackage } from '../../../common/gis-files/geopackage';
import { binaryFormatOf, prepareImport, type PreparedImport } from '../../../server/import/import-file';
import { OFF_THREAD_BYTES, prepareImportOffThread } from '../../../server/import/prepare-off-thread';
import { positions, wktToWgs84 } from '../../../common/gis-files/reproject';
import { cpgEncoding, parseShapefileZip } from '../../../common/gis-files/shapefile';
import { SQL } from '../../../server/import/sqljs';
import { geoPackage, PRJ_4548_ESRI, replaceMember, shapefileZip, TO_4548, TO_4549, WKT_4326, WKT_4548_OGC, WKT_4549_OGC } from '../../helpers/gis-files';

/** Metres between two lon/lat points (equirectangular; exact enough below a kilometre). */
function metres(a: Position, b: Position): number {
  const k = Math.PI / 180;
  const x = (b[0] - a[0]) * Math.cos(((a[1] + b[1]) / 2) * k) * 6371008.8 * k;
  const y = (b[1] - a[1]) * 6371008.8 * k;
  return Math.hypot(x, y);
}
function maxShift(a: Geometry, b: Geometry): number {
  const pa = [...positions(a)];
  const pb = [...positions(b)];
  expect(pb.length).toBe(pa.length);
  return Math.max(...pa.map((p, i) => metres(p, pb[i])));
}
function failure(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ParseFailure);
    return (err as ParseFailure).problem;
  }
  throw new Error('expected a ParseFailure');
}

// Yingjiang: two sub-district outlines (one with a hole) and some buildings, in WGS84
const ring = (x: number, y: number, w: number, h: number): Position[] => [
  [x, y],
  [x, y + h],
  [x + w, y + h],
  [x + w, y],
  [x, y],
];
const BOUNDARIES: Feature[] = [
  {
    type: 'Feature',
    properties: { id: '340802001', name: '人民路街道', note: '宜城路以南' },
    geometry: { type: 'Polygon', coordinates: [ring(117.04, 30.5, 0.03, 0.03)] },
  },
  {
    type: 'Feature',
    properties: { id: '340802002', name: '华中路街道', note: '龙狮桥乡' },
    geometry: { type: 'Polygon', coordinates: [ring(117.07, 30.5, 0.02, 0.03), ring(117.075, 30.51, 0.005, 0.005).reverse()] },
  },
];
const BUILDINGS: Feature[] = Array.from({ length: 5 }, (_, i) => ({
  type: 'Feature',
  properties: { name: `迎江小区${i + 1}号楼`, floors: 6 + i },
  geometry: { type: 'Polygon', coordinates: [ring(117.05 + i * 0.001, 30.52, 0.0004, 0.0003)] },
}));

describe('zipped Shapefile parser', () => {
  let gk: Uint8Array;
  beforeAll(async () => {
    gk = await shapefileZip([{ name: '街道边界', features: BOUNDARIES, project: TO_4548, prj: PRJ_4548_ESRI, cpg: 'GBK' }]);
  });

  it('reads CGCS2000 Gauss-Kruger (EPSG:4548 .prj) with GBK .cpg: Chinese names, within 1 m of the WGS84 source', () => {
    const r = parseShapefileZip(gk);
    expect(r.format).toBe('shapefile');
    expect(r.encoding).toBe('gbk');
    expect(r.sourceLayer).toBe('街道边界');
    expect(r.features.map((f) => f.ref)).toEqual(['feature 1', 'feature 2']);
    expect(r.features.map((f) => f.properties.name)).toEqual(['人民路街道', '华中路街道']);
    expect(r.features[1].properties.note).toBe('龙狮桥乡');
    for (let i = 0; i < BOUNDARIES.length; i++) expect(maxShift(BOUNDARIES[i].geometry, r.features[i].geometry)).toBeLessThan(1);
    // the hole stayed a hole
    expect(r.features[1].geometry.type).toBe('Polygon');
    expect((r.features[1].geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2);
  });

  it('reads EPSG:4549 (CM 120E, OGC WKT) too', async () => {
    const east = BUILDINGS.map((f) => ({ ...f, geometry: { type: 'Polygon', coordinates: [ring(120.15, 30.25, 0.001, 0.001)] } as Geometry }));
    const r = parseShapefileZip(await shapefileZip([{ name: 'buildings', features: east, project: TO_4549, prj: WKT_4549_OGC, cpg: 'UTF-8' }]));
    expect(r.encoding).toBe('utf-8');
    expect(r.features[0].properties.name).toBe('迎江小区1号楼');
    expect(maxShift(east[0].geometry, r.features[0].geometry)).toBeLessThan(1);
  });

  it('without a .cpg tells GBK from UTF-8 by the bytes', async () => {
    const gbk = parseShapefileZip(await shapefileZip([{ name: 'b', features: BUILDINGS, gbk: true }]));
    expect(gbk.encoding).toBe('gbk');
    expect(gbk.features[2].properties.name).toBe('迎江小区3号楼');
    const utf8 = parseShapefileZip(await shapefileZip([{ name: 'b', features: BUILDINGS }]));
    expect(utf8.encoding).toBe('utf-8');
    expect(utf8.features[2].properties.name).toBe('迎江小区3号楼');
    expect(utf8.features[2].properties.floors).toBe(8);
  });

  it('maps .cpg code pages', () => {
    expect(['GBK', 'gb2312', '936', 'ANSI 936', 'CP936', 'GB18030'].map(cpgEncoding)).toEqual(Array(6).fill('gb18030'));
    expect(['UTF-8', 'utf8', '65001'].map(cpgEncoding)).toEqual(['utf-8', 'utf-8', 'utf-8']);
    expect(cpgEncoding('1252')).toBe('windows-1252');
    expect(cpgEncoding('no-such-encoding')).toBeNull();
  });

  it('refuses a zip with two layers, listing them; imports the one named', async () => {
    const two = await shapefileZip([
      {
        name: 'roads',
        features: [
          {
            type: 'Feature',
            properties: { name: '人民路' },
            geometry: {
              type: 'LineString',
              coordinates: [
                [117.05, 30.51],
                [117.06, 30.51],
              ],
            },
          },
        ],
      },
      { name: 'buildings', features: BUILDINGS },
    ]);
    const msg = failure(() => parseShapefileZip(two));
    expect(msg).toMatch(/2 个图层/);
    expect(msg).toMatch(/roads/);
    expect(msg).toMatch(/buildings/);
    expect(parseShapefileZip(two, { sourceLayer: 'buildings' }).features).toHaveLength(5);
    expect(failure(() => parseShapefileZip(two, { sourceLayer: 'water' }))).toMatch(/没有图层“water”.*roads/);
  });

  it('refuses a zip that holds no Shapefile, a truncated .shp, a corrupt zip', async () => {
    const { zipSync } = await import('fflate');
    expect(failure(() => parseShapefileZip(zipSync({ 'readme.txt': new TextEncoder().encode('hello'), 'data.csv': new Uint8Array([1]) })))).toMatch(
      /没有 Shapefile.*readme\.txt/,
    );
    const cut = replaceMember(gk, '.shp', (b) => b.slice(0, b.length - 40));
    expect(failure(() => parseShapefileZip(cut))).toMatch(/截断/);
    expect(failure(() => parseShapefileZip(replaceMember(gk, '.shp', (b) => b.slice(0, 60))))).toMatch(/不完整/);
    expect(failure(() => parseShapefileZip(gk.slice(0, gk.length >> 1)))).toMatch(/无法解压/);
  });

  it('without a .prj: degrees are taken as WGS84 with a warning, metres are refused', async () => {
    const deg = parseShapefileZip(await shapefileZip([{ name: 'b', features: BUILDINGS, prj: null }]));
    expect(deg.warnings?.join()).toMatch(/WGS84/);
    expect(maxShift(BUILDINGS[0].geometry, deg.features[0].geometry)).toBe(0);
    const m = await shapefileZip([{ name: 'b', features: BUILDINGS, project: TO_4548, prj: null }]);
    expect(failure(() => parseShapefileZip(m))).toBe('缺少 .prj 投影文件，坐标看起来是投影坐标（米），无法确定坐标系');
  });

  it('proj4 reads the ESRI and OGC WKT of EPSG:4548 as the proj string (random points, < 1 mm)', () => {
    const esri = wktToWgs84(PRJ_4548_ESRI)!;
    const ogc = wktToWgs84(WKT_4548_OGC)!;
    fc.assert(
      fc.property(fc.double({ min: 115.6, max: 118.4, noNaN: true }), fc.double({ min: 18, max: 53, noNaN: true }), (lon, lat) => {
        const xy = TO_4548([lon, lat]);
        return metres(esri(xy), [lon, lat]) < 1e-3 && metres(ogc(xy), [lon, lat]) < 1e-3;
      }),
      { numRuns: 200 },
    );
  });
});

describe('GeoPackage parser', () => {
  let gpkg: Uint8Array;
  const srs = [
    { srsId: 4548, name: 'CGCS2000 / 3-degree Gauss-Kruger CM 117E', organization: 'EPSG', code: 4548, definition: WKT_4548_OGC },
    { srsId: 4326, name: 'WGS 84', organization: 'EPSG', code: 4326, definition: WKT_4326 },
  ];
  beforeAll(async () => {
    gpkg = await geoPackage([{ name: '建筑', srsId: 4548, features: BUILDINGS, project: TO_4548 }], srs);
  });

  it('reads a buildings table in EPSG:4548 into WGS84 within 1 m, with fid refs and attributes', () => {
    const r = parseGeoPackage(SQL, gpkg);
    expect(r.format).toBe('geopackage');
    expect(r.sourceLayer).toBe('建筑');
    expect(r.features.map((f) => f.ref)).toEqual(['feature 1', 'feature 2', 'feature 3', 'feature 4', 'feature 5']);
    expect(r.features[4].properties).toEqual({ name: '迎江小区5号楼', floors: 10 });
    expect(r.features[4].sourceId).toBe('5');
    for (let i = 0; i < 5; i++) expect(maxShift(BUILDINGS[i].geometry, r.features[i].geometry)).toBeLessThan(1);
  });

  it('a projected definition proj4 cannot read falls back to the EPSG code', async () => {
    const odd = await geoPackage([{ name: 'b', srsId: 4548, features: BUILDINGS, project: TO_4548 }], [{ ...srs[0], definition: 'undefined' }]);
    expect(maxShift(BUILDINGS[0].geometry, parseGeoPackage(SQL, odd).features[0].geometry)).toBeLessThan(1);
  });

  it('refuses two feature tables listing them; reads the one named', async () => {
    const two = await geoPackage(
      [
        { name: 'buildings', srsId: 4548, features: BUILDINGS, project: TO_4548 },
        {
          name: 'shops',
          srsId: 4326,
          features: [{ type: 'Feature', properties: { name: '小吃店' }, geometry: { type: 'Point', coordinates: [117.05, 30.52] } }],
        },
      ],
      srs,
    );
    const msg = failure(() => parseGeoPackage(SQL, two));
    expect(msg).toMatch(/buildings、shops/);
    const shops = parseGeoPackage(SQL, two, { sourceLayer: 'shops' });
    expect(shops.features[0].geometry).toEqual({ type: 'Point', coordinates: [117.05, 30.52] });
  });

  it('refuses an SQLite file that is not a GeoPackage, and a truncated one', () => {
    const db = new SQL.Database();
    db.run('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)');
    const plain = db.export();
    db.close();
    expect(failure(() => parseGeoPackage(SQL, plain))).toMatch(/不是 GeoPackage/);
    expect(failure(() => parseGeoPackage(SQL, gpkg.slice(0, 2048)))).toMatch(/损坏|不完整/);
  });
});

describe('format detection in prepareImport', () => {
  it('by magic bytes whatever the name; loose Shapefile parts are refused with how to send them', async () => {
    const zip = await shapefileZip([{ name: 'buildings', features: BUILDINGS }]);
    expect(binaryFormatOf('upload', zip)).toBe('shapefile');
    expect(binaryFormatOf('x.bin', await geoPackage([], []))).toBe('geopackage');
    expect(binaryFormatOf('a.csv', new TextEncoder().encode('a,b'))).toBeNull();
    const prep = prepareImport(zip, 'upload');
    expect(prep.format).toBe('shapefile');
    expect(prep.plan.buildings).toHaveLength(5);
    expect(() => prepareImport(zip.slice(100), 'b.shp')).toThrow(/压缩成一个 \.zip/);
    expect(() => prepareImport(new TextEncoder().encode('not a zip'), 'b.zip')).toThrow(/不是有效的 zip/);
  });
});

describe('off the event loop', () => {
  it('a GeoPackage over the worker threshold prepares in a worker exactly as in-line', async () => {
    // few features, long attributes: over the threshold without a slow test
    const many: Feature[] = Array.from({ length: 2000 }, (_, i) => ({
      type: 'Feature',
      properties: { name: `楼${i}`, floors: i % 30, note: `备注${i} `.repeat(60) },
      geometry: { type: 'Polygon', coordinates: [ring(117.03 + (i % 100) * 0.0003, 30.5 + Math.floor(i / 100) * 0.0003, 0.0001, 0.0001)] },
    }));
    const bytes = await geoPackage(
      [{ name: 'buildings', srsId: 4548, features: many, project: TO_4548 }],
      [{ srsId: 4548, name: 'CGCS2000 / 3-degree Gauss-Kruger CM 117E', organization: 'EPSG', code: 4548, definition: WKT_4548_OGC }],
    );
    expect(bytes.byteLength).toBeGreaterThan(OFF_THREAD_BYTES);
    const norm = (p: PreparedImport) => JSON.stringify({ ...p, t0: 0, refLayer: [...p.refLayer] });
    const inline = prepareImport(bytes, 'big.gpkg');
    const off = await prepareImportOffThread(bytes, 'big.gpkg');
    expect(off.plan.buildings).toHaveLength(2000);
    expect(norm(off)).toBe(norm(inline));
  }, 120_000);
});
