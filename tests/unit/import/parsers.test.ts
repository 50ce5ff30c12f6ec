import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../server/import/csv';
import { decodeText } from '../../../server/import/decode';
import { ParseFailure } from '../../../common/gis-files/parse-errors';
import { parseGeoJson } from '../../../server/import/geojson';
import { parseOsm } from '../../../server/import/osm';

function failure(fn: () => unknown): ParseFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParseFailure) return err;
    throw err;
  }
  throw new Error('expected a ParseFailure');
}

describe('GeoJSON parser', () => {
  it('reads a FeatureCollection, a Feature, a bare geometry and a DataV array', () => {
    const fc = parseGeoJson(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', id: 7, geometry: { type: 'Point', coordinates: [117.05, 30.52] }, properties: { name: 'a' } },
          { type: 'Feature', geometry: null, properties: { id: 'x' } },
        ],
      }),
    );
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0]).toMatchObject({ ref: 'feature 0 (id 7)', sourceId: '7', properties: { name: 'a' } });
    expect(fc.problems).toEqual([{ feature: 'feature 1 (id x)', problem: 'no geometry' }]);
    expect(parseGeoJson('{"type":"Point","coordinates":[1,2]}').features).toHaveLength(1);
    expect(parseGeoJson('[{"type":"Feature","properties":{"adcode":1},"geometry":{"type":"Point","coordinates":[1,2]}}]').features).toHaveLength(1);
  });

  it('names the line and column of malformed JSON', () => {
    const e = failure(() => parseGeoJson('{\n  "type": "FeatureCollection",\n  "features": [,]\n}'));
    expect(e.problem).toMatch(/^malformed JSON at line 3 column \d+/);
  });

  it('refuses empty files, empty collections and non-GeoJSON', () => {
    expect(failure(() => parseGeoJson('  \n')).problem).toBe('empty file');
    expect(failure(() => parseGeoJson('{"type":"FeatureCollection","features":[]}')).problem).toMatch(/^empty file/);
    expect(failure(() => parseGeoJson('{"hello":1}')).problem).toMatch(/^not GeoJSON/);
    const e = failure(() => parseGeoJson('{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Blob","coordinates":[]}}]}'));
    expect(e.feature).toBe('feature 0');
    expect(e.problem).toBe('unknown geometry type Blob');
  });
});

const OSM = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="30.520" lon="117.050"/>
  <node id="2" lat="30.521" lon="117.051"/>
  <node id="3" lat="30.521" lon="117.050"/>
  <node id="4" lat="30.522" lon="117.052"><tag k="shop" v="convenience"/><tag k="name" v="便利店"/></node>
  <node id="5" lat="30.523" lon="117.053"><tag k="amenity" v="bench"/></node>
  <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="name" v="人民路"/></way>
  <way id="11"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="building" v="yes"/></way>
  <way id="12"><nd ref="2"/><nd ref="3"/><tag k="waterway" v="stream"/></way>
  <way id="13"><nd ref="1"/><nd ref="99"/><tag k="highway" v="footway"/></way>
  <way id="14"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="building" v="house"/></way>
  <relation id="20"><member type="way" ref="11" role="outer"/></relation>
</osm>`;

describe('OSM XML parser', () => {
  it('turns highway ways into streets, closed building ways into buildings, shop nodes into shops', () => {
    const r = parseOsm(OSM);
    const byRef = Object.fromEntries(r.features.map((f) => [f.ref, f]));
    expect(Object.keys(byRef).sort()).toEqual(['node 4', 'way 10', 'way 11']);
    expect(byRef['way 10']).toMatchObject({ layer: 'streets', sourceId: 'w10', properties: { highway: 'primary', name: '人民路' } });
    expect(byRef['way 10'].geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [117.05, 30.52],
        [117.051, 30.521],
      ],
    });
    expect(byRef['way 11'].layer).toBe('buildings');
    expect(byRef['way 11'].geometry.type).toBe('Polygon');
    expect(byRef['node 4']).toMatchObject({ layer: 'shops', properties: { shop: 'convenience' } });
    expect(r.problems).toEqual([
      { feature: 'way 13', problem: 'fewer than 2 of its nodes are in the file (1 missing)' },
      { feature: 'way 14', problem: 'building way is not closed' },
    ]);
    expect(r.skipped).toEqual({ 'way without highway/building tag': 1, 'relation (not imported)': 1 });
  });

  it('refuses malformed XML with its line, and a node without coordinates', () => {
    const e = failure(() => parseOsm('<osm>\n<node id="1" lat="1" lon="2">\n</osm>'));
    expect(e.problem).toMatch(/^malformed XML at line \d+ column \d+/);
    const n = failure(() => parseOsm('<osm><node id="9" lat="x" lon="2"/></osm>'));
    expect(n.feature).toBe('node 9');
    expect(failure(() => parseOsm('<osm><bounds/></osm>')).problem).toMatch(/^empty file/);
  });
});

describe('CSV parser', () => {
  it('finds lon/lat columns by any of their names and keeps the other columns', () => {
    for (const [x, y] of [
      ['lon', 'lat'],
      ['lng', 'latitude'],
      ['Longitude', 'Latitude'],
      ['x', 'y'],
      ['经度', '纬度'],
    ]) {
      const r = parseCsv(`name,${x},${y}\nA,117.05,30.52\n`);
      expect(r.features).toHaveLength(1);
      expect(r.features[0].geometry).toEqual({ type: 'Point', coordinates: [117.05, 30.52] });
      expect(r.features[0].properties).toEqual({ name: 'A' });
      expect(r.features[0].ref).toBe('line 2');
    }
  });

  it('detects ; and tab delimiters and uses an id column', () => {
    const r = parseCsv('id;lat;lon\nk1;30.5;117.1\nk2;30.6;117.2\n');
    expect(r.features.map((f) => f.sourceId)).toEqual(['k1', 'k2']);
    expect(r.features[1].geometry).toEqual({ type: 'Point', coordinates: [117.2, 30.6] });
    expect(parseCsv('lon\tlat\n117\t30\n').features).toHaveLength(1);
  });

  it('names the CSV line of a bad number, and refuses a file without coordinate columns', () => {
    const e = failure(() => parseCsv('lon,lat\n117.05,30.52\n\n117.06,abc\n'));
    expect(e.feature).toBe('line 4');
    expect(e.problem).toBe("latitude 'abc' is not a number");
    const h = failure(() => parseCsv('name,addr\nA,B\n'));
    expect(h.feature).toBe('line 1');
    expect(h.problem).toMatch(/no longitude column/);
    expect(failure(() => parseCsv('lon,lat\n')).problem).toMatch(/^empty file/);
  });

  it('decodes GBK (Excel) CSV and UTF-8 with BOM to the same features', () => {
    const text = '店名,经度,纬度,类别\n老王包子铺,117.0512,30.5231,餐饮\n';
    const gbk = iconv.encode(text, 'gbk');
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const a = decodeText(gbk);
    const b = decodeText(utf8);
    expect(a.encoding).toBe('gbk');
    expect(b.encoding).toBe('utf-8');
    expect(a.text).toBe(text);
    expect(b.text).toBe(text);
    expect(parseCsv(a.text).features[0].properties).toEqual({ 店名: '老王包子铺', 类别: '餐饮' });
  });
});

describe('malformed JSON positions', () => {
  it('points at the offending character for every V8 message shape', () => {
    const cases: Array<[string, string]> = [
      ['{\n  "type": "FeatureCollection",\n  "features": [,]\n}', 'line 3 column 16'],
      ['{"a":1,}', 'line 1 column 8'],
      ['{"a":tru}', 'line 1 column 9'],
      ['[1,2', 'line 1 column 5'],
      ['xyz', 'line 1 column 1'],
    ];
    for (const [text, where] of cases) expect(failure(() => parseGeoJson(text)).problem).toContain(`at ${where}:`);
  });
});
