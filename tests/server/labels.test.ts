/**
 * GET /api/layers/:layer/labels through HTTP on both backends: one point per named polygon, inside
 * the polygon's largest part (also for a U-shaped water body whose centroid lies outside it), names
 * only, unnamed polygons left out, unknown layers 404, documented in OpenAPI.
 */
import { booleanPointInPolygon, centroid, multiPolygon, polygon } from '@turf/turf';
import type { FastifyInstance } from 'fastify';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import type { Db } from '../../server/db';
import { LABEL_LAYER_IDS } from '../../server/queries/labels';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertFixture } from '../helpers/demo-fixture';

type LabelFC = FeatureCollection<Point, { id: string; name: string; name_en: string | null }> & { layer: string; count: number };

// a U open to the north: its centroid (in the gap between the arms) is outside the polygon
const U: Polygon['coordinates'] = [
  [
    [117.04, 30.52],
    [117.046, 30.52],
    [117.046, 30.526],
    [117.044, 30.526],
    [117.044, 30.522],
    [117.042, 30.522],
    [117.042, 30.526],
    [117.04, 30.526],
    [117.04, 30.52],
  ],
];
// two parts: a small square and a large one; the label belongs to the large one
const SMALL: Polygon['coordinates'] = [
  [
    [117.05, 30.52],
    [117.0505, 30.52],
    [117.0505, 30.5205],
    [117.05, 30.5205],
    [117.05, 30.52],
  ],
];
const LARGE: Polygon['coordinates'] = [
  [
    [117.06, 30.52],
    [117.066, 30.52],
    [117.066, 30.526],
    [117.06, 30.526],
    [117.06, 30.52],
  ],
];

describe.each(BACKENDS)('label points on %s', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });
  const polygons = new Map<string, Feature<Polygon | MultiPolygon>>();

  beforeAll(async () => {
    db = await openTestDb(backend);
    app = await buildApp({ db });
    await insertFixture(db);
    const ins = (id: string, name: string | null, coords: Polygon['coordinates'][]) =>
      db.query(`INSERT INTO water (id, name, kind, synthetic, geom) VALUES ($1, $2, 'lake', true, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))`, [
        id,
        name,
        JSON.stringify({ type: 'MultiPolygon', coordinates: coords }),
      ]);
    await ins('w-u', '月牙湖', [U]);
    await ins('w-two', '双塘', [SMALL, LARGE]);
    await ins('w-noname', null, [
      [
        [
          [117.07, 30.53],
          [117.071, 30.53],
          [117.071, 30.531],
          [117.07, 30.531],
          [117.07, 30.53],
        ],
      ],
    ]);
    for (const url of ['/api/layers/water', '/api/layers/compounds', '/api/communities', '/api/subdistricts']) {
      for (const f of ((await get(url)).json() as FeatureCollection).features) polygons.set(`${url}:${f.id}`, f as Feature<Polygon | MultiPolygon>);
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const polygonsUrl: Record<string, string> = {
    water: '/api/layers/water',
    compounds: '/api/layers/compounds',
    communities: '/api/communities',
    subdistricts: '/api/subdistricts',
  };

  it('gives every named polygon exactly one point inside it, with its id and names only', async () => {
    for (const layer of LABEL_LAYER_IDS) {
      const res = await get(`/api/layers/${layer}/labels`);
      expect(res.statusCode, layer).toBe(200);
      const body = res.json() as LabelFC;
      expect(body).toMatchObject({ type: 'FeatureCollection', layer, count: body.features.length });
      const named = [...polygons.entries()]
        .filter(([k, f]) => k.startsWith(`${polygonsUrl[layer]}:`) && f.properties?.name)
        .map(([, f]) => String(f.id))
        .sort();
      expect(
        body.features.map((f) => f.id),
        layer,
      ).toEqual(named);
      expect(named.length, layer).toBeGreaterThan(0);
      for (const f of body.features) {
        expect(f.geometry.type).toBe('Point');
        expect(Object.keys(f.properties).sort()).toEqual(['id', 'name', 'name_en']);
        const poly = polygons.get(`${polygonsUrl[layer]}:${f.id}`)!;
        expect(f.properties.name).toBe(poly.properties!.name);
        expect(booleanPointInPolygon(f.geometry.coordinates, poly), `${layer} ${f.id}`).toBe(true);
      }
    }
  });

  it('places the point inside a concave polygon whose centroid is outside, and in the largest part', async () => {
    const water = (await get('/api/layers/water/labels')).json() as LabelFC;
    const u = water.features.find((f) => f.id === 'w-u')!;
    expect(booleanPointInPolygon(centroid(polygon(U)), polygon(U))).toBe(false);
    expect(booleanPointInPolygon(u.geometry.coordinates, polygon(U))).toBe(true);
    const two = water.features.find((f) => f.id === 'w-two')!;
    expect(booleanPointInPolygon(two.geometry.coordinates, polygon(LARGE))).toBe(true);
    expect(booleanPointInPolygon(two.geometry.coordinates, multiPolygon([SMALL]))).toBe(false);
    expect(water.features.some((f) => f.id === 'w-noname')).toBe(false);
  });

  it('carries English names where the table has them (sub-districts)', async () => {
    const sd = (await get('/api/layers/subdistricts/labels')).json() as LabelFC;
    const withEn = (await db.query<{ id: string; name_en: string | null }>('SELECT id, name_en FROM subdistricts ORDER BY id')).rows;
    expect(sd.features.map((f) => f.properties.name_en)).toEqual(withEn.map((r) => r.name_en));
    const cm = (await get('/api/layers/communities/labels')).json() as LabelFC;
    expect(cm.features.every((f) => f.properties.name_en === null)).toBe(true);
  });

  it('404s layers without labels and documents the route', async () => {
    for (const bad of ['streets', 'households', 'units']) {
      const res = await get(`/api/layers/${bad}/labels`);
      expect(res.statusCode, bad).toBe(404);
      expect(res.json().message).toContain('water, compounds, communities, subdistricts');
    }
    const doc = (await get('/docs/json')).json();
    const op = doc.paths['/api/layers/{layer}/labels']?.get;
    expect(op?.summary).toMatch(/label point/i);
    expect(op?.responses?.['200']).toBeDefined();
  });
});
