/**
 * Synthetic field work and grid ledgers for the demo (labelled 合成 / synthetic = true), scaled to
 * the bulletin's district-wide figures: 59,559 basic-information records and 235 disputes collected
 * by grid visits, 2,000+ volunteer activities. Records, disputes and activities are spread over the
 * published grids in proportion to their households; each person on a grid's "1+3" roster visits
 * buildings of their grid over the last 4 full weeks and the current one, most of them 5-7 hours a
 * week and about one in seven below the 5-hour rule. Runs once (nothing is added when synthetic
 * ledger rows exist); deterministic for a seed and a `now`.
 */
import type { Db, Queryable } from '../db';
import { buildingHouseholds } from '../import/register-link';
import { makeRng, type Rng } from '../../common/rng';
import { weekStart } from './week';

export const BULLETIN = { records: 59_559, disputes: 235, volunteer: 2_000 } as const;

export interface FieldDemoOptions {
  now?: number;
  seed?: number;
  /** district-wide totals (default: the bulletin's) */
  totals?: { records: number; disputes: number; volunteer: number };
  onProgress?: (message: string) => void;
}

export interface FieldDemoCounts {
  visits: number;
  records: number;
  disputes: number;
  volunteer: number;
  skipped: boolean;
}

const DISPUTES = [
  '邻里噪音纠纷',
  '楼上漏水纠纷',
  '停车位占用纠纷',
  '物业费纠纷',
  '宠物扰民纠纷',
  '家庭赡养纠纷',
  '装修扰民纠纷',
  '公共楼道堆物纠纷',
  '租赁押金纠纷',
  '菜地边界纠纷',
];
const VOLUNTEER = ['小区环境清扫', '关爱独居老人', '防诈骗宣传', '垃圾分类宣传', '义诊进小区', '文明劝导', '消防隐患排查', '助学辅导'];
const DAY = 86400e3;

/** Splits `total` over weights by largest remainder (sums exactly to total). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (w / sum) * total);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k][1]]++;
  return out;
}

async function insertChunks(db: Queryable, sql: string, rows: unknown[], size = 4000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await db.query(sql, [JSON.stringify(rows.slice(i, i + size))]);
}

interface Building {
  id: string;
  label: string;
  lon: number;
  lat: number;
}

/** A time on a working day between 08:30 and 17:30 Shanghai time within [from, to). */
function workTime(rng: Rng, from: number, to: number): number {
  const days = Math.max(1, Math.floor((to - from) / DAY));
  const day = from + rng.int(0, days - 1) * DAY;
  return day + (0.5 + rng.range(0, 9)) * 3600e3;
}

export async function seedFieldDemo(db: Db, opts: FieldDemoOptions = {}): Promise<FieldDemoCounts> {
  const now = opts.now ?? Date.now();
  const totals = opts.totals ?? BULLETIN;
  const log = opts.onProgress ?? (() => {});
  const done = await db.query<{ e: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE synthetic) OR EXISTS (SELECT 1 FROM field_visits WHERE synthetic) AS e',
  );
  if (done.rows[0]?.e) return { visits: 0, records: 0, disputes: 0, volunteer: 0, skipped: true };
  const rng = makeRng(opts.seed ?? 1);
  const grids = (await db.query<{ code: string; households: number }>('SELECT code, households FROM current_grids ORDER BY code')).rows.map((g) => ({
    code: g.code,
    households: Number(g.households),
  }));
  if (!grids.length) return { visits: 0, records: 0, disputes: 0, volunteer: 0, skipped: true };
  const staff = (
    await db.query<{ id: number; name: string; grid_code: string }>(
      'SELECT s.id::int AS id, s.name, s.grid_code FROM staff s JOIN current_grids g ON g.code = s.grid_code ORDER BY s.id',
    )
  ).rows;
  const bRows = await db.query<{ code: string; id: string; label: string | null; lon: number; lat: number }>(
    `SELECT g.code, b.id, b.label, ST_X(p.pt) AS lon, ST_Y(p.pt) AS lat
       FROM current_grids g JOIN buildings b ON b.geom && g.geom CROSS JOIN LATERAL (SELECT ST_PointOnSurface(b.geom) AS pt) p
      WHERE ${buildingHouseholds('b')} > 0 AND ST_Intersects(g.geom, p.pt) ORDER BY g.code, b.id`,
  );
  const buildings = new Map<string, Building[]>();
  for (const b of bRows.rows) {
    const list = buildings.get(b.code) ?? [];
    list.push({ id: b.id, label: b.label ?? b.id, lon: Number(b.lon), lat: Number(b.lat) });
    buildings.set(b.code, list);
  }
  const staffOf = new Map<string, string[]>();
  for (const s of staff) staffOf.set(s.grid_code, [...(staffOf.get(s.grid_code) ?? []), s.name]);
  log(`${grids.length} grids, ${staff.length} staff, ${bRows.rows.length} buildings`);

  // visits: 4 full weeks and the current week so far
  const visits: unknown[] = [];
  const thisWeek = weekStart(now);
  for (const s of staff) {
    const bs = buildings.get(s.grid_code);
    if (!bs?.length) continue;
    const pr = rng.fork(`staff-${s.id}`);
    const diligent = !pr.chance(1 / 7);
    for (let w = 4; w >= 0; w--) {
      const from = thisWeek - w * 7 * DAY;
      const to = Math.min(from + 5 * DAY, now); // Monday to Friday
      if (to - from < 3600e3) continue;
      const share = (to - from) / (5 * DAY);
      let target = (diligent ? pr.range(300, 430) : pr.range(120, 290)) * share;
      while (target > 20) {
        const minutes = Math.round(Math.min(target, pr.range(35, 75)));
        const start = workTime(pr, from, to);
        const end = Math.min(start + minutes * 60e3, now);
        if (end <= start) break;
        const b = pr.pick(bs);
        visits.push({
          g: s.grid_code,
          sid: s.id,
          v: s.name,
          s: new Date(start).toISOString(),
          e: new Date(end).toISOString(),
          b: b.id,
          n: `（合成演示）入户走访 ${b.label}`,
          x: b.lon,
          y: b.lat,
        });
        target -= minutes;
      }
    }
  }
  await insertChunks(
    db,
    `INSERT INTO field_visits (grid_code, staff_id, visitor, started_at, ended_at, building_id, note, synthetic, geom)
     SELECT x.g, x.sid, x.v, x.s, x.e, x.b, x.n, true, ST_SetSRID(ST_MakePoint(x.x, x.y), 4326)
       FROM jsonb_to_recordset($1::jsonb) AS x(g text, sid bigint, v text, s timestamptz, e timestamptz, b text, n text, x float8, y float8)`,
    visits,
  );
  log(`${visits.length} synthetic visits`);

  // ledger entries over the last year, in proportion to households
  const weights = grids.map((g) => Math.max(1, g.households));
  const entries: unknown[] = [];
  const author = (code: string, r: Rng) => r.pick(staffOf.get(code) ?? ['（合成）网格员']);
  const kinds = [
    ['basic_info', totals.records],
    ['dispute', totals.disputes],
    ['volunteer', totals.volunteer],
  ] as const;
  for (const [kind, total] of kinds) {
    const per = apportion(total, weights);
    grids.forEach((g, i) => {
      const r = rng.fork(`${kind}-${g.code}`);
      const bs = buildings.get(g.code) ?? [];
      for (let k = 0; k < per[i]; k++) {
        const at = now - r.range(0, 365) * DAY;
        if (kind === 'basic_info') {
          const b = bs.length ? r.pick(bs).label : g.code;
          const changed = r.chance(0.08);
          entries.push({
            g: g.code,
            k: kind,
            t: `（合成）住户信息核查 ${b}`,
            d: changed ? '人员变动已更新' : null,
            o: null,
            h: 1,
            c: changed ? 1 : 0,
            at: new Date(at).toISOString(),
            a: author(g.code, r),
          });
        } else if (kind === 'dispute') {
          const recent = now - at < 30 * DAY;
          const u = r.next();
          const outcome = recent && u < 0.5 ? null : u < 0.88 ? 'mediated' : u < 0.96 ? 'referred' : 'withdrawn';
          entries.push({
            g: g.code,
            k: kind,
            t: `（合成）${r.pick(DISPUTES)}`,
            d: '网格员走访中发现，现场了解情况',
            o: outcome,
            h: 0,
            c: 0,
            at: new Date(at).toISOString(),
            a: author(g.code, r),
          });
        } else {
          entries.push({
            g: g.code,
            k: kind,
            t: `（合成）${r.pick(VOLUNTEER)}`,
            d: `参与 ${r.int(3, 30)} 人`,
            o: null,
            h: 0,
            c: 0,
            at: new Date(at).toISOString(),
            a: author(g.code, r),
          });
        }
      }
    });
  }
  await insertChunks(
    db,
    `INSERT INTO ledger_entries (grid_code, kind, title, detail, outcome, households, changes, occurred_at, author, synthetic)
     SELECT x.g, x.k, x.t, x.d, x.o, x.h, x.c, x.at, x.a, true
       FROM jsonb_to_recordset($1::jsonb) AS x(g text, k text, t text, d text, o text, h int, c int, at timestamptz, a text)`,
    entries,
  );
  log(`${entries.length} synthetic ledger entries`);
  return { visits: visits.length, records: totals.records, disputes: totals.disputes, volunteer: totals.volunteer, skipped: false };
}
