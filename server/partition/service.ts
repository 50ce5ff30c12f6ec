import type { Db, Queryable } from '../db';
import { assignGridCodes, type CodeGridInput, type PreviousCodedGrid } from '../algorithms/partition';
import type { PartitionResult, PartitionWarning } from '../algorithms/partition';

export { finalGridWarnings };
import { finalGridWarnings } from '../algorithms/partition';
import { createPlan, publishPlan } from '../plans/store';
import { runInWorker } from '../workers/run-in-worker';
import { listSubdistricts, loadBarriers, loadUnits } from '../queries/partition-input';
import type { PartitionJobInput } from './worker';

export interface PartitionRequest {
  subdistricts: string[] | 'all';
  min?: number;
  max?: number;
  target?: number;
  seed?: number;
  /** warm start from this plan: move as few households as possible, keep its grid codes */
  previousPlan?: number;
  /**
   * "Re-partition keeping what holds": warm start from the published plan(s) of these
   * sub-districts, each current unit starting in the published grid holding its point on surface
   * (units rebuilt since publication included).
   */
  keepPublished?: boolean;
  name?: string;
  author?: string;
}

export interface PartitionOutcome {
  planId: number;
  grids: number;
  inBand: number;
  contiguous: number;
  unitsMoved?: number;
  householdsMoved?: number;
  /** warm start: units moved out of their previous grid / all units */
  unitsMovedShare?: number;
  previousPlans?: number[];
  warnings: PartitionWarning[];
  ms: number;
}

export class PartitionRequestError extends Error {
  readonly statusCode = 400;
}

const WORKER = new URL('./worker.ts', import.meta.url);

/**
 * Partitions the requested sub-districts one by one in a worker thread, numbers the grids with
 * 15-digit codes (reusing the previous plan's codes where a grid did not change) and saves the
 * result as ONE draft plan in one transaction. Nothing is written if any step fails.
 */
export async function partitionToPlan(
  db: Db,
  req: PartitionRequest,
  report: (fraction: number, message: string) => void = () => {},
  signal?: AbortSignal,
): Promise<PartitionOutcome> {
  const t0 = Date.now();
  const known = await listSubdistricts(db);
  const subs = req.subdistricts === 'all' ? known : req.subdistricts;
  const unknown = subs.filter((s) => !known.includes(s));
  if (unknown.length) throw new PartitionRequestError(`未知的街道编码：${unknown.join('、')} (unknown sub-district codes: ${unknown.join(', ')})`);
  if (!subs.length)
    throw new PartitionRequestError('没有可划分的街道（请先导入或生成数据） (there are no sub-districts to partition; import or generate data first)');
  const min = req.min ?? 300;
  const max = req.max ?? 500;
  const target = req.target ?? Math.round((min + max) / 2);
  if (!(min >= 1 && max >= min && target >= min && target <= max)) {
    throw new PartitionRequestError(
      `户数区间无效：最小 ${min}，最大 ${max}，目标 ${target}（需满足 1 ≤ 最小 ≤ 目标 ≤ 最大） (invalid household range: min ${min}, max ${max}, target ${target}; it needs 1 ≤ min ≤ target ≤ max)`,
    );
  }

  let previous: Record<string, string> | undefined;
  let previousCoded: PreviousCodedGrid[] = [];
  let previousPlans: number[] = [];
  if (req.keepPublished) {
    previousPlans = await publishedPlansOf(db, subs);
    if (!previousPlans.length)
      throw new PartitionRequestError(
        '这些街道还没有已发布的方案：请先自动划分并发布，再“保留原网格重新划分” (these sub-districts have no published plan yet: partition automatically and publish first, then re-partition keeping the grids)',
      );
  } else if (req.previousPlan !== undefined) {
    previousPlans = [req.previousPlan];
  }
  if (previousPlans.length) {
    previous = await previousAssignment(db, subs, previousPlans);
    if (!Object.keys(previous).length)
      throw new PartitionRequestError(
        `上一方案 ${previousPlans.join('、')} 不存在、为空或与这些街道的单元不重叠 (the previous plans ${previousPlans.join(', ')} do not exist, are empty or do not overlap the units of these sub-districts)`,
      );
    const byCode = new Map<string, string[]>();
    for (const [unit, code] of Object.entries(previous)) byCode.set(code, [...(byCode.get(code) ?? []), unit]);
    previousCoded = [...byCode].map(([code, units]) => ({ code, units }));
  }

  const assignment: Record<string, string> = {};
  const warnings: PartitionWarning[] = [];
  const codeInputs: CodeGridInput[] = [];
  const households: Record<string, number> = {};
  let unitsMoved = 0;
  let householdsMoved = 0;
  let unitCount = 0;
  for (let i = 0; i < subs.length; i++) {
    const sub = subs[i];
    const span = 0.95 / subs.length;
    const at = (f: number) => 0.02 + span * (i + f);
    report(at(0), `${sub}: 读取单元 (${sub}: reading units)`);
    const [units, barriers] = await Promise.all([loadUnits(db, [sub]), loadBarriers(db, [sub])]);
    if (!units.length) continue;
    unitCount += units.length;
    for (const u of units) households[u.id] = u.households;
    const result = await runInWorker<PartitionJobInput, PartitionResult>(
      WORKER,
      { input: { units, barriers }, options: { min, max, target, seed: req.seed ?? 1, previous } },
      (f, msg) => report(at(0.05 + 0.9 * f), `${sub}: ${msg}`),
      signal,
    );
    // engine grid ids are per sub-district: key them like the code inputs until the codes exist
    warnings.push(...result.warnings.map((w) => (w.grids ? { ...w, grids: w.grids.map((g) => `${sub}:${g}`) } : w)));
    unitsMoved += result.stats.units_moved ?? 0;
    householdsMoved += result.stats.households_moved ?? 0;
    for (const [unit, grid] of Object.entries(result.assignment)) assignment[unit] = `${sub}:${grid}`;
    for (const g of result.grids) {
      codeInputs.push({
        id: `${sub}:${g.id}`,
        communityId: g.community ?? `${sub}000`,
        centroid: g.centroid,
        units: g.units,
      });
    }
  }
  if (signal?.aborted) throw new PartitionRequestError('已取消 (cancelled)');
  report(0.97, '编号并保存方案 (numbering and saving the plan)');
  const codes = assignGridCodes(codeInputs, previousCoded, households);
  const coded: Record<string, string> = {};
  for (const [unit, grid] of Object.entries(assignment)) coded[unit] = codes.get(grid)!;
  finalGridWarnings(warnings, codes, coded, households, min, max);
  const planId = await createPlan(db, {
    name: req.name ?? `自动划分 ${new Date().toISOString().slice(0, 10)}`,
    author: req.author ?? 'system',
    subdistricts: subs,
    params: {
      min,
      max,
      target,
      seed: req.seed ?? 1,
      previousPlan: req.previousPlan ?? null,
      ...(req.keepPublished ? { keepPublished: true, previousPlans } : {}),
    },
    warnings,
    assignment: coded,
  });
  const stats = await db.query<{ n: number; in_band: number; contiguous: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE households BETWEEN $2 AND $3)::int AS in_band,
            count(*) FILTER (WHERE contiguous)::int AS contiguous FROM grids WHERE plan_id = $1`,
    [planId, min, max],
  );
  const s = stats.rows[0];
  return {
    planId,
    grids: s.n,
    inBand: s.in_band,
    contiguous: s.contiguous,
    ...(previous ? { unitsMoved, householdsMoved, unitsMovedShare: unitCount ? unitsMoved / unitCount : 0, previousPlans } : {}),
    warnings,
    ms: Date.now() - t0,
  };
}

/** The published plans holding grids of these sub-districts. */
export async function publishedPlansOf(db: Queryable, subs: string[]): Promise<number[]> {
  const r = await db.query<{ id: string }>("SELECT id FROM plans WHERE status = 'published' AND subdistricts && $1::text[] ORDER BY id", [subs]);
  return r.rows.map((x) => Number(x.id));
}

/**
 * The warm start's initial assignment: each current unit of the sub-districts → the grid it had in
 * the previous plans (by id), or else the previous grid of its sub-district holding its point on
 * surface (a unit rebuilt since those plans).
 */
export async function previousAssignment(db: Queryable, subs: string[], plans: number[]): Promise<Record<string, string>> {
  const r = await db.query<{ unit_id: string; code: string }>(
    `SELECT DISTINCT ON (u.id) u.id AS unit_id, COALESCE(a.grid_code, g.code) AS code
     FROM units u
     LEFT JOIN plan_assignments a ON a.unit_id = u.id AND a.plan_id = ANY($2::bigint[]) AND a.grid_code IS NOT NULL
     LEFT JOIN grids g ON a.grid_code IS NULL AND g.plan_id = ANY($2::bigint[]) AND g.subdistrict_id = u.subdistrict_id
          AND g.geom && u.geom AND ST_Intersects(g.geom, ST_PointOnSurface(u.geom))
     WHERE u.subdistrict_id = ANY($1::text[]) AND u.retired_at IS NULL AND COALESCE(a.grid_code, g.code) IS NOT NULL
     ORDER BY u.id, a.plan_id DESC NULLS LAST, g.plan_id DESC, g.code`,
    [subs, plans],
  );
  return Object.fromEntries(r.rows.map((x) => [x.unit_id, x.code]));
}

/** Start-up: when no plan exists, partition the whole district and publish it. */
export async function ensureInitialPlan(db: Db, report: (fraction: number, message: string) => void): Promise<number | null> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans');
  if (r.rows[0].n > 0) return null;
  const u = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM units WHERE retired_at IS NULL');
  if (u.rows[0].n === 0) return null;
  const out = await partitionToPlan(db, { subdistricts: 'all', name: '迎江区网格方案（自动划分）', author: 'system' }, report);
  await publishPlan(db, out.planId, 1);
  return out.planId;
}
