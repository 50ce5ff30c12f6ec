import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../server/db';
import type { ScryptCost } from '../../server/auth/password';
import type { Role } from '../../server/auth/roles';
import { createSession } from '../../server/auth/sessions';
import { createUser, findForLogin, type UserRecord } from '../../server/auth/users';

/** Cheap scrypt cost for test users only (production hashes use N = 2^15). */
export const TEST_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

/**
 * One test user per role, known passwords. Non-grid roles cover the whole district ('340802');
 * the grid member owns grid 340802901001001 of the mini-district (tests/helpers/mini-district.ts).
 */
export const TEST_USERS: Record<Role, { username: string; password: string; subdistricts: string[]; grids: string[] }> = {
  admin: { username: 't_admin', password: 'test-admin-pass', subdistricts: ['340802'], grids: [] },
  planner: { username: 't_planner', password: 'test-planner-pass', subdistricts: ['340802'], grids: [] },
  coordinator: { username: 't_coordinator', password: 'test-coordinator-pass', subdistricts: ['340802'], grids: [] },
  leader: { username: 't_leader', password: 'test-leader-pass', subdistricts: ['340802'], grids: [] },
  grid_member: { username: 't_grid_member', password: 'test-grid-member-pass', subdistricts: ['340802901'], grids: ['340802901001001'] },
};

/** Creates the test users that do not exist yet; returns all five. */
export async function seedTestUsers(db: Queryable): Promise<Record<Role, UserRecord>> {
  const out = {} as Record<Role, UserRecord>;
  for (const [role, u] of Object.entries(TEST_USERS) as Array<[Role, (typeof TEST_USERS)[Role]]>) {
    const found = await findForLogin(db, u.username);
    out[role] = found ? found.user : await createUser(db, { ...u, role }, TEST_COST);
  }
  return out;
}

export interface TestLogin {
  /** The Cookie header value (session + CSRF cookies). */
  cookie: string;
  csrf: string;
  /** Headers for app.inject: cookie and x-csrf-token (add them to writes and reads alike). */
  headers: Record<string, string>;
}

let nextIp = 1;
/** A distinct client address per login, so the login rate limit never trips in tests. */
const testIp = () => `198.18.${(nextIp >> 8) & 255}.${nextIp++ & 255}`;

/** Signs in through POST /api/login as the test user of a role (seedTestUsers first). */
export async function loginAs(app: FastifyInstance, role: Role): Promise<TestLogin> {
  const u = TEST_USERS[role];
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { username: u.username, password: u.password }, remoteAddress: testIp() });
  if (res.statusCode !== 200) throw new Error(`loginAs(${role}): ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = res.json().csrf as string;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

/** A session made directly in the database (no HTTP, no scrypt): for tests that need many. */
export async function sessionFor(db: Queryable, userId: number): Promise<TestLogin> {
  const s = await createSession(db, userId);
  const cookie = `wangge_session=${s.token}; wangge_csrf=${s.csrf}`;
  return { cookie, csrf: s.csrf, headers: { cookie, 'x-csrf-token': s.csrf } };
}
