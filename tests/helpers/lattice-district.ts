import type { Queryable } from '../../server/db';

/**
 * A lattice sub-district for partition tests: `cols` x `rows` square units of ~80 m (ids
 * `L<row>_<col>`), households 30..70 (deterministic), two communities split at the middle column,
 * and one arterial street running north-south between them.
 */
export async function insertLatticeDistrict(
  db: Queryable,
  cols = 12,
  rows = 10,
  /** Another sub-district `340802<code>` (default 902), side by side: `index` shifts it east by one lattice width + 1 km. */
  opts: { code?: string; index?: number } = {},
): Promise<{ households: number; subdistrict: string }> {
  const code = opts.code ?? '902';
  const sub = `340802${code}`;
  const prefix = code === '902' ? 'L' : `L${code}_`;
  const lon0 = 117.06 + (opts.index ?? 0) * ((cols * 80 + 1000) / (111320 * Math.cos((30.53 * Math.PI) / 180)));
  const lat0 = 30.53;
  const dx = 80 / (111320 * Math.cos((lat0 * Math.PI) / 180));
  const dy = 80 / 110574;
  const env = (c0: number, r0: number, c1: number, r1: number) => [lon0 + c0 * dx, lat0 - r1 * dy, lon0 + c1 * dx, lat0 - r0 * dy];
  const half = Math.floor(cols / 2);
  await db.query(
    `INSERT INTO subdistricts (id, code, name, kind, synthetic, geom) VALUES ($5, $6, $7, 'street', true, ST_Multi(ST_MakeEnvelope($1,$2,$3,$4,4326)))`,
    [...env(0, 0, cols, rows), sub, code, code === '902' ? '格子街道' : `格子街道${code}`],
  );
  await db.query(
    `INSERT INTO communities (id, subdistrict_id, code, name, synthetic, geom) VALUES
     ($9::text || '001', $9, '001', '西社区', true, ST_Multi(ST_MakeEnvelope($1,$2,$3,$4,4326))),
     ($9::text || '002', $9, '002', '东社区', true, ST_Multi(ST_MakeEnvelope($5,$6,$7,$8,4326)))`,
    [...env(0, 0, half, rows), ...env(half, 0, cols, rows), sub],
  );
  await db.query(
    `INSERT INTO streets (id, name, class, synthetic, geom) VALUES ($4, '中轴路', 'arterial', true, ST_MakeLine(ST_Point($1,$2,4326), ST_Point($1,$3,4326)))`,
    [lon0 + half * dx, lat0, lat0 - rows * dy, code === '902' ? 'L-art' : `L${code}-art`],
  );
  const units: Array<{ id: string; c: string; h: number; x0: number; y0: number; x1: number; y1: number }> = [];
  let total = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const h = 30 + ((r * 7 + c * 13) % 41);
      total += h;
      const [x0, y0, x1, y1] = env(c, r, c + 1, r + 1);
      units.push({ id: `${prefix}${r}_${c}`, c: c < half ? `${sub}001` : `${sub}002`, h, x0, y0, x1, y1 });
    }
  }
  await db.query(
    `INSERT INTO units (id, subdistrict_id, community_id, households, synthetic, geom)
     SELECT x.id, $2, x.c, x.h, true, ST_Multi(ST_MakeEnvelope(x.x0, x.y0, x.x1, x.y1, 4326))
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, c text, h int, x0 float8, y0 float8, x1 float8, y1 float8)`,
    [JSON.stringify(units), sub],
  );
  return { households: total, subdistrict: sub };
}
