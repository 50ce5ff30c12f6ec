import type { Queryable } from '../../server/db';

/**
 * A small hand-made district for server tests (fast, independent of the demo generator): two
 * sub-districts side by side around 117.04-117.08 E, 30.51-30.53 N, three communities, one street of
 * every class, a lake, blocks, compounds, a 6x5 grid of buildings, units, shops along the arterial,
 * incidents over two months, and households carrying personal data that must never be served.
 */
export interface FixtureSummary {
  subdistricts: number;
  communities: number;
  streets: number;
  water: number;
  blocks: number;
  compounds: number;
  buildings: number;
  units: number;
  shops: number;
  incidents: number;
  households: number;
  /** Personal strings stored in households; no API response may contain them. */
  secrets: string[];
}

const box = (x0: number, y0: number, x1: number, y1: number): string => `POLYGON((${x0} ${y0},${x1} ${y0},${x1} ${y1},${x0} ${y1},${x0} ${y0}))`;
const multi = (x0: number, y0: number, x1: number, y1: number): string => `MULTIPOLYGON(((${x0} ${y0},${x1} ${y0},${x1} ${y1},${x0} ${y1},${x0} ${y0})))`;
const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

export async function insertFixture(db: Queryable): Promise<FixtureSummary> {
  const q = (sql: string, params: unknown[]) => db.query(sql, params);
  const geo = 'ST_GeomFromText($GEOM, 4326)';
  const ins = async (table: string, cols: string[], values: unknown[], wkt: string) => {
    const ph = cols.map((_, k) => `$${k + 1}`);
    await q(`INSERT INTO ${table} (${cols.join(', ')}, geom) VALUES (${ph.join(', ')}, ${geo.replace('$GEOM', `$${cols.length + 1}`)})`, [...values, wkt]);
  };

  await ins(
    'subdistricts',
    ['id', 'code', 'name', 'name_en', 'kind', 'households', 'synthetic'],
    ['340802001', '001', '人民路街道', 'Renminlu', 'street', 1200, true],
    multi(117.04, 30.51, 117.06, 30.53),
  );
  await ins(
    'subdistricts',
    ['id', 'code', 'name', 'kind', 'households', 'synthetic'],
    ['340802002', '002', '新河路街道', 'street', 800, true],
    multi(117.06, 30.51, 117.08, 30.53),
  );
  await ins(
    'communities',
    ['id', 'subdistrict_id', 'code', 'name', 'households', 'synthetic'],
    ['340802001001', '340802001', '001', '西社区', 700, true],
    multi(117.04, 30.51, 117.05, 30.53),
  );
  await ins(
    'communities',
    ['id', 'subdistrict_id', 'code', 'name', 'households', 'synthetic'],
    ['340802001002', '340802001', '002', '东社区', 500, true],
    multi(117.05, 30.51, 117.06, 30.53),
  );
  await ins(
    'communities',
    ['id', 'subdistrict_id', 'code', 'name', 'households', 'synthetic'],
    ['340802002001', '340802002', '001', '河社区', 800, true],
    multi(117.06, 30.51, 117.08, 30.53),
  );

  const streets: Array<[string, string | null, string, string]> = [
    ['st-arterial', '人民路', 'arterial', 'LINESTRING(117.0400 30.5200, 117.0600 30.5201, 117.0800 30.5203)'],
    ['st-secondary', '华中路', 'secondary', 'LINESTRING(117.0500 30.5100, 117.0502 30.5300)'],
    ['st-local', null, 'local', 'LINESTRING(117.0420 30.5150, 117.0480 30.5152)'],
    ['st-lane', '小巷', 'lane', 'LINESTRING(117.0430 30.5130, 117.0431 30.5170)'],
    ['st-path', null, 'path', 'LINESTRING(117.0440 30.5125, 117.0470 30.5128, 117.0472 30.5160)'],
    ['st-rail', '铁路', 'rail', 'LINESTRING(117.0400 30.5280, 117.0800 30.5290)'],
  ];
  for (const [id, name, cls, wkt] of streets) await ins('streets', ['id', 'name', 'class', 'oneway', 'synthetic'], [id, name, cls, cls === 'lane', true], wkt);

  await ins('water', ['id', 'name', 'kind', 'synthetic'], ['w-lake', '菱湖', 'lake', true], multi(117.065, 30.512, 117.07, 30.516));

  const blocks: Array<[string, string, string, number[]]> = [
    ['b-1', '340802001', '340802001001', [117.04, 30.51, 117.05, 30.52]],
    ['b-2', '340802001', '340802001001', [117.04, 30.52, 117.05, 30.53]],
    ['b-3', '340802001', '340802001002', [117.05, 30.51, 117.06, 30.52]],
    ['b-4', '340802002', null as unknown as string, [117.06, 30.52, 117.08, 30.53]],
  ];
  for (const [id, sd, c, bb] of blocks)
    await ins('blocks', ['id', 'subdistrict_id', 'community_id', 'synthetic'], [id, sd, c, true], box(bb[0], bb[1], bb[2], bb[3]));

  await ins(
    'compounds',
    ['id', 'name', 'kind', 'subdistrict_id', 'community_id', 'households', 'synthetic'],
    ['c-1', '锡麟小区', 'compound', '340802001', '340802001001', 600, true],
    box(117.0415, 30.5115, 117.0485, 30.5185),
  );
  await ins(
    'compounds',
    ['id', 'name', 'kind', 'subdistrict_id', 'community_id', 'households', 'synthetic'],
    ['c-2', '第一中学', 'school', '340802001', '340802001002', 0, true],
    box(117.052, 30.512, 117.058, 30.518),
  );

  let nb = 0;
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 6; col++) {
      const x0 = r6(117.042 + col * 0.001);
      const y0 = r6(30.512 + row * 0.0012);
      const id = `bld-${row}${col}`;
      const height = (row + col) % 3 === 0 ? null : 3 * (3 + row);
      await ins(
        'buildings',
        ['id', 'compound_id', 'block_id', 'subdistrict_id', 'community_id', 'use', 'floors', 'households', 'height_m', 'synthetic'],
        [id, 'c-1', 'b-1', '340802001', '340802001001', col === 5 ? 'mixed' : 'residential', 3 + row, 20, height === null ? null : height + 0.3, true],
        box(x0, y0, r6(x0 + 0.0004), r6(y0 + 0.0003)),
      );
      nb++;
    }
  }

  await ins(
    'units',
    ['id', 'subdistrict_id', 'community_id', 'compound_id', 'block_id', 'households', 'buildings', 'party_households', 'synthetic'],
    ['u-1', '340802001', '340802001001', 'c-1', 'b-1', 600, 30, 120, true],
    multi(117.04, 30.51, 117.05, 30.52),
  );
  await ins(
    'units',
    ['id', 'subdistrict_id', 'community_id', 'compound_id', 'block_id', 'households', 'buildings', 'party_households', 'synthetic'],
    ['u-2', '340802001', '340802001002', null, 'b-3', 500, 0, 90, true],
    multi(117.05, 30.51, 117.06, 30.52),
  );

  const shops = 20;
  for (let k = 0; k < shops; k++) {
    const x = r6(117.0405 + k * 0.0019);
    await ins(
      'shops',
      ['id', 'name', 'category', 'phone', 'street_id', 'subdistrict_id', 'synthetic'],
      [
        `shop-${String(k).padStart(2, '0')}`,
        `商铺${k}`,
        k % 2 ? 'food' : 'retail',
        `1380000${String(k).padStart(4, '0')}`,
        'st-arterial',
        x < 117.06 ? '340802001' : '340802002',
        true,
      ],
      `POINT(${x} 30.5203)`,
    );
  }

  const types = ['public_order', 'fire_risk', 'dispute', 'environment', 'facilities', 'other'];
  const incidents = 30;
  for (let k = 0; k < incidents; k++) {
    const day = 1 + (k % 28);
    const month = k < 15 ? '03' : '04';
    const x = r6(117.041 + ((k * 7) % 38) * 0.001);
    const y = r6(30.511 + ((k * 11) % 18) * 0.001);
    await ins(
      'incidents',
      ['id', 'type', 'occurred_at', 'subdistrict_id', 'synthetic'],
      [
        `inc-${String(k).padStart(2, '0')}`,
        types[k % types.length],
        `2023-${month}-${String(day).padStart(2, '0')}T02:30:00Z`,
        x < 117.06 ? '340802001' : '340802002',
        true,
      ],
      `POINT(${x} ${y})`,
    );
  }

  const secrets = ['张三丰', '13912345678', '李四光', '13800001111'];
  await ins(
    'households',
    ['id', 'building_id', 'head_name', 'phone', 'party_member', 'synthetic'],
    ['h-1', 'bld-00', secrets[0], secrets[1], true, true],
    'POINT(117.0422 30.5121)',
  );
  await ins(
    'households',
    ['id', 'building_id', 'head_name', 'phone', 'party_member', 'synthetic'],
    ['h-2', 'bld-01', secrets[2], secrets[3], false, true],
    'POINT(117.0432 30.5121)',
  );

  return {
    subdistricts: 2,
    communities: 3,
    streets: streets.length,
    water: 1,
    blocks: blocks.length,
    compounds: 2,
    buildings: nb,
    units: 2,
    shops,
    incidents,
    households: 2,
    secrets,
  };
}
