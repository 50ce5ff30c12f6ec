import { area } from '@turf/turf';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { createMiniPlan, insertMiniDistrict } from '../helpers/mini-district';

const A = '340802901001001';
const B = '340802901001002';

describe.each(BACKENDS)('plans API on %s', (backend) => {
  let app: FastifyInstance;
  let id: number;
  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertMiniDistrict(db);
    id = await createMiniPlan(db);
    app = await buildApp({ db });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it('lists plans and serves dissolved grids as GeoJSON with band flags', async () => {
    const list = await app.inject({ method: 'GET', url: '/api/plans' });
    expect(list.statusCode).toBe(200);
    expect(list.json()[0]).toMatchObject({ id, status: 'draft', version: 1, grids: 2, households: 2100 });
    const g = await app.inject({ method: 'GET', url: `/api/plans/${id}/grids` });
    expect(g.statusCode).toBe(200);
    expect(g.headers['x-plan-version']).toBe('1');
    const fc = g.json();
    expect(fc.features).toHaveLength(2);
    expect(fc.features[0].geometry.type).toBe('MultiPolygon');
    expect(fc.features.map((f: { properties: { code: string; in_band: boolean } }) => [f.properties.code, f.properties.in_band])).toEqual([
      [A, true],
      [B, true],
    ]);
  });

  it('draws grids with display geometry: straight-edge vertices dropped, the shape (area) kept', async () => {
    const fc = (await app.inject({ method: 'GET', url: `/api/plans/${id}/grids` })).json();
    const stored = await app.db.query<{ code: string; n: number; g: string }>(
      'SELECT code, ST_NPoints(geom)::int AS n, ST_AsGeoJSON(geom, 9) AS g FROM grids WHERE plan_id = $1 ORDER BY code',
      [id],
    );
    let dropped = 0;
    for (const row of stored.rows) {
      const f = fc.features.find((x: { properties: { code: string } }) => x.properties.code === row.code);
      const n = JSON.stringify(f.geometry.coordinates).match(/\[-?\d/g)!.length;
      expect(n).toBeLessThanOrEqual(row.n);
      dropped += row.n - n;
      const m2 = area(JSON.parse(row.g));
      expect(Math.abs(area(f) - m2) / m2).toBeLessThan(1e-3); // 6-decimal rounding (~0.1 m) alone moves a 1-ha grid's area by ~0.03 %
    }
    expect(dropped).toBeGreaterThan(0); // the mini district's grids have unit corners along straight edges
  });

  it('lists plans without their warnings (a count instead); one plan carries them', async () => {
    const warned = await createMiniPlan(app.db, {
      name: '有警告',
      warnings: [
        { code: 'community_disconnected', units: ['u3'], message: 'x' },
        { code: 'compound_split', units: ['u1', 'u2'], message: 'y' },
      ],
    });
    const item = (await app.inject({ method: 'GET', url: '/api/plans' })).json().find((p: { id: number }) => p.id === warned);
    expect(item.warning_count).toBe(2);
    expect(item).not.toHaveProperty('warnings');
    const one = (await app.inject({ method: 'GET', url: `/api/plans/${warned}` })).json();
    expect(one.warning_count).toBe(2);
    expect(one.warnings.map((w: { code: string }) => w.code)).toEqual(['community_disconnected', 'compound_split']);
    await app.db.query('DELETE FROM plans WHERE id = $1', [warned]);
  });

  it('edits, then answers a stale edit with 409 naming what changed, and loses nothing', async () => {
    const ok = await app.inject({ method: 'POST', url: `/api/plans/${id}/edits`, payload: { baseVersion: 1, moves: [{ unit: 'u2', to: B }] } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ version: 2, changes: [{ unit: 'u2', from: A, to: B }] });
    const stale = await app.inject({ method: 'POST', url: `/api/plans/${id}/edits`, payload: { baseVersion: 1, moves: [{ unit: 'u5', to: B }] } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ current: 2, base: 1, changedSince: [{ unit: 'u2', from: A, to: B }] });
    expect(stale.json().message).toMatch(/已被他人修改/);
    const asg = await app.inject({ method: 'GET', url: `/api/plans/${id}/assignment` });
    expect(asg.json()).toMatchObject({ version: 2, assignment: { u2: B, u5: A } });
  });

  it('undoes and redoes through the API', async () => {
    const u = await app.inject({ method: 'POST', url: `/api/plans/${id}/undo`, payload: { baseVersion: 2 } });
    expect(u.json()).toEqual({ version: 3, changes: [{ unit: 'u2', from: B, to: A }] });
    const r = await app.inject({ method: 'POST', url: `/api/plans/${id}/redo`, payload: { baseVersion: 3 } });
    expect(r.json()).toEqual({ version: 4, changes: [{ unit: 'u2', from: A, to: B }] });
  });

  it('rejects bad input with 4xx and a message', async () => {
    const cases = [
      { url: `/api/plans/${id}/edits`, payload: { baseVersion: 4, moves: [] } },
      { url: `/api/plans/${id}/edits`, payload: { baseVersion: 4, moves: [{ unit: 'u1', to: 'not-a-code' }] } },
      { url: `/api/plans/${id}/edits`, payload: { baseVersion: 4, moves: [{ unit: 'nope', to: A }] } },
      { url: `/api/plans/${id}/edits`, payload: { moves: [{ unit: 'u1', to: A }] } },
      { url: `/api/plans/999999/edits`, payload: { baseVersion: 1, moves: [{ unit: 'u1', to: A }] } },
      { url: `/api/plans/abc/undo`, payload: { baseVersion: 1 } },
    ];
    for (const c of cases) {
      const res = await app.inject({ method: 'POST', ...c });
      expect(res.statusCode, JSON.stringify(c)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, JSON.stringify(c)).toBeLessThan(500);
      expect(res.json().message).toBeTruthy();
    }
  });

  it('locks grids and publishes', async () => {
    const l = await app.inject({ method: 'POST', url: `/api/plans/${id}/locks`, payload: { codes: [B], locked: true } });
    expect(l.statusCode).toBe(200);
    const blocked = await app.inject({ method: 'POST', url: `/api/plans/${id}/edits`, payload: { baseVersion: 4, moves: [{ unit: 'u1', to: B }] } });
    expect(blocked.statusCode).toBe(422);
    const p = await app.inject({ method: 'POST', url: `/api/plans/${id}/publish`, payload: { baseVersion: 4 } });
    expect(p.json()).toEqual({ version: 5 });
    const pub = await app.inject({ method: 'GET', url: '/api/plans/published' });
    expect(pub.json().map((x: { id: number }) => x.id)).toEqual([id]);
  });

  it('with ?grids=true an edit, undo and redo answer with the touched grids as they now are', async () => {
    const other = await createMiniPlan(app.db, {
      name: '草稿2',
    });
    const before = (await app.inject({ method: 'GET', url: `/api/plans/${other}/grids` })).json();
    const hh = (fc: { features: Array<{ properties: { code: string; households: number } }> }) =>
      Object.fromEntries(fc.features.map((f) => [f.properties.code, f.properties.households]));
    const e = await app.inject({ method: 'POST', url: `/api/plans/${other}/edits?grids=true`, payload: { baseVersion: 1, moves: [{ unit: 'u2', to: B }] } });
    expect(e.statusCode).toBe(200);
    const body = e.json();
    expect(body.version).toBe(2);
    // the answer's grids equal a fresh read of the same grids, and households moved from A to B
    const fresh = (await app.inject({ method: 'GET', url: `/api/plans/${other}/grids?codes=${A},${B}` })).json();
    expect(body.grids).toEqual(fresh);
    const moved = hh(before)[A] - hh(body.grids)[A];
    expect(moved).toBeGreaterThan(0);
    expect(hh(body.grids)[B] - hh(before)[B]).toBe(moved);
    const u = (await app.inject({ method: 'POST', url: `/api/plans/${other}/undo?grids=true`, payload: { baseVersion: 2 } })).json();
    expect(hh(u.grids)).toEqual(hh(before));
    const r = (await app.inject({ method: 'POST', url: `/api/plans/${other}/redo?grids=true`, payload: { baseVersion: 3 } })).json();
    expect(hh(r.grids)).toEqual(hh(body.grids));
  });
});
