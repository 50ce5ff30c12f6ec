import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { partitionToPlan, PartitionRequestError } from '../../server/partition/service';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertLatticeDistrict } from '../helpers/lattice-district';

describe.each(BACKENDS)('partition into a draft plan on %s', (backend) => {
  let db: Db;
  let total: number;
  beforeAll(async () => {
    db = await openTestDb(backend);
    total = (await insertLatticeDistrict(db)).households;
  });
  afterAll(async () => {
    await db?.close();
  });

  it('saves in-band, contiguous grids with 15-digit codes per community, reporting progress', async () => {
    const progress: number[] = [];
    const out = await partitionToPlan(db, { subdistricts: ['340802902'] }, (f) => progress.push(f));
    expect(out.grids).toBeGreaterThan(0);
    expect(out.inBand).toBe(out.grids);
    expect(out.contiguous).toBe(out.grids);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((f, i) => i === 0 || f >= progress[i - 1])).toBe(true);
    const g = await db.query<{ code: string; community_id: string; households: number }>(
      'SELECT code, community_id, households FROM grids WHERE plan_id = $1',
      [out.planId],
    );
    expect(g.rows.reduce((s, r) => s + r.households, 0)).toBe(total);
    for (const r of g.rows) {
      expect(r.code).toMatch(/^340802902\d{6}$/);
      expect(r.code.startsWith(r.community_id)).toBe(true);
    }
    const unassigned = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM plan_assignments WHERE plan_id = $1 AND grid_code IS NULL', [out.planId]);
    expect(unassigned.rows[0].n).toBe(0);
  });

  it('a warm start from the previous plan with unchanged households keeps every grid code', async () => {
    const first = await partitionToPlan(db, { subdistricts: ['340802902'] });
    const again = await partitionToPlan(db, { subdistricts: ['340802902'], previousPlan: first.planId });
    expect(again.unitsMoved).toBe(0);
    const codes = async (id: number) =>
      (await db.query<{ unit_id: string; grid_code: string }>('SELECT unit_id, grid_code FROM plan_assignments WHERE plan_id = $1 ORDER BY unit_id', [id]))
        .rows;
    expect(await codes(again.planId)).toEqual(await codes(first.planId));
  });

  it('refuses an unknown sub-district or a bad band with a plain message and writes nothing', async () => {
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans')).rows[0].n;
    await expect(partitionToPlan(db, { subdistricts: ['340802999'] })).rejects.toThrow(/未知的街道编码/);
    await expect(partitionToPlan(db, { subdistricts: 'all', min: 500, max: 300 })).rejects.toBeInstanceOf(PartitionRequestError);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans')).rows[0].n).toBe(before);
  });
});
