import type { FastifyInstance } from 'fastify';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, type TestLogin } from '../helpers/auth';
import { A, A1, A2, B, B1, insertScopeFixture, M, type ScopeFixture } from './scope-fixture';

/**
 * The out-of-scope column of the access matrix, for reads (issue 15): for each read route that
 * takes or returns scoped objects, a caller scoped elsewhere gets 403 / 404 or an answer filtered
 * to their scope. Callers: planner and coordinator of sub-district A, a grid member of grid A1,
 * a coordinator of B; leader and admin cover the district.
 */
describe.each(BACKENDS)('read scope on %s', (backend) => {
  let app: FastifyInstance;
  let fx: ScopeFixture;
  const s = {} as Record<'admin' | 'planner' | 'coordinator' | 'leader' | 'grid_member' | 'coordinatorB' | 'gridMemberA2', TestLogin>;
  beforeAll(async () => {
    const db = await openTestDb(backend);
    fx = await insertScopeFixture(db);
    app = await buildApp({ db, auth: { enforce: true } });
    await app.ready();
    for (const k of Object.keys(fx.users) as Array<keyof typeof s>) s[k] = await sessionFor(db, fx.users[k].id);
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const get = (who: keyof typeof s, url: string) => app.inject({ method: 'GET', url, headers: s[who].headers });
  const caseIds = async (who: keyof typeof s, url = '/api/cases?limit=500') => {
    const res = await get(who, url);
    expect(res.statusCode, `${who} ${url}`).toBe(200);
    return (res.json().items as Array<{ id: string }>).map((c) => c.id).sort();
  };

  it('cases: a grid member lists only their grid, a coordinator only their sub-district; the district sees all', async () => {
    expect(await caseIds('grid_member')).toEqual([fx.cases[A1]]);
    expect(await caseIds('gridMemberA2')).toEqual([fx.cases[A2]]);
    expect(await caseIds('coordinator')).toEqual([fx.cases[A1], fx.cases[A2]].sort());
    expect(await caseIds('coordinatorB')).toEqual([fx.cases[B1]]);
    expect(await caseIds('leader')).toEqual(Object.values(fx.cases).sort());
    expect(await caseIds('admin')).toEqual(Object.values(fx.cases).sort());
    // asking for another area by filter gives nothing, not that area
    expect(await caseIds('grid_member', `/api/cases?subdistrict=${B}`)).toEqual([]);
    expect(await caseIds('coordinator', `/api/cases?grid=${B1}`)).toEqual([]);
  });

  it('cases: statistics count only the cases in scope', async () => {
    const total = async (who: keyof typeof s) => (await get(who, '/api/cases/stats')).json().total as number;
    expect(await total('grid_member')).toBe(1);
    expect(await total('coordinator')).toBe(2);
    expect(await total('leader')).toBe(3);
  });

  it("cases: another grid's or sub-district's case detail (events with actor names) is not found", async () => {
    for (const [who, grid] of [
      ['grid_member', A2],
      ['grid_member', B1],
      ['coordinator', B1],
      ['coordinatorB', A1],
    ] as const) {
      const res = await get(who, `/api/cases/${fx.cases[grid]}`);
      expect(res.statusCode, `${who} reads case of ${grid}`).toBe(404);
      expect(res.body).not.toContain(M.caseActor(grid));
    }
    const own = await get('grid_member', `/api/cases/${fx.cases[A1]}`);
    expect(own.statusCode).toBe(200);
    expect(own.json().events[0].actor).toBe(M.caseActor(A1));
  });

  it('cases: a grid member also reads the matters they reported, after the matter moved out of their grid', async () => {
    const rep = await app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: s.gridMemberA2.headers,
      payload: { title: '本人上报', lon: 117.057, lat: 30.525 },
    });
    expect(rep.statusCode, rep.body).toBe(201);
    const id = rep.json().id as string;
    expect(rep.json().gridCode).toBe(A2);
    // the matter is re-filed to another sub-district's grid (e.g. by a redrawn plan)
    await app.db.query('UPDATE cases SET subdistrict_id = $2, grid_code = $3 WHERE id = $1', [id, B, B1]);
    expect(await caseIds('gridMemberA2')).toEqual([fx.cases[A2], id].sort());
    expect((await get('gridMemberA2', `/api/cases/${id}`)).statusCode).toBe(200);
    // a colleague of another grid does not read it
    expect((await get('grid_member', `/api/cases/${id}`)).statusCode).toBe(404);
    await app.db.query('DELETE FROM cases WHERE id = $1', [id]);
  });

  it('staff roster: a planner of A reads the staff of A only (names and phones of B withheld)', async () => {
    const res = await get('planner', `/api/plans/${fx.planId}/staff`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { staff: Array<{ grid_code: string }>; grids: Array<{ code: string }> };
    expect(body.staff.map((x) => x.grid_code).sort()).toEqual([A1, A2]);
    expect(body.grids.map((g) => g.code).sort()).toEqual([A1, A2]);
    expect(res.body).not.toContain(M.staffName(B1));
    expect(res.body).not.toContain(M.staffPhone(B1));
    const admin = await get('admin', `/api/plans/${fx.planId}/staff`);
    expect(admin.json().staff).toHaveLength(3);
  });

  it("exports: a planner of A exports every grid but staff names only of A's grids (GeoJSON and Shapefile)", async () => {
    const gj = await get('planner', `/api/plans/${fx.planId}/export?format=geojson`);
    expect(gj.statusCode).toBe(200);
    const feats = gj.json().features as Array<{ properties: { code: string; leader: string | null } }>;
    expect(feats).toHaveLength(3);
    expect(feats.find((f) => f.properties.code === A1)?.properties.leader).toBe(M.staffName(A1));
    expect(feats.find((f) => f.properties.code === B1)?.properties.leader).toBeNull();
    const shp = await get('planner', `/api/plans/${fx.planId}/export?format=shp`);
    expect(shp.statusCode).toBe(200);
    const files = unzipSync(new Uint8Array(shp.rawPayload));
    const dbf = strFromU8(Object.entries(files).find(([n]) => n.endsWith('.dbf'))![1]);
    expect(dbf).toContain(M.staffName(A1));
    expect(dbf).not.toContain(M.staffName(B1));
    const leader = await get('leader', `/api/plans/${fx.planId}/export?format=geojson`);
    expect(leader.body).toContain(M.staffName(B1));
  });

  it("groups: a coordinator of A is refused B's groups, group records, shop responses; A's are served", async () => {
    const refused = [
      `/api/groups?subdistrict=${B}`,
      `/api/groups?subdistrict=${A}&grid=${B1}`,
      `/api/groups/${fx.groups[B]}`,
      `/api/groups/${fx.groups[B]}/equipment`,
      `/api/groups/${fx.groups[B]}/patrol-logs`,
      `/api/groups/response?shop=${fx.shops[B]}`,
      `/api/patrols/routes?subdistrict=${B}`,
      `/api/patrols/routes?group=${fx.groups[B]}`,
    ];
    for (const url of refused) {
      const res = await get('coordinator', url);
      expect([403, 404], `coordinator of A: GET ${url} -> ${res.statusCode}`).toContain(res.statusCode);
      expect(res.body).not.toContain(M.shopPhone(B, 0));
    }
    const own = await get('coordinator', `/api/groups?subdistrict=${A}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain(M.shopPhone(A, 0));
    expect((await get('coordinator', `/api/groups/${fx.groups[A]}/equipment`)).statusCode).toBe(200);
    expect((await get('coordinatorB', `/api/groups/${fx.groups[A]}`)).statusCode).toBe(403);
    expect((await get('leader', `/api/groups/${fx.groups[B]}`)).statusCode).toBe(200);
  });

  it("patrol routes: listed only in scope; another sub-district's route (and its downloads) is not found", async () => {
    const list = await get('coordinator', '/api/patrols/routes');
    expect(list.statusCode).toBe(200);
    expect((list.json().features as Array<{ id: number }>).map((f) => f.id)).toEqual([fx.routes[A]]);
    for (const url of [`/api/patrols/routes/${fx.routes[B]}`, `/api/patrols/routes/${fx.routes[B]}/geojson`, `/api/patrols/routes/${fx.routes[B]}/gpx`]) {
      expect((await get('coordinator', url)).statusCode, url).toBe(404);
      expect((await get('leader', url)).statusCode, url).toBe(200);
    }
    expect((await get('leader', '/api/patrols/routes')).json().features).toHaveLength(2);
  });

  it('jobs: only the user who started a job (and admins) read it', async () => {
    const url = `/api/jobs/${fx.plannerJob}`;
    expect((await get('planner', url)).statusCode).toBe(200);
    expect((await get('admin', url)).statusCode).toBe(200);
    for (const who of ['coordinator', 'leader', 'grid_member'] as const) {
      expect((await get(who, url)).statusCode, who).toBe(404);
      expect((await get(who, `${url}/events`)).statusCode, `${who} events`).toBe(404);
    }
  });

  it('jobs: a job started through the API records its creator', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/partition',
      headers: s.planner.headers,
      payload: { subdistrict: A, min: 1, max: 1000, name: '作业归属测试' },
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().jobId as string;
    await app.jobs.settled(id);
    expect((await get('planner', `/api/jobs/${id}`)).statusCode).toBe(200);
    expect((await get('coordinator', `/api/jobs/${id}`)).statusCode).toBe(404);
    expect((await get('admin', `/api/jobs/${id}`)).statusCode).toBe(200);
  });

  it('tiles that need a session are not cacheable by shared caches', async () => {
    // the tile with sub-district A at z14
    const n = 2 ** 14;
    const x = Math.floor(((117.055 + 180) / 360) * n);
    const lat = (30.525 * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n);
    const res = await get('planner', `/tiles/14/${x}/${y}.pbf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toMatch(/^private\b/);
    expect(res.headers['cache-control']).not.toMatch(/public/);
  });
});
