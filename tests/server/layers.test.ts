import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { booleanIntersects, bboxPolygon } from '@turf/turf';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { Feature, FeatureCollection } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import type { Db } from '../../server/db';
import { ATTRIBUTION, FALLBACK_BBOX, MAX_LAYER_LIMIT } from '../../server/plugins/layers';
import { LAYERS, LAYER_IDS } from '../../server/queries/layers';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertFixture, type FixtureSummary } from '../helpers/demo-fixture';

type LayerFC = FeatureCollection & { layer: string; count: number; limit: number; truncated: boolean };

describe.each(BACKENDS)('layer API on %s', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let fixture: FixtureSummary;
  let emptyMeta: Record<string, unknown>;
  const all = new Map<string, LayerFC>();
  const get = async (url: string) => app.inject({ method: 'GET', url });

  beforeAll(async () => {
    db = await openTestDb(backend);
    app = await buildApp({ db });
    app.get('/api/__boom', async () => {
      throw new Error('secret detail of a broken query');
    });
    emptyMeta = (await get('/api/meta')).json();
    fixture = await insertFixture(db);
    for (const id of LAYER_IDS) all.set(id, (await get(`/api/layers/${id}`)).json());
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('meta: district from the data (none while empty), extent of the data (China while empty), tiles, attribution', async () => {
    expect(emptyMeta).toMatchObject({ bbox: FALLBACK_BBOX, empty: true, district: null, attribution: '' });
    const res = await get('/api/meta');
    expect(res.statusCode).toBe(200);
    const m = res.json();
    // the fixture's synthetic sub-districts were inserted without a district name: the adcode only
    expect(m.district).toEqual({ adcode: '340802', name: null, synthetic: true });
    expect(m.bbox).toEqual([117.04, 30.51, 117.08, 30.53]);
    expect(m.center).toEqual([117.06, 30.52]);
    expect(m.empty).toBe(false);
    expect(m.attribution).toBe('合成演示数据 synthetic demo data · 行政区划轮廓 DataV (仅演示)');
    expect(m.attribution).toBe(ATTRIBUTION);
    expect(m.layers.map((l: { id: string }) => l.id)).toEqual([...LAYER_IDS]);
    expect(m.tiles).toMatchObject({ url: '/tiles/{z}/{x}/{y}.pbf', maxzoom: 16 });
    expect(m.tiles.sourceLayers.map((l: { name: string }) => l.name)).toEqual([
      'subdistricts',
      'communities',
      'water',
      'blocks',
      'compounds',
      'buildings',
      'streets',
      'shops',
    ]);
  });

  it('serves sub-districts and communities with ids, names, households and codes', async () => {
    const sd = (await get('/api/subdistricts')).json() as FeatureCollection;
    expect(sd.type).toBe('FeatureCollection');
    expect(sd.features.map((f) => f.properties)).toEqual([
      expect.objectContaining({ id: '340802001', code: '001', name: '人民路街道', kind: 'street', households: 1200, synthetic: true }),
      expect.objectContaining({ id: '340802002', code: '002', name: '新河路街道', kind: 'street', households: 800, synthetic: true }),
    ]);
    expect(sd.features[0].geometry.type).toBe('MultiPolygon');
    const cm = (await get('/api/communities')).json() as FeatureCollection;
    expect(cm.features).toHaveLength(fixture.communities);
    expect(cm.features[2].properties).toMatchObject({
      id: '340802002001',
      subdistrict_id: '340802002',
      name: '河社区',
      households: 800,
      code: '001',
      kind: 'community',
    });
  });

  it('serves every layer whole, with exactly its non-personal columns as properties', () => {
    const expected: Record<string, number> = {
      streets: fixture.streets,
      water: fixture.water,
      blocks: fixture.blocks,
      compounds: fixture.compounds,
      buildings: fixture.buildings,
      units: fixture.units,
      shops: fixture.shops,
      incidents: fixture.incidents,
    };
    for (const id of LAYER_IDS) {
      const body = all.get(id)!;
      expect(body, id).toMatchObject({ type: 'FeatureCollection', layer: id, count: expected[id], truncated: false, limit: MAX_LAYER_LIMIT });
      expect(body.features).toHaveLength(expected[id]);
      for (const f of body.features) {
        expect(Object.keys(f.properties!).sort(), id).toEqual(LAYERS[id].columns.map((c) => c.name).sort());
        expect(f.id).toBe(f.properties!.id);
      }
    }
    const bld = all.get('buildings')!.features.find((f) => f.id === 'bld-01')!;
    expect(bld.properties).toMatchObject({ use: 'residential', floors: 3, households: 20, height_m: 9.3, compound_id: 'c-1' });
    expect(all.get('buildings')!.features.find((f) => f.id === 'bld-00')!.properties!.height_m).toBeNull();
    expect(all.get('incidents')!.features[0].properties).toMatchObject({ id: 'inc-00', type: 'public_order', occurred_at: '2023-03-01T02:30:00Z' });
  });

  it('never sends household personal data or shop phone numbers', async () => {
    const bodies = [...all.values()].map((b) => JSON.stringify(b));
    bodies.push((await get('/api/subdistricts')).body, (await get('/api/communities')).body, (await get('/api/meta')).body);
    for (const body of bodies) for (const secret of [...fixture.secrets, '1380000']) expect(body).not.toContain(secret);
    expect((await get('/api/layers/households')).statusCode).toBe(404);
    expect(all.get('shops')!.features[0].properties).not.toHaveProperty('phone');
  });

  it('returns exactly the features intersecting a bbox (property, against turf)', async () => {
    const coord = (lo: number, hi: number) => fc.integer({ min: Math.round(lo * 1e4), max: Math.round(hi * 1e4) }).map((v) => v / 1e4);
    const box = fc
      .tuple(coord(117.035, 117.085), coord(30.505, 30.535), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 200 }))
      .map(([x, y, w, h]) => [x, y, Math.round((x + w / 1e4) * 1e4) / 1e4, Math.round((y + h / 1e4) * 1e4) / 1e4] as [number, number, number, number]);
    await fc.assert(
      fc.asyncProperty(box, fc.constantFrom('streets', 'buildings', 'shops', 'incidents', 'blocks'), async (bbox, layer) => {
        const res = await get(`/api/layers/${layer}?bbox=${bbox.join(',')}`);
        expect(res.statusCode).toBe(200);
        const got = (res.json() as LayerFC).features.map((f) => f.id).sort();
        const poly = bboxPolygon(bbox);
        const want = all
          .get(layer)!
          .features.filter((f) => booleanIntersects(f as Feature, poly))
          .map((f) => f.id)
          .sort();
        expect(got).toEqual(want);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('caps limit, flags truncation and orders by id', async () => {
    const five = (await get('/api/layers/shops?limit=5')).json() as LayerFC;
    expect(five).toMatchObject({ count: 5, limit: 5, truncated: true });
    expect(five.features.map((f) => f.id)).toEqual(['shop-00', 'shop-01', 'shop-02', 'shop-03', 'shop-04']);
    const exact = (await get(`/api/layers/shops?limit=${fixture.shops}`)).json() as LayerFC;
    expect(exact).toMatchObject({ count: fixture.shops, truncated: false });
    const huge = (await get('/api/layers/shops?limit=10000000')).json() as LayerFC;
    expect(huge).toMatchObject({ count: fixture.shops, limit: MAX_LAYER_LIMIT, truncated: false });
  });

  it('filters incidents by time window (dates in China Standard Time) and type', async () => {
    const inc = all.get('incidents')!.features;
    const ids = async (qs: string) => ((await get(`/api/layers/incidents?${qs}`)).json() as LayerFC).features.map((f) => f.id);
    const when = (f: Feature) => Date.parse(String(f.properties!.occurred_at));
    const april = inc.filter((f) => when(f) >= Date.parse('2023-03-31T16:00:00Z') && when(f) < Date.parse('2023-04-30T16:00:00Z'));
    expect(april.length).toBeGreaterThan(0);
    expect(await ids('from=2023-04-01&to=2023-04-30')).toEqual(april.map((f) => f.id));
    const t = Date.parse('2023-03-10T02:30:00Z');
    expect(await ids('to=2023-03-10T02:30:00Z')).toEqual(inc.filter((f) => when(f) < t).map((f) => f.id));
    expect(await ids('from=2023-03-10T10:30:00')).toEqual(inc.filter((f) => when(f) >= t).map((f) => f.id));
    expect(await ids('type=dispute,fire_risk')).toEqual(inc.filter((f) => ['dispute', 'fire_risk'].includes(String(f.properties!.type))).map((f) => f.id));
    expect(await ids('type=dispute&from=2023-04-01&bbox=117.04,30.51,117.08,30.53')).toEqual(
      april.filter((f) => f.properties!.type === 'dispute').map((f) => f.id),
    );
  });

  it('answers bad input with 400/404 and a plain message, never a 5xx', async () => {
    const cases: Array<[string, number, RegExp]> = [
      ['/api/layers/roads', 404, /unknown layer 'roads'/],
      ['/api/layers/streets?bbox=1,2,3', 400, /bbox must be minLon,minLat,maxLon,maxLat/],
      ['/api/layers/streets?bbox=a,b,c,d', 400, /bbox must be/],
      ['/api/layers/streets?bbox=117.1,30.5,117.0,30.6', 400, /minLon <= maxLon/],
      ['/api/layers/streets?bbox=117,95,118,96', 400, /latitudes within -90..90/],
      ['/api/layers/streets?bbox=', 400, /bbox must be/],
      ['/api/layers/streets?limit=0', 400, /limit must be >= 1/],
      ['/api/layers/streets?limit=abc', 400, /limit must be integer/],
      ['/api/layers/streets?colour=red', 400, /additional properties/],
      ['/api/layers/streets?from=2023-01-01', 400, /incidents layer only/],
      ['/api/layers/incidents?from=2023-02-30', 400, /from must be an ISO 8601 date/],
      ['/api/layers/incidents?to=yesterday', 400, /to must be an ISO 8601 date/],
      ['/api/layers/incidents?from=2023-05-01&to=2023-04-01', 400, /from must not be after to/],
      ['/api/layers/incidents?type=,', 400, /type must name/],
      ['/api/no-such-thing', 404, /no route GET \/api\/no-such-thing/],
    ];
    for (const [url, status, message] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.json(), url).toMatchObject({ statusCode: status, message: expect.stringMatching(message) });
    }
    const boom = await get('/api/__boom');
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal server error' });
    expect(boom.body).not.toMatch(/secret detail|at .*\.ts/);
    const badJson = await app.inject({ method: 'POST', url: '/api/__boom', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('documents every route with its query string and response in the OpenAPI document', async () => {
    const doc = (await get('/docs/json')).json();
    for (const p of ['/api/meta', '/api/subdistricts', '/api/communities']) expect(doc.paths[p]?.get?.responses?.['200'], p).toBeDefined();
    const layer = doc.paths['/api/layers/{layer}'].get;
    expect(layer.parameters.map((x: { name: string }) => x.name).sort()).toEqual(['bbox', 'from', 'layer', 'limit', 'to', 'type']);
    expect(Object.keys(layer.responses).sort()).toEqual(['200', '400', '404']);
    const tilePath = Object.keys(doc.paths).find((p) => p.startsWith('/tiles/'));
    expect(tilePath).toBeDefined();
    expect(Object.keys(doc.paths[tilePath!].get.responses)).toEqual(expect.arrayContaining(['200', '204', '400']));
  });

  it('serves a built client with SPA fallback, keeping /api 404s as JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wangge-client-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>网格</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    const web = await buildApp({ db, clientDir: dir });
    try {
      const root = await web.inject({ url: '/' });
      expect(root.statusCode).toBe(200);
      expect(root.body).toContain('<title>网格</title>');
      expect((await web.inject({ url: '/app.js' })).body).toBe('console.log(1)');
      const deep = await web.inject({ url: '/plans/3?x=1' });
      expect(deep.statusCode).toBe(200);
      expect(deep.headers['content-type']).toMatch(/text\/html/);
      expect((await web.inject({ url: '/missing.js' })).statusCode).toBe(404);
      const api = await web.inject({ url: '/api/nope' });
      expect(api.statusCode).toBe(404);
      expect(api.json()).toMatchObject({ statusCode: 404 });
      expect((await web.inject({ url: '/api/meta' })).statusCode).toBe(200);
    } finally {
      await web.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
