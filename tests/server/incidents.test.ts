import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { fromWgs84 } from '../../server/import/datum';
import { INCIDENT_UPLOAD_MAX_BYTES } from '../../server/plugins/incidents';
import { createPlan, publishPlan } from '../../server/plans/store';
import type { Db } from '../../server/db';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertMiniDistrict } from '../helpers/mini-district';

/**
 * Mini district (3 x 2 units of 100 m, u1..u6 west→east, north→south, top-left corner 117.05 E,
 * 30.52 N). Plan 1 (draft): A = u1 u2 u4 u5, B = u3 u6. Plan 2: every unit in its own grid.
 */
const A = '340802901001001';
const B = '340802901001002';
const dx = 100 / (111320 * Math.cos((30.52 * Math.PI) / 180));
const dy = 100 / 110574;
/** Centre of unit (col, row). */
const centre = (col: number, row: number): [number, number] => [117.05 + (col + 0.5) * dx, 30.52 - (row + 0.5) * dy];

async function gridOf(db: Db, id: string): Promise<string | null> {
  const r = await db.query<{ g: string | null }>('SELECT grid_code AS g FROM incidents WHERE id = $1', [id]);
  return r.rows[0]?.g ?? null;
}

describe.each(BACKENDS)('incidents API on %s', (backend) => {
  let app: FastifyInstance;
  let db: Db;
  let plan2: number;
  beforeAll(async () => {
    db = await openTestDb(backend);
    await insertMiniDistrict(db);
    await createPlan(db, { name: 'p1', author: 't', subdistricts: ['340802901'], assignment: { u1: A, u2: A, u4: A, u5: A, u3: B, u6: B } });
    const ins = (id: string, p: [number, number], t: string, type = 'dispute') =>
      db.query(`INSERT INTO incidents (id, type, occurred_at, geom) VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326))`, [id, type, t, p[0], p[1]]);
    await ins('i-a', centre(0, 0), '2025-03-01T10:00:00+08:00', 'public_order');
    await ins('i-b', centre(2, 1), '2025-03-02T22:30:00+08:00', 'fire_risk');
    await ins('i-out', [117.07, 30.53], '2025-03-03T08:00:00+08:00');
    app = await buildApp({ db });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('assigns grid codes at start-up from the newest plan when none is published', async () => {
    expect(await gridOf(db, 'i-a')).toBe(A);
    expect(await gridOf(db, 'i-b')).toBe(B);
    expect(await gridOf(db, 'i-out')).toBeNull();
  });

  it('serves all incidents as columns', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/incidents/columns' });
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c.n).toBe(3);
    expect(c.lon).toHaveLength(3);
    // ordered by time: i-a, i-b, i-out
    expect(c.lon[0]).toBeCloseTo(centre(0, 0)[0], 6);
    expect(c.lat[1]).toBeCloseTo(centre(2, 1)[1], 6);
    expect(c.t[0]).toBe(Date.parse('2025-03-01T10:00:00+08:00') / 1000);
    expect(c.types[c.type[0]]).toBe('public_order');
    expect(c.types[c.type[1]]).toBe('fire_risk');
    expect(c.grids[c.grid[0]]).toBe(A);
    expect(c.grids[c.grid[1]]).toBe(B);
    expect(c.grid[2]).toBe(-1);
    expect(c.tMin).toBe(c.t[0]);
    expect(c.tMax).toBe(c.t[2]);
  });

  it('reassigns every incident when a plan is published', async () => {
    const assignment: Record<string, string> = {};
    ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].forEach((u, i) => (assignment[u] = `340802901001${String(i + 1).padStart(3, '0')}`));
    plan2 = await createPlan(db, { name: 'p2', author: 't', subdistricts: ['340802901'], assignment });
    await publishPlan(db, plan2, 1);
    app.readCache.clear(); // published outside HTTP (as a CLI would): without this the change shows within the read cache's ttl
    expect(await gridOf(db, 'i-a')).toBe('340802901001001');
    expect(await gridOf(db, 'i-b')).toBe('340802901001006');
    const c = (await app.inject({ method: 'GET', url: '/api/incidents/columns' })).json();
    expect(c.grids[c.grid[1]]).toBe('340802901001006');
  });

  it('imports a GCJ-02 CSV over HTTP: converts, rejects bad rows with reasons, assigns grids', async () => {
    const [gx, gy] = fromWgs84(centre(1, 0), 'gcj02');
    const csv = [
      'id,lon,lat,type,time',
      `c1,${gx.toFixed(7)},${gy.toFixed(7)},纠纷,2025-04-01 09:15`,
      `c2,${gx.toFixed(7)},${gy.toFixed(7)},dispute,not a time`,
      `c3,${gx.toFixed(7)},${gy.toFixed(7)},fire_risk,`,
      `c4,${gx.toFixed(7)},${gy.toFixed(7)},fire_risk,2025-04-02T20:00:00+08:00`,
    ].join('\n');
    const res = await app.inject({
      method: 'POST',
      url: '/api/incidents/import?datum=gcj02&name=events.csv',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode).toBe(200);
    const rep = res.json();
    expect(rep).toMatchObject({ datum: 'gcj02', imported: 2, rejected: 2, gridsAssigned: 2 });
    expect(rep.rejections.map((r: { problem: string }) => r.problem).join('; ')).toMatch(/unreadable time[\s\S]*no time|no time[\s\S]*unreadable time/);
    const r = await db.query<{ x: number; y: number; g: string }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y, grid_code AS g FROM incidents WHERE source = 'events.csv' ORDER BY occurred_at`,
    );
    expect(r.rows).toHaveLength(2);
    // back in WGS84 within a metre of the unit centre (the GCJ-02 offset here is several hundred metres)
    expect(Math.abs(Number(r.rows[0].x) - centre(1, 0)[0]) * 96000).toBeLessThan(1);
    expect(Math.abs(Number(r.rows[0].y) - centre(1, 0)[1]) * 110574).toBeLessThan(1);
    expect(r.rows.map((x) => x.g)).toEqual(['340802901001002', '340802901001002']);
    const c = (await app.inject({ method: 'GET', url: '/api/incidents/columns' })).json();
    expect(c.n).toBe(5);
  });

  it('imports a GeoJSON file sent as multipart/form-data with a datum field', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'g1', type: 'environment', occurred_at: '2025-05-01T07:00:00+08:00' },
          geometry: { type: 'Point', coordinates: centre(0, 1) },
        },
      ],
    };
    const boundary = '----wanggeTest';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="datum"\r\n\r\nwgs84\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="incidents-may.geojson"\r\nContent-Type: application/geo+json\r\n\r\n${JSON.stringify(fc)}\r\n` +
      `--${boundary}--\r\n`;
    const res = await app.inject({
      method: 'POST',
      url: '/api/incidents/import',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ imported: 1, rejected: 0, gridsAssigned: 1, datum: 'wgs84' });
    expect(await gridOf(db, 'incidents-may.geojson:g1').catch(() => null)).toBe('340802901001004');
  });

  it('refuses a bad file with 400 and writes nothing', async () => {
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents')).rows[0].n;
    const bad = await app.inject({
      method: 'POST',
      url: '/api/incidents/import?name=x.geojson',
      headers: { 'content-type': 'application/json' },
      payload: '{"type":"FeatureCollection","features":[',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/导入失败/);
    const empty = await app.inject({ method: 'POST', url: '/api/incidents/import?name=x.csv', headers: { 'content-type': 'text/csv' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    const farAway = await app.inject({
      method: 'POST',
      url: '/api/incidents/import?name=sh.csv',
      headers: { 'content-type': 'text/csv' },
      payload: 'lon,lat,time\n121.47,31.23,2025-01-01\n',
    });
    expect(farAway.statusCode).toBe(400);
    const badDatum = await app.inject({
      method: 'POST',
      url: '/api/incidents/import?datum=utm',
      headers: { 'content-type': 'text/csv' },
      payload: 'lon,lat,time\n',
    });
    expect(badDatum.statusCode).toBe(400);
    const after = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents')).rows[0].n;
    expect(after).toBe(before);
  });

  it('answers an oversized upload with 413', async () => {
    const big = Buffer.alloc(INCIDENT_UPLOAD_MAX_BYTES + 1024, 0x20);
    const res = await app.inject({ method: 'POST', url: '/api/incidents/import?name=big.csv', headers: { 'content-type': 'text/csv' }, payload: big });
    expect(res.statusCode).toBe(413);
  });
});
