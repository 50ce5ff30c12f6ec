import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { seedTestUsers, sessionFor, TEST_COST, type TestLogin } from '../helpers/auth';

/**
 * GET /api/jobs (issue 16): recent jobs newest first, filtered by status (dead_letter too) and kind,
 * scoped: admins see every job; others the jobs they started and the jobs all of whose sub-districts
 * are theirs; grid members and anonymous callers none.
 */
const A = '340802001';
const B = '340802003';

describe.each(BACKENDS)('job list on %s', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let admin: TestLogin;
  let plannerA: TestLogin;
  let gridMember: TestLogin;
  let plannerAId = 0;

  beforeAll(async () => {
    db = await openTestDb(backend);
    const users = await seedTestUsers(db);
    const pa = await createUser(db, { username: 'jl_planner_a', password: 'jl-planner-pass-9', role: 'planner', subdistricts: [A], grids: [] }, TEST_COST);
    plannerAId = pa.id;
    app = await buildApp({ db, auth: { enforce: true } });
    await app.ready();
    // oldest first; params as the routes write them
    const jobs: Array<[string, string, string, string, boolean, number | null, number]> = [
      ['j-a', 'partition', 'succeeded', JSON.stringify({ subdistricts: [A] }), false, null, 60],
      ['j-b', 'partition', 'succeeded', JSON.stringify({ subdistricts: [B] }), false, null, 50],
      ['j-ab', 'units', 'running', JSON.stringify({ subdistricts: [A, B] }), false, null, 40],
      ['j-all', 'partition', 'queued', JSON.stringify({ subdistricts: 'all' }), false, null, 30],
      ['j-dead', 'partition', 'failed', JSON.stringify({ subdistricts: [A] }), true, null, 20],
      ['j-group', 'groups', 'succeeded', JSON.stringify({ subdistrict: A }), false, null, 15],
      ['j-own', 'import', 'failed', JSON.stringify({ file: 'x.csv', subdistrict: null }), false, plannerAId, 10],
    ];
    for (const [id, kind, status, params, dead, by, ago] of jobs) {
      await db.query(
        `INSERT INTO jobs (id, kind, status, params, message, attempts, dead_letter, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, now() - make_interval(secs => $9), now() - make_interval(secs => $9))`,
        [id, kind, status, params, dead ? '未知的街道编码：340802001' : null, dead ? 3 : 1, dead, by, ago],
      );
    }
    admin = await sessionFor(db, users.admin.id);
    plannerA = await sessionFor(db, plannerAId);
    gridMember = await sessionFor(db, users.grid_member.id);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const list = async (who: TestLogin | null, query = '') => {
    const res = await app.inject({ method: 'GET', url: `/api/jobs${query}`, headers: who?.headers ?? {} });
    return { status: res.statusCode, ids: res.statusCode === 200 ? (res.json().jobs as Array<{ id: string }>).map((j) => j.id) : [], body: res.json() };
  };

  it('admins see every job, newest first; filters by status, dead letter and kind', async () => {
    expect((await list(admin)).ids).toEqual(['j-own', 'j-group', 'j-dead', 'j-all', 'j-ab', 'j-b', 'j-a']);
    expect((await list(admin, '?status=succeeded')).ids).toEqual(['j-group', 'j-b', 'j-a']);
    expect((await list(admin, '?kind=partition&status=failed')).ids).toEqual(['j-dead']);
    expect((await list(admin, '?limit=2')).ids).toEqual(['j-own', 'j-group']);
    const dead = await list(admin, '?status=dead_letter');
    expect(dead.ids).toEqual(['j-dead']);
    expect(dead.body.jobs[0]).toMatchObject({ status: 'failed', dead_letter: true, attempts: 3, message: '未知的街道编码：340802001', subdistricts: [A] });
  });

  it("a planner sees the jobs of their sub-districts and their own, not another sub-district's or 'all'", async () => {
    const mine = await list(plannerA);
    expect(mine.ids).toEqual(['j-own', 'j-group', 'j-dead', 'j-a']);
    expect(mine.body.jobs[0]).toMatchObject({ created_by: 'jl_planner_a', subdistricts: null });
  });

  it('grid members get 403, anonymous callers 401, bad filters 400', async () => {
    expect((await list(gridMember)).status).toBe(403);
    expect((await list(null)).status).toBe(401);
    expect((await list(admin, '?status=done')).status).toBe(400);
    expect((await list(admin, '?limit=0')).status).toBe(400);
    expect((await list(admin, "?kind=x'%20OR%201=1")).status).toBe(400);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.paths['/api/jobs'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['kind', 'limit', 'status']);
  });
});
