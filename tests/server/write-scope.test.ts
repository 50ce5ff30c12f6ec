import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import type { Queryable } from '../../server/db';
import { createUser } from '../../server/auth/users';
import { createPlan, publishPlan } from '../../server/plans/store';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, TEST_COST, type TestLogin } from '../helpers/auth';

/**
 * Write scope and publishing (issues M and N): a planner scoped to 人民路/新河路 (001/002) copies,
 * partitions, imports and publishes only inside those; publishing a draft replaces the published
 * grids of the draft's own sub-districts and nothing else; no grid ever holds two sub-districts.
 *
 * District: three sub-districts 001, 002, 003 side by side, one community each, two 100 m units
 * each (a1 a2 | b1 b2 | c1 c2, 400 households apiece); the published district plan has one grid
 * per sub-district.
 */
const S1 = '340802001';
const S2 = '340802002';
const S3 = '340802003';
const G1 = `${S1}001001`;
const G2 = `${S2}001001`;
const G3 = `${S3}001001`;
const LON0 = 117.05;
const LAT0 = 30.52;
const DX = 100 / (111320 * Math.cos((LAT0 * Math.PI) / 180));
const DY = 100 / 110574;

async function insertThreeSubdistricts(db: Queryable): Promise<void> {
  const subs = [
    [S1, '人民路街道', 'a'],
    [S2, '新河路街道', 'b'],
    [S3, '华中路街道', 'c'],
  ] as const;
  for (let k = 0; k < subs.length; k++) {
    const [id, name, p] = subs[k];
    const x0 = LON0 + 2 * k * DX;
    await db.query(
      `INSERT INTO subdistricts (id, code, name, kind, synthetic, geom) VALUES ($1, $2, $3, 'street', true, ST_Multi(ST_MakeEnvelope($4, $5, $6, $7, 4326)))`,
      [id, id.slice(6), name, x0, LAT0 - DY, x0 + 2 * DX, LAT0],
    );
    await db.query(
      `INSERT INTO communities (id, subdistrict_id, code, name, synthetic, geom) SELECT $1, $2, '001', $3, true, geom FROM subdistricts WHERE id = $2`,
      [`${id}001`, id, `${name}社区`],
    );
    for (let j = 0; j < 2; j++) {
      await db.query(
        `INSERT INTO units (id, subdistrict_id, community_id, households, synthetic, geom)
         VALUES ($1, $2, $3, 400, true, ST_Multi(ST_MakeEnvelope($4, $5, $6, $7, 4326)))`,
        [`${p}${j + 1}`, id, `${id}001`, x0 + j * DX, LAT0 - DY, x0 + (j + 1) * DX, LAT0],
      );
    }
  }
}

describe.each(BACKENDS)('write scope and publishing on %s', (backend) => {
  let app: FastifyInstance;
  let planner: TestLogin; // 人民路 + 新河路
  let other: TestLogin; // 华中路 only
  let admin: TestLogin;
  let district: number;

  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertThreeSubdistricts(db);
    const mk = async (username: string, role: 'planner' | 'admin', subdistricts: string[]) =>
      sessionFor(db, (await createUser(db, { username, password: 'scope-test-pass-x1', role, subdistricts, grids: [] }, TEST_COST)).id);
    planner = await mk('p12', 'planner', [S1, S2]);
    other = await mk('p3', 'planner', [S3]);
    admin = await mk('adm', 'admin', ['340802']);
    app = await buildApp({ db, auth: { enforce: true } });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  beforeEach(async () => {
    // a fresh published district plan for every test (earlier plans archived)
    await app.db.query("UPDATE plans SET status = 'archived', archived_at = now() WHERE status <> 'archived'");
    district = await createPlan(app.db as never, {
      name: '全区方案',
      author: 'system',
      subdistricts: [S1, S2, S3],
      params: { min: 300, max: 900 },
      assignment: { a1: G1, a2: G1, b1: G2, b2: G2, c1: G3, c2: G3 },
    });
    await publishPlan(app.db as never, district, 1);
  });

  const req = (who: TestLogin, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: who.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const published = async () =>
    (await req(admin, 'GET', '/api/plans/published')).json() as Array<{ id: number; subdistricts: string[]; grids: number; status: string }>;
  const inForce = async () =>
    (await app.db.query<{ subdistrict_id: string; code: string }>('SELECT subdistrict_id, code FROM current_grids ORDER BY code')).rows;

  it('a planner scoped to two sub-districts copies the district plan: a draft of those two only', async () => {
    const res = await req(planner, 'POST', `/api/plans/${district}/copy`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json().subdistricts).toEqual([S1, S2]);
    const draft = (await req(planner, 'GET', `/api/plans/${res.json().id}`)).json();
    expect(draft.status).toBe('draft');
    expect(draft.subdistricts).toEqual([S1, S2]);
    expect(draft.grids).toBe(2);
    const grids = (await req(planner, 'GET', `/api/plans/${res.json().id}/grids`)).json();
    expect(grids.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual([G1, G2]);
    // narrowed further on request; a sub-district outside the scope is refused
    const one = await req(planner, 'POST', `/api/plans/${district}/copy`, { subdistricts: [S2] });
    expect(one.json().subdistricts).toEqual([S2]);
    expect((await req(planner, 'POST', `/api/plans/${district}/copy`, { subdistricts: [S3] })).statusCode).toBe(403);
    // a plan with nothing in the caller's scope
    const only3 = await req(other, 'POST', `/api/plans/${district}/copy`, {});
    expect(only3.statusCode).toBe(200);
    expect((await req(planner, 'POST', `/api/plans/${only3.json().id}/copy`, {})).statusCode).toBe(403);
  });

  it('publishing a one-sub-district draft replaces only that sub-district; the rest of the district stays in force', async () => {
    const copy = (await req(planner, 'POST', `/api/plans/${district}/copy`, { subdistricts: [S1] })).json();
    const effect = (await req(planner, 'GET', `/api/plans/${copy.id}/publish-effect`)).json();
    expect(effect).toMatchObject({ subdistricts: [S1], grids: 1 });
    expect(effect.replaces).toEqual([{ id: district, name: '全区方案', replaced: [S1], replacedGrids: 1, kept: [S2, S3], keptGrids: 2 }]);
    const before = await inForce();
    const pub = await req(planner, 'POST', `/api/plans/${copy.id}/publish`, { baseVersion: 1 });
    expect(pub.statusCode).toBe(200);
    const now = await published();
    expect(now.map((p) => p.subdistricts).sort()).toEqual([[S1], [S2, S3]]);
    expect(now.reduce((a, p) => a + p.grids, 0)).toBe(3);
    // the same grids, with the same codes, are in force for every sub-district
    expect(await inForce()).toEqual(before);
    const old = (await req(admin, 'GET', `/api/plans/${district}`)).json();
    expect(old.status).toBe('archived');
    // history: as of a moment before the publication, the district plan was in force
    const at = new Date(Date.parse(old.archived_at) - 1).toISOString();
    const then = (await req(admin, 'GET', `/api/plans/published?at=${encodeURIComponent(at)}`)).json();
    expect(then.map((p: { id: number }) => p.id)).toEqual([district]);
  });

  it('publishing a draft of the whole district archives the district plan (nothing kept)', async () => {
    const copy = (await req(admin, 'POST', `/api/plans/${district}/copy`, {})).json();
    expect(copy.subdistricts).toEqual([S1, S2, S3]);
    expect((await req(admin, 'POST', `/api/plans/${copy.id}/publish`, { baseVersion: 1 })).statusCode).toBe(200);
    expect((await published()).map((p) => p.id)).toEqual([copy.id]);
  });

  it('a scoped planner cannot publish, edit or partition outside their sub-districts; `all` means all in scope', async () => {
    const mine = (await req(planner, 'POST', `/api/plans/${district}/copy`, {})).json();
    // an edit moving a unit into a grid of another sub-district (in or out of the plan) is refused
    const intoForeign = await req(planner, 'POST', `/api/plans/${mine.id}/edits`, { baseVersion: 1, moves: [{ unit: 'a1', to: '340802003099099' }] });
    expect(intoForeign.statusCode).toBeGreaterThanOrEqual(400);
    expect(intoForeign.statusCode).toBeLessThan(500);
    const across = await req(planner, 'POST', `/api/plans/${mine.id}/edits`, { baseVersion: 1, moves: [{ unit: 'a1', to: G2 }] });
    expect(across.statusCode).toBe(422);
    expect(across.json().message).toMatch(/不能跨街道/);
    // the draft is unchanged
    expect((await req(planner, 'GET', `/api/plans/${mine.id}`)).json().version).toBe(1);
    // another planner's draft of 003 cannot be published or edited by this planner
    const theirs = (await req(other, 'POST', `/api/plans/${district}/copy`, {})).json();
    expect((await req(planner, 'POST', `/api/plans/${theirs.id}/publish`, { baseVersion: 1 })).statusCode).toBe(403);
    expect((await req(planner, 'POST', `/api/plans/${theirs.id}/edits`, { baseVersion: 1, moves: [{ unit: 'c1', to: null }] })).statusCode).toBe(403);
    // partition: a named sub-district outside the scope is refused, `all` is all in scope
    expect((await req(planner, 'POST', '/api/partition', { subdistrict: S3 })).statusCode).toBe(403);
    const job = await req(planner, 'POST', '/api/partition', { all: true, min: 300, max: 900 });
    expect(job.statusCode).toBe(202);
    const id = job.json().jobId as string;
    let status = '';
    let result: { planId?: number } | null = null;
    for (let i = 0; i < 200 && !['succeeded', 'failed'].includes(status); i++) {
      await new Promise((r) => setTimeout(r, 100));
      const j = (await req(planner, 'GET', `/api/jobs/${id}`)).json();
      status = j.status;
      result = j.result;
    }
    expect(status).toBe('succeeded');
    const draft = (await req(planner, 'GET', `/api/plans/${result!.planId}`)).json();
    expect(draft.subdistricts).toEqual([S1, S2]);
  });

  it('the no-two-sub-districts rule holds for admins too, through every edit tool', async () => {
    const copy = (await req(admin, 'POST', `/api/plans/${district}/copy`, {})).json();
    const across = await req(admin, 'POST', `/api/plans/${copy.id}/edits`, { baseVersion: 1, moves: [{ unit: 'b1', to: G3 }] });
    expect(across.statusCode).toBe(422);
    const newGrid = await req(admin, 'POST', `/api/plans/${copy.id}/new-grid`, { baseVersion: 1, units: ['b2', 'c1'] });
    expect(newGrid.statusCode).toBe(422);
    const merge = await req(admin, 'POST', `/api/plans/${copy.id}/merge`, { baseVersion: 1, codes: [G2, G3] });
    expect(merge.statusCode).toBe(422);
    expect((await req(admin, 'GET', `/api/plans/${copy.id}`)).json().version).toBe(1);
  });

  it('importing a plan or data outside the scope is refused and writes nothing', async () => {
    const plansBefore = (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans')).rows[0].n;
    const csv = `unit_id,grid_code\nc1,${G3}\nc2,${G3}\n`;
    const imp = await req(planner, 'POST', '/api/plans/import', { name: 'x', format: 'csv', content: csv });
    expect(imp.statusCode).toBe(403);
    expect(imp.json().message).toMatch(/范围以外/);
    expect((await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans')).rows[0].n).toBe(plansBefore);
    const ok = await req(planner, 'POST', '/api/plans/import', { name: 'y', format: 'csv', content: `unit_id,grid_code\na1,${G1}\na2,${G1}\n` });
    expect(ok.statusCode).toBe(200);

    const upload = (who: TestLogin, query: string, body: string) =>
      app.inject({ method: 'POST', url: `/api/import?wait=true&${query}`, headers: { ...who.headers, 'content-type': 'text/csv' }, payload: body });
    const x1 = LON0 + 0.5 * DX; // in 001
    const x3 = LON0 + 4.5 * DX; // in 003
    const y = LAT0 - 0.5 * DY;
    expect((await upload(planner, `name=s.csv&layer=shops&dryRun=true&subdistrict=${S3}`, `名称,经度,纬度\n店,${x1},${y}\n`)).statusCode).toBe(403);
    const outside = await upload(planner, 'name=s3.csv&layer=shops&dryRun=true', `名称,经度,纬度\n店,${x1},${y}\n店二,${x3},${y}\n`);
    expect(outside.statusCode).toBe(403);
    expect(outside.json().message).toMatch(/不在您负责的街道内/);
    const written = await upload(planner, 'name=s3.csv&layer=shops', `名称,经度,纬度\n店,${x1},${y}\n店二,${x3},${y}\n`);
    expect(written.statusCode).toBe(403);
    expect((await app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM shops WHERE id LIKE 's3.csv:%'")).rows[0].n).toBe(0);
    const inside = await upload(planner, 'name=s1.csv&layer=shops', `名称,经度,纬度\n店,${x1},${y}\n`);
    expect(inside.statusCode).toBe(200);
    // the other planner may not replace the first one's import of the same file
    expect((await upload(other, 'name=s1.csv&layer=shops', `名称,经度,纬度\n店,${x3},${y}\n`)).statusCode).toBe(403);
    expect((await app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM shops WHERE id LIKE 's1.csv:%' AND subdistrict_id = $1", [S1])).rows[0].n).toBe(
      1,
    );
  });
});
