import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { CANCELLED_MESSAGE } from '../../server/jobs/runner';
import { createUser } from '../../server/auth/users';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { seedTestUsers, sessionFor, TEST_COST } from '../helpers/auth';
import { insertRawDistrict, ll, RAW } from '../helpers/raw-district';

/**
 * Units from raw data through HTTP: an imported-like district (boundaries, streets, water,
 * buildings, register rows by SQL) → the build units job → units that tile the land and count
 * every register household once → partition → publish → households change and a street is added →
 * rebuild (the published plan keeps its grids) → warm re-partition moves few units; a cancelled
 * build writes nothing. GET /api/units serves the latest build's units, within the caller's scope.
 */
describe.each(BACKENDS)('units from raw data on %s', (backend) => {
  let app: FastifyInstance;
  let sums: { registerA: number; buildingsB: number };
  const one = async <T = number>(sql: string, params: unknown[] = []) => Object.values((await app.db.query<Record<string, T>>(sql, params)).rows[0])[0];
  const runJob = async (url: string, payload: unknown) => {
    const res = await app.inject({ method: 'POST', url, payload: payload as object });
    expect(res.statusCode, res.body).toBe(202);
    await app.jobs.idle();
    return (await app.inject({ method: 'GET', url: `/api/jobs/${res.json().jobId}` })).json();
  };
  const land = (sub: string) =>
    one<number>(
      `SELECT ST_Area(ST_Transform(ST_Difference(s.geom, COALESCE((SELECT ST_Union(w.geom) FROM water w), ST_GeomFromText('POLYGON EMPTY', 4326))), 4548)) FROM subdistricts s WHERE s.id = $1`,
      [sub],
    );

  beforeAll(async () => {
    const db = await openTestDb(backend);
    sums = await insertRawDistrict(db);
    app = await buildApp({ db });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  let publishedPlan = 0;
  let publishedGrids: unknown[] = [];

  it('builds units that tile the land, count each household once and stay in their sub-district; reports what to fix', async () => {
    const job = await runJob('/api/units/build', { subdistricts: [RAW.A, RAW.B] });
    expect(job, JSON.stringify(job)).toMatchObject({ kind: 'units', status: 'succeeded' });
    expect(job.result.source).toEqual({ [RAW.A]: 'register', [RAW.B]: 'buildings' });
    for (const [sub, expected] of [
      [RAW.A, sums.registerA],
      [RAW.B, sums.buildingsB],
    ] as const) {
      expect(Number(await one('SELECT sum(households) FROM units WHERE subdistrict_id = $1 AND retired_at IS NULL', [sub]))).toBe(expected);
      const covered = Number(await one('SELECT ST_Area(ST_Transform(ST_Union(geom), 4548)) FROM units WHERE subdistrict_id = $1', [sub]));
      expect(Math.abs(covered - Number(await land(sub))) / Number(await land(sub))).toBeLessThan(0.005);
      // no unit reaches outside its sub-district (beyond coordinate rounding: 1e-7° ≈ 1 cm)
      expect(
        Number(
          await one(
            'SELECT max(ST_Area(ST_Difference(u.geom, s.geom)) / ST_Area(u.geom)) FROM units u JOIN subdistricts s ON s.id = u.subdistrict_id WHERE u.subdistrict_id = $1',
            [sub],
          ),
        ),
      ).toBeLessThan(0.001);
      expect(
        Number(
          await one(
            'SELECT count(*) FROM units u JOIN subdistricts s ON s.id = u.subdistrict_id WHERE u.subdistrict_id = $1 AND NOT ST_Intersects(s.geom, ST_PointOnSurface(u.geom))',
            [sub],
          ),
        ),
      ).toBe(0);
    }
    expect(Number(await one('SELECT sum(households) FROM subdistricts WHERE id = $1', [RAW.A]))).toBe(sums.registerA);
    // only valid geometry is written (a spike or self-touching ring would fail the grid union later)
    expect(Number(await one('SELECT count(*) FROM units WHERE NOT ST_IsValid(geom)'))).toBe(0);
    expect(Number(await one('SELECT count(*) FROM blocks WHERE NOT ST_IsValid(geom)'))).toBe(0);
    // the big block was split by its rows' points; compounds from the register and the buildings
    expect(job.result.stats.blocks_split).toBeGreaterThanOrEqual(1);
    expect((await app.db.query<{ name: string }>('SELECT name FROM compounds ORDER BY name')).rows.map((r) => r.name)).toEqual(['河畔花园', '锦绣小区']);
    expect(Number(await one("SELECT count(*) FROM units u JOIN compounds k ON k.id = u.compound_id WHERE k.name = '锦绣小区'"))).toBeGreaterThanOrEqual(12);

    const res = await app.inject({ method: 'GET', url: `/api/units/quality?subdistricts=${RAW.A},${RAW.B}` });
    expect(res.statusCode).toBe(200);
    const { report, builds } = res.json();
    expect(builds).toHaveLength(2);
    expect(report.counts.household_outside).toBe(1);
    expect(report.households_outside).toBe(RAW.outsideRow.households);
    const outside = report.items.find((i: { kind: string }) => i.kind === 'household_outside');
    expect(outside.at[0]).toBeCloseTo(ll(RAW.outsideRow.x, RAW.outsideRow.y)[0], 6);
    const empty = report.items.filter((i: { kind: string }) => i.kind === 'block_empty');
    const [ex, ey] = ll(RAW.emptyBlock.x, RAW.emptyBlock.y);
    expect(empty.some((i: { bbox: number[] }) => i.bbox[0] < ex && ex < i.bbox[2] && i.bbox[1] < ey && ey < i.bbox[3])).toBe(true);
    expect(report.counts.gap_healed).toBeGreaterThanOrEqual(1);
    expect(report.counts.street_unclosed).toBe(2);
    expect(report.items.filter((i: { kind: string }) => i.kind === 'community_missing').map((i: { subdistrict: string }) => i.subdistrict)).toEqual([RAW.B]);
    expect(report.counts.row_unplaced).toBe(0);
    // the job's result carries the same report
    expect(job.result.quality.counts).toEqual(report.counts);
  });

  it("GET /api/units answers the units of the latest build as compact GeoJSON, within the caller's scope", async () => {
    const res = await app.inject({ method: 'GET', url: `/api/units?subdistricts=${RAW.A},${RAW.B}` });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const fc = res.json() as {
      type: string;
      features: Array<{ id: string; geometry: { type: string; coordinates: number[][][][] }; properties: Record<string, unknown> }>;
    };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBe(Number(await one('SELECT count(*) FROM units WHERE retired_at IS NULL AND subdistrict_id = ANY($1)', [[RAW.A, RAW.B]])));
    const sum = (sub: string) => fc.features.filter((f) => f.properties.subdistrict_id === sub).reduce((s, f) => s + (f.properties.households as number), 0);
    expect(sum(RAW.A)).toBe(sums.registerA);
    expect(sum(RAW.B)).toBe(sums.buildingsB);
    const f0 = fc.features[0];
    expect(f0.id).toBe(f0.properties.id);
    expect(Object.keys(f0.properties).sort()).toEqual(['block_id', 'compound_id', 'households', 'id', 'subdistrict_id']);
    expect(f0.geometry.type).toBe('MultiPolygon');
    // rounded to 1e-6°: no coordinate has more than 6 decimals
    const coords = fc.features.flatMap((f) => f.geometry.coordinates.flat(2).flat());
    expect(coords.every((c) => Math.abs(c * 1e6 - Math.round(c * 1e6)) < 1e-6)).toBe(true);
    // one sub-district only; one without a build answers nothing
    const a = (await app.inject({ method: 'GET', url: `/api/units?subdistricts=${RAW.A}` })).json();
    expect(a.features.every((f: { properties: { subdistrict_id: string } }) => f.properties.subdistrict_id === RAW.A)).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/api/units?subdistricts=340802999' })).json().features).toEqual([]);
    // bad requests: no list, a bad code, more than 20 sub-districts (a clear message)
    expect((await app.inject({ method: 'GET', url: '/api/units' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/units?subdistricts=12' })).statusCode).toBe(400);
    const many = Array.from({ length: 21 }, (_, i) => String(340802901 + i)).join(',');
    const tooMany = await app.inject({ method: 'GET', url: `/api/units?subdistricts=${many}` });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().message).toBe("一次最多读取 20 个街道的单元，本次 21 个 (at most 20 sub-districts' units per request, asked for 21)");

    // with sign-in: a planner of B gets B's units only; a coordinator may not read them; nobody signed in gets a 401
    const secured = await buildApp({ db: app.db, auth: { enforce: true } });
    try {
      const users = await seedTestUsers(app.db);
      const plannerB = await createUser(
        app.db,
        { username: 'units_planner_b', password: 'units-planner-b-pass', role: 'planner', subdistricts: [RAW.B], grids: [] },
        TEST_COST,
      );
      const get = async (userId: number | null, subs: string) =>
        secured.inject({
          method: 'GET',
          url: `/api/units?subdistricts=${subs}`,
          headers: userId === null ? {} : (await sessionFor(app.db, userId)).headers,
        });
      const both = await get(plannerB.id, `${RAW.A},${RAW.B}`);
      expect(both.statusCode).toBe(200);
      const subsSeen = new Set(both.json().features.map((f: { properties: { subdistrict_id: string } }) => f.properties.subdistrict_id));
      expect([...subsSeen]).toEqual([RAW.B]);
      const onlyA = await get(plannerB.id, RAW.A);
      expect(onlyA.statusCode).toBe(200);
      expect(onlyA.json().features).toEqual([]);
      expect((await get(users.leader.id, `${RAW.A},${RAW.B}`)).json().features.length).toBe(fc.features.length);
      expect((await get(users.coordinator.id, RAW.B)).statusCode).toBe(403);
      expect((await get(null, RAW.B)).statusCode).toBe(401);
    } finally {
      await secured.close();
    }
  });

  it('the partition runs on the new units; the plan is published', async () => {
    const job = await runJob('/api/partition', { subdistrict: RAW.A, min: 300, max: 500 });
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.result.grids).toBeGreaterThanOrEqual(8);
    expect(job.result.inBand).toBe(job.result.grids);
    publishedPlan = job.result.planId;
    const pub = await app.inject({ method: 'POST', url: `/api/plans/${publishedPlan}/publish`, payload: { baseVersion: 1 } });
    expect(pub.statusCode, pub.body).toBe(200);
    publishedGrids = (await app.inject({ method: 'GET', url: `/api/plans/${publishedPlan}/grids` })).json().features;
    const hh = (publishedGrids as Array<{ properties: { households: number } }>).reduce((s, f) => s + f.properties.households, 0);
    expect(hh).toBe(sums.registerA);
  });

  it('a rebuild after households change keeps what did not move, retires what a plan references, and the published plan reads its grids', async () => {
    const before = Number(await one('SELECT count(*) FROM units WHERE retired_at IS NULL AND subdistrict_id = $1', [RAW.A]));
    // a small change: +6 households on two rows; a new lane splits one block in two
    await app.db.query("UPDATE household_register SET households = households + 3 WHERE row_ref IN ('line 2', 'line 30')");
    await app.db.query(
      `INSERT INTO streets (id, class, source, geom) VALUES ('new-lane', 'lane', 'import', ST_MakeLine(ST_Point($1, $2, 4326), ST_Point($1, $3, 4326)))`,
      [ll(350, 0)[0], ll(350, 300)[1], ll(350, 400)[1]],
    );
    const job = await runJob('/api/units/build', { subdistricts: [RAW.A] });
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.result.unitsKept).toBeGreaterThanOrEqual(before - 3);
    expect(job.result.unitsRetired).toBeGreaterThanOrEqual(1);
    expect(Number(await one('SELECT count(*) FROM units WHERE retired_at IS NULL AND subdistrict_id = $1', [RAW.A]))).toBe(before + 1);
    expect(Number(await one('SELECT sum(households) FROM units WHERE subdistrict_id = $1 AND retired_at IS NULL', [RAW.A]))).toBe(sums.registerA + 6);
    // the published plan: same grids, same geometry, its units all still there
    const gridsRes = await app.inject({ method: 'GET', url: `/api/plans/${publishedPlan}/grids` });
    expect(gridsRes.statusCode, gridsRes.body.slice(0, 300)).toBe(200);
    const grids = gridsRes.json().features;
    expect(grids.length).toBe(publishedGrids.length);
    expect(JSON.stringify(grids.map((g: { geometry: unknown }) => g.geometry))).toBe(
      JSON.stringify((publishedGrids as Array<{ geometry: unknown }>).map((g) => g.geometry)),
    );
    expect(
      Number(await one('SELECT count(*) FROM plan_assignments a LEFT JOIN units u ON u.id = a.unit_id WHERE a.plan_id = $1 AND u.id IS NULL', [publishedPlan])),
    ).toBe(0);
    // the built units follow the rebuild (current units of A's new build, none retired)
    const built = (await app.inject({ method: 'GET', url: `/api/units?subdistricts=${RAW.A}` })).json();
    expect(built.features.length).toBe(before + 1);
    // the units layer shows current units only
    const layer = (await app.inject({ method: 'GET', url: '/api/layers/units' })).json();
    expect(layer.features.length).toBe(Number(await one('SELECT count(*) FROM units WHERE retired_at IS NULL')));
  });

  it('re-partition keeping what holds moves at most 5% of the units and opens a draft', async () => {
    const job = await runJob('/api/partition/repartition', { subdistricts: [RAW.A] });
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.result.previousPlans).toEqual([publishedPlan]);
    expect(job.result.unitsMovedShare).toBeLessThanOrEqual(0.05);
    const plan = (await app.inject({ method: 'GET', url: `/api/plans/${job.result.planId}` })).json();
    expect(plan.status).toBe('draft');
    expect(
      Number(
        await one('SELECT count(*) FROM plan_assignments a JOIN units u ON u.id = a.unit_id WHERE a.plan_id = $1 AND u.retired_at IS NOT NULL', [
          job.result.planId,
        ]),
      ),
    ).toBe(0);
    const bad = await app.inject({ method: 'POST', url: '/api/partition/repartition', payload: { subdistricts: [RAW.B] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('已发布');
  });

  it('a cancelled build writes nothing; bad requests get a 400 and start no job', async () => {
    const count = async () =>
      JSON.stringify(
        (
          await app.db.query(
            'SELECT (SELECT count(*) FROM units)::int AS u, (SELECT count(*) FROM blocks)::int AS b, (SELECT count(*) FROM unit_builds)::int AS ub, (SELECT count(*) FROM compounds)::int AS k, (SELECT sum(households) FROM units WHERE retired_at IS NULL)::int AS h',
          )
        ).rows[0],
      );
    const before = await count();
    await app.db.query("UPDATE household_register SET households = households + 50 WHERE row_ref = 'line 3'");
    const res = await app.inject({ method: 'POST', url: '/api/units/build', payload: { subdistricts: [RAW.A, RAW.B] } });
    const { jobId } = res.json();
    await new Promise<void>((resolve) => {
      const on = (e: { message?: string; status: string }) => {
        if (e.status !== 'running' || !e.message?.startsWith('生成单元')) return;
        app.jobs.events.off(`job:${jobId}`, on);
        void app.inject({ method: 'POST', url: `/api/jobs/${jobId}/cancel` }).then(() => resolve());
      };
      app.jobs.events.on(`job:${jobId}`, on);
    });
    await app.jobs.idle();
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json();
    expect(job).toMatchObject({ status: 'failed', message: CANCELLED_MESSAGE });
    expect(await count()).toBe(before);
    const jobs = Number(await one("SELECT count(*) FROM jobs WHERE kind = 'units'"));
    for (const payload of [{}, { subdistricts: ['340802999'] }, { subdistricts: ['12'] }, { all: true, bogus: 1 }]) {
      const r = await app.inject({ method: 'POST', url: '/api/units/build', payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().message).toBeTruthy();
    }
    expect(Number(await one("SELECT count(*) FROM jobs WHERE kind = 'units'"))).toBe(jobs);
  });
});
