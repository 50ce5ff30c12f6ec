/**
 * Editor tools on a draft plan, each ending in an ordinary versioned edit (so undo/redo and the
 * 409 check apply): split a grid in two along streets, merge two neighbouring grids, create a new
 * grid (next free code) from units; and proposals the planner accepts or rejects: "suggest a fix"
 * for an out-of-band grid and "rebalance here" (the partition engine on the selected grids only).
 */
import type { Proposal } from '../../common/http/plans';
import type { Db, Queryable } from '../db';
import { splitGrid } from '../algorithms/editor';
import { suggestFix } from '../algorithms/editor';
import { partition } from '../algorithms/partition';
import { applyEdit, getPlan, InvalidEditError, NotFoundError, type PlanRow, type UnitChange } from './store';
import { unitGraphFor, type PlanGraph } from './unit-graph';
import { copyPlanPart } from './part';

export interface Band {
  min: number;
  max: number;
}

export function bandOf(p: PlanRow): Band {
  return { min: Number(p.params.min ?? 300), max: Number(p.params.max ?? 500) };
}

async function planOrThrow(db: Queryable, id: number): Promise<PlanRow> {
  const p = await getPlan(db, id);
  if (!p) throw new NotFoundError(`方案 ${id} 不存在 (plan ${id} does not exist)`);
  return p;
}

/** Current unit → grid of a plan, as an array aligned with the graph (units outside: null). */
async function assignmentArray(db: Queryable, planId: number, pg: PlanGraph): Promise<(string | null)[]> {
  const r = await db.query<{ unit_id: string; grid_code: string | null }>('SELECT unit_id, grid_code FROM plan_assignments WHERE plan_id = $1', [planId]);
  const out: (string | null)[] = new Array(pg.graph.n).fill(null);
  for (const row of r.rows) {
    const i = pg.index.get(row.unit_id);
    if (i !== undefined) out[i] = row.grid_code;
  }
  return out;
}

/** The next free 15-digit code in a community (max sequence used in the plan + 1). */
export async function nextFreeCode(db: Queryable, planId: number, community: string, taken: Set<string> = new Set()): Promise<string> {
  const r = await db.query<{ code: string }>(`SELECT DISTINCT grid_code AS code FROM plan_assignments WHERE plan_id = $1 AND grid_code LIKE $2 || '%'`, [
    planId,
    community,
  ]);
  const used = new Set([...r.rows.map((x) => x.code), ...taken]);
  for (let seq = 1; seq < 1000; seq++) {
    const code = `${community}${String(seq).padStart(3, '0')}`;
    if (!used.has(code)) return code;
  }
  throw new InvalidEditError(`社区 ${community} 的网格编码已用尽 (the grid codes of community ${community} are used up)`);
}

async function gridLocked(db: Queryable, planId: number, codes: string[]): Promise<void> {
  const r = await db.query<{ code: string }>('SELECT code FROM grids WHERE plan_id = $1 AND locked AND code = ANY($2::text[])', [planId, codes]);
  if (r.rows.length)
    throw new InvalidEditError(
      `网格 ${r.rows.map((x) => x.code).join('、')} 已锁定，不能修改 (grids ${r.rows.map((x) => x.code).join(', ')} are locked and cannot be changed)`,
    );
}

export interface ToolEditResult {
  version: number;
  changes: UnitChange[];
  codes: string[];
}

/** Splits a grid in two halves along streets; the second half gets the next free code. */
export async function splitGridEdit(
  db: Db,
  planId: number,
  baseVersion: number,
  code: string,
  author: string,
): Promise<ToolEditResult & { households: [number, number]; street_share: number }> {
  const p = await planOrThrow(db, planId);
  await gridLocked(db, planId, [code]);
  const pg = await unitGraphFor(db, p.subdistricts);
  const asg = await assignmentArray(db, planId, pg);
  const nodes = asg.flatMap((c, i) => (c === code ? [i] : []));
  if (nodes.length === 0) throw new NotFoundError(`网格 ${code} 不在方案 ${planId} 中 (grid ${code} is not in plan ${planId})`);
  const s = splitGrid(pg.graph, nodes);
  if (!s) throw new InvalidEditError(`网格 ${code} 只有一个单元，无法拆分 (grid ${code} has only one unit and cannot be split)`);
  const newCode = await nextFreeCode(db, planId, code.slice(0, 12));
  const res = await applyEdit(
    db,
    planId,
    baseVersion,
    s.b.map((i) => ({ unit: pg.graph.ids[i], to: newCode })),
    author,
  );
  return { ...res, codes: [code, newCode], households: [s.householdsA, s.householdsB], street_share: Math.round(s.streetShare * 1000) / 1000 };
}

/** Merges grid `b` into grid `a` (they must be neighbours in the same sub-district). */
export async function mergeGridsEdit(db: Db, planId: number, baseVersion: number, a: string, b: string, author: string): Promise<ToolEditResult> {
  if (a === b) throw new InvalidEditError('请选择两个不同的网格 (choose two different grids)');
  const p = await planOrThrow(db, planId);
  await gridLocked(db, planId, [a, b]);
  const pg = await unitGraphFor(db, p.subdistricts);
  const asg = await assignmentArray(db, planId, pg);
  const bNodes = asg.flatMap((c, i) => (c === b ? [i] : []));
  const aCount = asg.filter((c) => c === a).length;
  if (aCount === 0 || bNodes.length === 0)
    throw new NotFoundError(`网格 ${aCount === 0 ? a : b} 不在方案 ${planId} 中 (grid ${aCount === 0 ? a : b} is not in plan ${planId})`);
  if (a.slice(0, 9) !== b.slice(0, 9)) throw new InvalidEditError('不同街道的网格不能合并 (grids of different sub-districts cannot be merged)');
  const g = pg.graph;
  const adjacent = bNodes.some((v) => {
    for (let e = g.offsets[v]; e < g.offsets[v + 1]; e++) if (asg[g.targets[e]] === a) return true;
    return false;
  });
  if (!adjacent) throw new InvalidEditError(`网格 ${a} 与 ${b} 不相邻，不能合并 (grids ${a} and ${b} are not adjacent and cannot be merged)`);
  const res = await applyEdit(
    db,
    planId,
    baseVersion,
    bNodes.map((i) => ({ unit: g.ids[i], to: a })),
    author,
  );
  return { ...res, codes: [a] };
}

/** Creates a new grid from the given units (next free code in the community most of them are in). */
export async function newGridEdit(db: Db, planId: number, baseVersion: number, units: string[], author: string): Promise<ToolEditResult> {
  await planOrThrow(db, planId);
  const r = await db.query<{ c: string | null; s: string; n: number }>(
    `SELECT u.community_id AS c, u.subdistrict_id AS s, count(*)::int AS n FROM units u
     JOIN plan_assignments a ON a.unit_id = u.id AND a.plan_id = $1
     WHERE u.id = ANY($2::text[]) GROUP BY 1, 2 ORDER BY n DESC, c`,
    [planId, units],
  );
  if (!r.rows.length) throw new InvalidEditError('所选单元不属于此方案 (the chosen units do not belong to this plan)');
  if (new Set(r.rows.map((x) => x.s)).size > 1) throw new InvalidEditError('新网格的单元须在同一街道内 (the units of a new grid must be in one sub-district)');
  const community = r.rows.find((x) => x.c)?.c;
  if (!community) throw new InvalidEditError('所选单元没有所属社区，无法编码 (the chosen units have no community, so no code can be given)');
  const code = await nextFreeCode(db, planId, community);
  const res = await applyEdit(
    db,
    planId,
    baseVersion,
    units.map((unit) => ({ unit, to: code })),
    author,
  );
  return { ...res, codes: [code] };
}

export type { Proposal };

function summarise(moves: Proposal['moves'], hh: Map<string, number>): Proposal['grids'] {
  const after = new Map(hh);
  for (const m of moves) {
    if (m.from) after.set(m.from, (after.get(m.from) ?? 0) - m.households);
    if (m.to) after.set(m.to, (after.get(m.to) ?? 0) + m.households);
  }
  const codes = new Set(moves.flatMap((m) => [m.from, m.to]).filter((x): x is string => !!x));
  return [...codes].sort().map((code) => ({ code, before: hh.get(code) ?? 0, after: after.get(code) ?? 0 }));
}

async function lockedSet(db: Queryable, planId: number): Promise<Set<string>> {
  return new Set((await db.query<{ code: string }>('SELECT code FROM grids WHERE plan_id = $1 AND locked', [planId])).rows.map((r) => r.code));
}

function householdsByGrid(pg: PlanGraph, asg: (string | null)[]): Map<string, number> {
  const hh = new Map<string, number>();
  asg.forEach((c, i) => c && hh.set(c, (hh.get(c) ?? 0) + pg.graph.households[i]));
  return hh;
}

/** Proposal: boundary-unit moves that bring an out-of-band grid into the band (not applied). */
export async function suggestFixProposal(db: Queryable, planId: number, code: string): Promise<Proposal> {
  const p = await planOrThrow(db, planId);
  const band = bandOf(p);
  const pg = await unitGraphFor(db, p.subdistricts);
  const asg = await assignmentArray(db, planId, pg);
  if (!asg.includes(code)) throw new NotFoundError(`网格 ${code} 不在方案 ${planId} 中 (grid ${code} is not in plan ${planId})`);
  const hh = householdsByGrid(pg, asg);
  const r = suggestFix(pg.graph, asg, code, { ...band, locked: await lockedSet(db, planId) });
  const moves = r.moves.map((m) => ({ unit: pg.graph.ids[m.unit], from: m.from, to: m.to, households: pg.graph.households[m.unit] }));
  const message =
    r.before >= band.min && r.before <= band.max
      ? `网格 ${code} 已在 ${band.min}-${band.max} 户范围内 (grid ${code} is already within ${band.min}-${band.max} households)`
      : r.fixed
        ? `移动 ${moves.length} 个边界单元可使网格 ${code} 达到 ${r.after} 户 (moving ${moves.length} border units brings grid ${code} to ${r.after} households)`
        : `找不到能使网格 ${code} 达标且保持邻格达标、连通的移动（最好可到 ${r.after} 户） (no move found that brings grid ${code} within range while keeping its neighbours within range and connected; the best reaches ${r.after} households)`;
  return { moves, grids: summarise(moves, hh), fixed: r.fixed, message };
}

/** Proposal: re-partition the selected grids' units (others untouched), reusing their codes first. */
export async function rebalanceProposal(db: Queryable, planId: number, codes: string[], seed = 1): Promise<Proposal> {
  const p = await planOrThrow(db, planId);
  const band = bandOf(p);
  const locked = await lockedSet(db, planId);
  const lockedSel = codes.filter((c) => locked.has(c));
  if (lockedSel.length)
    throw new InvalidEditError(`网格 ${lockedSel.join('、')} 已锁定，不能重新平衡 (grids ${lockedSel.join(', ')} are locked and cannot be rebalanced)`);
  const pg = await unitGraphFor(db, p.subdistricts);
  const asg = await assignmentArray(db, planId, pg);
  const sel = new Set(codes);
  const idx = asg.flatMap((c, i) => (c !== null && sel.has(c) ? [i] : []));
  if (!idx.length) throw new NotFoundError('所选网格不在此方案中 (the chosen grids are not in this plan)');
  const units = idx.map((i) => pg.units[i]);
  const previous: Record<string, string> = {};
  for (const i of idx) previous[pg.graph.ids[i]] = asg[i]!;
  const res = partition({ units, barriers: pg.barriers }, { ...band, seed, previous });
  // name the result grids: reuse the selected codes (largest overlap first), then next free codes
  const overlap = new Map<string, Map<string, number>>();
  for (const [u, gid] of Object.entries(res.assignment)) {
    const old = previous[u];
    const m = overlap.get(gid) ?? new Map<string, number>();
    m.set(old, (m.get(old) ?? 0) + pg.graph.households[pg.index.get(u)!] + 1e-3);
    overlap.set(gid, m);
  }
  const pairs: Array<[string, string, number]> = [];
  for (const [gid, m] of overlap) for (const [old, w] of m) pairs.push([gid, old, w]);
  pairs.sort((x, y) => y[2] - x[2]);
  const nameOf = new Map<string, string>();
  const usedCodes = new Set<string>();
  for (const [gid, old] of pairs) {
    if (!nameOf.has(gid) && !usedCodes.has(old)) {
      nameOf.set(gid, old);
      usedCodes.add(old);
    }
  }
  for (const gid of [...overlap.keys()].sort()) {
    if (nameOf.has(gid)) continue;
    const firstUnit = Object.entries(res.assignment).find(([, g]) => g === gid)![0];
    const community = pg.units[pg.index.get(firstUnit)!].community ?? codes[0].slice(0, 12);
    const code = await nextFreeCode(db, planId, community, usedCodes);
    nameOf.set(gid, code);
    usedCodes.add(code);
  }
  const moves: Proposal['moves'] = [];
  for (const [u, gid] of Object.entries(res.assignment)) {
    const to = nameOf.get(gid)!;
    if (previous[u] !== to) moves.push({ unit: u, from: previous[u], to, households: pg.graph.households[pg.index.get(u)!] });
  }
  const hh = householdsByGrid(pg, asg);
  const grids = summarise(moves, hh);
  const fixed = grids.every((g) => g.after === 0 || (g.after >= band.min && g.after <= band.max));
  return {
    moves,
    grids,
    fixed,
    message: `重新平衡 ${codes.length} 个网格：移动 ${moves.length} 个单元，得到 ${new Set(Object.values(res.assignment)).size} 个网格 (rebalanced ${codes.length} grids: moved ${moves.length} units, giving ${new Set(Object.values(res.assignment)).size} grids)`,
  };
}

/** Copies a plan (any status) as a new draft, e.g. to edit a published plan. */
export async function copyPlanAsDraft(db: Db, planId: number, author: string, name?: string, subdistricts?: string[]): Promise<number> {
  const p = await planOrThrow(db, planId);
  const part = subdistricts ?? p.subdistricts;
  const outside = part.filter((s) => !p.subdistricts.includes(s));
  if (outside.length)
    throw new InvalidEditError(`方案 ${planId} 不包含街道 ${outside.join('、')} (plan ${planId} does not contain the sub-districts ${outside.join(', ')})`);
  if (!part.length) throw new InvalidEditError('没有要复制的街道 (no sub-districts to copy)');
  const whole = part.length === p.subdistricts.length;
  return db.transaction(async (tx) => {
    if (!whole) {
      return copyPlanPart(tx, p, part, {
        name: name ?? `${p.name}（副本）`,
        author,
        status: 'draft',
        params: { copied_from: planId, copied_subdistricts: part },
      });
    }
    const r = await tx.query<{ id: number }>(
      `INSERT INTO plans (name, author, subdistricts, params, warnings) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb) RETURNING id`,
      [name ?? `${p.name}（副本）`, author, p.subdistricts, JSON.stringify({ ...p.params, copied_from: planId }), JSON.stringify(p.warnings)],
    );
    const id = Number(r.rows[0].id);
    await tx.query('INSERT INTO plan_assignments (plan_id, unit_id, grid_code) SELECT $2, unit_id, grid_code FROM plan_assignments WHERE plan_id = $1', [
      planId,
      id,
    ]);
    await tx.query(
      `INSERT INTO grids (plan_id, code, subdistrict_id, community_id, households, units, polsby_popper, contiguous, locked, geom)
       SELECT $2, code, subdistrict_id, community_id, households, units, polsby_popper, contiguous, locked, geom FROM grids WHERE plan_id = $1`,
      [planId, id],
    );
    return id;
  });
}
