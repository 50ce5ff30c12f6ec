import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import type { Queryable } from '../../server/db';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertMiniDistrict } from '../helpers/mini-district';
import { loginAs, seedTestUsers, TEST_COST, TEST_USERS } from '../helpers/auth';

const T = Date.UTC(2026, 2, 1); // asOf of the SLA checks
const H = 3600e3;
const D = 24 * H;
const AS_OF = new Date(T).toISOString();
const IN = { lon: 117.0512, lat: 30.5192 }; // inside the mini district's sub-district 340802901

interface Fx {
  id: string;
  kind: string | null;
  dept: string | null;
  grid?: string;
  steps: Array<[string, number]>;
}
const FIXTURE: Fx[] = [
  {
    id: 'k1',
    kind: null,
    dept: null,
    steps: [
      ['reported', -10 * D],
      ['closed', -10 * D + 2 * H],
    ],
  },
  {
    id: 'k2',
    kind: 'quick',
    dept: '城管局',
    steps: [
      ['reported', -40 * D],
      ['dispatched', -40 * D + H],
      ['accepted', -40 * D + 3 * H],
      ['feedback', -40 * D + 30 * H],
      ['solved', -40 * D + 40 * H],
      ['evaluated', -35 * D],
    ],
  },
  {
    id: 'k3',
    kind: 'emergency',
    dept: '住建局',
    steps: [
      ['reported', -35 * D],
      ['dispatched', -35 * D + H],
      ['accepted', -35 * D + 1.5 * H],
      ['feedback', -35 * D + 10 * H],
      ['solved', -35 * D + 13 * H],
    ],
  },
  {
    id: 'k4',
    kind: 'tackle_hard',
    dept: '住建局',
    steps: [
      ['reported', -60 * D],
      ['dispatched', -60 * D + 2 * H],
      ['accepted', -60 * D + 10 * H],
    ],
  },
  {
    id: 'k5',
    kind: 'quick',
    dept: '城管局',
    grid: '340802901001001',
    steps: [
      ['reported', -10 * H],
      ['dispatched', -9 * H],
    ],
  },
  { id: 'k6', kind: null, dept: null, steps: [['reported', -2 * H]] },
];

async function insertCases(db: Queryable): Promise<void> {
  for (const c of FIXTURE) {
    const last = c.steps[c.steps.length - 1];
    const iso = (dt: number) => new Date(T + dt).toISOString();
    await db.query(
      `INSERT INTO cases (id, title, whistled, kind, department, status, subdistrict_id, grid_code, reported_at, updated_at, version, synthetic, geom)
       VALUES ($1, $2, $3, $4, $5, $6, '340802901', $7, $8, $9, $10, true, ST_SetSRID(ST_MakePoint($11, $12), 4326))`,
      [c.id, `测试事项 ${c.id}`, c.kind !== null, c.kind, c.dept, last[0], c.grid ?? null, iso(c.steps[0][1]), iso(last[1]), c.steps.length, IN.lon, IN.lat],
    );
    for (const [status, dt] of c.steps) {
      await db.query('INSERT INTO case_events (case_id, status, at, actor, note) VALUES ($1, $2, $3, $4, null)', [c.id, status, iso(dt), 'fixture']);
    }
  }
}

describe.each(BACKENDS)('cases API on %s', (backend) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertMiniDistrict(db);
    await insertCases(db);
    app = await buildApp({ db });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });
  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((x) => x.id);

  it('lists newest first with SLA states, filters and pages', async () => {
    const all = await get(`/api/cases?asOf=${AS_OF}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().total).toBe(6);
    expect(ids(all.json())).toEqual(['k6', 'k5', 'k1', 'k3', 'k2', 'k4']);
    const k5 = all.json().items.find((x: { id: string }) => x.id === 'k5');
    expect(k5).toMatchObject({
      status: 'dispatched',
      kind: 'quick',
      version: 2,
      gridCode: '340802901001001',
      sla: { level: 'ok', stage: 'accept', hoursLeft: 15 },
    });
    expect(ids((await get('/api/cases?status=accepted')).json())).toEqual(['k4']);
    expect(ids((await get('/api/cases?status=accepted&status=closed')).json())).toEqual(['k1', 'k4']);
    expect(ids((await get('/api/cases?kind=quick')).json())).toEqual(['k5', 'k2']);
    expect(ids((await get(`/api/cases?department=${encodeURIComponent('住建局')}`)).json())).toEqual(['k3', 'k4']);
    expect((await get('/api/cases?subdistrict=340802901')).json().total).toBe(6);
    expect((await get('/api/cases?subdistrict=340802902')).json().total).toBe(0);
    expect(ids((await get('/api/cases?grid=340802901001')).json())).toEqual(['k5']);
    expect(ids((await get(`/api/cases?overdue=true&asOf=${AS_OF}`)).json())).toEqual(['k4']);
    expect((await get(`/api/cases?overdue=false&asOf=${AS_OF}`)).json().total).toBe(5);
    expect(ids((await get('/api/cases?open=true')).json())).toEqual(['k6', 'k5', 'k4']);
    expect(ids((await get('/api/cases?from=2026-01-25&to=2026-02-25')).json())).toEqual(['k1', 'k3']);
    const page = (await get('/api/cases?limit=2&offset=2')).json();
    expect(page).toMatchObject({ total: 6, limit: 2, offset: 2 });
    expect(ids(page)).toEqual(['k1', 'k3']);
  });

  it('serves the statistics', async () => {
    const res = await get(`/api/cases/stats?asOf=${AS_OF}`);
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s.funnel).toEqual({ reported: 6, whistled: 4, accepted: 3, solved: 2 });
    expect(s.open).toBe(3);
    expect(s.medianHoursByKind).toEqual([
      { key: 'emergency', n: 1, medianHours: 12 },
      { key: 'quick', n: 1, medianHours: 39 },
    ]);
    expect(s.medianHoursByDepartment).toEqual([
      { key: '住建局', n: 1, medianHours: 12 },
      { key: '城管局', n: 1, medianHours: 39 },
    ]);
    expect(s.overdue.map((o: { id: string }) => o.id)).toEqual(['k4']);
    expect(s.overdue[0]).toMatchObject({ stage: 'feedback', overdueHours: 60 * 24 - 2 - 720 });
    expect(s.trend.map((r: { month: string }) => r.month)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03']);
    expect(s.trend.reduce((a: number, r: { reported: number }) => a + r.reported, 0)).toBe(6);
    const quick = (await get('/api/cases/stats?kind=quick')).json();
    expect(quick.funnel).toEqual({ reported: 2, whistled: 2, accepted: 1, solved: 1 });
  });

  it('serves one case with its timeline and allowed transitions; 404 for an unknown id', async () => {
    const k2 = (await get('/api/cases/k2')).json();
    expect(k2.events.map((e: { status: string }) => e.status)).toEqual(['reported', 'dispatched', 'accepted', 'feedback', 'solved', 'evaluated']);
    expect(k2.allowedNext).toEqual([]);
    expect((await get('/api/cases/k5')).json().allowedNext).toEqual(['accepted', 'reported']);
    const nf = await get('/api/cases/nope');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().message).toMatch(/nope/);
  });

  it('moves a case along, audits it in the same transaction, answers stale versions with 409 and illegal moves with 422', async () => {
    const post = (id: string, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: `/api/cases/${id}/transitions`, payload });
    const ok = await post('k5', { to: 'accepted', baseVersion: 2, note: '部门报到' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'accepted', version: 3, allowedNext: ['feedback'] });
    expect(ok.json().events.at(-1)).toMatchObject({ status: 'accepted', note: '部门报到', actor: 'anonymous' });
    const audit = await app.db.query<{ action: string; after: { status: string } }>(
      `SELECT action, after FROM audit_log WHERE entity = 'case' AND entity_id = 'k5'`,
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].action).toBe('case.transition');
    expect(audit.rows[0].after.status).toBe('accepted');

    const stale = await post('k5', { to: 'accepted', baseVersion: 2 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current).toMatchObject({ version: 3, status: 'accepted' });
    expect(stale.json().changes.map((e: { status: string }) => e.status)).toEqual(['accepted']);

    const illegal = await post('k5', { to: 'solved', baseVersion: 3 });
    expect(illegal.statusCode).toBe(422);
    expect(illegal.json().message).toMatch(/不能转为“已办结”/);
    expect((await post('k5', { to: 'bogus', baseVersion: 3 })).statusCode).toBe(422);
    expect((await post('k2', { to: 'accepted', baseVersion: 6 })).statusCode).toBe(422);

    // the whistle needs a kind and a known department
    expect((await post('k6', { to: 'dispatched', baseVersion: 1 })).json().message).toMatch(/哨型/);
    expect((await post('k6', { to: 'dispatched', baseVersion: 1, kind: 'quick', department: '不存在局' })).statusCode).toBe(422);
    const w = await post('k6', { to: 'dispatched', baseVersion: 1, kind: 'emergency', department: '应急管理局' });
    expect(w.statusCode).toBe(200);
    expect(w.json()).toMatchObject({ whistled: true, kind: 'emergency', department: '应急管理局', version: 2, sla: { stage: 'accept' } });
    // nothing was written by the refused ones
    const n = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM case_events WHERE case_id = 'k6'`);
    expect(Number(n.rows[0].n)).toBe(2);

    expect((await post('k6', { to: 'accepted' })).statusCode).toBe(400);
    expect((await post('k6', { to: 'accepted', baseVersion: 'x' })).statusCode).toBe(400);
    expect((await post('k6', { to: 'accepted', baseVersion: 2, extra: 1 })).statusCode).toBe(400);
    expect((await post('nope', { to: 'accepted', baseVersion: 1 })).statusCode).toBe(404);
  });

  it('takes a reported matter from a grid member; refuses places outside the district and wrong grids', async () => {
    const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/cases', payload });
    const ok = await post({ title: '楼道灯不亮', ...IN, note: '3 栋 2 单元' });
    expect(ok.statusCode).toBe(201);
    const c = ok.json();
    expect(c).toMatchObject({ status: 'reported', version: 1, subdistrictId: '340802901', whistled: false, allowedNext: ['dispatched', 'closed'] });
    expect(c.events).toHaveLength(1);
    expect(c.id).toMatch(/^k\d+$/);
    expect((await get(`/api/cases/${c.id}`)).statusCode).toBe(200);
    expect((await post({ title: '越界', lon: 116, lat: 30 })).statusCode).toBe(422);
    const wrong = await post({ title: '错网格', ...IN, grid: '340802902001001' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().message).toMatch(/不属于/);
    expect((await post({ ...IN })).statusCode).toBe(400);
    expect((await post({ title: '   ', ...IN })).statusCode).toBe(400);
    expect((await post({ title: 'x', lon: 'a', lat: 30 })).statusCode).toBe(400);
  });

  it('answers bad query input with 400 and a plain message', async () => {
    for (const q of [
      'status=bogus',
      'kind=slow',
      'from=2026-02-30',
      'from=yesterday',
      'limit=0',
      'limit=501',
      'offset=-1',
      'overdue=maybe',
      'grid=12',
      'from=2026-03-01&to=2026-02-01',
      'asOf=2026-13-01',
    ]) {
      const res = await get(`/api/cases?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().message, q).toBeTruthy();
    }
    expect((await get('/api/cases/stats?from=2026-02-30')).statusCode).toBe(400);
  });

  it('lists the workflow with SLA and departments', async () => {
    const w = (await get('/api/cases/workflow')).json();
    expect(w.kinds.find((k: { id: string }) => k.id === 'tackle_hard')).toMatchObject({ acceptHours: 24, feedbackHours: 720 });
    expect(w.departments).toContain('城管局');
    expect(w.statuses.find((s: { id: string }) => s.id === 'reported').next).toEqual(['dispatched', 'closed']);
  });
  it('with sign-in enforced: the actor is the user, roles and grid scope are checked', async () => {
    await seedTestUsers(app.db);
    const secured = await buildApp({ db: app.db, auth: { enforce: true, demoUsers: false, passwordCost: TEST_COST } });
    try {
      expect((await secured.inject({ method: 'GET', url: '/api/cases' })).statusCode).toBe(401);
      const leader = await loginAs(secured, 'leader');
      const detail = (await secured.inject({ method: 'GET', url: '/api/cases/k4', headers: leader.headers })).json();
      const moved = await secured.inject({
        method: 'POST',
        url: '/api/cases/k4/transitions',
        headers: leader.headers,
        payload: { to: 'feedback', baseVersion: detail.version },
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json().events.at(-1).actor).toBe(TEST_USERS.leader.username);
      const coord = await loginAs(secured, 'coordinator');
      expect((await secured.inject({ method: 'GET', url: '/api/cases/stats', headers: coord.headers })).statusCode).toBe(200);
      expect(
        (await secured.inject({ method: 'POST', url: '/api/cases/k4/transitions', headers: coord.headers, payload: { to: 'solved', baseVersion: 4 } }))
          .statusCode,
      ).toBe(403);
      const member = await loginAs(secured, 'grid_member');
      const own = await secured.inject({
        method: 'POST',
        url: '/api/cases',
        headers: member.headers,
        payload: { title: '井盖缺失', ...IN, grid: '340802901001001' },
      });
      expect(own.statusCode).toBe(201);
      // a grid member closes at grid level; whistling belongs to the sub-district
      expect(own.json().allowedNext).toEqual(['closed']);
      const ownId = own.json().id;
      const whistle = await secured.inject({
        method: 'POST',
        url: `/api/cases/${ownId}/transitions`,
        headers: member.headers,
        payload: { to: 'dispatched', baseVersion: 1, kind: 'quick', department: '城管局' },
      });
      expect(whistle.statusCode).toBe(403);
      expect(whistle.json().message).toMatch(/吹哨派单.*由街道/);
      expect((await secured.inject({ method: 'GET', url: `/api/cases/${ownId}`, headers: leader.headers })).json().allowedNext).toEqual([
        'dispatched',
        'closed',
      ]);
      const closed = await secured.inject({
        method: 'POST',
        url: `/api/cases/${ownId}/transitions`,
        headers: member.headers,
        payload: { to: 'closed', baseVersion: 1, note: '已现场处理' },
      });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json().status).toBe('closed');
      const other = await secured.inject({
        method: 'POST',
        url: '/api/cases',
        headers: member.headers,
        payload: { title: '井盖缺失', ...IN, grid: '340802901001002' },
      });
      expect(other.statusCode).toBe(403);
    } finally {
      await secured.close();
    }
  });
});
