import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { ImportError } from '../../common/gis-files/parse-errors';
import { importFile, type ImportReport } from '../../server/import/import-file';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { FIXTURES, GEODATA, HAS_GEODATA } from '../unit/import/paths';

const SH = resolve(GEODATA, 'substitute-shanghai-bund-tilezen');
const WH = resolve(GEODATA, 'substitute-wuhan-tilezen');
const TMP = mkdtempSync(join(tmpdir(), 'wangge-import-'));

function tmpFile(name: string, content: string | Buffer): string {
  const p = join(TMP, name);
  writeFileSync(p, content);
  return p;
}

async function n(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  return (await db.query<{ n: number }>(sql, params)).rows[0].n;
}

/** Row counts and an order-independent checksum of the importable tables. */
async function snapshot(db: Db): Promise<string> {
  const parts: string[] = [];
  for (const t of ['streets', 'buildings', 'shops', 'incidents', 'subdistricts', 'communities']) {
    const r = await db.query<{ c: number; h: string | null }>(
      `SELECT count(*)::int AS c, md5(string_agg(id || ST_AsText(geom), ',' ORDER BY id)) AS h FROM ${t}`,
    );
    parts.push(`${t}:${r.rows[0].c}:${r.rows[0].h}`);
  }
  return parts.join(' ');
}

async function expectImportError(p: Promise<unknown>, re: RegExp): Promise<ImportError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportError);
  expect((err as ImportError).toLine()).toMatch(re);
  return err as ImportError;
}

const SUBDISTRICT = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { id: '340802001', name: '人民路街道' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [117.04, 30.5],
            [117.07, 30.5],
            [117.07, 30.53],
            [117.04, 30.53],
            [117.04, 30.5],
          ],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { id: '340802001004', name: '测试社区' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [117.04, 30.5],
            [117.055, 30.5],
            [117.055, 30.515],
            [117.04, 30.515],
            [117.04, 30.5],
          ],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { adcode: 340802, name: '迎江区' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [117.0, 30.4],
            [117.3, 30.4],
            [117.3, 30.7],
            [117.0, 30.4],
          ],
        ],
      },
    },
  ],
};

describe.each(BACKENDS)('importer on %s', (backend) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('heals the committed fixture roads into the streets table', async () => {
    const r = await importFile(db, resolve(FIXTURES, 'shanghai_roads_cut.geojson'), { anywhere: true });
    expect(r.layers.streets!.read).toBe(90);
    expect(r.heal!.joins).toBeGreaterThan(10);
    expect(r.imported).toBe(r.heal!.lines);
    expect(await n(db, "SELECT count(*)::int AS n FROM streets WHERE source = 'shanghai_roads_cut.geojson' AND NOT synthetic")).toBe(r.imported);
    expect(await n(db, "SELECT count(*)::int AS n FROM streets WHERE id NOT LIKE 'shanghai_roads_cut.geojson:%'")).toBe(0);
    // taken out again: the district's extent comes from the streets while there is no boundary, and
    // the Anqing files below must not depend on whether the optional real-data tests ran in between
    await db.query("DELETE FROM streets WHERE source = 'shanghai_roads_cut.geojson'");
  });

  it.skipIf(!HAS_GEODATA)('imports the real Shanghai Bund roads, buildings and POIs (with --anywhere)', async () => {
    const roads = await importFile(db, resolve(SH, 'shanghai_bund_roads.geojson'), { anywhere: true });
    const buildings = await importFile(db, resolve(SH, 'shanghai_bund_buildings.geojson'), { anywhere: true });
    const pois = await importFile(db, resolve(SH, 'shanghai_bund_pois.geojson'), { anywhere: true });
    const brief = (r: ImportReport) => ({ read: r.read, imported: r.imported, repaired: r.repaired, rejected: r.rejected, skipped: r.skipped, ms: r.ms });
    console.log(`[${backend}] shanghai roads`, JSON.stringify({ ...brief(roads), heal: roads.heal }));
    console.log(`[${backend}] shanghai buildings`, JSON.stringify({ ...brief(buildings), merged: buildings.layers.buildings!.merged }));
    console.log(`[${backend}] shanghai pois→shops`, JSON.stringify(brief(pois)));

    expect(roads.read).toBe(1778);
    expect(roads.skippedReasons['rail/subway']).toBe(83);
    expect(roads.skippedReasons['kind=ferry']).toBe(16);
    expect(roads.heal!.pieces).toBeGreaterThan(1700);
    expect(roads.heal!.joins).toBeGreaterThan(500);
    expect(roads.heal!.largestComponentShare).toBeGreaterThan(0.9);
    const src = 'shanghai_bund_roads.geojson';
    expect(await n(db, 'SELECT count(*)::int AS n FROM streets WHERE source = $1', [src])).toBe(roads.imported);
    const classes = await db.query<{ class: string; n: number }>('SELECT class, count(*)::int AS n FROM streets WHERE source = $1 GROUP BY class', [src]);
    const byClass = Object.fromEntries(classes.rows.map((r) => [r.class, r.n]));
    for (const c of ['arterial', 'secondary', 'local', 'path', 'lane']) expect(byClass[c]).toBeGreaterThan(0);
    expect(await n(db, "SELECT count(*)::int AS n FROM streets WHERE source = $1 AND name = '中山东一路'", [src])).toBeGreaterThan(0);

    expect(buildings.read).toBe(1981);
    expect(buildings.layers.buildings!.merged).toBeGreaterThan(50); // pieces cut at tile edges, unioned
    expect(buildings.imported).toBeGreaterThan(1200);
    expect(
      await n(db, "SELECT count(*)::int AS n FROM buildings WHERE source = 'shanghai_bund_buildings.geojson' AND ST_IsValid(geom) AND NOT synthetic"),
    ).toBe(buildings.imported);
    expect(await n(db, "SELECT count(*)::int AS n FROM buildings WHERE source = 'shanghai_bund_buildings.geojson' AND height_m > 0")).toBeGreaterThan(500);

    expect(pois.read).toBe(494);
    expect(pois.imported).toBeGreaterThan(100);
    expect(pois.skippedReasons['kind=bus_stop']).toBe(56);
    expect(await n(db, "SELECT count(*)::int AS n FROM shops WHERE id LIKE 'shanghai_bund_pois.geojson:%' AND category = 'restaurant'")).toBeGreaterThanOrEqual(
      38,
    );
  });

  it.skipIf(!HAS_GEODATA)('imports the real Wuhan roads and buildings, and refuses them without --anywhere', async () => {
    const before = await snapshot(db);
    await expectImportError(
      importFile(db, resolve(WH, 'wuhan_guanggu_roads.geojson')),
      /^error: wuhan_guanggu_roads\.geojson: feature \d+ \(id \d+\): \d+ km from the district: is the datum right\?/,
    );
    expect(await snapshot(db)).toBe(before);
    const roads = await importFile(db, resolve(WH, 'wuhan_guanggu_roads.geojson'), { anywhere: true });
    const buildings = await importFile(db, resolve(WH, 'wuhan_guanggu_buildings.geojson'), { anywhere: true });
    console.log(`[${backend}] wuhan roads`, JSON.stringify({ imported: roads.imported, skipped: roads.skipped, heal: roads.heal, ms: roads.ms }));
    console.log(
      `[${backend}] wuhan buildings`,
      JSON.stringify({
        imported: buildings.imported,
        merged: buildings.layers.buildings!.merged,
        skipped: buildings.skipped,
        rejected: buildings.rejected,
        ms: buildings.ms,
      }),
    );
    expect(roads.read).toBe(374);
    expect(roads.heal!.largestComponentShare).toBeGreaterThan(0.8);
    expect(buildings.imported).toBeGreaterThan(200);
  });

  it('a failing import leaves every table unchanged (one transaction)', async () => {
    // An OSM file with a street and a building, imported once; a shop then refers to the building,
    // so re-importing must fail at the buildings step, after its streets were rewritten.
    const osm = `<osm>
      <node id="1" lat="30.510" lon="117.050"/><node id="2" lat="30.511" lon="117.051"/>
      <node id="3" lat="30.5105" lon="117.052"/><node id="4" lat="30.512" lon="117.052"/>
      <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
      <way id="11"><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="2"/><tag k="building" v="yes"/></way>
    </osm>`;
    const file = tmpFile('rollback.osm', osm);
    const first = await importFile(db, file);
    expect(first.layers.streets!.imported).toBe(1);
    expect(first.layers.buildings!.imported).toBe(1);
    await db.query(
      "INSERT INTO shops (id, name, building_id, geom) VALUES ('ref-shop', 'x', 'rollback.osm:w11', ST_SetSRID(ST_MakePoint(117.051, 30.511), 4326))",
    );
    const before = await snapshot(db);
    await expectImportError(importFile(db, file), /^error: rollback\.osm: cannot replace the buildings of an earlier import/);
    expect(await snapshot(db)).toBe(before);
    await db.query("DELETE FROM shops WHERE id = 'ref-shop'");
    // now it can be re-imported, replacing (not duplicating) its rows
    const again = await importFile(db, file);
    expect(again.layers.streets!.replaced).toBe(1);
    expect(await n(db, "SELECT count(*)::int AS n FROM streets WHERE source = 'rollback.osm'")).toBe(1);
  });

  it('refuses bad files without writing: wrong geometry type, swapped order, unknown sub-district', async () => {
    const before = await snapshot(db);
    const pts = tmpFile(
      'points.geojson',
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [117.05, 30.52] } }] }),
    );
    await expectImportError(importFile(db, pts, { layer: 'streets' }), /^error: points\.geojson: feature 0: wrong geometry type Point for layer streets/);
    const swapped = tmpFile('swapped.csv', 'name,lon,lat\nA,30.52,117.05\n');
    await expectImportError(importFile(db, swapped), /^error: swapped\.csv: line 2: .*looks like lat\/lon order is swapped/);
    const ok = tmpFile('ok.csv', 'name,lon,lat\nA,117.05,30.52\n');
    await expectImportError(importFile(db, ok, { subdistrict: '340802999' }), /unknown sub-district 340802999/);
    expect(await snapshot(db)).toBe(before);
  });

  it('dry run reports counts and writes nothing', async () => {
    const before = await snapshot(db);
    const r = await importFile(db, tmpFile('dry.csv', 'name,lon,lat\nA,117.05,30.52\nB,117.06,30.53\n'), { dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.layers.shops!.imported).toBe(2);
    expect(await snapshot(db)).toBe(before);
  });

  it('imports boundaries, then GBK incidents located in them or attached with --subdistrict, and GCJ-02 shops', async () => {
    const b = await importFile(db, tmpFile('yingjiang_boundaries.geojson', JSON.stringify(SUBDISTRICT)));
    expect(b.layers.boundaries!.imported).toBe(2);
    expect(b.rejections.map((p) => p.problem).join()).toMatch(/county-level boundary \(adcode 340802\)/);
    expect(await n(db, "SELECT count(*)::int AS n FROM communities WHERE id = '340802001004' AND subdistrict_id = '340802001'")).toBe(1);

    const csv = iconv.encode(
      '编号,经度,纬度,类型,发生时间\nA1,117.045,30.505,邻里纠纷,2023-05-01 08:30\nA2,117.2,30.6,火灾隐患,2023/5/2\nA3,117.05,30.52,治安,\n',
      'gbk',
    );
    const inc = await importFile(db, tmpFile('incidents.csv', csv), { subdistrict: '340802001' });
    expect(inc.encoding).toBe('gbk');
    expect(inc.layers.incidents).toMatchObject({ read: 3, imported: 2, rejected: 1, located: 1, attached: 1 });
    expect(inc.rejections).toEqual([{ feature: 'line 4', problem: expect.stringMatching(/^no time/) }]);
    const rows = await db.query<{ id: string; type: string; at: string; sd: string }>(
      "SELECT id, type, to_char(occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS at, subdistrict_id AS sd FROM incidents WHERE source = 'incidents.csv' ORDER BY id",
    );
    expect(rows.rows).toEqual([
      { id: 'incidents.csv:A1', type: 'dispute', at: '2023-05-01 08:30', sd: '340802001' },
      { id: 'incidents.csv:A2', type: 'fire_risk', at: '2023-05-02 00:00', sd: '340802001' },
    ]);

    // A shop recorded on a GCJ-02 map (AMap) lands ~580 m away from where it was clicked.
    const shop = await importFile(db, tmpFile('amap_shops.csv', 'name,lng,lat\n包子铺,117.05,30.52\n'), { datum: 'gcj02' });
    expect(shop.imported).toBe(1);
    const d = await db.query<{ dx: number; dy: number; c: string | null }>(
      "SELECT (ST_X(geom) - 117.05) * 111320 * cos(radians(30.52)) AS dx, (ST_Y(geom) - 30.52) * 110900 AS dy, community_id AS c FROM shops WHERE id = 'amap_shops.csv:f0'",
    );
    expect(d.rows[0].dx).toBeLessThan(-450);
    expect(d.rows[0].dx).toBeGreaterThan(-600);
    expect(d.rows[0].dy).toBeGreaterThan(200);
    expect(d.rows[0].dy).toBeLessThan(320);
  });

  it('repairs invalid polygons with ST_MakeValid and counts them', async () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [117.05, 30.5],
          [117.051, 30.501],
          [117.051, 30.5],
          [117.05, 30.501],
          [117.05, 30.5],
        ],
      ],
    };
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [117.06, 30.5],
          [117.061, 30.5],
          [117.061, 30.501],
          [117.06, 30.501],
        ],
      ],
    };
    const file = tmpFile(
      'fix_buildings.geojson',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [bowtie, open].map((geometry, i) => ({ type: 'Feature', id: `b${i}`, properties: { 'building:levels': 6 }, geometry })),
      }),
    );
    const r = await importFile(db, file);
    expect(r.layers.buildings!.repaired).toBe(2);
    expect(r.layers.buildings!.imported).toBe(3); // the bow-tie becomes two triangles
    expect(await n(db, "SELECT count(*)::int AS n FROM buildings WHERE source = 'fix_buildings.geojson' AND ST_IsValid(geom) AND floors = 6")).toBe(3);
  });
});
