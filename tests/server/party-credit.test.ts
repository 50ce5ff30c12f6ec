/**
 * Party building and the credit community through HTTP on both backends, on the mini district with a
 * published plan of two grids (u1-u3 → …001, u4-u6 → …002) and the demo seeds run on it: the plaque
 * rule per grid (of party-member households) with small-count suppression, branches per community,
 * the branch layer, serving members (names for the grid's staff only), a quarterly visit (scope,
 * audit), credit aggregates (suppressed cells), the grid's households (its staff only), a merit
 * declared → reviewed (never by its recorder), a demerit recorded → checked by the community, the
 * grade recomputed and every step audited.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { createPlan, publishPlan } from '../../server/plans/store';
import { seedPartyDemo } from '../../server/party/demo';
import { seedCreditDemo } from '../../server/credit/demo';
import { ratingOf, type EntryKind, type EntryStatus } from '../../server/credit/rules';
import { shanghaiToday } from '../../server/party/today';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertMiniDistrict } from '../helpers/mini-district';
import { loginAs, seedTestUsers, type TestLogin } from '../helpers/auth';
import type { Role } from '../../server/auth/roles';

const G1 = '340802901001001';
const G2 = '340802901001002';

describe.each(BACKENDS)('party building and credit community on %s', (backend) => {
  let app: FastifyInstance;
  const as: Partial<Record<Role, TestLogin>> = {};
  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertMiniDistrict(db);
    // party-member households per unit: grid 1 has 15 (3 plaqued: 20%), grid 2 has 3 (fewer than 5)
    await db.query(
      "UPDATE units SET party_households = CASE id WHEN 'u1' THEN 10 WHEN 'u2' THEN 5 WHEN 'u4' THEN 3 ELSE 0 END, plaqued_households = CASE id WHEN 'u1' THEN 3 ELSE 0 END",
    );
    const plan = await createPlan(db, {
      name: '测试方案',
      author: 'test',
      subdistricts: ['340802901'],
      assignment: { u1: G1, u2: G1, u3: G1, u4: G2, u5: G2, u6: G2 },
    });
    await publishPlan(db, plan, 1);
    // households with personal data: h1-h8 in grid 1 (h1-h6 rated), h9 in grid 2
    for (let i = 1; i <= 9; i++) {
      await db.query(
        `INSERT INTO households (id, unit_id, head_name, party_member, credit_rating, synthetic, geom)
         SELECT $1, $2, $3, $4, $5, true, ST_PointOnSurface(geom) FROM units WHERE id = $2`,
        [`h${i}`, i <= 8 ? 'u1' : 'u4', `住户${i}`, i <= 3, i <= 5 ? 'A' : i === 6 ? '3A' : i === 9 ? '2A' : null],
      );
    }
    expect(await seedPartyDemo(db)).toMatchObject({ branches: 2, teams: 33, members: 33 * 22 });
    expect(await seedPartyDemo(db)).toBeNull(); // once
    expect(await seedCreditDemo(db)).toMatchObject({ approved: expect.any(Number) });
    expect(await seedCreditDemo(db)).toBeNull();
    await seedTestUsers(db);
    app = await buildApp({ db, auth: { enforce: true } });
    for (const r of ['admin', 'leader', 'grid_member', 'planner'] as Role[]) as[r] = await loginAs(app, r);
  }, 240_000);
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const get = (role: Role, url: string) => app.inject({ method: 'GET', url, headers: as[role]!.headers });
  const post = (role: Role, url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object, headers: as[role]!.headers });

  it('the demo seeds: every grid in a branch, members link 1-2 grids of their community, visits only there, demo grades exactly from their entries', async () => {
    const db = app.db;
    expect((await db.query('SELECT grid_code FROM party_branch_grids ORDER BY grid_code')).rows.map((r) => r.grid_code)).toEqual([G1, G2]);
    const links = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM party_member_grids GROUP BY member_id');
    expect(links.rows.length).toBe(33 * 22);
    expect(links.rows.every((r) => Number(r.n) >= 1 && Number(r.n) <= 2)).toBe(true);
    const stray = await db.query(
      'SELECT 1 FROM party_visits v WHERE NOT EXISTS (SELECT 1 FROM party_member_grids m WHERE m.member_id = v.member_id AND m.grid_code = v.grid_code) OR v.visited_on > $1::date',
      [shanghaiToday()],
    );
    expect(stray.rows).toEqual([]);
    const es = await db.query<{ household_id: string; kind: EntryKind; status: EntryStatus; points: number }>(
      'SELECT household_id, kind, status, points FROM credit_entries',
    );
    const hs = await db.query<{ id: string; credit_rating: string | null }>('SELECT id, credit_rating FROM households ORDER BY id');
    for (const h of hs.rows)
      expect(ratingOf(es.rows.filter((e) => e.household_id === h.id).map((e) => ({ ...e, points: Number(e.points) }))).rating, h.id).toBe(h.credit_rating);
  });

  it('plaque rule per grid: a share of party-member households, small counts suppressed except for admins', async () => {
    const leader = (await get('leader', '/api/party/grids')).json();
    expect(leader.minShare).toBe(0.2);
    const g1 = leader.grids.find((g: { code: string }) => g.code === G1);
    const g2 = leader.grids.find((g: { code: string }) => g.code === G2);
    expect(g1).toMatchObject({ partyHouseholds: 15, plaqued: 3, share: 0.2, meets: true, households: 600 });
    expect(g2).toMatchObject({ partyHouseholds: 3, plaqued: null, share: null, meets: null });
    const admin = (await get('admin', '/api/party/grids')).json();
    expect(admin.grids.find((g: { code: string }) => g.code === G2)).toMatchObject({ plaqued: 0, share: 0, meets: false });
    // the grid member reads their own grid only
    expect((await get('grid_member', '/api/party/grids')).json().grids.map((g: { code: string }) => g.code)).toEqual([G1]);
    expect((await get('leader', '/api/party/grids?quarter=2026Q5')).statusCode).toBe(400);
  });

  it('branches per community, the branch layer, work teams', async () => {
    const b = (await get('leader', '/api/party/branches')).json();
    expect(b.communities).toHaveLength(1);
    const c = b.communities[0];
    expect(c).toMatchObject({ id: '340802901001', committee: '测试社区党委', teams: 33, partyHouseholds: 18, plaqued: null, unattached: [] });
    expect(c.branches.map((x: { grids: Array<{ code: string }> }) => x.grids.map((g) => g.code))).toEqual([[G1], [G2]]);
    const layer = (await get('leader', '/api/party/branches/geojson')).json();
    expect(layer.features).toHaveLength(2);
    expect(layer.features[0].geometry.type).toMatch(/Polygon/);
    expect(layer.features[0].properties).toMatchObject({ grids: G1, party_households: 15, plaqued: 3, meets: true });
    expect((await get('grid_member', '/api/party/branches/geojson')).json().features).toHaveLength(1);
    // the grid member sees their community's committee with their own grid's branch only
    const own = (await get('grid_member', '/api/party/branches')).json().communities;
    expect(own.map((x: { id: string }) => x.id)).toEqual(['340802901001']);
    expect(own[0].branches.map((x: { grids: Array<{ code: string }> }) => x.grids.map((g) => g.code))).toEqual([[G1]]);
    expect((await get('grid_member', '/api/party/teams')).json().teams).toHaveLength(33);
    const teams = (await get('leader', '/api/party/teams')).json().teams;
    expect(teams).toHaveLength(33);
    expect(teams[0]).toMatchObject({ communityId: '340802901001', members: 22 });
  });

  it("serving members of a grid (names for the grid's staff only) and a recorded visit, scoped and audited", async () => {
    const mine = (await get('grid_member', `/api/party/grids/${G1}/members`)).json().members;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((m: { name: string | null }) => typeof m.name === 'string')).toBe(true);
    const seen = (await get('leader', `/api/party/grids/${G1}/members`)).json().members;
    expect(seen.every((m: { name: string | null }) => m.name === null)).toBe(true);
    expect((await get('grid_member', `/api/party/grids/${G2}/members`)).statusCode).toBe(403);

    const before = (await get('grid_member', '/api/party/grids')).json().grids[0].visits;
    const member = mine[0].id;
    const ok = await post('grid_member', '/api/party/visits', { memberId: member, grid: G1, visitedOn: shanghaiToday(), note: '了解独居老人情况' });
    expect(ok.statusCode).toBe(201);
    expect((await get('grid_member', '/api/party/grids')).json().grids[0].visits).toBe(before + 1);
    const audit = await app.db.query('SELECT action, entity_id FROM audit_log WHERE action = $1', ['party.visit']);
    expect(audit.rows).toEqual([{ action: 'party.visit', entity_id: String(ok.json().id) }]);
    // another grid's member, a grid the caller does not cover, a date in the future
    const other = (await get('admin', `/api/party/grids/${G2}/members`)).json().members.find((m: { grids: string[] }) => !m.grids.includes(G1));
    if (other) expect((await post('grid_member', '/api/party/visits', { memberId: other.id, grid: G1, visitedOn: shanghaiToday() })).statusCode).toBe(400);
    expect((await post('grid_member', '/api/party/visits', { memberId: member, grid: G2, visitedOn: shanghaiToday() })).statusCode).toBe(403);
    const late = await post('grid_member', '/api/party/visits', { memberId: member, grid: G1, visitedOn: '2999-01-01' });
    expect(late.statusCode).toBe(400);
    expect(late.json().message).toContain('晚于今天');
    expect((await post('leader', '/api/party/visits', { memberId: member, grid: G1, visitedOn: shanghaiToday() })).statusCode).toBe(403);
  });

  it('credit aggregates per grid: counts of 1-4 suppressed except for admins; households of a grid for its staff only', async () => {
    const leader = (await get('leader', '/api/credit/grids')).json().grids;
    const g1 = leader.find((g: { code: string }) => g.code === G1);
    expect(g1).toMatchObject({ households: 600, rated: 6, a: 5, aa: 0, aaa: null, ratedShare: 0.01 });
    expect(leader.find((g: { code: string }) => g.code === G2)).toMatchObject({ rated: null, aa: null, ratedShare: null });
    const admin = (await get('admin', '/api/credit/grids')).json().grids;
    expect(admin.find((g: { code: string }) => g.code === G1)).toMatchObject({ aaa: 1 });
    expect(admin.find((g: { code: string }) => g.code === G2)).toMatchObject({ rated: 1, aa: 1 });

    const hh = await get('grid_member', `/api/credit/grids/${G1}/households`);
    expect(hh.statusCode).toBe(200);
    expect(hh.json().households.map((h: { id: string }) => h.id)).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8']);
    expect(hh.json().households[0]).toMatchObject({ headName: '住户1', rating: 'A' });
    expect((await get('leader', `/api/credit/grids/${G1}/households`)).statusCode).toBe(403);
    expect((await get('grid_member', `/api/credit/grids/${G2}/households`)).statusCode).toBe(403);
  });

  it('merit: declared → reviewed by grid staff (not its recorder); demerit: recorded → checked by the community; grade recomputed, audited', async () => {
    const today = shanghaiToday();
    // h7 has no grade; 2 volunteering merits (10 points) give it A
    const ids: number[] = [];
    for (let k = 0; k < 2; k++) {
      const r = await post('grid_member', '/api/credit/entries', {
        household: 'h7',
        kind: 'merit',
        category: 'volunteering',
        occurredOn: today,
        note: '社区清洁日',
      });
      expect(r.statusCode).toBe(201);
      expect(r.json()).toMatchObject({ status: 'declared', points: 5, gridCode: G1, headName: '住户7', version: 1 });
      ids.push(r.json().id);
    }
    expect((await post('grid_member', '/api/credit/entries', { household: 'h9', kind: 'merit', category: 'volunteering', occurredOn: today })).statusCode).toBe(
      403,
    );
    expect((await post('grid_member', '/api/credit/entries', { household: 'h7', kind: 'merit', category: 'public_order', occurredOn: today })).statusCode).toBe(
      400,
    );
    expect(
      (await post('grid_member', '/api/credit/entries', { household: 'h7', kind: 'merit', category: 'volunteering', occurredOn: '2999-12-31' })).statusCode,
    ).toBe(400);
    expect(
      (await post('grid_member', '/api/credit/entries', { household: 'nope', kind: 'merit', category: 'volunteering', occurredOn: today })).statusCode,
    ).toBe(404);
    expect((await post('leader', '/api/credit/entries', { household: 'h7', kind: 'merit', category: 'volunteering', occurredOn: today })).statusCode).toBe(403);

    // the recorder may not approve their own entry; the leader may not review a merit
    const self = await post('grid_member', `/api/credit/entries/${ids[0]}/review`, { decision: 'approve', version: 1 });
    expect(self.statusCode).toBe(403);
    expect(self.json().message).toContain('不能审核自己录入的记录');
    expect((await post('leader', `/api/credit/entries/${ids[0]}/review`, { decision: 'approve', version: 1 })).statusCode).toBe(403);
    const first = await post('admin', `/api/credit/entries/${ids[0]}/review`, { decision: 'approve', version: 1 });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ entry: { status: 'approved', version: 2 }, rating: { before: null, after: null, score: 5 } });
    expect((await post('admin', `/api/credit/entries/${ids[0]}/review`, { decision: 'approve', version: 1 })).statusCode).toBe(409);
    expect((await post('admin', `/api/credit/entries/${ids[0]}/review`, { decision: 'reject', version: 2 })).statusCode).toBe(409);
    const second = await post('admin', `/api/credit/entries/${ids[1]}/review`, { decision: 'approve', version: 1 });
    expect(second.json().rating).toEqual({ before: null, after: 'A', score: 10 });

    // a demerit for h6 (3A): recorded by the grid member, checked by the leader → capped at 2A
    const d = await post('grid_member', '/api/credit/entries', {
      household: 'h6',
      kind: 'demerit',
      category: 'convention',
      occurredOn: today,
      note: '楼道堆物',
    });
    expect(d.json()).toMatchObject({ status: 'recorded', points: 5 });
    expect((await post('grid_member', `/api/credit/entries/${d.json().id}/review`, { decision: 'approve', version: 1 })).statusCode).toBe(403);
    const pending = (await get('leader', '/api/credit/entries?status=recorded')).json();
    const mineForLeader = pending.items.find((e: { id: number }) => e.id === d.json().id);
    expect(mineForLeader).toMatchObject({ householdId: 'h6', headName: null, category: 'convention' });
    const checked = await post('leader', `/api/credit/entries/${d.json().id}/review`, { decision: 'approve', version: 1, note: '已核实' });
    expect(checked.statusCode).toBe(200);
    expect(checked.json()).toMatchObject({ entry: { status: 'confirmed', headName: null }, rating: { before: '3A', after: '2A' } });
    expect((await app.db.query("SELECT credit_rating FROM households WHERE id = 'h6'")).rows[0].credit_rating).toBe('2A');

    const trail = await app.db.query<{ action: string; entity: string; entity_id: string; actor: string }>(
      "SELECT action, entity, entity_id, actor FROM audit_log WHERE action LIKE 'credit.%' ORDER BY id",
    );
    expect(trail.rows.map((r) => `${r.actor} ${r.action} ${r.entity}:${r.entity_id}`)).toEqual([
      `t_grid_member credit.declare credit_entry:${ids[0]}`,
      `t_grid_member credit.declare credit_entry:${ids[1]}`,
      `t_admin credit.approved credit_entry:${ids[0]}`,
      `t_admin credit.approved credit_entry:${ids[1]}`,
      't_admin credit.rating household:h7',
      `t_grid_member credit.record credit_entry:${d.json().id}`,
      `t_leader credit.confirmed credit_entry:${d.json().id}`,
      't_leader credit.rating household:h6',
    ]);
    // the grid member sees names in their entries; the planner is not admitted to entries
    const own = (await get('grid_member', `/api/credit/entries?household=h7`)).json();
    expect(own.items.every((e: { headName: string }) => e.headName === '住户7')).toBe(true);
    expect((await get('grid_member', '/api/credit/entries?household=h9')).statusCode).toBe(403);
    expect((await get('planner', '/api/credit/entries')).statusCode).toBe(403);
    expect((await get('planner', '/api/credit/grids')).statusCode).toBe(200);
  });

  it('management: a leader attaches a branch to grids (moving a grid from its old branch) and links a serving member to 1-2 grids; audited; others refused', async () => {
    const put = (role: Role, url: string, payload: unknown) => app.inject({ method: 'PUT', url, payload: payload as object, headers: as[role]!.headers });
    const b1 = (await app.db.query<{ branch_id: string }>('SELECT branch_id FROM party_branch_grids WHERE grid_code = $1', [G1])).rows[0].branch_id;
    const b2 = (await app.db.query<{ branch_id: string }>('SELECT branch_id FROM party_branch_grids WHERE grid_code = $1', [G2])).rows[0].branch_id;
    expect(b1).not.toBe(b2);
    expect((await put('grid_member', `/api/party/branches/${b2}/grids`, { grids: [G1, G2] })).statusCode).toBe(403);
    expect((await put('planner', `/api/party/branches/${b2}/grids`, { grids: [G1, G2] })).statusCode).toBe(403);
    expect((await put('leader', `/api/party/branches/${b2}/grids`, { grids: ['340802901001009'] })).statusCode).toBe(404);
    expect((await put('leader', '/api/party/branches/nope/grids', { grids: [G1] })).statusCode).toBe(404);
    const ok = await put('leader', `/api/party/branches/${b2}/grids`, { grids: [G2, G1] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ id: b2, grids: [G1, G2] });
    expect((await app.db.query('SELECT grid_code, branch_id FROM party_branch_grids ORDER BY grid_code')).rows).toEqual([
      { grid_code: G1, branch_id: b2 },
      { grid_code: G2, branch_id: b2 },
    ]);
    const a = await app.db.query<{ actor: string; before: unknown; after: unknown }>(
      "SELECT actor, before, after FROM audit_log WHERE action = 'party.branch.grids' AND entity_id = $1",
      [b2],
    );
    expect(a.rows).toEqual([{ actor: 't_leader', before: { grids: [G2] }, after: { grids: [G1, G2], movedFrom: [{ grid: G1, branch: b1 }] } }]);
    // the branch list follows
    const br = (await get('leader', '/api/party/branches')).json().communities[0].branches;
    expect(br.find((x: { id: string }) => x.id === b2).grids.map((g: { code: string }) => g.code)).toEqual([G1, G2]);

    // serving members: the team's list (names for admins only), then 1-2 grids
    const team = (await get('leader', '/api/party/teams')).json().teams[0];
    const tm = await get('leader', `/api/party/teams/${team.id}/members`);
    expect(tm.statusCode, tm.body).toBe(200);
    const member = tm.json().members[0];
    expect(member.name).toBeNull();
    expect((await get('admin', `/api/party/teams/${team.id}/members`)).json().members[0].name).toEqual(expect.any(String));
    expect((await get('grid_member', `/api/party/teams/${team.id}/members`)).statusCode).toBe(403);
    expect((await put('leader', `/api/party/members/${member.id}/grids`, { grids: [G1, G2, G1] })).statusCode).toBe(400);
    expect((await put('leader', `/api/party/members/${member.id}/grids`, { grids: [G1, G1] })).statusCode).toBe(400);
    expect((await put('leader', `/api/party/members/${member.id}/grids`, { grids: [] })).statusCode).toBe(400);
    expect((await put('grid_member', `/api/party/members/${member.id}/grids`, { grids: [G1] })).statusCode).toBe(403);
    const linked = await put('leader', `/api/party/members/${member.id}/grids`, { grids: [G2, G1] });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(
      (await app.db.query('SELECT grid_code FROM party_member_grids WHERE member_id = $1 ORDER BY grid_code', [member.id])).rows.map((r) => r.grid_code),
    ).toEqual([G1, G2]);
    const ma = await app.db.query<{ after: unknown }>("SELECT after FROM audit_log WHERE action = 'party.member.grids' AND entity_id = $1", [
      String(member.id),
    ]);
    expect(ma.rows).toEqual([{ after: { grids: [G1, G2] } }]);
  });
});
