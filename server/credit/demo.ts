/**
 * Synthetic credit-community demo (演示数据，合成): every household holding a rating (the bulletin's
 * A 2,507 / 2A 434 / 3A 98, set by the demo generator) gets approved merit entries whose points give
 * exactly that grade under ./rules (so a recomputation never changes a demo grade); in addition
 * about one pending declaration per 20 rated households and a handful of demerits waiting for the
 * community's check, plus dismissed ones. Deterministic, synthetic = true, runs once after a plan is
 * in force.
 */
import type { Db } from '../db';
import { makeRng } from '../../common/rng';
import { DEMERIT_CATEGORIES, MERIT_CATEGORIES, RATING_THRESHOLDS, type Rating } from './rules';
import { shanghaiToday } from '../party/today';

/** The demo grid member's grid (server/auth/demo.ts). */
const DEMO_GRID = '340802001001001';
const MERITS = Object.entries(MERIT_CATEGORIES) as Array<[string, number]>;
const DEMERITS = Object.entries(DEMERIT_CATEGORIES) as Array<[string, number]>;
const NOTES: Record<string, string> = {
  volunteering: '参加社区志愿服务',
  deliberation: '参加居民议事协商',
  asset_report: '报告公共设施损坏',
  convention: '违反居民公约',
  public_order: '扰乱公共秩序',
};

export interface CreditDemoCounts {
  approved: number;
  pendingMerits: number;
  pendingDemerits: number;
  dismissed: number;
}

/** Seeds the credit demo unless it is there, or no household has a rating and a grid in force. */
export async function seedCreditDemo(db: Db, today = shanghaiToday()): Promise<CreditDemoCounts | null> {
  if ((await db.query('SELECT 1 FROM credit_entries WHERE synthetic LIMIT 1')).rows[0]) return null;
  const hh = (
    await db.query<{ id: string; credit_rating: Rating | null; grid: string | null }>(
      `SELECT h.id, h.credit_rating, pa.grid_code AS grid FROM households h JOIN units u ON u.id = h.unit_id
         JOIN current_grid_plans c ON c.subdistrict_id = u.subdistrict_id
         JOIN plan_assignments pa ON pa.plan_id = c.plan_id AND pa.unit_id = h.unit_id
        WHERE h.synthetic AND pa.grid_code IS NOT NULL ORDER BY h.id`,
    )
  ).rows;
  if (!hh.some((h) => h.credit_rating)) return null;
  const rng = makeRng(20230517).fork('credit');
  const threshold = new Map(RATING_THRESHOLDS);
  const rows: { h: string[]; g: string[]; k: string[]; c: string[]; p: number[]; s: string[]; n: string[]; d: string[] } = {
    h: [],
    g: [],
    k: [],
    c: [],
    p: [],
    s: [],
    n: [],
    d: [],
  };
  const push = (h: { id: string; grid: string | null }, kind: 'merit' | 'demerit', [cat, pts]: [string, number], status: string, daysAgo: number) => {
    rows.h.push(h.id);
    rows.g.push(h.grid!);
    rows.k.push(kind);
    rows.c.push(cat);
    rows.p.push(pts);
    rows.s.push(status);
    rows.n.push(`${NOTES[cat]}（演示数据，合成）`);
    rows.d.push(new Date(Date.parse(`${today}T00:00:00Z`) - daysAgo * 86400e3).toISOString().slice(0, 10));
  };
  const counts: CreditDemoCounts = { approved: 0, pendingMerits: 0, pendingDemerits: 0, dismissed: 0 };
  for (const h of hh) {
    if (h.credit_rating) {
      // approved merits summing to [threshold, threshold + 9]: exactly this grade (grades are 10 apart)
      const target = threshold.get(h.credit_rating)! + rng.int(0, 5);
      let sum = 0;
      while (sum < target) {
        const m = rng.pick(MERITS);
        push(h, 'merit', m, 'approved', rng.int(20, 360));
        sum += m[1];
        counts.approved++;
      }
    }
    if (rng.chance(h.credit_rating ? 0.05 : 0.01)) {
      push(h, 'merit', rng.pick(MERITS), 'declared', rng.int(0, 14));
      counts.pendingMerits++;
    }
    if (rng.chance(0.004)) {
      push(h, 'demerit', rng.pick(DEMERITS), 'recorded', rng.int(0, 20));
      counts.pendingDemerits++;
    } else if (rng.chance(0.003)) {
      push(h, 'demerit', rng.pick(DEMERITS), 'dismissed', rng.int(30, 300));
      counts.dismissed++;
    }
  }
  // the demo grid member's grid (server/auth/demo.ts) always has declarations waiting for review
  const own = hh.filter((h) => h.grid === DEMO_GRID).slice(0, 2);
  for (const h of own) {
    push(h, 'merit', MERITS[0], 'declared', 2);
    counts.pendingMerits++;
  }
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.h.length; i += 3000) {
      const sl = <T>(a: T[]) => a.slice(i, i + 3000);
      await tx.query(
        `INSERT INTO credit_entries (household_id, grid_code, kind, category, points, status, note, occurred_on, reviewed_at, synthetic)
         SELECT h, g, k, c, p, s, n, d::date, CASE WHEN s IN ('approved', 'dismissed') THEN d::date + 3 END, true
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[]) AS x(h, g, k, c, p, s, n, d)`,
        [sl(rows.h), sl(rows.g), sl(rows.k), sl(rows.c), sl(rows.p), sl(rows.s), sl(rows.n), sl(rows.d)],
      );
    }
  });
  return counts;
}
