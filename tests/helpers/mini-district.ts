import type { Db, Queryable } from '../../server/db';
import { createPlan, type NewPlan } from '../../server/plans/store';

/**
 * A tiny hand-made district for database tests: one sub-district (340802901) with one community
 * and a 3 x 2 lattice of 100 m square units u1..u6 (households 100..600), west→east then north→south:
 *   u1 u2 u3
 *   u4 u5 u6
 */
export const MINI_UNITS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];

/** The grids of the mini district's two-grid draft: A west (u1 u2 u4 u5, 1,200 households), B east (u3 u6, 900). */
export const MINI_GRID_A = '340802901001001';
export const MINI_GRID_B = '340802901001002';

/** A draft plan of the mini district, grids A and B, band 300-1300; `over` replaces any of its fields. */
export function createMiniPlan(db: Db, over: Partial<NewPlan> = {}): Promise<number> {
  return createPlan(db, {
    name: '草稿',
    author: 't',
    subdistricts: ['340802901'],
    params: { min: 300, max: 1300 },
    assignment: { u1: MINI_GRID_A, u2: MINI_GRID_A, u4: MINI_GRID_A, u5: MINI_GRID_A, u3: MINI_GRID_B, u6: MINI_GRID_B },
    ...over,
  });
}

export async function insertMiniDistrict(db: Queryable): Promise<void> {
  const lon0 = 117.05;
  const lat0 = 30.52;
  const dx = 100 / (111320 * Math.cos((lat0 * Math.PI) / 180));
  const dy = 100 / 110574;
  await db.query(
    `INSERT INTO subdistricts (id, code, name, kind, synthetic, geom)
     VALUES ('340802901', '901', '测试街道', 'street', true, ST_Multi(ST_MakeEnvelope($1, $2, $3, $4, 4326)))`,
    [lon0, lat0 - 2 * dy, lon0 + 3 * dx, lat0],
  );
  await db.query(
    `INSERT INTO communities (id, subdistrict_id, code, name, synthetic, geom)
     SELECT '340802901001', '340802901', '001', '测试社区', true, geom FROM subdistricts WHERE id = '340802901'`,
  );
  let i = 0;
  for (let row = 0; row < 2; row++) {
    for (let col = 0; col < 3; col++) {
      i++;
      await db.query(
        `INSERT INTO units (id, subdistrict_id, community_id, households, synthetic, geom)
         VALUES ($1, '340802901', '340802901001', $2, true, ST_Multi(ST_MakeEnvelope($3, $4, $5, $6, 4326)))`,
        [`u${i}`, i * 100, lon0 + col * dx, lat0 - (row + 1) * dy, lon0 + (col + 1) * dx, lat0 - row * dy],
      );
    }
  }
}
