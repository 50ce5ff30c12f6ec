/**
 * A real district elsewhere: on an empty database the first boundaries may lie anywhere in China
 * (here Shanghai, 450 km from the demo's Yingjiang), later files must lie within ≈ 10 km of the
 * imported sub-districts, and a file for another city is refused naming the distance, with
 * nothing written. Through HTTP on both backends.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import type { Db } from '../../server/db';
import { districtBoxOf } from '../../server/import/import-file';
import { BACKENDS, openTestDb } from '../helpers/backends';

const W = 121.48,
  S = 31.22,
  E = 121.5,
  N = 31.24;
const square = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { code: '310101001', name: '外滩街道' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [W, S],
            [E, S],
            [E, N],
            [W, N],
            [W, S],
          ],
        ],
      },
    },
  ],
};

describe.each(BACKENDS)('the district is where its boundaries are (%s)', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await openTestDb(backend);
    app = await buildApp({ db });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });
  const upload = (q: string, body: string, type = 'text/csv') =>
    app.inject({ method: 'POST', url: `/api/import?wait=true&${q}`, headers: { 'content-type': type }, payload: body });
  const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

  it('takes Shanghai boundaries into an empty app, then shops there, and refuses Beijing shops', async () => {
    expect(await districtBoxOf(db)).toBeNull();
    const b = await upload('name=bund.geojson&layer=boundaries', JSON.stringify(square), 'application/json');
    expect(b.statusCode, b.body).toBe(200);
    expect(await count('subdistricts')).toBe(1);
    const box = (await districtBoxOf(db))!;
    expect(box.west).toBeCloseTo(W - 0.1, 6);
    expect(box.north).toBeCloseTo(N + 0.1, 6);
    const here = await upload('name=shops.csv&layer=shops', `名称,经度,纬度\n早餐店,121.49,31.23\n`);
    expect(here.statusCode, here.body).toBe(200);
    expect(await count('shops')).toBe(1);
    const beijing = await upload('name=far.csv&layer=shops', `名称,经度,纬度\n店,116.397,39.909\n`);
    expect(beijing.statusCode).toBe(400);
    expect(beijing.json().message).toMatch(/\d+ km from the district/);
    expect(await count('shops')).toBe(1);
  });
});
