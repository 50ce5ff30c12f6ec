/**
 * Test fixture of the defense capability (groups, patrols): a hand-made lattice town. One
 * sub-district 117.05–117.06 E × 30.52–30.53 N, streets every 0.001° (all junctions shared vertices),
 * a published plan with a west and an east grid, and 40 shops (20 per grid) 11 m north of the
 * east-west streets; plus an empty sub-district.
 */
import type { Queryable } from '../../server/db';

export const SUB = '340802001';
export const EMPTY_SUB = '340802002';
export const WEST = '340802001001001';
export const EAST = '340802001001002';
export const M_PER_DEG_LON = 111320 * Math.cos((30.52 * Math.PI) / 180);

export async function insertLatticeTown(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO subdistricts (id, code, name, kind, synthetic, geom) VALUES
    ($1, '001', '格子街道', 'street', true, ST_Multi(ST_MakeEnvelope(117.05, 30.52, 117.06, 30.53, 4326))),
    ($2, '002', '空街道', 'street', true, ST_Multi(ST_MakeEnvelope(117.07, 30.52, 117.08, 30.53, 4326)))`,
    [SUB, EMPTY_SUB],
  );
  // Lattice segments between neighbouring nodes (every junction is a shared vertex).
  await db.query(`INSERT INTO streets (id, name, class, synthetic, geom)
    SELECT 'h-' || i || '-' || j, '横' || j || '路', 'local', true,
           ST_MakeLine(ST_SetSRID(ST_MakePoint(117.05 + 0.001 * i, 30.52 + 0.001 * j), 4326), ST_SetSRID(ST_MakePoint(117.05 + 0.001 * (i + 1), 30.52 + 0.001 * j), 4326))
      FROM generate_series(0, 9) i, generate_series(0, 10) j
    UNION ALL
    SELECT 'v-' || i || '-' || j, '纵' || i || '路', 'local', true,
           ST_MakeLine(ST_SetSRID(ST_MakePoint(117.05 + 0.001 * i, 30.52 + 0.001 * j), 4326), ST_SetSRID(ST_MakePoint(117.05 + 0.001 * i, 30.52 + 0.001 * (j + 1)), 4326))
      FROM generate_series(0, 10) i, generate_series(0, 9) j`);
  for (let k = 0; k < 40; k++) {
    const c = k % 10,
      r = Math.floor(k / 10);
    await db.query(
      `INSERT INTO shops (id, name, category, phone, street_id, subdistrict_id, synthetic, geom)
       VALUES ($1, $2, 'retail', $3, $4, $5, true, ST_SetSRID(ST_MakePoint($6, $7), 4326))`,
      [`s${String(k).padStart(2, '0')}`, `商铺${k}`, `1390000${String(k).padStart(4, '0')}`, `h-${c}-${2 * r}`, SUB, 117.0505 + 0.001 * c, 30.5201 + 0.002 * r],
    );
  }
  const plan = await db.query<{ id: number }>(
    `INSERT INTO plans (name, status, subdistricts, published_at) VALUES ('已发布', 'published', ARRAY[$1], now()) RETURNING id`,
    [SUB],
  );
  const id = plan.rows[0].id;
  await db.query(
    `INSERT INTO grids (plan_id, code, subdistrict_id, households, units, geom) VALUES
    ($1, $2, $4, 400, 1, ST_Multi(ST_MakeEnvelope(117.05, 30.52, 117.055, 30.53, 4326))),
    ($1, $3, $4, 400, 1, ST_Multi(ST_MakeEnvelope(117.055, 30.52, 117.06, 30.53, 4326)))`,
    [id, WEST, EAST, SUB],
  );
}
