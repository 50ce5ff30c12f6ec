/**
 * The part of a plan inside some sub-districts, copied as a plan of its own: a scoped planner's
 * draft of the published district plan (only their sub-districts), and the rest of a published plan
 * that stays in force when a draft of some of its sub-districts is published.
 */
import type { Queryable } from '../db';

export interface PlanPartSource {
  id: number;
  name: string;
  author: string;
  params: Record<string, unknown>;
  warnings?: unknown[];
}

export interface PlanPartTarget {
  name: string;
  author: string;
  status: 'draft' | 'published';
  /** Extra params recorded on the new plan (copied_from, split_from …). */
  params: Record<string, unknown>;
}

interface WarningLike {
  units?: unknown;
  grids?: unknown;
}

/**
 * Keeps the warnings that concern the part: those naming a unit or grid inside it, and those
 * naming neither (plan-wide remarks).
 */
export function warningsOfPart(warnings: unknown[], unitsInPart: Set<string>, subdistricts: string[]): unknown[] {
  return warnings.filter((w) => {
    const x = (w ?? {}) as WarningLike;
    const units = Array.isArray(x.units) ? x.units.filter((u): u is string => typeof u === 'string') : [];
    const grids = Array.isArray(x.grids) ? x.grids.filter((g): g is string => typeof g === 'string') : [];
    if (!units.length && !grids.length) return true;
    return units.some((u) => unitsInPart.has(u)) || grids.some((g) => subdistricts.some((s) => g.startsWith(s)));
  });
}

/**
 * Copies the assignments and dissolved grids of `source` that lie in `subdistricts` into a new plan
 * (inside the caller's transaction); returns the new plan's id. Grid codes are kept, so incidents,
 * staff and groups that name a grid still find it.
 */
export async function copyPlanPart(tx: Queryable, source: PlanPartSource, subdistricts: string[], target: PlanPartTarget): Promise<number> {
  const units = await tx.query<{ id: string }>(
    `SELECT a.unit_id AS id FROM plan_assignments a JOIN units u ON u.id = a.unit_id
     WHERE a.plan_id = $1 AND u.subdistrict_id = ANY($2::text[])`,
    [source.id, subdistricts],
  );
  const warnings = warningsOfPart(source.warnings ?? [], new Set(units.rows.map((r) => r.id)), subdistricts);
  const r = await tx.query<{ id: number }>(
    `INSERT INTO plans (name, author, status, subdistricts, params, warnings, published_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, CASE WHEN $3 = 'published' THEN now() END) RETURNING id`,
    [target.name, target.author, target.status, subdistricts, JSON.stringify({ ...source.params, ...target.params }), JSON.stringify(warnings)],
  );
  const id = Number(r.rows[0].id);
  await tx.query(
    `INSERT INTO plan_assignments (plan_id, unit_id, grid_code)
     SELECT $2, a.unit_id, a.grid_code FROM plan_assignments a JOIN units u ON u.id = a.unit_id
     WHERE a.plan_id = $1 AND u.subdistrict_id = ANY($3::text[])`,
    [source.id, id, subdistricts],
  );
  await tx.query(
    `INSERT INTO grids (plan_id, code, subdistrict_id, community_id, households, units, polsby_popper, contiguous, locked, geom)
     SELECT $2, code, subdistrict_id, community_id, households, units, polsby_popper, contiguous, locked, geom
     FROM grids WHERE plan_id = $1 AND subdistrict_id = ANY($3::text[])`,
    [source.id, id, subdistricts],
  );
  return id;
}
