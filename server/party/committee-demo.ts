/**
 * Synthetic big-party-committee demo (演示数据，合成), scaled to the bulletin: 172 member units spread
 * over the sub-districts in proportion to their grids in force, each at a building of its sub-district
 * with a contact office, an office line and 1-3 resources fitting its kind; 43 service projects over
 * the last four quarters (most done, some in progress or planned); 74 practical matters (parking,
 * blocked fire lanes, ...) each solving a need a grid raised, taken on by a unit offering the
 * resource; and open needs still waiting, at least two in the demo grid member's grid. A few units
 * joined and some needs were raised in the current quarter so the quarterly meeting view has news.
 * Deterministic (seeded), every row synthetic = true; runs once, after a plan is in force.
 */
import type { Db } from '../db';
import { makeRng, type Rng } from '../../common/rng';
import { quarterOf, quarterRange } from './rules';
import { shanghaiToday } from './today';
import type { ResourceCategory, UnitKind } from './committee-rules';

export const DEMO_UNITS = 172;
export const DEMO_PROJECTS = 43;
export const DEMO_MATTERS = 74;
export const DEMO_OPEN_NEEDS = 36;
const DEMO_GRID_PREFIX = '340802001001';

const KIND_WEIGHTS: Array<[UnitKind, number]> = [
  ['agency', 40],
  ['enterprise', 52],
  ['school', 22],
  ['hospital', 12],
  ['social_org', 26],
  ['property', 20],
];
const KIND_RESOURCES: Record<UnitKind, ResourceCategory[]> = {
  agency: ['funding', 'volunteers', 'venue', 'legal'],
  enterprise: ['funding', 'supplies', 'volunteers', 'parking', 'repair'],
  school: ['venue', 'education', 'parking', 'volunteers'],
  hospital: ['medical', 'elderly', 'volunteers'],
  social_org: ['volunteers', 'elderly', 'legal', 'education'],
  property: ['repair', 'parking', 'venue'],
};
const STEMS = [
  '迎江',
  '宜城',
  '皖江',
  '大观',
  '振风',
  '菱湖',
  '华中',
  '人民',
  '新河',
  '孝肃',
  '长风',
  '龙山',
  '江城',
  '光彩',
  '枞阳门',
  '集贤',
  '盛唐',
  '天柱',
  '鹭岛',
  '玉琳',
];
const KIND_SUFFIX: Record<UnitKind, string[]> = {
  agency: [
    '区城管局机关党支部',
    '区住建局机关党支部',
    '区市场监管局党支部',
    '区税务局党支部',
    '区民政局党支部',
    '街道派出所党支部',
    '区司法局党支部',
    '供电所党支部',
  ],
  enterprise: [
    '商贸有限公司党支部',
    '建设集团党支部',
    '银行支行党支部',
    '电信营业部党支部',
    '燃气公司党支部',
    '超市党支部',
    '汽车服务公司党支部',
    '水务公司党支部',
  ],
  school: ['小学党支部', '中学党支部', '幼儿园党支部', '职业学校党支部'],
  hospital: ['社区卫生服务中心党支部', '医院党支部', '中医诊所党支部'],
  social_org: ['社工服务中心党支部', '律师事务所党支部', '志愿者协会党支部', '老年协会党支部', '养老服务中心党支部'],
  property: ['物业服务有限公司党支部', '物业管理处党支部'],
};
const RESOURCE_DETAIL: Record<ResourceCategory, string[]> = {
  venue: ['会议室可借用（周末）', '活动室对居民开放', '操场夜间开放'],
  volunteers: ['党员志愿者 20 人', '青年志愿服务队', '每月一次志愿服务'],
  parking: ['夜间错时停车 30 个泊位', '员工停车场夜间开放', '周末停车位共享'],
  funding: ['社区微项目资金', '结对共建经费', '年度捐助'],
  medical: ['每月义诊一次', '慢病随访', '上门体检'],
  legal: ['每周法律咨询', '矛盾纠纷调解', '普法讲座'],
  education: ['青少年课后辅导', '老年大学课程', '安全知识讲座'],
  repair: ['水电维修', '楼道照明维修', '小区设施维修'],
  elderly: ['助餐服务', '上门探访独居老人', '日间照料'],
  supplies: ['防汛物资', '慰问物资', '消防器材'],
};
const MATTERS: Array<[ResourceCategory, string]> = [
  ['parking', '小区停车难：协调周边单位错时停车'],
  ['parking', '占用消防通道车辆清理，划设停车位'],
  ['repair', '楼道照明损坏维修'],
  ['repair', '老旧小区雨污管道疏通'],
  ['elderly', '独居老人助餐'],
  ['medical', '老年人健康义诊'],
  ['legal', '邻里纠纷法律咨询'],
  ['venue', '居民议事会缺少场地'],
  ['volunteers', '垃圾分类督导志愿者'],
  ['supplies', '防汛物资储备'],
  ['education', '暑期青少年托管'],
  ['funding', '小区健身器材更新'],
];
const PROJECTS = [
  '红色物业共建',
  '错时共享停车',
  '邻里中心建设',
  '老年助餐点',
  '四点半课堂',
  '健康服务进网格',
  '法律服务进小区',
  '楼道微更新',
  '消防安全宣传',
  '平安巷陌共建',
  '志愿服务积分',
  '文明养犬宣传',
];

export interface CommitteeDemoCounts {
  units: number;
  resources: number;
  projects: number;
  matters: number;
  openNeeds: number;
}

function iso(day: string, rng: Rng): string {
  return `${day}T${String(rng.int(1, 9)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00+08:00`;
}
function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
}
/** `total` spread over parts in proportion to their weights (largest remainder). */
export function spread(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w * total) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) if (left-- > 0) out[i]++;
  return out;
}
const minDay = (a: string, b: string) => (a < b ? a : b);

/** Seeds the committee demo unless it is there, or there is no synthetic district or grid in force. */
export async function seedCommitteeDemo(db: Db, today = shanghaiToday()): Promise<CommitteeDemoCounts | null> {
  if ((await db.query('SELECT 1 FROM committee_units WHERE synthetic LIMIT 1')).rows[0]) return null;
  const grids = (
    await db.query<{ code: string; subdistrict_id: string; lon: number; lat: number }>(
      `SELECT g.code, g.subdistrict_id, ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
         FROM current_grids g JOIN subdistricts s ON s.id = g.subdistrict_id AND s.synthetic ORDER BY g.code`,
    )
  ).rows;
  if (grids.length === 0) return null;
  const subs = [...new Set(grids.map((g) => g.subdistrict_id))];
  const alloc = spread(
    subs.map((s) => grids.filter((g) => g.subdistrict_id === s).length),
    DEMO_UNITS,
  );
  const rng = makeRng(20230517).fork('committee');
  const kinds = KIND_WEIGHTS.map((k) => k[1]);
  const [q0] = quarterRange(quarterOf(new Date(`${today}T00:00:00Z`)))!;
  const counts: CommitteeDemoCounts = { units: 0, resources: 0, projects: 0, matters: 0, openNeeds: 0 };
  await db.transaction(async (tx) => {
    // units at buildings of their sub-district (non-residential first), one building each
    const units: Array<{ id: string; sub: string; kind: UnitKind; cats: ResourceCategory[]; lon: number; lat: number }> = [];
    const rows: string[][] = [];
    const res: string[][] = [];
    for (const [i, sub] of subs.entries()) {
      const b = await tx.query<{ lon: number; lat: number }>(
        `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM buildings
          WHERE subdistrict_id = $1 ORDER BY (use = 'residential'), md5(id) LIMIT $2`,
        [sub, alloc[i]],
      );
      const names = new Set<string>();
      b.rows.forEach((pt, k) => {
        const kind = KIND_WEIGHTS[rng.weighted(kinds)][0];
        let name = '';
        for (let guard = 0; guard < 50 && (!name || names.has(name)); guard++) name = `${rng.pick(STEMS)}${rng.pick(KIND_SUFFIX[kind])}`;
        if (names.has(name)) name = `${name}（${k + 1}）`;
        names.add(name);
        const id = `U${sub}${String(k + 1).padStart(3, '0')}`;
        const cats = rng.shuffle([...KIND_RESOURCES[kind]]).slice(0, rng.int(1, 3));
        // most joined in the first years; a few this quarter (news for the quarterly meeting)
        const joined = rng.chance(0.05)
          ? addDays(q0, rng.int(0, Math.max(0, (Date.parse(today) - Date.parse(q0)) / 86400e3)))
          : addDays('2021-07-01', rng.int(0, 700));
        units.push({ id, sub, kind, cats, lon: Number(pt.lon), lat: Number(pt.lat) });
        rows.push([
          id,
          sub,
          name,
          kind,
          '党建办公室',
          `0556-5${String(rng.int(0, 999999)).padStart(6, '0')}`,
          minDay(joined, today),
          String(pt.lon),
          String(pt.lat),
        ]);
        for (const c of cats) res.push([id, c, rng.pick(RESOURCE_DETAIL[c])]);
      });
    }
    await tx.query(
      `INSERT INTO committee_units (id, subdistrict_id, name, kind, contact, phone, joined_on, synthetic, geom)
       SELECT a, b, c, d, e, f, g::date, true, ST_SetSRID(ST_MakePoint(x::float8, y::float8), 4326)
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS t(a, b, c, d, e, f, g, x, y)`,
      [0, 1, 2, 3, 4, 5, 6, 7, 8].map((j) => rows.map((r) => r[j])),
    );
    await tx.query(
      'INSERT INTO committee_resources (unit_id, category, detail) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])',
      [0, 1, 2].map((j) => res.map((r) => r[j])),
    );
    counts.units = units.length;
    counts.resources = res.length;

    const days = 365;
    const start = addDays(today, -days);
    const nearest = (g: { lon: number; lat: number; subdistrict_id: string }, cat: ResourceCategory) => {
      let best: (typeof units)[number] | null = null;
      let bd = Infinity;
      for (const u of units) {
        if (!u.cats.includes(cat)) continue;
        const d = (u.lon - g.lon) ** 2 + (u.lat - g.lat) ** 2;
        if (d < bd) [best, bd] = [u, d];
      }
      return best;
    };
    const insertNeed = async (g: (typeof grids)[number], cat: ResourceCategory, title: string, created: string, status: string, closed: string | null) => {
      const r = await tx.query<{ id: string }>(
        `INSERT INTO committee_needs (grid_code, category, title, detail, status, raised_by, synthetic, created_at, closed_at, geom)
         VALUES ($1, $2, $3, '网格走访中收集（演示数据，合成）', $4, 'system', true, $5, $6, ST_SetSRID(ST_MakePoint($7, $8), 4326)) RETURNING id`,
        [g.code, cat, title, status, created, closed, g.lon + rng.range(-0.0008, 0.0008), g.lat + rng.range(-0.0008, 0.0008)],
      );
      return Number(r.rows[0].id);
    };
    // 74 practical matters, each solving a grid's need
    for (let k = 0; k < DEMO_MATTERS; k++) {
      const g = rng.pick(grids);
      const [cat, title] = rng.pick(MATTERS);
      const u = nearest(g, cat);
      const d0 = addDays(start, rng.int(0, days - 30));
      const d1 = minDay(addDays(d0, rng.int(3, 25)), today);
      const need = await insertNeed(g, cat, title, iso(d0, rng), 'done', iso(d1, rng));
      await tx.query(
        `INSERT INTO committee_projects (kind, subdistrict_id, grid_code, title, detail, unit_id, need_id, status, synthetic, created_at, started_at, done_at)
         VALUES ('matter', $1, $2, $3, '为民办实事（演示数据，合成）', $4, $5, 'done', true, $6, $6, $7)`,
        [g.subdistrict_id, g.code, title, u?.id ?? null, need, iso(d0, rng), iso(d1, rng)],
      );
      counts.matters++;
    }
    // 43 service projects (sub-district level), most done
    for (let k = 0; k < DEMO_PROJECTS; k++) {
      const sub = rng.pick(subs);
      const mine = units.filter((u) => u.sub === sub);
      const u = mine.length ? rng.pick(mine) : null;
      const d0 = addDays(start, rng.int(0, days - 10));
      const status = k < 30 ? 'done' : k < 38 ? 'in_progress' : 'planned';
      const d1 = status === 'done' ? minDay(addDays(d0, rng.int(20, 120)), today) : null;
      await tx.query(
        `INSERT INTO committee_projects (kind, subdistrict_id, title, detail, unit_id, status, synthetic, created_at, started_at, done_at)
         VALUES ('project', $1, $2, '共驻共建服务项目（演示数据，合成）', $3, $4, true, $5, $6, $7)`,
        [sub, `${rng.pick(PROJECTS)}（${k + 1}）`, u?.id ?? null, status, iso(d0, rng), status === 'planned' ? null : iso(d0, rng), d1 ? iso(d1, rng) : null],
      );
      counts.projects++;
    }
    // open needs: two in the demo grid member's grid, the rest anywhere, raised over the last 2 months
    const demoGrids = grids.filter((g) => g.code.startsWith(DEMO_GRID_PREFIX));
    for (let k = 0; k < DEMO_OPEN_NEEDS; k++) {
      const g = k < 2 && demoGrids.length ? demoGrids[0] : rng.pick(grids);
      const [cat, title] = k === 0 ? MATTERS[0] : rng.pick(MATTERS);
      await insertNeed(g, cat, title, iso(addDays(today, -rng.int(0, 60)), rng), 'open', null);
      counts.openNeeds++;
    }
  });
  return counts;
}
