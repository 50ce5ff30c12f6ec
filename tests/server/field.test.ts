import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { seedFieldDemo } from '../../server/field/demo';
import { weekOf } from '../../server/field/week';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, type TestLogin } from '../helpers/auth';
import { A, A1, A2, B, B1, insertScopeFixture, M, type ScopeFixture } from './scope-fixture';

/**
 * Field work and the grid ledger through HTTP (issue H), on the read-scope fixture (grids A1, A2 in
 * sub-district A, B1 in B; a grid member of A1 and one of A2; a district leader): the member's grid
 * and visit plan, idempotent visits with photos, writes outside the grid refused, households masked
 * and only for the grid's members, disputes settled once, the ledger searched and exported, counts
 * rolled up, weekly hours against the 5-hour rule, and the synthetic demo seeder's totals.
 */
describe.each(BACKENDS)('field work and ledger on %s', (backend) => {
  let app: FastifyInstance;
  let fx: ScopeFixture;
  const s = {} as Record<'admin' | 'leader' | 'grid_member' | 'gridMemberA2' | 'planner', TestLogin>;
  const IN_A1 = { lon: 117.052, lat: 30.525 };
  const now = Date.now();
  const iso = (dt: number) => new Date(now + dt).toISOString();
  const key = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  beforeAll(async () => {
    const db = await openTestDb(backend);
    fx = await insertScopeFixture(db);
    // two buildings in A1, one in B1
    for (const [id, w, hh] of [
      ['bA1a', 117.051, 40],
      ['bA1b', 117.053, 60],
      ['bB1', 117.072, 30],
    ] as const) {
      await db.query(
        `INSERT INTO buildings (id, subdistrict_id, households, label, synthetic, geom) VALUES ($1, $2, $3, $4, true, ST_MakeEnvelope($5::float8, 30.524, $5::float8 + 0.0004, 30.5244, 4326))`,
        [id, id === 'bB1' ? B : A, hh, `${id}号楼`, w],
      );
    }
    await db.query("UPDATE households SET building_id = 'bA1b'");
    app = await buildApp({ db, auth: { enforce: true } });
    await app.ready();
    for (const k of ['admin', 'leader', 'grid_member', 'gridMemberA2', 'planner'] as const) s[k] = await sessionFor(db, fx.users[k].id);
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const get = (who: keyof typeof s, url: string) => app.inject({ method: 'GET', url, headers: s[who].headers });
  const send = (who: keyof typeof s, method: 'POST' | 'PATCH', url: string, payload: object) => app.inject({ method, url, headers: s[who].headers, payload });
  const visit = (n: number, extra: object = {}) => ({
    clientKey: key(n),
    grid: A1,
    startedAt: iso(-2 * 3600e3),
    endedAt: iso(-3600e3),
    ...IN_A1,
    buildingId: 'bA1a',
    note: `走访${n}`,
    ...extra,
  });

  it("the member's grid: buildings, today's plan (never-visited first) and coverage; other grids and other roles are refused", async () => {
    const res = await get('grid_member', `/api/field/grid?grid=${A1}`);
    expect(res.statusCode, res.body).toBe(200);
    const g = res.json();
    expect(g).toMatchObject({ code: A1, subdistrictId: A, households: 400, coverage4w: 0 });
    expect(g.buildings.map((b: { id: string }) => b.id)).toEqual(['bA1a', 'bA1b']);
    expect(g.buildings.every((b: { planned: boolean }) => b.planned)).toBe(true);
    expect((await get('grid_member', `/api/field/grid?grid=${B1}`)).statusCode).toBe(403);
    expect((await get('leader', `/api/field/grid?grid=${A1}`)).statusCode).toBe(403);
    expect((await get('planner', `/api/field/grid?grid=${A1}`)).statusCode).toBe(403);
    expect((await get('admin', '/api/field/grid?grid=340802001009009')).statusCode).toBe(404);
  });

  it('a visit is stored once per client key (a re-sync answers 200 duplicate), and counts in the plan and coverage', async () => {
    const first = await send('grid_member', 'POST', '/api/field/visits', visit(1));
    expect(first.statusCode, first.body).toBe(201);
    const again = await send('grid_member', 'POST', '/api/field/visits', visit(1, { note: '重发' }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, duplicate: true });
    const n = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM field_visits WHERE client_key = $1', [key(1)]);
    expect(Number(n.rows[0].n)).toBe(1);
    const g = (await get('grid_member', `/api/field/grid?grid=${A1}`)).json();
    expect(g.coverage4w).toBeCloseTo(40 / 100, 5);
    const a = g.buildings.find((b: { id: string }) => b.id === 'bA1a');
    expect(a.lastVisit).not.toBeNull();
  });

  it('writes outside the grid or with impossible times are refused with a message', async () => {
    expect((await send('grid_member', 'POST', '/api/field/visits', visit(2, { grid: B1 }))).statusCode).toBe(403);
    expect((await send('gridMemberA2', 'POST', '/api/field/visits', visit(3))).statusCode).toBe(403);
    expect((await send('leader', 'POST', '/api/field/visits', visit(4))).statusCode).toBe(403);
    const far = await send('grid_member', 'POST', '/api/field/visits', visit(5, { lon: 117.075 }));
    expect(far.statusCode).toBe(400);
    expect(far.json().message).toContain('不在网格');
    const wrongBuilding = await send('grid_member', 'POST', '/api/field/visits', visit(6, { buildingId: 'bB1' }));
    expect(wrongBuilding.statusCode).toBe(400);
    const backwards = await send('grid_member', 'POST', '/api/field/visits', visit(7, { startedAt: iso(-3600e3), endedAt: iso(-7200e3) }));
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().message).toContain('早于');
    const old = await send('grid_member', 'POST', '/api/field/visits', visit(8, { startedAt: iso(-40 * 86400e3), endedAt: iso(-40 * 86400e3 + 3600e3) }));
    expect(old.statusCode).toBe(400);
    const none = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM field_visits WHERE client_key <> $1', [key(1)]);
    expect(Number(none.rows[0].n)).toBe(0);
  });

  it('a photo is stored with its visit, served to the grid only, and refused when it is not an image or too large', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7), Buffer.from([0xff, 0xd9])]);
    const res = await send('grid_member', 'POST', '/api/field/visits', visit(10, { photo: { mime: 'image/jpeg', data: jpeg.toString('base64') } }));
    expect(res.statusCode, res.body).toBe(201);
    const photoId = res.json().photoId as number;
    const got = await get('grid_member', `/api/field/photos/${photoId}`);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.rawPayload.equals(jpeg)).toBe(true);
    expect((await get('gridMemberA2', `/api/field/photos/${photoId}`)).statusCode).toBe(404);
    const png = await send('grid_member', 'POST', '/api/field/visits', visit(11, { photo: { mime: 'image/png', data: jpeg.toString('base64') } }));
    expect(png.statusCode).toBe(400);
    const big = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(410 * 1024)]);
    const tooBig = await send('grid_member', 'POST', '/api/field/visits', visit(12, { photo: { mime: 'image/jpeg', data: big.toString('base64') } }));
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().message).toContain('上限');
  });

  it("households: the grid's own members see them masked; another grid's member and leaders do not", async () => {
    const mine = await get('gridMemberA2', `/api/field/households?grid=${A2}`);
    expect(mine.statusCode).toBe(200);
    const rows = mine.json() as Array<{ headName: string; phone: string }>;
    expect(rows).toHaveLength(3);
    expect(rows[0].headName).toMatch(/^户\*+$/);
    expect(rows[0].phone).toMatch(/^139\*{4}\d{4}$/);
    expect(mine.body).not.toContain(M.headName(1));
    expect(mine.body).not.toContain(M.householdPhone(1));
    expect((await get('grid_member', `/api/field/households?grid=${A2}`)).statusCode).toBe(403);
    expect((await get('leader', `/api/field/households?grid=${A2}`)).statusCode).toBe(403);
  });

  it('ledger entries: a dispute is recorded once, settled once (409 after), and only in the own grid', async () => {
    const d = { clientKey: key(20), grid: A1, kind: 'dispute', title: '楼上漏水纠纷', detail: '三楼与二楼' };
    const r1 = await send('grid_member', 'POST', '/api/ledger/entries', d);
    expect(r1.statusCode, r1.body).toBe(201);
    expect((await send('grid_member', 'POST', '/api/ledger/entries', d)).json()).toMatchObject({ id: r1.json().id, duplicate: true });
    expect((await send('grid_member', 'POST', '/api/ledger/entries', { ...d, clientKey: key(21), grid: B1 })).statusCode).toBe(403);
    const badOutcome = await send('grid_member', 'POST', '/api/ledger/entries', {
      clientKey: key(22),
      grid: A1,
      kind: 'volunteer',
      title: '清扫',
      outcome: 'mediated',
    });
    expect(badOutcome.statusCode).toBe(400);
    const info = await send('grid_member', 'POST', '/api/ledger/entries', {
      clientKey: key(23),
      grid: A1,
      kind: 'basic_info',
      title: '3号楼住户核查',
      households: 12,
      changes: 2,
    });
    expect(info.statusCode).toBe(201);
    const id = r1.json().id as number;
    expect((await send('gridMemberA2', 'PATCH', `/api/ledger/entries/${id}`, { outcome: 'mediated' })).statusCode).toBe(403);
    expect((await send('leader', 'PATCH', `/api/ledger/entries/${id}`, { outcome: 'mediated' })).statusCode).toBe(403);
    const open = await get('grid_member', `/api/ledger?grid=${A1}&open=true`);
    expect(open.json().items.map((i: { type: string }) => i.type)).toContain('dispute');
    const settle = await send('grid_member', 'PATCH', `/api/ledger/entries/${id}`, { outcome: 'mediated' });
    expect(settle.statusCode, settle.body).toBe(200);
    const twice = await send('grid_member', 'PATCH', `/api/ledger/entries/${id}`, { outcome: 'referred' });
    expect(twice.statusCode).toBe(409);
    expect((await get('grid_member', `/api/ledger?grid=${A1}&type=dispute&open=true`)).json().total).toBe(0);
  });

  it('the ledger lists visits, entries and matters of the own grid only, searchable; it exports as CSV and XLSX', async () => {
    const all = (await get('grid_member', '/api/ledger')).json();
    const types = new Set(all.items.map((i: { type: string }) => i.type));
    expect([...types].sort()).toEqual(['basic_info', 'dispute', 'matter', 'visit']);
    expect(all.items.every((i: { grid: string }) => i.grid === A1)).toBe(true);
    expect(all.items.find((i: { type: string }) => i.type === 'matter').title).toBe(M.caseTitle(A1));
    const found = (await get('grid_member', `/api/ledger?q=${encodeURIComponent('漏水')}`)).json();
    expect(found.total).toBe(1);
    expect((await get('grid_member', `/api/ledger?grid=${B1}`)).statusCode).toBe(403);
    expect((await get('leader', '/api/ledger')).statusCode).toBe(403);

    const csv = await get('grid_member', `/api/ledger/export?grid=${A1}&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toContain('类型,编号,网格,时间');
    expect(lines).toHaveLength(all.total + 1);
    const xlsx = await get('grid_member', `/api/ledger/export?grid=${A1}&type=dispute`);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(1).value).toBe('矛盾纠纷');
    expect(ws.getRow(2).getCell(7).value).toBe('调解成功');
  });

  it('counts roll up per grid, community and sub-district for leaders; a grid member sees their grid only', async () => {
    const sd = (await get('leader', '/api/ledger/summary?level=subdistrict')).json();
    const a = sd.rows.find((r: { code: string }) => r.code === A);
    expect(a).toMatchObject({ grids: 2, basicInfo: 1, householdsChecked: 12, changes: 2, disputes: 1, disputesOpen: 0, matters: 2, visits4w: 2 });
    expect(sd.rows.find((r: { code: string }) => r.code === B)).toMatchObject({ grids: 1, matters: 1, visits4w: 0 });
    expect(sd.total.matters).toBe(3);
    const grids = (await get('leader', `/api/ledger/summary?level=grid&within=${A}`)).json();
    expect(grids.rows.map((r: { code: string }) => r.code)).toEqual([A1, A2]);
    const mine = (await get('grid_member', '/api/ledger/summary?level=grid')).json();
    expect(mine.rows.map((r: { code: string }) => r.code)).toEqual([A1]);
    const x = await get('leader', '/api/ledger/summary/export?level=community&format=csv');
    expect(x.body).toContain('合计');
  });

  it('weekly hours: each roster person and each visitor against the 5-hour rule, for the member and the leader', async () => {
    const h = (await get('grid_member', '/api/field/hours')).json();
    expect(h.ruleMinutes).toBe(300);
    const me = h.members.find((m: { visitor: string }) => m.visitor === 's_grid_member');
    // the two visits (1 h each) fall in this week unless the week began less than 2 hours ago
    expect(me.minutes).toBeLessThanOrEqual(120);
    expect(me.ok).toBe(false);
    const roster = h.members.find((m: { visitor: string }) => m.visitor === M.staffName(A1));
    expect(roster).toMatchObject({ grid: A1, role: 'leader', minutes: 0, ok: false });
    expect(h.members.every((m: { grid: string }) => m.grid === A1)).toBe(true);
    const leader = (await get('leader', `/api/field/hours?grid=${A}`)).json();
    expect(leader.grids.map((g: { grid: string }) => g.grid)).toEqual([A1, A2]);
    expect((await get('planner', '/api/field/hours')).statusCode).toBe(403);
    expect((await get('leader', '/api/field/hours?week=2026-02-30')).statusCode).toBe(400);
  });

  it('weekly hours are matched by user id, not display name: namesakes stay two people, a renamed user stays one', async () => {
    const [from] = weekOf(Date.now());
    const gm = fx.users.grid_member.id;
    const other = fx.users.gridMemberA2.id;
    await app.db.query("UPDATE users SET display_name = '同名网格员' WHERE id = ANY($1::bigint[])", [[gm, other]]);
    const at = (min: number) => new Date(from + min * 60e3).toISOString();
    // written under an old name by gm (120 min), and by the namesake (30 min)
    await app.db.query(
      `INSERT INTO field_visits (grid_code, user_id, visitor, started_at, ended_at) VALUES ($1, $2, '旧名字', $3, $4), ($1, $5, '同名网格员', $6, $7)`,
      [A1, gm, at(1), at(121), other, at(200), at(230)],
    );
    const h = (await get('grid_member', '/api/field/hours')).json() as { members: Array<{ visitor: string; minutes: number; grid: string }> };
    const namesakes = h.members.filter((m) => m.visitor === '同名网格员');
    expect(namesakes).toHaveLength(2);
    expect(namesakes.map((m) => m.minutes).sort((a, b) => a - b)[0]).toBe(30);
    expect(Math.max(...namesakes.map((m) => m.minutes))).toBeGreaterThanOrEqual(120);
    expect(h.members.some((m) => m.visitor === '旧名字')).toBe(false);
  });

  it("leaders' map layers per grid: 4-week visit coverage (households of visited buildings / grid households), people under 5 h last week, open disputes; small grids suppressed; no names", async () => {
    await app.db.query("INSERT INTO ledger_entries (grid_code, kind, title, occurred_at, author) VALUES ($1, 'dispute', '邻里噪音', now(), 'x')", [A1]);
    const res = await get('leader', '/api/ledger/grids/geojson');
    expect(res.statusCode, res.body).toBe(200);
    const fc = res.json() as {
      week: { from: string };
      features: Array<{ id: string; geometry: { type: string }; properties: Record<string, number | string | null> }>;
    };
    const by = new Map(fc.features.map((f) => [f.id, f.properties]));
    expect([...by.keys()].sort()).toEqual([A1, A2, B1].sort());
    // A1: visits at bA1a (40 households) of the grid's 400: 10%
    expect(by.get(A1)).toMatchObject({ households: 400, coverage4w: 0.1, disputesOpen: 1 });
    expect(Number(by.get(A1)!.people)).toBeGreaterThanOrEqual(1); // the roster
    expect(by.get(A1)!.under5h).toBe(by.get(A1)!.people); // nobody visited 5 h
    expect(fc.features[0].geometry.type).toMatch(/Polygon/);
    // A2 has 3 households: suppressed for the leader, exact for an admin
    expect(by.get(A2)).toMatchObject({ coverage4w: null, people: null, under5h: null, disputesOpen: null });
    const admin = (await get('admin', '/api/ledger/grids/geojson')).json();
    expect(admin.features.find((f: { id: string }) => f.id === A2).properties.people).toEqual(expect.any(Number));
    expect(res.body).not.toContain('s_grid_member');
    expect((await get('grid_member', '/api/ledger/grids/geojson')).statusCode).toBe(403);
    expect((await get('leader', '/api/ledger/grids/geojson?prefix=x')).statusCode).toBe(400);
    await app.db.query("DELETE FROM ledger_entries WHERE title = '邻里噪音'");
  });

  it('the demo seeder spreads the given totals over the grids exactly, with visits per roster person, once', async () => {
    const before = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_entries WHERE NOT synthetic');
    const r = await seedFieldDemo(app.db, { totals: { records: 997, disputes: 13, volunteer: 31 }, seed: 3, now });
    expect(r.skipped).toBe(false);
    const c = await app.db.query<{ kind: string; n: number }>(
      'SELECT kind, count(*)::int AS n FROM ledger_entries WHERE synthetic GROUP BY kind ORDER BY kind',
    );
    expect(c.rows.map((x) => [x.kind, Number(x.n)])).toEqual([
      ['basic_info', 997],
      ['dispute', 13],
      ['volunteer', 31],
    ]);
    const v = await app.db.query<{ n: number; staff: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT staff_id)::int AS staff FROM field_visits WHERE synthetic',
    );
    expect(Number(v.rows[0].staff)).toBe(2); // the roster leaders of A1 and B1 (A2 has no building)
    expect(Number(v.rows[0].n)).toBe(r.visits);
    expect((await seedFieldDemo(app.db, { totals: { records: 5, disputes: 1, volunteer: 1 } })).skipped).toBe(true);
    const after = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_entries WHERE NOT synthetic');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
