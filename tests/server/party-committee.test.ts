/**
 * The big party committee (大党委) through HTTP on both backends, on the lattice town (streets every
 * 0.001°, a west and an east grid): known answers for matching a need to member units by WALKING
 * distance (a unit nearer as the crow flies comes after one nearer on foot; another resource, or a
 * unit that no street reaches, is not proposed); a grid member raises needs in their grid only (point
 * checked against the grid); a leader takes a need on as a practical matter and moves it to done
 * (versions, one-way states, the need closed with it, every step audited); the quarterly meeting
 * lists what changed; reads are scoped; the demo seeds the bulletin's 172 units, 43 projects, 74
 * practical matters.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { invalidateNetworks } from '../../server/defense/network-cache';
import { seedCommitteeDemo } from '../../server/party/committee-demo';
import { shanghaiQuarter } from '../../server/party/today';
import type { Role } from '../../server/auth/roles';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { loginAs, seedTestUsers, TEST_USERS, type TestLogin } from '../helpers/auth';
import { EAST, EMPTY_SUB, insertLatticeTown, M_PER_DEG_LON, SUB, WEST } from './defense-fixture';

const M_PER_DEG_LAT = 110574;
const node = (i: number, j: number) => [117.05 + 0.001 * i, 30.52 + 0.001 * j] as const;

describe.each(BACKENDS)('big party committee on %s', (backend) => {
  let app: FastifyInstance;
  const as: Partial<Record<Role, TestLogin>> = {};
  beforeAll(async () => {
    invalidateNetworks();
    const db = await openTestDb(backend);
    await insertLatticeTown(db);
    // member units on lattice nodes; the need will be at node (2, 2) in the west grid
    const units: Array<[string, string, readonly [number, number], string[]]> = [
      ['ua', SUB, node(2, 5), ['parking']], // 3 blocks north: 332 m on foot and as the crow flies
      ['ub', SUB, node(5, 2), ['parking', 'venue']], // 3 blocks east: 288 m
      ['uc', SUB, node(4, 4), ['parking']], // diagonal: 293 m straight, 413 m on foot
      ['ud', SUB, node(3, 2), ['medical']], // next door, another resource
      ['ue', EMPTY_SUB, [117.0705, 30.5221], ['parking']], // 1.9 km straight, no street reaches it
    ];
    for (const [id, sub, [lon, lat], cats] of units) {
      await db.query(
        `INSERT INTO committee_units (id, subdistrict_id, name, kind, contact, phone, joined_on, geom) VALUES ($1, $2, $3, 'enterprise', '党建办公室', '0556-5000000', '2022-01-01', ST_SetSRID(ST_MakePoint($4, $5), 4326))`,
        [id, sub, `单位${id}`, lon, lat],
      );
      for (const c of cats) await db.query('INSERT INTO committee_resources (unit_id, category) VALUES ($1, $2)', [id, c]);
    }
    await seedTestUsers(db);
    await db.query('UPDATE users SET subdistricts = $1, grids = $2 WHERE username = $3', [[SUB], [WEST], TEST_USERS.grid_member.username]);
    app = await buildApp({ db, auth: { enforce: true } });
    for (const r of ['admin', 'leader', 'grid_member', 'planner'] as Role[]) as[r] = await loginAs(app, r);
  }, 240_000);
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
    invalidateNetworks();
  });

  const get = (role: Role, url: string) => app.inject({ method: 'GET', url, headers: as[role]!.headers });
  const send = (role: Role, method: 'POST' | 'PATCH', url: string, payload: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: as[role]!.headers });
  let needId = 0;

  it('a grid member raises a need in their grid only, at a point checked against it', async () => {
    const [lon, lat] = node(2, 2);
    const ok = await send('grid_member', 'POST', '/api/party/committee/needs', { grid: WEST, category: 'parking', title: '小区停车难', lon, lat });
    expect(ok.statusCode, ok.body).toBe(201);
    needId = ok.json().id;
    const audit = await app.db.query("SELECT actor FROM audit_log WHERE action = 'committee.need' AND entity_id = $1", [String(needId)]);
    expect(audit.rows).toEqual([{ actor: TEST_USERS.grid_member.username }]);
    expect((await send('grid_member', 'POST', '/api/party/committee/needs', { grid: EAST, category: 'parking', title: '别的网格' })).statusCode).toBe(403);
    const far = await send('grid_member', 'POST', '/api/party/committee/needs', { grid: WEST, category: 'parking', title: '远处', lon: 117.058, lat: 30.525 });
    expect(far.statusCode).toBe(400);
    expect(far.json().message).toContain('200 米');
    expect((await send('grid_member', 'POST', '/api/party/committee/needs', { grid: WEST, category: 'spaceships', title: 'x' })).statusCode).toBe(400);
    expect((await send('grid_member', 'POST', '/api/party/committee/needs', { grid: WEST, category: 'parking', title: '   ' })).statusCode).toBe(400);
    expect((await send('planner', 'POST', '/api/party/committee/needs', { grid: WEST, category: 'parking', title: 'x' })).statusCode).toBe(403);
    // the leader raises one in the east grid (at its centre); the grid member does not see it
    expect((await send('leader', 'POST', '/api/party/committee/needs', { grid: EAST, category: 'venue', title: '议事场地' })).statusCode).toBe(201);
    const mine = (await get('grid_member', '/api/party/committee/needs')).json().needs as Array<{ gridCode: string }>;
    expect(mine.map((n) => n.gridCode)).toEqual([WEST]);
    expect(((await get('leader', '/api/party/committee/needs')).json().needs as unknown[]).length).toBe(2);
    expect((await app.db.query('SELECT count(*)::int AS n FROM committee_needs')).rows[0].n).toBe(2);
  });

  it('matches the need to units offering the resource by walking distance over the streets (known answers)', async () => {
    const r = await get('grid_member', `/api/party/committee/needs/${needId}/matches`);
    expect(r.statusCode, r.body).toBe(200);
    const a = r.json() as { candidates: number; matches: Array<{ unitId: string; walkM: number; straightM: number; walkMinutes: number; path: number[][] }> };
    expect(a.candidates).toBe(4); // ua, ub, uc, ue offer parking within 3 km as the crow flies
    expect(a.matches.map((m) => m.unitId)).toEqual(['ub', 'ua', 'uc']); // ue: no street reaches it
    const [b, n, c] = a.matches;
    expect(b.walkM).toBeCloseTo(3 * 0.001 * M_PER_DEG_LON, -1);
    expect(n.walkM).toBeCloseTo(3 * 0.001 * M_PER_DEG_LAT, -1);
    expect(c.walkM).toBeCloseTo(2 * 0.001 * (M_PER_DEG_LON + M_PER_DEG_LAT), -1);
    // uc is nearer than ua as the crow flies, farther on foot
    expect(c.straightM).toBeLessThan(n.straightM);
    expect(c.walkM).toBeGreaterThan(n.walkM);
    expect(c.walkMinutes).toBe(Math.ceil(c.walkM / 1.2 / 60));
    // the walk follows the streets: it starts at the need and ends at the unit
    expect(c.path[0]).toEqual([117.052, 30.522]);
    expect(c.path.at(-1)).toEqual([117.054, 30.524]);
    // another grid's need is outside the grid member's scope; a missing one is 404
    const east = (await get('leader', '/api/party/committee/needs')).json().needs.find((x: { gridCode: string }) => x.gridCode === EAST);
    expect((await get('grid_member', `/api/party/committee/needs/${east.id}/matches`)).statusCode).toBe(403);
    expect((await get('leader', '/api/party/committee/needs/999999/matches')).statusCode).toBe(404);
  });

  it('a leader takes the need on as a practical matter and moves it to done; the need closes with it; audited', async () => {
    expect((await send('grid_member', 'POST', '/api/party/committee/projects', { kind: 'matter', title: '错时停车', needId, unitId: 'ub' })).statusCode).toBe(
      403,
    );
    const created = await send('leader', 'POST', '/api/party/committee/projects', { kind: 'matter', title: '错时停车', needId, unitId: 'ub' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    expect((await send('leader', 'POST', '/api/party/committee/projects', { kind: 'matter', title: '再来一次', needId })).statusCode).toBe(409);
    expect(
      (await send('leader', 'POST', '/api/party/committee/projects', { kind: 'project', title: '无单位', unitId: 'nope', subdistrict: SUB })).statusCode,
    ).toBe(404);
    const need = (await get('grid_member', '/api/party/committee/needs')).json().needs[0];
    expect(need).toMatchObject({ id: needId, status: 'matched', projectId: id, unitId: 'ub', unitName: '单位ub' });

    const stale = await send('leader', 'PATCH', `/api/party/committee/projects/${id}`, { status: 'done', version: 7 });
    expect(stale.statusCode).toBe(409);
    expect((await send('grid_member', 'PATCH', `/api/party/committee/projects/${id}`, { status: 'done', version: 1 })).statusCode).toBe(403);
    const done = await send('leader', 'PATCH', `/api/party/committee/projects/${id}`, { status: 'done', version: 1 });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', version: 2, needId });
    expect(done.json().doneAt).toEqual(expect.any(String));
    expect((await send('leader', 'PATCH', `/api/party/committee/projects/${id}`, { status: 'in_progress', version: 2 })).statusCode).toBe(409);
    const n2 = await app.db.query<{ status: string; closed_at: unknown }>('SELECT status, closed_at FROM committee_needs WHERE id = $1', [needId]);
    expect(n2.rows[0].status).toBe('done');
    expect(n2.rows[0].closed_at).not.toBeNull();
    const audit = await app.db.query<{ action: string }>("SELECT action FROM audit_log WHERE entity = 'committee_project' AND entity_id = $1 ORDER BY id", [
      String(id),
    ]);
    expect(audit.rows.map((x) => x.action)).toEqual(['committee.project', 'committee.project.done']);
  });

  it('the quarterly meeting lists what changed this quarter; the lists are scoped', async () => {
    const q = (await get('leader', `/api/party/committee/quarter?quarter=${shanghaiQuarter()}`)).json();
    expect(q.counts).toMatchObject({ needsRaised: 2, needsDone: 1, mattersStarted: 1, mattersDone: 1, projectsStarted: 0, needsOpen: 1, unitsJoined: 0 });
    expect(q.done.map((p: { title: string }) => p.title)).toEqual(['错时停车']);
    expect((await get('leader', '/api/party/committee/quarter?quarter=2001Q1')).json().counts).toMatchObject({ needsRaised: 0, needsDone: 0, needsOpen: 1 });
    expect((await get('leader', '/api/party/committee/quarter?quarter=2026Q5')).statusCode).toBe(400);
    // units: the grid member sees their sub-district's, not the other one's
    const units = (await get('grid_member', '/api/party/committee/units')).json().units as Array<{ id: string }>;
    expect(units.map((u) => u.id).sort()).toEqual(['ua', 'ub', 'uc', 'ud']);
    const res = (await get('leader', '/api/party/committee/resources?category=parking')).json().resources;
    expect(res).toEqual([{ category: 'parking', openNeeds: 0, units: expect.arrayContaining([expect.objectContaining({ id: 'ue' })]) }]);
    expect((await get('leader', '/api/party/committee/projects?kind=matter&status=done')).json().projects).toHaveLength(1);
  });

  it('the demo seeds the bulletin figures: 172 units with resources, 43 projects, 74 practical matters each solving a need', async () => {
    const db = app.db;
    await db.query(`UPDATE subdistricts SET synthetic = true`);
    await db
      .query(
        `INSERT INTO buildings (id, subdistrict_id, use, households, synthetic, geom)
       SELECT 'b' || i || '-' || j, $1, 'residential', 10, true, ST_Multi(ST_MakeEnvelope(117.0502 + 0.0005 * i, 30.5202 + 0.0005 * j, 117.0504 + 0.0005 * i, 30.5204 + 0.0005 * j, 4326))::geometry(Polygon, 4326)
         FROM generate_series(0, 18) i, generate_series(0, 18) j`,
        [SUB],
      )
      .catch(async () =>
        db.query(
          `INSERT INTO buildings (id, subdistrict_id, use, households, synthetic, geom)
         SELECT 'b' || i || '-' || j, $1, 'residential', 10, true, ST_MakeEnvelope(117.0502 + 0.0005 * i, 30.5202 + 0.0005 * j, 117.0504 + 0.0005 * i, 30.5204 + 0.0005 * j, 4326)
           FROM generate_series(0, 18) i, generate_series(0, 18) j`,
          [SUB],
        ),
      );
    const counts = await seedCommitteeDemo(db);
    expect(counts).toMatchObject({ units: 172, projects: 43, matters: 74, openNeeds: 36 });
    expect(await seedCommitteeDemo(db)).toBeNull();
    const r = await db.query<{ units: number; bare: number; matters: number; unsolved: number }>(
      `SELECT (SELECT count(*)::int FROM committee_units WHERE synthetic) AS units,
              (SELECT count(*)::int FROM committee_units u WHERE synthetic AND NOT EXISTS (SELECT 1 FROM committee_resources r WHERE r.unit_id = u.id)) AS bare,
              (SELECT count(*)::int FROM committee_projects WHERE kind = 'matter' AND status = 'done') AS matters,
              (SELECT count(*)::int FROM committee_projects p JOIN committee_needs n ON n.id = p.need_id WHERE p.kind = 'matter' AND n.status <> 'done') AS unsolved`,
    );
    expect(r.rows[0]).toEqual({ units: 172, bare: 0, matters: 75, unsolved: 0 });
  });
});
