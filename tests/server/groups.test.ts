/**
 * Joint-defense groups API on both backends, on a hand-made lattice town: one sub-district
 * 117.05–117.06 E × 30.52–30.53 N, streets every 0.001° (all junctions shared vertices), a published
 * plan with a west and an east grid, and 40 shops (20 per grid) 11 m north of the east-west streets.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { EAST, EMPTY_SUB, insertLatticeTown, M_PER_DEG_LON, SUB, WEST } from './defense-fixture';

interface GroupOut {
  id: string;
  grid_code: string | null;
  leader_shop_id: string;
  members: { id: string; lon: number; lat: number }[];
  size: number;
  diameter_m: number;
  worst_response_s: number;
  slow: boolean;
}

describe.each(BACKENDS)('groups API on %s', (backend) => {
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
  const list = async (q = '') =>
    (await get(`/api/groups?subdistrict=${SUB}${q}`)).json() as { version: number; groups: GroupOut[]; ungrouped: unknown[]; stats: Record<string, number> };

  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertLatticeTown(db);
    app = await buildApp({ db });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it('auto-groups by walking distance into groups of 10 that never cross a grid, leader = fastest-reached member', async () => {
    const r = await post('/api/groups/auto', { subdistrict: SUB, wait: true });
    expect(r.statusCode).toBe(200);
    expect(r.json().result).toMatchObject({ shops: 40, groups: 4, version: 1 });
    const l = await list();
    expect(l.stats).toMatchObject({ shops: 40, grouped: 40, groups: 4, ungrouped: 0 });
    for (const g of l.groups) {
      expect(g.size).toBe(10);
      const grid = g.members[0].lon < 117.055 ? WEST : EAST;
      expect(g.grid_code).toBe(grid);
      for (const m of g.members) expect(m.lon < 117.055 ? WEST : EAST).toBe(grid);
      expect(g.members.map((m) => m.id)).toContain(g.leader_shop_id);
    }
    // The leader's worst arrival time is the smallest among the members (checked through the response API).
    const g = l.groups[0];
    const worst = new Map<string, number>();
    for (const m of g.members) worst.set(m.id, (await get(`/api/groups/response?shop=${m.id}`)).json().worst_s);
    expect(worst.get(g.leader_shop_id)).toBe(Math.min(...worst.values()));
  });

  it('answers response times with walking paths and an isochrone (known answer: neighbours on one street)', async () => {
    const r = await get('/api/groups/response?shop=s00&threshold=120');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.members).toHaveLength(9);
    expect(body.paths.features).toHaveLength(9);
    const s01 = body.members.find((m: { id: string }) => m.id === 's01');
    expect(s01.distance_m).toBeCloseTo(0.001 * M_PER_DEG_LON, -0.5); // ≈ 96 m along the street
    expect(s01.time_s).toBeCloseTo(s01.distance_m / 1.2, 0);
    for (const m of body.members) expect(m.within).toBe(m.time_s <= 120);
    expect(body.worst_s).toBe(Math.max(...body.members.map((m: { time_s: number }) => m.time_s)));
    expect(body.isochrone.geometry.type).toMatch(/Polygon/);
    expect(body.isochrone.properties.seconds).toBe(120);
  });

  it('flags groups whose worst response exceeds the threshold', async () => {
    const strict = await list('&threshold=10');
    expect(strict.groups.every((g) => g.slow)).toBe(true);
    const lax = await list('&threshold=3600');
    expect(lax.groups.some((g) => g.slow)).toBe(false);
    for (const g of lax.groups) expect(g.worst_response_s).toBeCloseTo(g.diameter_m / 1.2, 0);
  });

  it('moves, swaps and picks a leader with versions; a stale version gets 409 with what changed', async () => {
    let l = await list();
    const v = l.version;
    const [ga, gb] = l.groups.filter((g) => g.grid_code === WEST);
    const shop = ga.members.find((m) => m.id !== ga.leader_shop_id)!.id;
    const mv = await post('/api/groups/move', { subdistrict: SUB, baseVersion: v, shop, to: gb.id });
    expect(mv.statusCode).toBe(200);
    expect(mv.json()).toMatchObject({ version: v + 1, changes: [{ shop, from: ga.id, to: gb.id }] });
    const stale = await post('/api/groups/move', { subdistrict: SUB, baseVersion: v, shop, to: ga.id });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ current: v + 1, base: v, changedSince: [{ shop, from: ga.id, to: gb.id }] });
    l = await list();
    expect(l.groups.find((g) => g.id === ga.id)!.size).toBe(9);
    expect(l.groups.find((g) => g.id === gb.id)!.size).toBe(11);

    const a = l.groups.find((g) => g.id === ga.id)!.members.find((m) => m.id !== ga.leader_shop_id)!.id;
    const b = l.groups.find((g) => g.id === gb.id)!.members.find((m) => m.id !== shop)!.id;
    const sw = await post('/api/groups/swap', { subdistrict: SUB, baseVersion: v + 1, a, b });
    expect(sw.statusCode).toBe(200);
    l = await list();
    expect(l.groups.find((g) => g.id === ga.id)!.members.map((m) => m.id)).toContain(b);
    expect(l.groups.find((g) => g.id === gb.id)!.members.map((m) => m.id)).toContain(a);

    const lead = await post('/api/groups/leader', { subdistrict: SUB, baseVersion: v + 2, group: gb.id, shop: a });
    expect(lead.statusCode).toBe(200);
    expect((await list()).groups.find((g) => g.id === gb.id)!.leader_shop_id).toBe(a);
    const notMember = await post('/api/groups/leader', { subdistrict: SUB, baseVersion: v + 3, group: gb.id, shop: b });
    expect(notMember.statusCode).toBe(422);
    expect(notMember.json().message).toMatch(/不是联防组/);
    const out = await post('/api/groups/move', { subdistrict: SUB, baseVersion: v + 3, shop: a, to: null });
    expect(out.statusCode).toBe(200);
    l = await list();
    expect(l.stats.ungrouped).toBe(1);
    expect(l.groups.find((g) => g.id === gb.id)!.leader_shop_id).not.toBe(a);
  });

  it('regroups one grid only and lets groups cross grids when asked; runs as a job', async () => {
    const before = await list();
    const east = before.groups.filter((g) => g.grid_code === EAST).map((g) => g.id);
    const r = await post('/api/groups/auto', { subdistrict: SUB, grid: WEST, wait: true });
    expect(r.statusCode).toBe(200);
    const after = await list();
    expect(after.groups.filter((g) => g.grid_code === EAST).map((g) => g.id)).toEqual(east);
    expect(after.stats.ungrouped).toBe(0);
    const job = await post('/api/groups/auto', { subdistrict: SUB, crossGrids: true });
    expect(job.statusCode).toBe(202);
    await app.jobs.idle();
    const j = (await get(`/api/jobs/${job.json().job}`)).json();
    expect(j).toMatchObject({ status: 'succeeded', kind: 'groups' });
    expect((await list()).groups.every((g) => g.grid_code === null && g.size === 10)).toBe(true);
  });

  it('keeps equipment, drills, patrol logs and schedule (CRUD with row versions)', async () => {
    const g = (await list()).groups[0].id;
    const c = await post(`/api/groups/${g}/equipment`, { kind: 'whistle', quantity: 10, note: '口哨' });
    expect(c.statusCode).toBe(201);
    const row = c.json();
    expect(row).toMatchObject({ kind: 'whistle', quantity: 10, version: 1 });
    const up = await app.inject({ method: 'PUT', url: `/api/groups/${g}/equipment/${row.id}`, payload: { version: 1, quantity: 12 } });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ quantity: 12, version: 2 });
    const stale = await app.inject({ method: 'PUT', url: `/api/groups/${g}/equipment/${row.id}`, payload: { version: 1, quantity: 3 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().row).toMatchObject({ quantity: 12, version: 2 });
    expect((await post(`/api/groups/${g}/drills`, { held_on: '2023-04-12', partner: '派出所', participants: 10 })).statusCode).toBe(201);
    expect((await post(`/api/groups/${g}/patrol-logs`, { patrolled_at: '2023-04-12T12:00:00Z', patrollers: '张、李' })).statusCode).toBe(201);
    const sch = await post(`/api/groups/${g}/schedule`, { weekday: 1, start_time: '19:00', end_time: '21:00', patrollers: '张、李' });
    expect(sch.statusCode).toBe(201);
    const detail = (await get(`/api/groups/${g}`)).json();
    expect(detail.equipment).toEqual({ whistle: 12 });
    expect(detail.records.drills[0]).toMatchObject({ held_on: '2023-04-12', participants: 10 });
    expect(detail.records['patrol-logs'][0]).toMatchObject({ patrolled_at: '2023-04-12T12:00:00Z' });
    expect(detail.records.schedule[0]).toMatchObject({ weekday: 1, start_time: '19:00' });
    const del = await app.inject({ method: 'DELETE', url: `/api/groups/${g}/equipment/${row.id}?version=2` });
    expect(del.statusCode).toBe(200);
    expect((await get(`/api/groups/${g}/equipment`)).json()).toEqual([]);
    // bad input: 4xx with a message
    expect((await post(`/api/groups/${g}/equipment`, { kind: 'whistle', quantity: -1 })).statusCode).toBe(422);
    expect((await post(`/api/groups/${g}/equipment`, { kind: 'cannon', quantity: 1 })).statusCode).toBe(422);
    expect((await post(`/api/groups/${g}/schedule`, { weekday: 8, start_time: '19:00', end_time: '21:00', patrollers: 'x' })).statusCode).toBe(422);
    expect((await post(`/api/groups/${g}/schedule`, { weekday: 2, start_time: '21:00', end_time: '19:00', patrollers: 'x' })).json().message).toMatch(/晚于/);
    expect((await post(`/api/groups/${g}/drills`, { held_on: 'yesterday' })).statusCode).toBe(422);
    expect((await post(`/api/groups/${g}/patrol-logs`, { patrolled_at: '2023-04-12T12:00:00Z', patrollers: 'x', route_id: 99999 })).statusCode).toBe(422);
    expect((await post(`/api/groups/${g}/weapons`, { kind: 'x' })).statusCode).toBe(400);
    expect((await post('/api/groups/nope/equipment', { kind: 'whistle', quantity: 1 })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PUT', url: `/api/groups/${g}/drills/99999`, payload: { version: 1, partner: 'x' } })).statusCode).toBe(404);
  });

  it('refuses bad input with 4xx and a plain message', async () => {
    expect((await get('/api/groups')).statusCode).toBe(400);
    expect((await get('/api/groups?subdistrict=340802999')).statusCode).toBe(404);
    expect((await get('/api/groups/response?shop=nope')).statusCode).toBe(404);
    const sizes = await post('/api/groups/auto', { subdistrict: SUB, size: 10, min: 11, wait: true });
    expect(sizes.statusCode).toBe(422);
    expect(sizes.json().message).toMatch(/分组人数/);
    expect((await post('/api/groups/auto', { subdistrict: EMPTY_SUB, wait: true })).json().message).toMatch(/没有商铺/);
    expect((await post('/api/groups/auto', { subdistrict: SUB, leaders: ['nope'], wait: true })).statusCode).toBe(422);
    expect((await post('/api/groups/move', { subdistrict: SUB, baseVersion: 1, shop: 'nope', to: null })).statusCode).toBe(404);
    expect((await post('/api/groups/move', { subdistrict: SUB, shop: 's00', to: null })).statusCode).toBe(400);
  });

  it('names each group after the street most of ITS shops are on, then a landmark cross street, never all alike (issue M)', async () => {
    // every shop fronts one street (as in the demo's 人民路): the street alone named every group alike
    await app.db.query(`UPDATE shops SET street_id = 'h-0-0' WHERE subdistrict_id = $1`, [SUB]);
    const r = await post('/api/groups/auto', { subdistrict: SUB, wait: true });
    expect(r.statusCode).toBe(200);
    const names = (await list()).groups.map((g) => (g as GroupOut & { name: string }).name);
    expect(names.length).toBeGreaterThanOrEqual(4);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^横0路·[横纵]\d+路口联防(\d+)?组$/);
    // the landmark tells groups apart: most names differ before the number
    const bases = new Set(names.map((n) => n.replace(/联防\d*组$/, '')));
    expect(bases.size).toBeGreaterThan(1);
  });
});
