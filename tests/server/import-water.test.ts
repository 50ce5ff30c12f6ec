/**
 * The water layer through the import API: rivers and lakes (polygons) are imported like the other
 * layers (detected from their tags, all or nothing), and the next units build stops blocks at the
 * shore: a river across a 1 km sub-district cut by two streets turns 4 blocks into 6, none of them
 * reaching into the water, and a tunnel under it all divides nothing. On both backends.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import type { Db } from '../../server/db';
import { localProjection } from '../../server/algorithms/geo/projection';
import { BACKENDS, openTestDb } from '../helpers/backends';

const proj = localProjection(117.05, 30.52);
const ll = (x: number, y: number) => proj.inverse(x, y).map((v) => Number(v.toFixed(8)));
const rect = (x0: number, y0: number, x1: number, y1: number) => [[ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]];
const fc = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });
const line = (props: Record<string, unknown>, pts: number[][]) => feature(props, { type: 'LineString', coordinates: pts.map(([x, y]) => ll(x, y)) });
const SUB = '340802091';

describe.each(BACKENDS)('water import (%s)', (backend) => {
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
  const upload = (q: string, body: string) =>
    app.inject({ method: 'POST', url: `/api/import?wait=true&${q}`, headers: { 'content-type': 'application/json' }, payload: body });
  const one = async (sql: string, params: unknown[] = []) => Number(Object.values((await db.query<Record<string, unknown>>(sql, params)).rows[0])[0]);

  it('imports a river detected from its tags; the units build stops blocks at its shore and the tunnel divides nothing', async () => {
    const b = await upload(
      'name=bounds.geojson&layer=boundaries',
      fc([feature({ level: 'subdistrict', code: SUB, name: '滨河街道' }, { type: 'Polygon', coordinates: rect(0, 0, 1000, 1000) })]),
    );
    expect(b.statusCode, b.body).toBe(200);
    const s = await upload(
      'name=osm-lines.geojson&layer=streets',
      fc([
        line({ osm_id: '1', highway: 'residential', name: '纵路' }, [
          [500, -20],
          [500, 1020],
        ]),
        line({ osm_id: '2', highway: 'residential', name: '横路' }, [
          [-20, 500],
          [1020, 500],
        ]),
        line({ osm_id: '3', highway: 'primary', name: '隧道', other_tags: '"tunnel"=>"yes","layer"=>"-1"' }, [
          [10, 10],
          [990, 990],
        ]),
      ]),
    );
    expect(s.statusCode, s.body).toBe(200);
    // a neutral file name: the layer comes from the tags (natural=water)
    const w = await upload(
      'name=w.geojson',
      fc([feature({ osm_id: '9', natural: 'water', water: 'river', name: '新河' }, { type: 'Polygon', coordinates: rect(-50, 700, 1050, 760) })]),
    );
    expect(w.statusCode, w.body).toBe(200);
    expect(w.json().layers.water).toMatchObject({ read: 1, imported: 1 });
    expect((await db.query('SELECT name, kind FROM water')).rows).toEqual([{ name: '新河', kind: 'river' }]);

    const res = await app.inject({ method: 'POST', url: '/api/units/build', payload: { subdistricts: [SUB] } });
    expect(res.statusCode, res.body).toBe(202);
    await app.jobs.idle();
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${res.json().jobId}` })).json();
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    // 4 street blocks, the two north of the streets' crossing cut in two by the river; the tunnel adds none
    expect(await one('SELECT count(*) FROM blocks WHERE retired_at IS NULL')).toBe(6);
    // (coordinates are rounded to 1e-7°, ≈ 1 cm, along 1.1 km of shore: a few m² of overlap, not land in the river)
    expect(await one('SELECT sum(ST_Area(ST_Intersection(k.geom, w.geom)::geography)) FROM blocks k, water w WHERE k.retired_at IS NULL')).toBeLessThan(30);
    const land = await one('SELECT sum(ST_Area(geom::geography)) FROM blocks WHERE retired_at IS NULL');
    expect(Math.abs(land - (1e6 - 60_000)) / 1e6).toBeLessThan(0.005);
  }, 120_000);

  it('refuses a water file of lines with the reason, and writes nothing', async () => {
    const before = await one('SELECT count(*) FROM water');
    const r = await upload(
      'name=rivers.geojson&layer=water',
      fc([
        line({ name: '河' }, [
          [0, 300],
          [1000, 300],
        ]),
      ]),
    );
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/wrong geometry type LineString for layer water \(expects Polygon or MultiPolygon\)/);
    expect(await one('SELECT count(*) FROM water')).toBe(before);
  });
});
