/**
 * Patrol routes API on both backends (lattice town of ./defense-fixture): a closed route through a
 * group's shops along the streets, routes through given stops (hot-spot centroids), GPX / GeoJSON
 * export of saved routes, bad input 4xx.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertLatticeTown, M_PER_DEG_LON, SUB } from './defense-fixture';

const M_PER_DEG_LAT = 111195; // haversine on the mean Earth radius, as the network measures

describe.each(BACKENDS)('patrols API on %s', (backend) => {
  let app: FastifyInstance;
  let group: string;
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertLatticeTown(db);
    app = await buildApp({ db });
    await post('/api/groups/auto', { subdistrict: SUB, wait: true });
    group = (await app.inject({ method: 'GET', url: `/api/groups?subdistrict=${SUB}` })).json().groups[0].id;
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it("builds and saves a closed route along the streets through a group's shops; exports GPX and GeoJSON", async () => {
    const r = await post('/api/patrols/route', { group, save: true });
    expect(r.statusCode).toBe(200);
    const f = r.json();
    expect(f.geometry.type).toBe('LineString');
    const c = f.geometry.coordinates as number[][];
    expect(c[0]).toEqual(c[c.length - 1]);
    expect(f.properties).toMatchObject({ closed: true, group });
    expect(f.properties.order).toHaveLength(10);
    expect(f.properties.duration_s).toBeCloseTo(f.properties.length_m / 1.2, -1);
    // every vertex lies on a lattice street (one coordinate on the 0.001° grid)
    const onGrid = (v: number, o: number) => Math.abs((v - o) / 0.001 - Math.round((v - o) / 0.001)) < 1e-4;
    for (const [x, y] of c) expect(onGrid(x, 117.05) || onGrid(y, 30.52)).toBe(true);
    const id = f.id;
    expect(id).toBeGreaterThan(0);
    const gpx = await app.inject({ method: 'GET', url: `/api/patrols/routes/${id}/gpx` });
    expect(gpx.statusCode).toBe(200);
    expect(gpx.headers['content-type']).toMatch(/gpx/);
    expect(gpx.headers['content-disposition']).toMatch(/attachment/);
    expect(gpx.body).toMatch(/^<\?xml/);
    expect((gpx.body.match(/<trkpt /g) ?? []).length).toBe(c.length);
    const gj = await app.inject({ method: 'GET', url: `/api/patrols/routes/${id}/geojson` });
    expect(gj.json().features[0].geometry.coordinates).toEqual(c);
    const listed = (await app.inject({ method: 'GET', url: `/api/patrols/routes?group=${group}` })).json();
    expect(listed.features.map((x: { id: number }) => x.id)).toEqual([id]);
  });

  it('routes through given stops (known answer: two stops on one street, out and back)', async () => {
    const stops = [
      { id: 'a', lon: 117.051, lat: 30.52 },
      { id: 'b', lon: 117.054, lat: 30.52 },
    ];
    const r = await post('/api/patrols/route', { stops, closed: true });
    expect(r.statusCode).toBe(200);
    expect(r.json().properties.length_m).toBeCloseTo(2 * 0.003 * M_PER_DEG_LON, -1);
    const open = await post('/api/patrols/route', { stops: [...stops, { id: 'c', lon: 117.054, lat: 30.523 }], closed: false });
    expect(open.json().properties.length_m).toBeCloseTo(0.003 * M_PER_DEG_LON + 0.003 * M_PER_DEG_LAT, -1);
    const gpx = await app.inject({ method: 'POST', url: '/api/patrols/route?format=gpx', payload: { stops } });
    expect(gpx.body).toMatch(/<gpx version="1.1"/);
  });

  it('refuses bad input with 4xx and a plain message', async () => {
    expect((await post('/api/patrols/route', {})).statusCode).toBe(422);
    expect((await post('/api/patrols/route', { stops: [{ lon: 0, lat: 0 }] })).json().message).toMatch(/不在本区/);
    expect((await post('/api/patrols/route', { stops: [{ lon: 200, lat: 0 }] })).statusCode).toBe(400);
    expect((await post('/api/patrols/route', { group: 'nope' })).statusCode).toBe(404);
    expect((await post('/api/patrols/route', { stops: Array.from({ length: 61 }, (_, i) => ({ lon: 117.051 + i * 1e-5, lat: 30.521 })) })).statusCode).toBe(422);
    expect((await app.inject({ method: 'GET', url: '/api/patrols/routes/9999/gpx' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/patrols/routes/9999' })).statusCode).toBe(404);
  });
});
