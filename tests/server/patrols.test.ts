/**
 * Patrol routes API on both backends (lattice town of ./defense-fixture): a closed route through a
 * group's shops along the streets, routes through given stops (hot-spot centroids), GPX / GeoJSON
 * export of saved routes, bad input 4xx; a route drawn by clicking stops (kept in their order,
 * snapped to the streets) saved and edited against the group's version (stale → 409), and refused
 * to a coordinator of another sub-district.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { createUser } from '../../server/auth/users';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, TEST_COST } from '../helpers/auth';
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
    expect((await post('/api/patrols/route', { stops: Array.from({ length: 61 }, (_, i) => ({ lon: 117.051 + i * 1e-5, lat: 30.521 })) })).statusCode).toBe(
      422,
    );
    expect((await app.inject({ method: 'GET', url: '/api/patrols/routes/9999/gpx' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/patrols/routes/9999' })).statusCode).toBe(404);
  });

  it('saves a route drawn by clicking stops in their order, snapped to the streets; edits it with the group version', async () => {
    const groups = (await app.inject({ method: 'GET', url: `/api/groups?subdistrict=${SUB}` })).json().groups as Array<{ id: string; version: number }>;
    const g = groups.find((x) => x.id === group)!;
    // clicks a few metres off the streets, in the order C, A, B (not the shortest tour)
    const C = { lon: 117.05303, lat: 30.5225 },
      A = { lon: 117.0515, lat: 30.52005 },
      B = { lon: 117.0535, lat: 30.51997 };
    const r = await post('/api/patrols/routes', { group, version: g.version, closed: false, stops: [C, A, B] });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.version).toBe(g.version + 1);
    const f = body.route;
    expect(f.properties.order).toEqual(['P1', 'P2', 'P3']);
    const stops = f.properties.stops as Array<{ lon: number; lat: number }>;
    expect(stops[0]!.lon).toBeCloseTo(117.053, 6);
    expect(stops[1]!.lat).toBeCloseTo(30.52, 6);
    expect(stops[2]!.lat).toBeCloseTo(30.52, 6);
    // C → A: down 0.0025° and west 0.0015°; A → B: east 0.002° (kept order, not the shorter A, B, C)
    expect(f.properties.length_m).toBeCloseTo(0.0035 * M_PER_DEG_LON + 0.0025 * M_PER_DEG_LAT, -1);
    const saved = (await app.inject({ method: 'GET', url: `/api/patrols/routes/${body.id}` })).json();
    expect(saved.properties.stops).toHaveLength(3);

    // a stale edit (the version before the save) is refused with a plain message, nothing changes
    const stale = await app.inject({ method: 'PUT', url: `/api/patrols/routes/${body.id}`, payload: { version: g.version, stops: [A, B] } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toMatch(/已被他人修改.*请刷新/);
    expect((await app.inject({ method: 'GET', url: `/api/patrols/routes/${body.id}` })).json().properties.stops).toHaveLength(3);
    // remove C and reorder: B, A
    const edit = await app.inject({ method: 'PUT', url: `/api/patrols/routes/${body.id}`, payload: { version: body.version, stops: [B, A], closed: false } });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().version).toBe(body.version + 1);
    const after = (await app.inject({ method: 'GET', url: `/api/patrols/routes/${body.id}` })).json();
    expect(after.properties.stops).toHaveLength(2);
    expect(after.properties.stops[0].lon).toBeCloseTo(117.0535, 6);
    expect(after.properties.length_m).toBeCloseTo(0.002 * M_PER_DEG_LON, -1);
    // a click far from every street, and a one-stop route, are refused with a plain message
    const far = await app.inject({
      method: 'PUT',
      url: `/api/patrols/routes/${body.id}`,
      payload: { version: body.version + 1, stops: [A, { lon: 117.2, lat: 30.7 }] },
    });
    expect(far.statusCode).toBe(422);
    expect(far.json().message).toMatch(/第 2 个巡逻点.*超过 200 米/);
    expect((await post('/api/patrols/routes', { group, version: body.version + 1, stops: [A] })).statusCode).toBe(400);
  });

  it("a coordinator of another sub-district cannot draw or edit this group's routes", async () => {
    const db = app.db;
    const other = await createUser(
      db,
      { username: `coord_other_${backend}`, password: 'coord-other-pass-9', role: 'coordinator', subdistricts: ['340802002'], grids: [] },
      TEST_COST,
    );
    const own = await createUser(
      db,
      { username: `coord_own_${backend}`, password: 'coord-own-pass-9', role: 'coordinator', subdistricts: [SUB], grids: [] },
      TEST_COST,
    );
    const guarded = await buildApp({ db, auth: { enforce: true } });
    try {
      const g = (await app.inject({ method: 'GET', url: `/api/groups?subdistrict=${SUB}` })).json().groups.find((x: { id: string }) => x.id === group);
      const stops = [
        { lon: 117.0515, lat: 30.52 },
        { lon: 117.0535, lat: 30.52 },
      ];
      const as = async (userId: number, payload: unknown) =>
        guarded.inject({ method: 'POST', url: '/api/patrols/routes', headers: (await sessionFor(db, userId)).headers, payload: payload as object });
      const refused = await as(other.id, { group, version: g.version, stops });
      expect(refused.statusCode).toBe(403);
      const read = await guarded.inject({ method: 'GET', url: `/api/groups/${group}`, headers: (await sessionFor(db, other.id)).headers });
      expect(read.statusCode).toBe(403);
      expect((await as(own.id, { group, version: g.version, stops })).statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
