/**
 * Diff of two plans (or two versions of one plan) and the impact report of a draft against the
 * published plan: units and households moved, grids added / removed / changed, the changed area as
 * GeoJSON (dissolved per from→to pair), staff and joint-defense groups whose grid changes.
 */
import type { GridDelta, ImpactReport, PlanDiff } from '../../common/http/impact';
import type { FC } from '../../common/http/geojson';
import { inReadScope } from '../auth/read-scope';
import type { Queryable } from '../db';
import { NotFoundError, InvalidEditError, type UnitChange } from './store';

export type Assignment = Map<string, string | null>;

/** The assignment of a plan at a version (default: current), rebuilt from the server-side history. */
export async function assignmentAt(db: Queryable, planId: number, version?: number): Promise<{ assignment: Assignment; version: number }> {
  const p = await db.query<{ version: number }>('SELECT version FROM plans WHERE id = $1', [planId]);
  if (!p.rows[0]) throw new NotFoundError(`方案 ${planId} 不存在 (plan ${planId} does not exist)`);
  const current = Number(p.rows[0].version);
  const v = version ?? current;
  if (v < 1 || v > current)
    throw new InvalidEditError(`方案 ${planId} 没有版本 ${v}（当前版本 ${current}） (plan ${planId} has no version ${v}; current version ${current})`);
  const r = await db.query<{ unit_id: string; grid_code: string | null }>('SELECT unit_id, grid_code FROM plan_assignments WHERE plan_id = $1', [planId]);
  const assignment: Assignment = new Map(r.rows.map((x) => [x.unit_id, x.grid_code]));
  if (v < current) {
    const edits = await db.query<{ changes: UnitChange[] }>(
      'SELECT changes FROM plan_edits WHERE plan_id = $1 AND version > $2 ORDER BY version DESC, id DESC',
      [planId, v],
    );
    for (const e of edits.rows) for (const c of [...e.changes].reverse()) assignment.set(c.unit, c.from);
  }
  return { assignment, version: v };
}

export type { GridDelta, ImpactReport, PlanDiff };

/** Compares two assignments (units missing on one side count as unassigned there). */
export async function diffAssignments(
  db: Queryable,
  a: Assignment,
  b: Assignment,
  from: PlanDiff['from'],
  to: PlanDiff['to'],
  opts: { geometry?: boolean } = {},
): Promise<PlanDiff> {
  const unitIds = new Set([...a.keys(), ...b.keys()]);
  const hhRows = await db.query<{ id: string; households: number }>('SELECT id, households FROM units WHERE id = ANY($1::text[])', [[...unitIds]]);
  const hh = new Map(hhRows.rows.map((r) => [r.id, Number(r.households)]));
  const stats = new Map<string, GridDelta>();
  const grid = (code: string) => {
    let s = stats.get(code);
    if (!s) stats.set(code, (s = { code, households_before: 0, households_after: 0, units_before: 0, units_after: 0, units_in: 0, units_out: 0 }));
    return s;
  };
  const moves: PlanDiff['moves'] = [];
  for (const u of unitIds) {
    const f = a.get(u) ?? null;
    const t = b.get(u) ?? null;
    const h = hh.get(u) ?? 0;
    if (f !== null) {
      grid(f).households_before += h;
      grid(f).units_before++;
    }
    if (t !== null) {
      grid(t).households_after += h;
      grid(t).units_after++;
    }
    if (f !== t) {
      moves.push({ unit: u, from: f, to: t, households: h });
      if (f !== null) grid(f).units_out++;
      if (t !== null) grid(t).units_in++;
    }
  }
  moves.sort((x, y) => (x.unit < y.unit ? -1 : 1));
  const all = [...stats.values()].sort((x, y) => (x.code < y.code ? -1 : 1));
  let features: FC['features'] = [];
  if (opts.geometry !== false && moves.length) {
    const r = await db.query<{ fc: unknown }>(
      `WITH m AS (SELECT x.u, x.f, x.t FROM jsonb_to_recordset($1::jsonb) AS x(u text, f text, t text)),
            d AS (SELECT m.f, m.t, count(*)::int AS units, sum(u.households)::int AS households,
                         ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(u.geom)), 3)) AS geom
                  FROM m JOIN units u ON u.id = m.u GROUP BY m.f, m.t)
       SELECT COALESCE(json_agg(json_build_object('type', 'Feature',
                'properties', json_build_object('from', d.f, 'to', d.t, 'units', d.units, 'households', d.households),
                'geometry', ST_AsGeoJSON(d.geom, 6)::json)), '[]'::json) AS fc FROM d`,
      [JSON.stringify(moves.map((m) => ({ u: m.unit, f: m.from, t: m.to })))],
    );
    const fc = r.rows[0].fc;
    features = (typeof fc === 'string' ? JSON.parse(fc) : fc) as FC['features'];
  }
  return {
    from,
    to,
    units_moved: moves.length,
    households_moved: moves.reduce((s, m) => s + m.households, 0),
    moves,
    grids_added: all.filter((g) => g.units_before === 0 && g.units_after > 0),
    grids_removed: all.filter((g) => g.units_before > 0 && g.units_after === 0),
    grids_changed: all.filter((g) => g.units_before > 0 && g.units_after > 0 && (g.units_in > 0 || g.units_out > 0)),
    geojson: { type: 'FeatureCollection', features },
  };
}

/** Diff of plan A (version va) → plan B (version vb). */
export async function diffPlans(db: Queryable, a: number, b: number, va?: number, vb?: number): Promise<PlanDiff> {
  const A = await assignmentAt(db, a, va);
  const B = await assignmentAt(db, b, vb);
  return diffAssignments(db, A.assignment, B.assignment, { plan: a, version: A.version }, { plan: b, version: B.version });
}

/** Impact of a draft against the published plan(s) of its sub-districts. */
/** `readScope`: code prefixes the reader covers (null: all); staff of other grids are not listed (issue 15). */
export async function impactReport(db: Queryable, draftId: number, readScope: string[] | null = null): Promise<ImpactReport> {
  const p = await db.query<{ subdistricts: string[] }>('SELECT subdistricts FROM plans WHERE id = $1', [draftId]);
  if (!p.rows[0]) throw new NotFoundError(`方案 ${draftId} 不存在 (plan ${draftId} does not exist)`);
  const pub = await db.query<{ id: number }>(`SELECT id FROM plans WHERE status = 'published' AND id <> $1 AND subdistricts && $2::text[] ORDER BY id`, [
    draftId,
    p.rows[0].subdistricts,
  ]);
  const publishedIds = pub.rows.map((r) => Number(r.id));
  const draft = await assignmentAt(db, draftId);
  const base: Assignment = new Map();
  for (const id of publishedIds) {
    const a = await assignmentAt(db, id);
    for (const [u, g] of a.assignment) if (draft.assignment.has(u)) base.set(u, g);
  }
  // nothing published yet: nothing changes for anyone
  if (!publishedIds.length) for (const [u, g] of draft.assignment) base.set(u, g);
  const d = await diffAssignments(db, base, draft.assignment, { plan: publishedIds[0] ?? 0, version: 0 }, { plan: draftId, version: draft.version });
  const flowMap = new Map<string, ImpactReport['flows'][number]>();
  for (const m of d.moves) {
    const k = `${m.from}>${m.to}`;
    const f = flowMap.get(k) ?? { from: m.from, to: m.to, units: 0, households: 0 };
    f.units++;
    f.households += m.households;
    flowMap.set(k, f);
  }
  const removed = new Set(d.grids_removed.map((g) => g.code));
  const changed = new Set(d.grids_changed.map((g) => g.code));
  const staffRows = publishedIds.length
    ? (
        await db.query<{ id: number; name: string; role: string; grid_code: string }>(
          `SELECT id, name, role, grid_code FROM staff WHERE grid_code = ANY($1::text[]) AND ${inReadScope('grid_code', '$2')} ORDER BY grid_code, role, id`,
          [[...removed, ...changed], readScope],
        )
      ).rows
    : [];
  let groups: ImpactReport['groups'] = null;
  if (publishedIds.length) {
    // live joint-defense groups of the draft's sub-districts, each member shop placed in the draft's unit holding it
    const r = await db.query<{ group_id: string; name: string; unit_id: string }>(
      `SELECT g.id AS group_id, g.name, u.unit_id
       FROM defense_groups g
       JOIN defense_members m ON m.group_id = g.id
       JOIN shops s ON s.id = m.shop_id
       JOIN LATERAL (SELECT a.unit_id FROM plan_assignments a JOIN units ON units.id = a.unit_id
                     WHERE a.plan_id = $2 AND ST_Intersects(units.geom, s.geom) LIMIT 1) u ON true
       WHERE g.archived_at IS NULL AND g.subdistrict_id = ANY($1::text[])`,
      [p.rows[0].subdistricts, draftId],
    );
    const byGroup = new Map<string, { from: Set<string>; to: Set<string> }>();
    for (const row of r.rows) {
      const f = base.get(row.unit_id) ?? null;
      const t = draft.assignment.get(row.unit_id) ?? null;
      const gg = byGroup.get(row.group_id) ?? { from: new Set<string>(), to: new Set<string>() };
      if (f) gg.from.add(f);
      if (t) gg.to.add(t);
      byGroup.set(row.group_id, gg);
    }
    const names = new Map(r.rows.map((x) => [x.group_id, x.name]));
    groups = [...byGroup]
      .filter(([, v]) => [...v.from].sort().join() !== [...v.to].sort().join())
      .map(([id, v]) => ({ group_id: id, name: names.get(id) ?? null, from: [...v.from].sort(), to: [...v.to].sort() }));
  }
  return {
    draft: draftId,
    published: publishedIds,
    units_moved: d.units_moved,
    households_moved: d.households_moved,
    grids_added: d.grids_added.map((g) => g.code),
    grids_removed: [...removed],
    grids_changed: d.grids_changed,
    flows: [...flowMap.values()].sort((x, y) => y.households - x.households),
    staff: staffRows.map((s) => ({ ...s, id: Number(s.id), change: removed.has(s.grid_code) ? ('grid_removed' as const) : ('grid_changed' as const) })),
    groups,
    geojson: d.geojson,
  };
}
