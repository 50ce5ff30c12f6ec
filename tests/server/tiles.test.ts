import { VectorTile } from '@mapbox/vector-tile';
import type { FastifyInstance } from 'fastify';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import type { Db } from '../../server/db';
import { dropCollapsed } from '../../server/tiles/geojsonvt';
import { createGeojsonVtTileSource, createPostgisTileSource, invalidateTiles, tileSourceFor, TILE_SOURCE_LAYERS } from '../../server/tiles';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertFixture } from '../helpers/demo-fixture';

/** Slippy-map tile of a WGS84 point. */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}

/** Every tile at zoom z covering the fixture (117.04-117.08 E, 30.51-30.53 N). */
function fixtureTiles(z: number): Array<[number, number, number]> {
  const [x0, y0] = tileOf(117.038, 30.532, z);
  const [x1, y1] = tileOf(117.082, 30.508, z);
  const out: Array<[number, number, number]> = [];
  for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push([z, x, y]);
  return out;
}

interface Decoded {
  type: number;
  props: Record<string, unknown>;
  bbox: [number, number, number, number];
  area: number;
}

/** Decodes a tile: per source-layer, features by their id property. */
function decode(bytes: Uint8Array): Map<string, Map<string, Decoded>> {
  const out = new Map<string, Map<string, Decoded>>();
  if (bytes.byteLength === 0) return out;
  const vt = new VectorTile(new PbfReader(bytes));
  for (const [name, layer] of Object.entries(vt.layers)) {
    expect(layer.extent).toBe(4096);
    const feats = new Map<string, Decoded>();
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const rings = f.loadGeometry();
      const xs = rings.flat().map((p) => p.x);
      const ys = rings.flat().map((p) => p.y);
      let area = 0;
      if (f.type === 3) {
        for (const ring of rings) for (let k = 0; k < ring.length - 1; k++) area += ring[k].x * ring[k + 1].y - ring[k + 1].x * ring[k].y;
        area = Math.abs(area / 2);
      }
      const id = String(f.properties.id);
      expect(feats.has(id), `${name}/${id} appears once`).toBe(false);
      feats.set(id, { type: f.type, props: { ...f.properties }, bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], area });
    }
    if (feats.size > 0) out.set(name, feats);
  }
  return out;
}

/** The two tiles hold the same features per layer, same properties, geometry within a tolerance (tile units). */
function expectSameFeatures(a: Uint8Array, b: Uint8Array, where: string) {
  const A = decode(a);
  const B = decode(b);
  expect([...A.keys()].sort(), `${where} layers`).toEqual([...B.keys()].sort());
  for (const [layer, fa] of A) {
    const fb = B.get(layer)!;
    expect([...fa.keys()].sort(), `${where} ${layer} ids`).toEqual([...fb.keys()].sort());
    for (const [id, x] of fa) {
      const y = fb.get(id)!;
      const at = `${where} ${layer}/${id}`;
      expect(y.type, at).toBe(x.type);
      expect(Object.keys(y.props).sort(), at).toEqual(Object.keys(x.props).sort());
      for (const k of Object.keys(x.props)) {
        if (typeof x.props[k] === 'number') expect(y.props[k] as number, `${at}.${k}`).toBeCloseTo(x.props[k] as number, 4);
        else expect(y.props[k], `${at}.${k}`).toEqual(x.props[k]);
      }
      for (let k = 0; k < 4; k++) expect(Math.abs(x.bbox[k] - y.bbox[k]), `${at} bbox ${x.bbox} vs ${y.bbox}`).toBeLessThanOrEqual(6);
      if (x.type === 3) expect(Math.abs(x.area - y.area), `${at} area ${x.area} vs ${y.area}`).toBeLessThanOrEqual(Math.max(60, 0.04 * x.area));
    }
  }
}

describe('dropCollapsed (geojson-vt output matched to ST_AsMVTGeom)', () => {
  it('drops line parts collapsed to a point and zero-area rings, keeps the rest', () => {
    const line = {
      type: 2 as const,
      tags: { id: 'l' },
      geometry: [
        [
          [5, 5],
          [5, 5],
        ],
        [
          [0, 0],
          [3, 4],
        ],
      ] as [number, number][][],
    };
    const dot = {
      type: 2 as const,
      tags: { id: 'd' },
      geometry: [
        [
          [7, 7],
          [7, 7],
          [7, 7],
        ],
      ] as [number, number][][],
    };
    const flat = {
      type: 3 as const,
      tags: { id: 'f' },
      geometry: [
        [
          [0, 0],
          [4, 0],
          [8, 0],
          [0, 0],
        ],
      ] as [number, number][][],
    };
    const square = {
      type: 3 as const,
      tags: { id: 's' },
      geometry: [
        [
          [0, 0],
          [4, 0],
          [4, 4],
          [0, 4],
          [0, 0],
        ],
      ] as [number, number][][],
    };
    const point = { type: 1 as const, tags: { id: 'p' }, geometry: [[1, 1]] as [number, number][] };
    const out = dropCollapsed([line, dot, flat, square, point]);
    expect(out.map((f) => f.tags!.id)).toEqual(['l', 's', 'p']);
    expect(out[0].geometry).toEqual([
      [
        [0, 0],
        [3, 4],
      ],
    ]);
    expect(out[1]).toBe(square);
    expect(line.geometry).toHaveLength(2); // input untouched
  });
});

describe.skipIf(!BACKENDS.includes('postgres'))('PostGIS ST_AsMVT and geojson-vt tiles agree', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb('postgres');
    await insertFixture(db);
  });
  afterAll(async () => db?.close());

  it('gives the same features, properties and geometry for every fixture tile at z10-z16', async () => {
    const pg = createPostgisTileSource(db);
    const vt = createGeojsonVtTileSource(db);
    let nonEmpty = 0;
    const layersSeen = new Set<string>();
    for (const z of [8, 10, 11, 12, 13, 14, 15, 16]) {
      for (const [tz, x, y] of fixtureTiles(z)) {
        const a = await pg.tile(tz, x, y);
        const b = await vt.tile(tz, x, y);
        expectSameFeatures(a, b, `${tz}/${x}/${y}`);
        if (a.byteLength > 0) nonEmpty++;
        for (const l of decode(a).keys()) layersSeen.add(l);
      }
    }
    expect(nonEmpty).toBeGreaterThan(20);
    expect([...layersSeen].sort()).toEqual([...TILE_SOURCE_LAYERS].sort());
  });
});

describe.each(BACKENDS)('GET /tiles on %s', (backend) => {
  let app: FastifyInstance;
  let db: Db;
  const [bx, by] = tileOf(117.0445, 30.5135, 15); // the building grid
  const tileUrl = (z: number, x: number, y: number) => `/tiles/${z}/${x}/${y}.pbf`;
  beforeAll(async () => {
    db = await openTestDb(backend);
    await insertFixture(db);
    app = await buildApp({ db });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it(`uses ${backend === 'postgres' ? 'ST_AsMVT' : 'geojson-vt'}`, () => {
    expect(tileSourceFor(db).kind).toBe(backend === 'postgres' ? 'postgis' : 'geojson-vt');
  });

  it('serves an MVT with ETag and Cache-Control, and 304 on If-None-Match', async () => {
    const res = await app.inject({ url: tileUrl(15, bx, by) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const tile = decode(res.rawPayload);
    expect(tile.get('buildings')!.size).toBeGreaterThanOrEqual(6);
    expect(tile.get('buildings')!.get('bld-11')!.props).toEqual({
      id: 'bld-11',
      use: 'residential',
      floors: 4,
      households: 20,
      height_m: 12.3,
      compound_id: 'c-1',
    });
    expect(tile.get('subdistricts')!.get('340802001')!.props).toMatchObject({ name: '人民路街道', code: '001', households: 1200 });
    const again = await app.inject({ url: tileUrl(15, bx, by), headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('shows layers and street classes by zoom', async () => {
    // Union of the fixture's tiles at zoom z.
    const at = async (z: number) => {
      const merged = new Map<string, Map<string, Decoded>>();
      for (const [, x, y] of fixtureTiles(z)) {
        const res = await app.inject({ url: tileUrl(z, x, y) });
        expect([200, 204]).toContain(res.statusCode);
        for (const [layer, feats] of decode(res.rawPayload)) {
          if (!merged.has(layer)) merged.set(layer, new Map());
          for (const [id, f] of feats) merged.get(layer)!.set(id, f);
        }
      }
      return merged;
    };
    const classes = (t: Map<string, Map<string, Decoded>>) => [...(t.get('streets')?.values() ?? [])].map((f) => f.props.class).sort();
    const z9 = await at(9);
    expect([...z9.keys()].sort()).toEqual(['communities', 'subdistricts', 'water']);
    expect(classes(await at(10))).toEqual(['arterial']);
    const z12 = await at(12);
    expect(classes(z12)).toEqual(['arterial', 'rail', 'secondary']);
    expect(z12.has('blocks') || z12.has('buildings') || z12.has('shops')).toBe(false);
    const z13 = await at(13);
    expect(classes(z13)).toEqual(['arterial', 'local', 'rail', 'secondary']);
    expect(z13.has('blocks') && z13.has('compounds')).toBe(true);
    expect(z13.has('buildings') || z13.has('shops')).toBe(false);
    const z14 = await at(14);
    expect(classes(z14)).toEqual(['arterial', 'lane', 'local', 'path', 'rail', 'secondary']);
    expect(z14.get('buildings')!.size).toBe(30);
    expect(z14.has('shops')).toBe(true);
  });

  it('answers 204 for an empty tile and 400 for impossible coordinates', async () => {
    const [ex, ey] = tileOf(116.5, 31.5, 14);
    const empty = await app.inject({ url: tileUrl(14, ex, ey) });
    expect(empty.statusCode).toBe(204);
    expect(empty.rawPayload.byteLength).toBe(0);
    for (const url of ['/tiles/3/8/0.pbf', '/tiles/17/0/0.pbf', '/tiles/a/0/0.pbf', '/tiles/2/-1/0.pbf']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().message, url).toBeTruthy();
    }
  });

  it('reflects writes after invalidateTiles()', async () => {
    const [x, y] = tileOf(117.0455, 30.5165, 16);
    const shops = async () => [
      ...(decode((await app.inject({ url: tileUrl(16, x, y) })).rawPayload)
        .get('shops')
        ?.keys() ?? []),
    ];
    expect(await shops()).not.toContain('shop-new');
    await db.query(`INSERT INTO shops (id, name, geom) VALUES ('shop-new', '新店', ST_SetSRID(ST_Point(117.0455, 30.5165), 4326))`);
    invalidateTiles(db);
    expect(await shops()).toContain('shop-new');
    await db.query(`DELETE FROM shops WHERE id = 'shop-new'`);
    invalidateTiles();
    expect(await shops()).not.toContain('shop-new');
  });
});
