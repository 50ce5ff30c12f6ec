import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { allowedRoles, describeAccess } from '../../server/auth/policy';
import { ROLES, type Role } from '../../server/auth/roles';
import type { UserRecord } from '../../server/auth/users';
import type { RouteAccessInfo } from '../../server/plugins/auth';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { seedTestUsers, sessionFor } from '../helpers/auth';

/**
 * Every registered route × every role (and anonymous): 401 for anonymous on non-public routes, 403
 * for a role without access, neither for a role with access. Routes come from the app itself, so
 * routes added later are covered automatically.
 */

/** Known answers (independent of the policy code) for routes that must never drift. */
const KNOWN: Array<[string, string, Role[] | 'public' | 'all']> = [
  ['GET', '/api/health', 'public'],
  ['POST', '/api/login', 'public'],
  ['GET', '/api/me', 'all'],
  ['POST', '/api/logout', 'all'],
  ['GET', '/api/users', ['admin']],
  ['POST', '/api/users', ['admin']],
  ['PATCH', '/api/users/:id', ['admin']],
  ['GET', '/api/audit', ['admin']],
  ['GET', '/api/plans', 'all'],
  ['POST', '/api/plans/:id/edits', ['admin', 'planner']],
  ['POST', '/api/plans/:id/publish', ['admin', 'planner']],
  // leaders view the plan's "1+3" staffing; planners edit it
  ['GET', '/api/plans/:id/staff', ['admin', 'leader', 'planner']],
  ['POST', '/api/plans/:id/staff/import', ['admin', 'planner']],
  ['GET', '/api/jobs/:id', 'all'],
  ['GET', '/api/jobs', ['admin', 'coordinator', 'leader', 'planner']],
  // its own job, within its sub-districts (tests/server/job-cancel.test.ts)
  ['POST', '/api/jobs/:id/cancel', 'all'],
  // field work and the grid ledger (issue H): grid members write in their grid; leaders read counts
  ['GET', '/api/field/grid', ['admin', 'grid_member']],
  ['GET', '/api/field/households', ['admin', 'grid_member']],
  ['POST', '/api/field/visits', ['admin', 'grid_member']],
  ['GET', '/api/field/photos/:id', ['admin', 'grid_member']],
  ['GET', '/api/field/hours', ['admin', 'grid_member', 'leader']],
  ['GET', '/api/ledger', ['admin', 'grid_member']],
  ['GET', '/api/ledger/export', ['admin', 'grid_member']],
  ['POST', '/api/ledger/entries', ['admin', 'grid_member']],
  ['PATCH', '/api/ledger/entries/:id', ['admin', 'grid_member']],
  ['GET', '/api/ledger/summary', ['admin', 'grid_member', 'leader']],
  ['GET', '/api/ledger/grids/geojson', ['admin', 'leader']],
  ['GET', '/api/ledger/summary/export', ['admin', 'grid_member', 'leader']],
  // big party committee (issue H): everyone in scope reads; grid staff and leaders raise needs; leaders run projects
  ['GET', '/api/party/committee/units', 'all'],
  ['GET', '/api/party/committee/resources', 'all'],
  ['GET', '/api/party/committee/needs', 'all'],
  ['GET', '/api/party/committee/projects', 'all'],
  ['GET', '/api/party/committee/quarter', 'all'],
  ['POST', '/api/party/committee/needs', ['admin', 'leader', 'grid_member']],
  ['GET', '/api/party/committee/needs/:id/matches', 'all'],
  ['POST', '/api/party/committee/projects', ['admin', 'leader']],
  ['PATCH', '/api/party/committee/projects/:id', ['admin', 'leader']],
  ['PUT', '/api/party/branches/:id/grids', ['admin', 'leader']],
  ['GET', '/api/party/teams/:id/members', ['admin', 'leader']],
  ['PUT', '/api/party/members/:id/grids', ['admin', 'leader']],
  ['POST', '/api/patrols/plans', ['admin', 'coordinator']],
  ['GET', '/api/patrols/plans', ['admin', 'coordinator', 'leader']],
  ['GET', '/api/patrols/plans/:id', ['admin', 'coordinator', 'leader']],
  ['POST', '/api/patrols/plans/:id/evaluate', ['admin', 'coordinator']],
  ['PUT', '/api/patrols/plans/:id', ['admin', 'coordinator']],
  ['POST', '/api/patrols/plans/:id/publish', ['admin', 'coordinator']],
  ['GET', '/api/patrols/plans/:id/patrols/:patrol/gpx', ['admin', 'coordinator', 'leader']],
];

const concrete = (url: string) => url.replace(/:\w+/g, '1').replace(/\*/g, 'x');
const PER_REQUEST_MS = 15_000;

describe.each(BACKENDS)('access matrix on %s', (backend) => {
  let app: FastifyInstance;
  let users: Record<Role, UserRecord>;
  let routes: RouteAccessInfo[];
  beforeAll(async () => {
    const db = await openTestDb(backend);
    users = await seedTestUsers(db);
    app = await buildApp({ db, auth: { enforce: true } });
    await app.ready();
    routes = app.routeAccess.filter((r) => r.method !== 'HEAD');
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it('every /api route has a declared or fallback access (none forgotten)', () => {
    const missing = routes.filter((r) => r.source === 'missing').map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    expect(routes.length).toBeGreaterThanOrEqual(KNOWN.length);
  });

  it('the known answers hold', () => {
    for (const [method, url, expected] of KNOWN) {
      const r = routes.find((x) => x.method === method && x.url === url);
      expect(r, `${method} ${url} registered`).toBeDefined();
      if (expected === 'public') expect(r!.access).toBe('public');
      else expect(allowedRoles(r!.access).sort(), `${method} ${url}`).toEqual(expected === 'all' ? [...ROLES].sort() : [...expected].sort());
    }
  });

  it('answers 401 / 403 / allowed for every route x role', async () => {
    const failures: string[] = [];
    let cells = 0;
    const call = async (method: string, url: string, headers: Record<string, string>) => {
      const res = await Promise.race([
        app.inject({ method: method as 'GET', url, headers, remoteAddress: `198.19.${cells >> 8}.${cells & 255}` }),
        new Promise<{ statusCode: number }>((resolve) => setTimeout(() => resolve({ statusCode: 0 }), PER_REQUEST_MS)),
      ]);
      return res.statusCode; // 0: still streaming (e.g. server-sent events), i.e. admitted
    };
    for (const r of routes) {
      const url = concrete(r.url);
      const allowed = new Set(allowedRoles(r.access));
      const anon = await call(r.method, url, {});
      cells++;
      if (r.access === 'public' ? anon === 401 || anon === 403 : anon !== 401)
        failures.push(`anonymous ${r.method} ${r.url}: ${anon} (${describeAccess(r.access)})`);
      for (const role of ROLES) {
        const s = await sessionFor(app.db, users[role].id);
        const code = await call(r.method, url, s.headers);
        cells++;
        const ok = allowed.has(role) ? code !== 401 && code !== 403 : code === 403;
        if (!ok) failures.push(`${role} ${r.method} ${r.url}: ${code} (${describeAccess(r.access)})`);
      }
    }
    expect(failures).toEqual([]);
    expect(cells).toBe(routes.length * (ROLES.length + 1));
    console.log(`access matrix on ${backend}: ${routes.length} routes x ${ROLES.length + 1} principals = ${cells} cells`);
  }, 300_000); // ~100 routes x 6 principals; 60 s is too tight on a loaded 2-core machine

  it('an undeclared /api route without a fallback rule is admin-only, and strictRoutes refuses it at start-up', async () => {
    const db = app.db;
    const other = await buildApp({ db, auth: { enforce: true } });
    other.get('/api/zz-forgotten', async () => ({ ok: true }));
    other.get('/api/zz-declared', { config: { access: { roles: ['leader'] } } }, async () => ({ ok: true }));
    await other.ready();
    expect(other.routeAccess.find((r) => r.url === '/api/zz-forgotten')).toMatchObject({ source: 'missing', access: { roles: ['admin'] } });
    expect(other.routeAccess.find((r) => r.url === '/api/zz-declared')).toMatchObject({ source: 'declared' });
    const leader = await sessionFor(db, users.leader.id);
    const admin = await sessionFor(db, users.admin.id);
    expect((await other.inject({ method: 'GET', url: '/api/zz-forgotten', headers: leader.headers })).statusCode).toBe(403);
    expect((await other.inject({ method: 'GET', url: '/api/zz-forgotten', headers: admin.headers })).statusCode).toBe(200);
    expect((await other.inject({ method: 'GET', url: '/api/zz-declared', headers: leader.headers })).statusCode).toBe(200);
    expect((await other.inject({ method: 'GET', url: '/api/zz-declared', headers: admin.headers })).statusCode).toBe(403);
    await other.close();
    const strict = await buildApp({ db, auth: { enforce: true, strictRoutes: true } });
    expect(() => strict.get('/api/zz-forgotten', async () => ({ ok: true }))).toThrow(/declares no config.access/);
    await strict.close();
  });
});
