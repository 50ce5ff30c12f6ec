/**
 * Weekly patrol plans in the database (migration 120): save a generated plan as a draft, read one
 * (with per group planned vs done: patrol logs linked to its patrols), list, replace a draft's
 * patrols after edits (checked against its version, the length limit and the weekly count),
 * publish (the week's earlier published plan of the sub-district is archived).
 */
import type { GroupProgress, PatrolPlan, PatrolPlanSummary } from '../../common/http/patrol-plans';
import type { Queryable } from '../db';
import { inReadScope } from '../auth/read-scope';
import { BadRequestError, NotFoundError, StaleRowError } from '../defense/errors';
import type { GeneratedPlan, PatrolOut } from './generate';

/** A plan's row (common/http/patrol-plans.ts PatrolPlan without what is read beside it). */
export type PlanRow = Omit<PatrolPlan, 'periods' | 'groups' | 'patrols' | 'progress'>;

export type { GroupProgress };

/** A plan as the routes answer it (common/http/patrol-plans.ts). */
export type StoredPlan = PatrolPlan;

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

const PLAN_COLS = `id::int AS id, subdistrict_id AS subdistrict, to_char(week_start, 'YYYY-MM-DD') AS week_start, status, version, params, zones, uncovered, coverage, created_by,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS published_at`;

function toRow(r: Record<string, unknown>): PlanRow {
  return {
    id: Number(r.id),
    subdistrict: String(r.subdistrict),
    week_start: String(r.week_start),
    status: r.status as PlanRow['status'],
    version: Number(r.version),
    params: json(r.params),
    zones: json(r.zones),
    uncovered: json(r.uncovered),
    coverage: json(r.coverage),
    created_by: (r.created_by as string | null) ?? null,
    created_at: String(r.created_at),
    published_at: (r.published_at as string | null) ?? null,
  };
}

async function insertPatrols(tx: Queryable, planId: number, patrols: readonly PatrolOut[]): Promise<void> {
  for (const p of patrols) {
    await tx.query(
      `INSERT INTO patrol_plan_patrols (plan_id, group_id, weekday, start_hour, hours, zones, stops, length_m, duration_s, expected, geom)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, ST_SetSRID(ST_GeomFromGeoJSON($11), 4326))`,
      [
        planId,
        p.group,
        p.weekday,
        p.start_hour,
        p.hours,
        JSON.stringify(p.zones),
        JSON.stringify(p.stops),
        p.length_m,
        p.duration_s,
        p.expected,
        JSON.stringify(p.geometry),
      ],
    );
  }
}

/** Saves a generated plan as a draft; returns its id. */
export async function savePlan(tx: Queryable, g: GeneratedPlan, author: string | null): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO patrol_plans (subdistrict_id, week_start, params, zones, uncovered, coverage, created_by)
     VALUES ($1, $2::date, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb, $7) RETURNING id`,
    [
      g.subdistrict,
      g.week_start,
      JSON.stringify(g.params),
      JSON.stringify(g.zones),
      JSON.stringify(g.uncovered),
      JSON.stringify({ ...g.coverage, periods: g.periods, groups: g.groups }),
      author,
    ],
  );
  const id = Number(r.rows[0]!.id);
  await insertPatrols(tx, id, g.patrols);
  return id;
}

export async function planRow(db: Queryable, id: number, lock = false): Promise<PlanRow | null> {
  const r = await db.query<Record<string, unknown>>(`SELECT ${PLAN_COLS} FROM patrol_plans WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0] ? toRow(r.rows[0]) : null;
}

export async function getPlan(db: Queryable, id: number): Promise<StoredPlan | null> {
  const row = await planRow(db, id);
  if (!row) return null;
  const r = await db.query<{
    id: number;
    group_id: string;
    weekday: number;
    start_hour: number;
    hours: number;
    zones: unknown;
    stops: unknown;
    length_m: number;
    duration_s: number;
    expected: number;
    g: string;
    done: number;
  }>(
    `SELECT p.id::int AS id, p.group_id, p.weekday, p.start_hour, p.hours, p.zones, p.stops, p.length_m, p.duration_s, p.expected, ST_AsGeoJSON(p.geom, 7) AS g,
            (SELECT count(*)::int FROM patrol_logs l WHERE l.planned_patrol_id = p.id) AS done
       FROM patrol_plan_patrols p WHERE p.plan_id = $1 ORDER BY p.group_id, p.weekday, p.start_hour, p.id`,
    [id],
  );
  const patrols = r.rows.map((x) => ({
    id: Number(x.id),
    group: x.group_id,
    weekday: Number(x.weekday),
    start_hour: Number(x.start_hour),
    hours: Number(x.hours),
    zones: json<string[]>(x.zones),
    stops: json<PatrolOut['stops']>(x.stops),
    length_m: Number(x.length_m),
    duration_s: Number(x.duration_s),
    expected: Number(x.expected),
    geometry: JSON.parse(x.g) as PatrolOut['geometry'],
    done: Number(x.done),
  }));
  const groups = row.coverage.groups ?? [];
  const names = new Map(groups.map((g) => [g.id, g.name]));
  const progress: GroupProgress[] = groups.map((g) => ({ group: g.id, name: g.name, planned: 0, done: 0 }));
  const byGroup = new Map(progress.map((p) => [p.group, p]));
  for (const p of patrols) {
    let e = byGroup.get(p.group);
    if (!e) {
      e = { group: p.group, name: names.get(p.group) ?? p.group, planned: 0, done: 0 };
      byGroup.set(p.group, e);
      progress.push(e);
    }
    e.planned++;
    e.done += Math.min(1, p.done);
  }
  const { periods, groups: _g, ...coverage } = row.coverage;
  void _g;
  return { ...row, coverage: coverage as PlanRow['coverage'], periods: periods!, groups, patrols, progress: progress.filter((p) => p.planned > 0) };
}

/** A plan in the list (common/http/patrol-plans.ts). */
export type PlanSummary = PatrolPlanSummary;

/** Plans by sub-district / status / week, newest first; `readScope` sub-district prefixes (null: all). */
export async function listPlans(
  db: Queryable,
  f: { subdistrict?: string; status?: string; week?: string },
  readScope: string[] | null,
): Promise<PlanSummary[]> {
  const r = await db.query<Record<string, unknown>>(
    `SELECT ${PLAN_COLS},
        (SELECT count(*)::int FROM patrol_plan_patrols p WHERE p.plan_id = pl.id) AS n_patrols,
        (SELECT count(*)::int FROM patrol_plan_patrols p WHERE p.plan_id = pl.id AND EXISTS (SELECT 1 FROM patrol_logs l WHERE l.planned_patrol_id = p.id)) AS n_done
       FROM patrol_plans pl
      WHERE ($1::text IS NULL OR subdistrict_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::date IS NULL OR week_start = $3::date)
        AND ${inReadScope('subdistrict_id', '$4')}
      ORDER BY week_start DESC, id DESC LIMIT 100`,
    [f.subdistrict ?? null, f.status ?? null, f.week ?? null, readScope],
  );
  return r.rows.map((x) => {
    const row = toRow(x);
    const { periods: _p, groups: _g, ...coverage } = row.coverage;
    void _p;
    void _g;
    return {
      id: row.id,
      subdistrict: row.subdistrict,
      week_start: row.week_start,
      status: row.status,
      version: row.version,
      patrols: Number(x.n_patrols),
      coverage: coverage as GeneratedPlan['coverage'],
      planned: Number(x.n_patrols),
      done: Number(x.n_done),
      created_at: row.created_at,
      published_at: row.published_at,
    };
  });
}

/** Replaces a draft's patrols (after edits) with their new coverage; bumps and returns the version. */
export async function replacePatrols(
  tx: Queryable,
  id: number,
  baseVersion: number,
  patrols: readonly PatrolOut[],
  generated: GeneratedPlan['coverage']['generated'],
): Promise<number> {
  const row = await planRow(tx, id, true);
  if (!row) throw new NotFoundError(`巡逻计划 ${id} 不存在 (patrol plan ${id} does not exist)`);
  if (row.status !== 'draft')
    throw new BadRequestError(
      '巡逻计划已发布或已归档，不能再修改；请重新生成一份草稿 (the patrol plan is published or archived and cannot be changed; generate a new draft)',
    );
  if (row.version !== baseVersion)
    throw new StaleRowError(
      `该巡逻计划已被他人修改（当前版本 ${row.version}，您的修改基于版本 ${baseVersion}），请刷新后重试。 (this patrol plan was changed by someone else: current version ${row.version}, your change is based on version ${baseVersion}; refresh and try again)`,
      { version: row.version },
    );
  await tx.query('DELETE FROM patrol_plan_patrols WHERE plan_id = $1', [id]);
  await insertPatrols(tx, id, patrols);
  await tx.query(`UPDATE patrol_plans SET version = version + 1, coverage = jsonb_set(coverage, '{generated}', $2::jsonb) WHERE id = $1`, [
    id,
    JSON.stringify(generated),
  ]);
  return row.version + 1;
}

/** Publishes a draft; the sub-district's earlier published plan of the same week is archived. */
export async function publishPlan(tx: Queryable, id: number, baseVersion: number): Promise<{ version: number; archived: number[] }> {
  const row = await planRow(tx, id, true);
  if (!row) throw new NotFoundError(`巡逻计划 ${id} 不存在 (patrol plan ${id} does not exist)`);
  if (row.status !== 'draft')
    throw new BadRequestError(
      row.status === 'published'
        ? '巡逻计划已发布 (the patrol plan is already published)'
        : '巡逻计划已归档，不能发布 (the patrol plan is archived and cannot be published)',
    );
  if (row.version !== baseVersion)
    throw new StaleRowError(
      `该巡逻计划已被他人修改（当前版本 ${row.version}，您的操作基于版本 ${baseVersion}），请刷新后重试。 (this patrol plan was changed by someone else: current version ${row.version}, your action is based on version ${baseVersion}; refresh and try again)`,
      { version: row.version },
    );
  const old = await tx.query<{ id: number }>(
    `UPDATE patrol_plans SET status = 'archived' WHERE subdistrict_id = $1 AND week_start = $2::date AND status = 'published' AND id <> $3 RETURNING id::int AS id`,
    [row.subdistrict, row.week_start, id],
  );
  await tx.query(`UPDATE patrol_plans SET status = 'published', published_at = now(), version = version + 1 WHERE id = $1`, [id]);
  return { version: row.version + 1, archived: old.rows.map((x) => Number(x.id)) };
}

/** One planned patrol (for the GPX export), or null. */
export async function plannedPatrol(
  db: Queryable,
  planId: number,
  patrolId: number,
): Promise<{ group: string; name: string; weekday: number; start_hour: number; hours: number; coordinates: number[][] } | null> {
  const r = await db.query<{ group_id: string; name: string; weekday: number; start_hour: number; hours: number; g: string }>(
    `SELECT p.group_id, coalesce(g.name, p.group_id) AS name, p.weekday, p.start_hour, p.hours, ST_AsGeoJSON(p.geom, 7) AS g
       FROM patrol_plan_patrols p LEFT JOIN defense_groups g ON g.id = p.group_id WHERE p.plan_id = $1 AND p.id = $2`,
    [planId, patrolId],
  );
  const x = r.rows[0];
  return x
    ? {
        group: x.group_id,
        name: x.name,
        weekday: Number(x.weekday),
        start_hour: Number(x.start_hour),
        hours: Number(x.hours),
        coordinates: (JSON.parse(x.g) as { coordinates: number[][] }).coordinates,
      }
    : null;
}
