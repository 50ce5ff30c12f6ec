import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertLatticeDistrict } from '../helpers/lattice-district';

describe.each(BACKENDS)('POST /api/partition on %s', (backend) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertLatticeDistrict(db);
    app = await buildApp({ db });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it('runs a job with progress that saves a draft plan of in-band grids', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/partition', payload: { subdistrict: '340802902', min: 300, max: 500 } });
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json();
    await app.jobs.idle();
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json();
    expect(job).toMatchObject({ kind: 'partition', status: 'succeeded', progress: 1 });
    expect(job.result.grids).toBe(job.result.inBand);
    const plan = (await app.inject({ method: 'GET', url: `/api/plans/${job.result.planId}` })).json();
    expect(plan).toMatchObject({ status: 'draft', subdistricts: ['340802902'], grids: job.result.grids });
    const grids = (await app.inject({ method: 'GET', url: `/api/plans/${job.result.planId}/grids` })).json();
    expect(grids.features.every((f: { properties: { in_band: boolean; contiguous: boolean } }) => f.properties.in_band && f.properties.contiguous)).toBe(true);
  });

  it('rejects bad requests with 400 and a message, starting no job', async () => {
    for (const payload of [
      {},
      { subdistrict: '12' },
      { subdistrict: '340802999' },
      { all: true, min: 500, max: 300 },
      { all: true, target: 900 },
      { all: true, previousPlan: 999999 },
      { all: true, bogus: 1 },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/api/partition', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message, JSON.stringify(payload)).toBeTruthy();
    }
    const jobs = await app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE kind = 'partition'");
    expect(jobs.rows[0].n).toBe(1);
  });

  it('a unit over max gives a warning that names it, and the job still saves a plan', async () => {
    const before = (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans')).rows[0].n;
    await app.db.query("UPDATE units SET households = 5000 WHERE id = 'L0_0'");
    const res = await app.inject({ method: 'POST', url: '/api/partition', payload: { subdistrict: '340802902', previousPlan: 1 } });
    expect(res.statusCode).toBe(202);
    await app.jobs.idle();
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${res.json().jobId}` })).json();
    expect(job.status).toBe('succeeded');
    expect(job.result.warnings.some((w: { code: string; units: string[] }) => w.code === 'unit_over_max' && w.units.includes('L0_0'))).toBe(true);
    expect((await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans')).rows[0].n).toBe(before + 1);
  });

  it('names every out-of-band grid in the plan warnings by its final grid code (an empty island grid too)', async () => {
    await app.db.query("UPDATE units SET households = 50 WHERE id = 'L0_0'");
    // a unit with no households, cut off from the others (a park across the river, say)
    await app.db.query(
      `INSERT INTO units (id, subdistrict_id, community_id, households, synthetic, geom)
       VALUES ('Z_park', '340802902', '340802902002', 0, true, ST_Multi(ST_MakeEnvelope(117.08, 30.522, 117.081, 30.523, 4326)))`,
    );
    const res = await app.inject({ method: 'POST', url: '/api/partition', payload: { subdistrict: '340802902', min: 300, max: 500 } });
    expect(res.statusCode).toBe(202);
    await app.jobs.idle();
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${res.json().jobId}` })).json();
    expect(job.status).toBe('succeeded');
    const planId = job.result.planId as number;
    const out = (
      await app.db.query<{ code: string; households: number }>(
        'SELECT code, households FROM grids WHERE plan_id = $1 AND households NOT BETWEEN 300 AND 500 ORDER BY 1',
        [planId],
      )
    ).rows;
    expect(out.some((g) => g.households === 0)).toBe(true);
    const plan = (await app.inject({ method: 'GET', url: `/api/plans/${planId}` })).json();
    for (const g of out) {
      const named = (plan.warnings as Array<{ code: string; grids?: string[]; message: string }>).filter(
        (w) => w.code === 'grid_out_of_band' && w.grids?.includes(g.code),
      );
      expect(named, `grid ${g.code} (${g.households} households)`).toHaveLength(1);
      expect(named[0].message).toContain(g.code);
    }
    expect(job.result.warnings).toEqual(plan.warnings);
  });
});
