import type { PlanInfo, PublishEffect, UnitChange } from '../../common/http/plans';
import type { Db, Queryable } from '../db';
import { PLAN_LIST_ITEM, PLAN_SUMMARY, REBUILD_GRIDS } from './queries';
import { reassignIncidentGrids } from '../hotspots/grid-assign';
import { copyPlanPart } from './part';

/** A plan as the routes answer it (common/http/plans.ts). */
export type PlanRow = PlanInfo;

export type { UnitChange };

/** A write based on a version that is no longer current (HTTP 409). */
export class StaleVersionError extends Error {
  readonly statusCode = 409;
  constructor(
    readonly current: number,
    readonly base: number,
    readonly changedSince: UnitChange[],
  ) {
    super(
      `此方案已被他人修改（当前版本 ${current}，您的编辑基于版本 ${base}）。请刷新后重试。 (this plan was changed by someone else: current version ${current}, your edit is based on version ${base}. Refresh and try again)`,
    );
  }
  get details(): Record<string, unknown> {
    return { current: this.current, base: this.base, changedSince: this.changedSince };
  }
}

import { NotFoundError } from '../errors';
export { NotFoundError };
export class InvalidEditError extends Error {
  readonly statusCode = 422;
}

export async function getPlan(db: Queryable, id: number): Promise<PlanRow | null> {
  const r = await db.query<PlanRow>(`${PLAN_SUMMARY} WHERE p.id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function listPlans(db: Queryable): Promise<PlanRow[]> {
  return (await db.query<PlanRow>(`${PLAN_LIST_ITEM} ORDER BY p.id DESC`)).rows;
}

/** Recomputes dissolved grids (all, or the given codes) of a plan; keeps lock flags. */
export async function rebuildGrids(tx: Queryable, planId: number, codes: string[] | null): Promise<void> {
  await tx.query('DROP TABLE IF EXISTS old_locks');
  await tx.query('CREATE TEMP TABLE old_locks AS SELECT code, locked FROM grids WHERE plan_id = $1 AND ($2::text[] IS NULL OR code = ANY($2::text[]))', [
    planId,
    codes,
  ]);
  await tx.query('DELETE FROM grids WHERE plan_id = $1 AND ($2::text[] IS NULL OR code = ANY($2::text[]))', [planId, codes]);
  await tx.query(REBUILD_GRIDS, [planId, codes]);
  await tx.query('DROP TABLE old_locks');
  // every assigned grid code must now have its row: PGlite can end a failing aggregate (a GEOS
  // error in ST_Union) with fewer rows instead of an error, which would lose grids silently
  const check = await tx.query<{ assigned: number; built: number }>(
    `SELECT (SELECT count(DISTINCT grid_code)::int FROM plan_assignments WHERE plan_id = $1 AND grid_code IS NOT NULL AND ($2::text[] IS NULL OR grid_code = ANY($2::text[]))) AS assigned,
            (SELECT count(*)::int FROM grids WHERE plan_id = $1 AND ($2::text[] IS NULL OR code = ANY($2::text[]))) AS built`,
    [planId, codes],
  );
  const { assigned, built } = check.rows[0];
  if (assigned !== built) throw new Error(`grid outlines of plan ${planId}: ${built} of ${assigned} grids could be built (invalid unit geometry?)`);
}

export interface NewPlan {
  name: string;
  author: string;
  subdistricts: string[];
  params?: Record<string, unknown>;
  warnings?: unknown[];
  /** unit id → grid code (null = unassigned) */
  assignment: Record<string, string | null>;
}

/** Saves a whole plan (draft) with its assignment and dissolved grids in one transaction. */
export async function createPlan(db: Db, plan: NewPlan): Promise<number> {
  return db.transaction(async (tx) => {
    const r = await tx.query<{ id: number }>(
      `INSERT INTO plans (name, author, subdistricts, params, warnings) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb) RETURNING id`,
      [plan.name, plan.author, plan.subdistricts, JSON.stringify(plan.params ?? {}), JSON.stringify(plan.warnings ?? [])],
    );
    const id = Number(r.rows[0].id);
    await insertAssignment(tx, id, plan.assignment);
    await rebuildGrids(tx, id, null);
    return id;
  });
}

async function insertAssignment(tx: Queryable, planId: number, assignment: Record<string, string | null>): Promise<void> {
  const entries = Object.entries(assignment);
  for (let i = 0; i < entries.length; i += 5000) {
    const batch = entries.slice(i, i + 5000).map(([u, g]) => ({ u, g }));
    await tx.query(
      `INSERT INTO plan_assignments (plan_id, unit_id, grid_code)
       SELECT $1, x.u, x.g FROM jsonb_to_recordset($2::jsonb) AS x(u text, g text)`,
      [planId, JSON.stringify(batch)],
    );
  }
}

async function lockPlan(tx: Queryable, planId: number): Promise<{ version: number; status: string }> {
  const r = await tx.query<{ version: number; status: string }>('SELECT version, status FROM plans WHERE id = $1 FOR UPDATE', [planId]);
  if (!r.rows[0]) throw new NotFoundError(`方案 ${planId} 不存在 (plan ${planId} does not exist)`);
  return r.rows[0];
}

async function changesSince(tx: Queryable, planId: number, base: number): Promise<UnitChange[]> {
  const r = await tx.query<{ changes: UnitChange[] }>('SELECT changes FROM plan_edits WHERE plan_id = $1 AND version > $2 ORDER BY version', [planId, base]);
  return r.rows.flatMap((x) => x.changes);
}

interface MoveOptions {
  kind: 'edit' | 'undo' | 'redo';
  author: string;
}

/** Writes unit moves on a locked plan row: assignments, affected grids, history row, version. */
async function writeMoves(
  tx: Queryable,
  planId: number,
  version: number,
  moves: Array<{ unit: string; to: string | null }>,
  opts: MoveOptions,
): Promise<{ version: number; changes: UnitChange[] }> {
  const ids = moves.map((m) => m.unit);
  const cur = await tx.query<{ unit_id: string; grid_code: string | null; locked: boolean | null; subdistrict_id: string }>(
    `SELECT a.unit_id, a.grid_code, g.locked, u.subdistrict_id FROM plan_assignments a
     JOIN units u ON u.id = a.unit_id
     LEFT JOIN grids g ON g.plan_id = a.plan_id AND g.code = a.grid_code
     WHERE a.plan_id = $1 AND a.unit_id = ANY($2::text[])`,
    [planId, ids],
  );
  const byUnit = new Map(cur.rows.map((r) => [r.unit_id, r]));
  if (opts.kind === 'edit') await checkSubdistrictRule(tx, planId, moves, byUnit);
  if (opts.kind === 'edit') {
    const targets = [...new Set(moves.map((m) => m.to).filter((x): x is string => x !== null))];
    const locked = await tx.query<{ code: string }>('SELECT code FROM grids WHERE plan_id = $1 AND locked AND code = ANY($2::text[])', [planId, targets]);
    if (locked.rows.length)
      throw new InvalidEditError(
        `网格 ${locked.rows.map((r) => r.code).join('、')} 已锁定，不能修改 (grids ${locked.rows.map((r) => r.code).join(', ')} are locked and cannot be changed)`,
      );
  }
  const changes: UnitChange[] = [];
  for (const m of moves) {
    const row = byUnit.get(m.unit);
    if (!row) throw new InvalidEditError(`单元 ${m.unit} 不属于此方案 (unit ${m.unit} does not belong to this plan)`);
    if (opts.kind === 'edit' && row.locked)
      throw new InvalidEditError(
        `单元 ${m.unit} 所在网格 ${row.grid_code} 已锁定，不能修改 (the grid ${row.grid_code} of unit ${m.unit} is locked and cannot be changed)`,
      );
    if (row.grid_code !== m.to) changes.push({ unit: m.unit, from: row.grid_code, to: m.to });
  }
  if (opts.kind === 'edit' && changes.length === 0)
    throw new InvalidEditError('这些单元已在目标网格中，没有变化 (these units are already in the target grid; nothing changes)');
  const next = version + 1;
  await tx.query(
    `UPDATE plan_assignments a SET grid_code = x.t FROM jsonb_to_recordset($2::jsonb) AS x(u text, t text)
     WHERE a.plan_id = $1 AND a.unit_id = x.u`,
    [planId, JSON.stringify(changes.map((c) => ({ u: c.unit, t: c.to })))],
  );
  const touched = [...new Set(changes.flatMap((c) => [c.from, c.to]).filter((x): x is string => x !== null))];
  if (touched.length) await rebuildGrids(tx, planId, touched);
  await tx.query('INSERT INTO plan_edits (plan_id, version, author, kind, changes) VALUES ($1, $2, $3, $4, $5::jsonb)', [
    planId,
    next,
    opts.author,
    opts.kind,
    JSON.stringify(changes),
  ]);
  await tx.query('UPDATE plans SET version = $2, updated_at = now() WHERE id = $1', [planId, next]);
  return { version: next, changes };
}

/**
 * The hard rule of every edit: a grid holds units of one sub-district only, and only grids of the
 * plan's own sub-districts are written (a grid code's first 9 digits name its sub-district).
 */
async function checkSubdistrictRule(
  tx: Queryable,
  planId: number,
  moves: Array<{ unit: string; to: string | null }>,
  byUnit: Map<string, { subdistrict_id: string }>,
): Promise<void> {
  const p = await tx.query<{ subdistricts: string[] }>('SELECT subdistricts FROM plans WHERE id = $1', [planId]);
  const own = new Set(p.rows[0]?.subdistricts ?? []);
  const names = await subdistrictNames(tx);
  const label = (s: string) => (names.get(s) ? `${names.get(s)}（${s}）` : s);
  for (const m of moves) {
    if (m.to === null) continue;
    const target = m.to.slice(0, 9);
    if (!own.has(target))
      throw new InvalidEditError(
        `网格 ${m.to} 属于街道 ${label(target)}，不在此方案的街道范围内 (grid ${m.to} belongs to sub-district ${target}, outside the sub-districts of this plan)`,
      );
    const unit = byUnit.get(m.unit);
    if (unit && unit.subdistrict_id !== target) {
      throw new InvalidEditError(
        `单元 ${m.unit} 属于街道 ${label(unit.subdistrict_id)}，不能划入街道 ${label(target)} 的网格 ${m.to}：一个网格不能跨街道 (unit ${m.unit} belongs to sub-district ${unit.subdistrict_id} and cannot join grid ${m.to} of sub-district ${target}: a grid cannot cross sub-districts)`,
      );
    }
  }
}

async function subdistrictNames(tx: Queryable): Promise<Map<string, string>> {
  const r = await tx.query<{ id: string; name: string }>('SELECT id, name FROM subdistricts');
  return new Map(r.rows.map((x) => [x.id, x.name]));
}

async function lockDraft(tx: Queryable, planId: number, baseVersion: number): Promise<number> {
  const plan = await lockPlan(tx, planId);
  if (plan.status !== 'draft')
    throw new InvalidEditError(
      '只能编辑草稿方案；已发布或已归档的方案请先复制为草稿 (only draft plans can be edited; copy a published or archived plan to a draft first)',
    );
  if (plan.version !== baseVersion) {
    throw new StaleVersionError(plan.version, baseVersion, await changesSince(tx, planId, baseVersion));
  }
  return plan.version;
}

/** Moves units between grids (to = null: unassign), based on `baseVersion`; returns the new version. */
export async function applyEdit(
  db: Db,
  planId: number,
  baseVersion: number,
  moves: Array<{ unit: string; to: string | null }>,
  author: string,
): Promise<{ version: number; changes: UnitChange[] }> {
  if (moves.length === 0) throw new InvalidEditError('没有要修改的单元 (no units to change)');
  return db.transaction(async (tx) => {
    const version = await lockDraft(tx, planId, baseVersion);
    // a new edit discards the redo stack
    await tx.query("DELETE FROM plan_edits WHERE plan_id = $1 AND kind = 'edit' AND undone", [planId]);
    return writeMoves(tx, planId, version, moves, { kind: 'edit', author });
  });
}

/** Undoes the latest edit not yet undone (server-side history, survives reloads). */
export async function undo(db: Db, planId: number, baseVersion: number, author: string) {
  return db.transaction(async (tx) => {
    const version = await lockDraft(tx, planId, baseVersion);
    const r = await tx.query<{ id: number; changes: UnitChange[] }>(
      "SELECT id, changes FROM plan_edits WHERE plan_id = $1 AND kind = 'edit' AND NOT undone ORDER BY id DESC LIMIT 1",
      [planId],
    );
    if (!r.rows[0]) throw new InvalidEditError('没有可撤销的编辑 (nothing to undo)');
    await tx.query('UPDATE plan_edits SET undone = true WHERE id = $1', [r.rows[0].id]);
    return writeMoves(
      tx,
      planId,
      version,
      r.rows[0].changes.map((c) => ({ unit: c.unit, to: c.from })),
      { kind: 'undo', author },
    );
  });
}

/** Redoes the most recently undone edit. */
export async function redo(db: Db, planId: number, baseVersion: number, author: string) {
  return db.transaction(async (tx) => {
    const version = await lockDraft(tx, planId, baseVersion);
    const r = await tx.query<{ id: number; changes: UnitChange[] }>(
      "SELECT id, changes FROM plan_edits WHERE plan_id = $1 AND kind = 'edit' AND undone ORDER BY id ASC LIMIT 1",
      [planId],
    );
    if (!r.rows[0]) throw new InvalidEditError('没有可重做的编辑 (nothing to redo)');
    await tx.query('UPDATE plan_edits SET undone = false WHERE id = $1', [r.rows[0].id]);
    return writeMoves(
      tx,
      planId,
      version,
      r.rows[0].changes.map((c) => ({ unit: c.unit, to: c.to })),
      { kind: 'redo', author },
    );
  });
}

export type { PublishEffect };

/** The published plans a draft's publication touches, and how (read-only: the dialog's figures). */
export async function publishEffect(db: Queryable, planId: number): Promise<PublishEffect> {
  const p = await db.query<{ subdistricts: string[]; grids: number }>(
    'SELECT subdistricts, (SELECT count(*)::int FROM grids WHERE plan_id = p.id) AS grids FROM plans p WHERE id = $1',
    [planId],
  );
  if (!p.rows[0]) throw new NotFoundError(`方案 ${planId} 不存在 (plan ${planId} does not exist)`);
  const subs = p.rows[0].subdistricts;
  const r = await db.query<{ id: number; name: string; subdistricts: string[]; replaced_grids: number; kept_grids: number }>(
    `SELECT p.id, p.name, p.subdistricts,
            (SELECT count(*)::int FROM grids g WHERE g.plan_id = p.id AND g.subdistrict_id = ANY($2::text[])) AS replaced_grids,
            (SELECT count(*)::int FROM grids g WHERE g.plan_id = p.id AND NOT (g.subdistrict_id = ANY($2::text[]))) AS kept_grids
     FROM plans p WHERE p.status = 'published' AND p.id <> $1 AND p.subdistricts && $2::text[] ORDER BY p.id`,
    [planId, subs],
  );
  const named = [...new Set([...subs, ...r.rows.flatMap((x) => x.subdistricts)])];
  const n = await db.query<{ id: string; name: string; name_en: string | null }>('SELECT id, name, name_en FROM subdistricts WHERE id = ANY($1::text[])', [
    named,
  ]);
  return {
    names: Object.fromEntries(n.rows.map((x) => [x.id, { name: x.name, name_en: x.name_en }])),
    subdistricts: subs,
    grids: p.rows[0].grids,
    replaces: r.rows.map((x) => ({
      id: Number(x.id),
      name: x.name,
      replaced: x.subdistricts.filter((s) => subs.includes(s)),
      replacedGrids: x.replaced_grids,
      kept: x.subdistricts.filter((s) => !subs.includes(s)),
      keptGrids: x.kept_grids,
    })),
  };
}

/**
 * Publishes a draft. Only the draft's own sub-districts change: a published plan covering only
 * those is archived; a published plan that also covers others is archived and its other
 * sub-districts stay in force as a new published plan with the same grids and codes (history
 * kept: "the grids as of date D" still finds the old plan before today). Incidents are reassigned.
 */
export async function publishPlan(db: Db, planId: number, baseVersion: number): Promise<number> {
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, planId);
    if (plan.version !== baseVersion) {
      throw new StaleVersionError(plan.version, baseVersion, await changesSince(tx, planId, baseVersion));
    }
    if (plan.status !== 'draft') throw new InvalidEditError('只有草稿可以发布 (only drafts can be published)');
    const effect = await publishEffect(tx, planId);
    for (const old of effect.replaces) {
      // lock the published plan too: two drafts published at once never both split it
      await tx.query('SELECT id FROM plans WHERE id = $1 FOR UPDATE', [old.id]);
      if (old.kept.length) {
        const src = await getPlan(tx, old.id);
        await copyPlanPart(tx, src!, old.kept, {
          name: src!.name,
          author: src!.author,
          status: 'published',
          params: { split_from: old.id, replaced_by: planId },
        });
      }
      await tx.query("UPDATE plans SET status = 'archived', archived_at = now(), updated_at = now() WHERE id = $1", [old.id]);
    }
    const next = plan.version + 1;
    await tx.query("UPDATE plans SET status = 'published', published_at = now(), updated_at = now(), version = $2 WHERE id = $1", [planId, next]);
    await reassignIncidentGrids(tx);
    return next;
  });
}

/** Sets or clears the lock flag of grids (locked grids are skipped by the brush and automatic tools). */
export async function setLocked(db: Db, planId: number, codes: string[], locked: boolean): Promise<void> {
  await db.query('UPDATE grids SET locked = $3 WHERE plan_id = $1 AND code = ANY($2::text[])', [planId, codes, locked]);
}
