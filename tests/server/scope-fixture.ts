/**
 * Fixture of the read-scope and privacy tests (issue 15): two sub-districts, A = 340802001 and
 * B = 340802003, side by side, each 0.01° square, with one community, units, a published plan
 * covering both (grids A1, A2 in A; B1 in B), the "1+3" staff of every grid, whistle cases with
 * events, shops with phones in joint-defense groups, saved patrol routes, a job, and households.
 * Every personal value is a distinctive marker string, so a test can look for it in any answer.
 * Users: one per role scoped like the demo users (planner and coordinator in A only, grid member
 * of grid A1, leader and admin district-wide), plus a coordinator of B.
 */
import type { Db } from '../../server/db';
import type { Role } from '../../server/auth/roles';
import { createUser, type UserRecord } from '../../server/auth/users';
import { createJob } from '../../server/jobs/store';
import { TEST_COST } from '../helpers/auth';

export const A = '340802001';
export const B = '340802003';
export const A1 = '340802001001001';
export const A2 = '340802001001002';
export const B1 = '340802003001001';
/** lon of the west edge of A and B; both span 0.01° east and 30.52–30.53 N. */
const LON: Record<string, number> = { [A]: 117.05, [B]: 117.07 };

/** Marker strings and where they live. */
export const M = {
  staffName: (g: string) => `员工${g.slice(6)}`,
  staffPhone: (g: string) => `1380${g.slice(-7)}`,
  shopPhone: (sd: string, k: number) => `1370${sd.slice(-3)}${String(k).padStart(4, '0')}`,
  caseTitle: (g: string) => `事项${g.slice(6)}`,
  caseActor: (g: string) => `经办人${g.slice(6)}`,
  headName: (k: number) => `户主${String(k).padStart(3, '0')}号`,
  householdPhone: (k: number) => `1390${String(k).padStart(7, '0')}`,
};

export interface ScopeFixture {
  planId: number;
  /** a draft of both sub-districts that moves uA2 into A1 and uB1 into a new grid of B (A2, B1 removed) */
  draftId: number;
  users: Record<Role, UserRecord> & { coordinatorB: UserRecord; gridMemberA2: UserRecord };
  /** case ids by grid */
  cases: Record<string, string>;
  /** one group id per sub-district */
  groups: Record<string, string>;
  /** one shop id per sub-district */
  shops: Record<string, string>;
  /** saved patrol route id per sub-district */
  routes: Record<string, number>;
  /** a job started by the planner */
  plannerJob: string;
  /** the unit with 3 households (2 of them party households) */
  smallUnit: string;
}

const box = (lon0: number, lon1: number) => `ST_Multi(ST_MakeEnvelope(${lon0}, 30.52, ${lon1}, 30.53, 4326))`;

export async function insertScopeFixture(db: Db): Promise<ScopeFixture> {
  for (const sd of [A, B]) {
    const w = LON[sd];
    await db.query(`INSERT INTO subdistricts (id, code, name, kind, synthetic, geom) VALUES ($1, $2, $3, 'street', true, ${box(w, w + 0.01)})`, [
      sd,
      sd.slice(-3),
      `街道${sd.slice(-3)}`,
    ]);
    await db.query(`INSERT INTO communities (id, subdistrict_id, code, name, synthetic, geom) VALUES ($1, $2, '001', $3, true, ${box(w, w + 0.01)})`, [
      `${sd}001`,
      sd,
      `社区${sd.slice(-3)}`,
    ]);
  }
  // units: A west half (A1, 400 households), A east half (A2, 3 households: a small count), B whole (B1)
  const units: Array<[string, string, number, number, number, number, string]> = [
    ['uA1', A, 400, 120, 117.05, 117.055, A1],
    ['uA2', A, 3, 2, 117.055, 117.06, A2],
    ['uB1', B, 400, 90, 117.07, 117.08, B1],
  ];
  for (const [id, sd, hh, party, w, e] of units) {
    await db.query(
      `INSERT INTO units (id, subdistrict_id, community_id, households, buildings, party_households, plaqued_households, synthetic, geom) VALUES ($1, $2, $3, $4, 1, $5, $5 / 2, true, ${box(w, e)})`,
      [id, sd, `${sd}001`, hh, party],
    );
  }
  const plan = await db.query<{ id: number }>(
    `INSERT INTO plans (name, status, subdistricts, published_at) VALUES ('区方案', 'published', ARRAY[$1, $2], now()) RETURNING id`,
    [A, B],
  );
  const planId = Number(plan.rows[0].id);
  for (const [id, sd, hh, , w, e, grid] of units) {
    await db.query('INSERT INTO plan_assignments (plan_id, unit_id, grid_code) VALUES ($1, $2, $3)', [planId, id, grid]);
    await db.query(`INSERT INTO grids (plan_id, code, subdistrict_id, community_id, households, units, geom) VALUES ($1, $2, $3, $4, $5, 1, ${box(w, e)})`, [
      planId,
      grid,
      sd,
      `${sd}001`,
      hh,
    ]);
    await db.query("INSERT INTO staff (name, role, phone, grid_code) VALUES ($1, 'leader', $2, $3)", [M.staffName(grid), M.staffPhone(grid), grid]);
  }
  const draft = await db.query<{ id: number }>(`INSERT INTO plans (name, status, subdistricts) VALUES ('草稿', 'draft', ARRAY[$1, $2]) RETURNING id`, [A, B]);
  const draftId = Number(draft.rows[0].id);
  for (const [unit, grid] of [
    ['uA1', A1],
    ['uA2', A1],
    ['uB1', `${B}001002`],
  ]) {
    await db.query('INSERT INTO plan_assignments (plan_id, unit_id, grid_code) VALUES ($1, $2, $3)', [draftId, unit, grid]);
  }
  await db.query(
    `INSERT INTO grids (plan_id, code, subdistrict_id, community_id, households, units, geom) VALUES
    ($1, $2, $3, $4, 403, 2, ${box(117.05, 117.06)}), ($1, $5, $6, $7, 400, 1, ${box(117.07, 117.08)})`,
    [draftId, A1, A, `${A}001`, `${B}001002`, B, `${B}001`],
  );
  // households of the small unit: personal fields (never served outside the admin's backup)
  for (let k = 1; k <= 3; k++) {
    await db.query(
      `INSERT INTO households (id, unit_id, head_name, phone, party_member, credit_rating, synthetic, geom)
       VALUES ($1, 'uA2', $2, $3, $4, '3A', true, ST_SetSRID(ST_MakePoint(117.057, 30.525), 4326))`,
      [`h${k}`, M.headName(k), M.householdPhone(k), k < 3],
    );
  }

  const users = {} as ScopeFixture['users'];
  const mk = async (username: string, role: Role, subdistricts: string[], grids: string[] = []) =>
    createUser(db, { username, password: `${username}-pass-123`, role, subdistricts, grids, displayName: username }, TEST_COST);
  users.admin = await mk('s_admin', 'admin', ['340802']);
  users.planner = await mk('s_planner', 'planner', [A]);
  users.coordinator = await mk('s_coordinator', 'coordinator', [A]);
  users.leader = await mk('s_leader', 'leader', ['340802']);
  users.grid_member = await mk('s_grid_member', 'grid_member', [A], [A1]);
  users.coordinatorB = await mk('s_coordinator_b', 'coordinator', [B]);
  users.gridMemberA2 = await mk('s_grid_member_a2', 'grid_member', [A], [A2]);

  // cases: one per grid, each with an event naming its actor
  const cases: Record<string, string> = {};
  for (const [, sd, , , w, , grid] of units) {
    const id = `c${grid}`;
    cases[grid] = id;
    await db.query(
      `INSERT INTO cases (id, title, whistled, status, subdistrict_id, grid_code, reported_at, updated_at, version, synthetic, geom)
       VALUES ($1, $2, false, 'reported', $3, $4, now() - interval '1 day', now() - interval '1 day', 1, true, ST_SetSRID(ST_MakePoint($5, 30.525), 4326))`,
      [id, M.caseTitle(grid), sd, grid, w + 0.002],
    );
    await db.query("INSERT INTO case_events (case_id, status, at, actor, note) VALUES ($1, 'reported', now() - interval '1 day', $2, null)", [
      id,
      M.caseActor(grid),
    ]);
  }

  // shops (phones), one group of three per sub-district, one saved route each
  const groups: Record<string, string> = {};
  const shops: Record<string, string> = {};
  const routes: Record<string, number> = {};
  for (const sd of [A, B]) {
    const w = LON[sd];
    for (let k = 0; k < 3; k++) {
      await db.query(
        `INSERT INTO shops (id, name, category, phone, subdistrict_id, synthetic, geom) VALUES ($1, $2, 'retail', $3, $4, true, ST_SetSRID(ST_MakePoint($5, 30.525), 4326))`,
        [`shop${sd.slice(-3)}${k}`, `商铺${sd.slice(-3)}${k}`, M.shopPhone(sd, k), sd, w + 0.001 + 0.0005 * k],
      );
    }
    const gid = `${sd}-001`;
    groups[sd] = gid;
    shops[sd] = `shop${sd.slice(-3)}0`;
    await db.query('INSERT INTO defense_sets (subdistrict_id, version) VALUES ($1, 1)', [sd]);
    await db.query('INSERT INTO defense_groups (id, subdistrict_id, grid_code, name, leader_shop_id, synthetic) VALUES ($1, $2, $3, $4, $5, true)', [
      gid,
      sd,
      sd === A ? A1 : B1,
      `联防组${sd.slice(-3)}`,
      shops[sd],
    ]);
    for (let k = 0; k < 3; k++) await db.query('INSERT INTO defense_members (shop_id, group_id) VALUES ($1, $2)', [`shop${sd.slice(-3)}${k}`, gid]);
    await db.query("INSERT INTO defense_equipment (group_id, kind, quantity) VALUES ($1, 'shield', 2)", [gid]);
    await db.query('INSERT INTO patrol_logs (group_id, patrolled_at, patrollers) VALUES ($1, now(), $2)', [gid, `巡逻员${sd.slice(-3)}`]);
    const r = await db.query<{ id: number }>(
      `INSERT INTO patrol_routes (group_id, subdistrict_id, name, stops, length_m, duration_s, synthetic, geom)
       VALUES ($1, $2, $3, '[]'::jsonb, 100, 80, true, ST_SetSRID(ST_MakeLine(ST_MakePoint($4, 30.525), ST_MakePoint($4 + 0.001, 30.525)), 4326)) RETURNING id`,
      [gid, sd, `路线${sd.slice(-3)}`, w + 0.001],
    );
    routes[sd] = Number(r.rows[0].id);
  }
  const plannerJob = await createJob(db, 'partition', { subdistricts: [A] }, users.planner.id);
  await db.query("UPDATE jobs SET status = 'succeeded', progress = 1, result = '{}'::jsonb WHERE id = $1", [plannerJob]);
  return { planId, draftId, users, cases, groups, shops, routes, plannerJob, smallUnit: 'uA2' };
}
