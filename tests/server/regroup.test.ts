/**
 * Regrouping keeps the groups' records (issue 14), through HTTP on both backends, signed in as a
 * coordinator scoped to one sub-district (340802001, the lattice town of ./defense-fixture).
 * A replaced group is archived (still readable, with its old members and patrol routes); its
 * equipment, drills, patrol log and schedule are carried to the new group that holds most of its
 * shops. The preview answers the figures the confirmation dialog shows; the regroup is one
 * transaction; another sub-district is refused (403); a move that empties a group, and a group
 * whose shops are gone, archive it too.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { createUser } from '../../server/auth/users';
import { autoGroup } from '../../server/defense/service';
import { clearStaleGroups } from '../../server/defense/store';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, TEST_COST, type TestLogin } from '../helpers/auth';
import { EMPTY_SUB, insertLatticeTown, SUB } from './defense-fixture';

interface GroupOut {
  id: string;
  members: { id: string }[];
  equipment: Record<string, number>;
  drills: number;
  patrol_logs: number;
}
type Rec = Record<string, unknown> & { id: number; carried_from?: string[] | null };
interface Detail extends GroupOut {
  archived?: boolean;
  replaced_by?: string | null;
  records: Record<'equipment' | 'drills' | 'patrol-logs' | 'schedule', Rec[]>;
}

describe.each(BACKENDS)('regrouping keeps the records on %s', (backend) => {
  let app: FastifyInstance;
  let coord: TestLogin;
  const get = (url: string) => app.inject({ method: 'GET', url, headers: coord.headers });
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object, headers: coord.headers });
  const list = async () => (await get(`/api/groups?subdistrict=${SUB}`)).json() as { version: number; groups: GroupOut[] };
  const detail = async (id: string) => (await get(`/api/groups/${id}`)).json() as Detail;
  /** Every record of every live group, with the group holding it. */
  const liveRecords = async () => {
    const out: { group: string; kind: string; rec: Rec }[] = [];
    for (const g of (await list()).groups) {
      const d = await detail(g.id);
      for (const [kind, rows] of Object.entries(d.records)) for (const rec of rows) out.push({ group: g.id, kind, rec });
    }
    return out;
  };
  /** The group of `groups` holding most of `shops` (ties: the first id). */
  const mostOf = (groups: GroupOut[], shops: string[]) =>
    [...groups].sort(
      (a, b) => b.members.filter((m) => shops.includes(m.id)).length - a.members.filter((m) => shops.includes(m.id)).length || (a.id < b.id ? -1 : 1),
    )[0].id;

  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertLatticeTown(db);
    const u = await createUser(
      db,
      { username: 't_coord_001', password: 'coordinator-001-pass', role: 'coordinator', subdistricts: [SUB], grids: [] },
      TEST_COST,
    );
    app = await buildApp({ db, auth: { enforce: true } });
    coord = await sessionFor(db, u.id);
    expect((await post('/api/groups/auto', { subdistrict: SUB, wait: true })).statusCode).toBe(200);
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it('carries equipment, drills, patrol log and schedule to the new group holding most of the old shops; the old group stays readable, archived, with its route', async () => {
    const before = await list();
    expect(before.groups).toHaveLength(4);
    const a = before.groups[0];
    const aShops = a.members.map((m) => m.id);
    expect((await post(`/api/groups/${a.id}/equipment`, { kind: 'whistle', quantity: 10, note: '回归测试口哨' })).statusCode).toBe(201);
    expect((await post(`/api/groups/${a.id}/drills`, { held_on: '2023-04-12', partner: '回归测试派出所', participants: 10 })).statusCode).toBe(201);
    expect((await post(`/api/groups/${a.id}/patrol-logs`, { patrolled_at: '2023-04-12T12:00:00Z', patrollers: '回归测试张、李' })).statusCode).toBe(201);
    expect((await post(`/api/groups/${a.id}/schedule`, { weekday: 2, start_time: '19:00', end_time: '21:00', patrollers: '回归测试王' })).statusCode).toBe(201);
    expect((await post(`/api/groups/${before.groups[1].id}/equipment`, { kind: 'armband', quantity: 30 })).statusCode).toBe(201);
    const route = await post('/api/patrols/route', { group: a.id, save: true });
    expect(route.statusCode).toBe(200);

    // Regroup across the grid line: every old group is replaced.
    const r = await post('/api/groups/auto', { subdistrict: SUB, crossGrids: true, wait: true });
    expect(r.statusCode).toBe(200);
    const after = await list();
    expect(after.groups.map((g) => g.id).some((id) => before.groups.some((g) => g.id === id))).toBe(false);

    // Every record is still there, once, in the new group holding most of A's shops.
    const recs = await liveRecords();
    const successor = mostOf(after.groups, aShops);
    const mine = recs.filter((x) => JSON.stringify(x.rec).includes('回归测试'));
    expect(mine.map((x) => x.kind).sort()).toEqual(['drills', 'equipment', 'patrol-logs', 'schedule']);
    for (const x of mine) {
      expect(x.group).toBe(successor);
      expect(x.rec.carried_from).toEqual([a.id]);
    }
    expect(
      recs
        .filter((x) => x.kind === 'equipment')
        .map((x) => x.rec.quantity)
        .sort(),
    ).toEqual([10, 30]);
    const totals = after.groups.reduce((s, g) => s + (g.equipment.whistle ?? 0) + (g.equipment.armband ?? 0), 0);
    expect(totals).toBe(40);
    expect(after.groups.find((g) => g.id === successor)).toMatchObject({ drills: 1, patrol_logs: 1 });

    // The old group is archived, readable, with its members, successor, records and route.
    const old = await get(`/api/groups/${a.id}`);
    expect(old.statusCode).toBe(200);
    const od = old.json() as Detail;
    expect(od).toMatchObject({ archived: true, replaced_by: successor });
    expect(od.members.map((m) => m.id).sort()).toEqual([...aShops].sort());
    expect(od.records.equipment.map((x) => x.quantity)).toEqual([10]);
    expect(od.records['patrol-logs']).toHaveLength(1);
    const routes = (await get(`/api/patrols/routes?group=${a.id}`)).json();
    expect(routes.features.map((f: { id: number }) => f.id)).toEqual([route.json().id]);
    const archived = (await get(`/api/groups/archived?subdistrict=${SUB}`)).json();
    expect(archived.groups.map((g: { id: string }) => g.id).sort()).toEqual(before.groups.map((g) => g.id).sort());
    expect(archived.groups.find((g: { id: string }) => g.id === a.id)).toMatchObject({ replaced_by: successor, routes: 1, records: 4 });
  });

  it('previews exactly what a regroup will do, without writing; the regroup then does that', async () => {
    const before = await list();
    const g = before.groups[0];
    expect((await post(`/api/groups/${g.id}/equipment`, { kind: 'shield', quantity: 2 })).statusCode).toBe(201);
    expect((await post(`/api/groups/${g.id}/drills`, { held_on: '2023-05-01' })).statusCode).toBe(201);
    const carriedBefore = (await liveRecords()).length;
    const p = await post('/api/groups/auto/preview', { subdistrict: SUB });
    expect(p.statusCode).toBe(200);
    const preview = p.json();
    expect(preview).toMatchObject({ subdistrict: SUB, version: before.version, shops: 40, groups_replaced: 4, groups_kept: 0 });
    expect(preview.records.equipment + preview.records.drills + preview.records.patrol_logs + preview.records.schedule).toBe(carriedBefore);
    expect(preview.records).toMatchObject({ equipment: 3, drills: 2, patrol_logs: 1, schedule: 1 });
    expect((await list()).version).toBe(before.version);

    const r = await post('/api/groups/auto', { subdistrict: SUB, baseVersion: preview.version, wait: true });
    expect(r.statusCode).toBe(200);
    expect(r.json().result).toMatchObject({ archived_groups: 4, carried: preview.records });
    expect((await liveRecords()).length).toBe(carriedBefore);
    // The preview a client showed is stale once someone regrouped: the regroup based on it gets 409.
    expect((await post('/api/groups/auto', { subdistrict: SUB, baseVersion: preview.version, wait: true })).statusCode).toBe(409);
  });

  it('a move that empties a group archives it with its records instead of deleting them', async () => {
    let l = await list();
    const [x, y] = l.groups;
    expect((await post(`/api/groups/${x.id}/drills`, { held_on: '2023-06-01', note: '清空前的演练' })).statusCode).toBe(201);
    let v = l.version;
    for (const m of x.members) {
      const mv = await post('/api/groups/move', { subdistrict: SUB, baseVersion: v, shop: m.id, to: y.id });
      expect(mv.statusCode).toBe(200);
      v = mv.json().version;
    }
    l = await list();
    expect(l.groups.map((g) => g.id)).not.toContain(x.id);
    const d = await detail(x.id);
    expect(d).toMatchObject({ archived: true, replaced_by: y.id });
    const yd = await detail(y.id);
    expect(yd.records.drills.find((r) => r.note === '清空前的演练')).toMatchObject({ carried_from: [x.id] });
    // an archived group takes no more records, members or routes
    const add = await post(`/api/groups/${x.id}/equipment`, { kind: 'whistle', quantity: 1 });
    expect(add.statusCode).toBe(422);
    expect(add.json().message).toMatch(/已归档/);
    const into = await post('/api/groups/move', { subdistrict: SUB, baseVersion: v, shop: y.members[0].id, to: x.id });
    expect(into.statusCode).toBe(422);
    expect(into.json().message).toMatch(/已归档/);
    expect((await post('/api/patrols/route', { group: x.id })).statusCode).toBe(422);
  });

  it('refuses a coordinator of 340802001 to regroup or preview another sub-district (403)', async () => {
    for (const url of ['/api/groups/auto', '/api/groups/auto/preview']) {
      const r = await post(url, { subdistrict: EMPTY_SUB, ...(url.endsWith('auto') ? { wait: true } : {}) });
      expect(r.statusCode, url).toBe(403);
      expect(r.json().message).toMatch(/超出您负责的街道/);
    }
  });

  it('writes nothing when the regroup fails inside its transaction', async () => {
    const snapshot = async () => ({
      groups: await list(),
      records: await liveRecords(),
      archived: (await get(`/api/groups/archived?subdistrict=${SUB}`)).json(),
    });
    const before = await snapshot();
    await expect(autoGroup(app.db, { subdistrict: SUB, crossGrids: true }, { audit: async () => Promise.reject(new Error('audit failed')) })).rejects.toThrow(
      'audit failed',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('archives (does not delete) a group whose shops are gone, with its records, at the next start', async () => {
    const g = (await list()).groups[0];
    expect((await post(`/api/groups/${g.id}/drills`, { held_on: '2023-07-01', note: '商铺消失前的演练' })).statusCode).toBe(201);
    const ids = g.members.map((m) => m.id);
    await app.db.query('DELETE FROM shops WHERE id = ANY($1::text[])', [ids]);
    expect(await clearStaleGroups(app.db)).toBe(1);
    expect((await list()).groups.map((x) => x.id)).not.toContain(g.id);
    const d = await detail(g.id);
    expect(d).toMatchObject({ archived: true, replaced_by: null });
    expect(d.records.drills.find((r) => r.note === '商铺消失前的演练')).toBeDefined();
    const archived = (await get(`/api/groups/archived?subdistrict=${SUB}`)).json();
    expect(archived.groups.find((x: { id: string }) => x.id === g.id).members.sort()).toEqual([...ids].sort());
    expect(await clearStaleGroups(app.db)).toBe(0);
  });
});
