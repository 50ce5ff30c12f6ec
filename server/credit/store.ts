/**
 * Credit community storage: per-grid aggregates (what leaders and the map see), the households of
 * one grid with their scores (the grid's own staff and admins), entries (declare a merit, record a
 * demerit) and the review step; a review recomputes the household's rating (./rules) in the same
 * transaction, and every step writes an audit row in it.
 */
import type { CreditEntry, CreditGrid, CreditHousehold } from '../../common/http/credit';
import type { Queryable } from '../db';
import { inReadScope } from '../auth/read-scope';
import { SMALL_COUNT } from '../auth/privacy';
import { initialStatus, pointsOf, ratingOf, review, type Decision, type EntryKind, type EntryStatus, type Rating, type ReviewerRole } from './rules';

/** A credit request refused, with its HTTP status; `details` (a stale review: the current entry) go into the reply. */
export class CreditError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A household's grid in force (and community / sub-district), or null when the household does not exist. */
export async function householdPlace(db: Queryable, id: string): Promise<{ grid: string | null; community: string | null; subdistrict: string | null } | null> {
  const r = await db.query<{ grid: string | null; community: string | null; subdistrict: string | null }>(
    `SELECT (SELECT pa.grid_code FROM current_grid_plans c JOIN plan_assignments pa ON pa.plan_id = c.plan_id AND pa.unit_id = h.unit_id
              WHERE c.subdistrict_id = u.subdistrict_id ORDER BY c.plan_id DESC LIMIT 1) AS grid,
            u.community_id AS community, u.subdistrict_id AS subdistrict
       FROM households h LEFT JOIN units u ON u.id = h.unit_id WHERE h.id = $1`,
    [id],
  );
  return r.rows[0] ?? null;
}

/** Households with their grid in force (a CTE body; $1 is the read scope, $2 a grid-code prefix or NULL). */
const HOUSEHOLD_GRIDS = `
  SELECT h.id, h.head_name, h.credit_rating, pa.grid_code
    FROM households h JOIN units u ON u.id = h.unit_id
    JOIN current_grid_plans c ON c.subdistrict_id = u.subdistrict_id
    JOIN plan_assignments pa ON pa.plan_id = c.plan_id AND pa.unit_id = h.unit_id
   WHERE pa.grid_code IS NOT NULL AND ${inReadScope('pa.grid_code', '$1')} AND ($2::text IS NULL OR starts_with(pa.grid_code, $2::text))`;

export type { CreditEntry, CreditGrid, CreditHousehold };

const cell = (n: number, exact: boolean) => (exact || n === 0 || n >= SMALL_COUNT ? n : null);

/** Per grid in force: rated households by grade and pending reviews; small counts suppressed. */
export async function creditGrids(db: Queryable, readScope: string[] | null, prefix: string | null, exact: boolean): Promise<CreditGrid[]> {
  const r = await db.query<{
    code: string;
    subdistrict_id: string;
    community_id: string | null;
    households: number;
    a: number;
    aa: number;
    aaa: number;
    pm: number;
    pd: number;
  }>(
    `WITH hg AS (${HOUSEHOLD_GRIDS}),
     counts AS (
       SELECT grid_code, count(*) FILTER (WHERE credit_rating = 'A')::int AS a, count(*) FILTER (WHERE credit_rating = '2A')::int AS aa,
              count(*) FILTER (WHERE credit_rating = '3A')::int AS aaa FROM hg GROUP BY grid_code
     ), pending AS (
       SELECT grid_code, count(*) FILTER (WHERE status = 'declared')::int AS pm, count(*) FILTER (WHERE status = 'recorded')::int AS pd
         FROM credit_entries WHERE status IN ('declared', 'recorded') GROUP BY grid_code
     )
     SELECT g.code, g.subdistrict_id, g.community_id, g.households::int AS households,
            COALESCE(c.a, 0) AS a, COALESCE(c.aa, 0) AS aa, COALESCE(c.aaa, 0) AS aaa, COALESCE(p.pm, 0) AS pm, COALESCE(p.pd, 0) AS pd
       FROM current_grids g LEFT JOIN counts c ON c.grid_code = g.code LEFT JOIN pending p ON p.grid_code = g.code
      WHERE ${inReadScope('g.code', '$1')} AND ($2::text IS NULL OR starts_with(g.code, $2::text))
      ORDER BY g.code`,
    [readScope, prefix],
  );
  return r.rows.map((x) => {
    const [a, aa, aaa] = [Number(x.a), Number(x.aa), Number(x.aaa)];
    const ratedN = a + aa + aaa;
    const rated = cell(ratedN, exact);
    const households = Number(x.households);
    return {
      code: x.code,
      subdistrictId: x.subdistrict_id,
      communityId: x.community_id,
      households,
      rated,
      a: cell(a, exact),
      aa: cell(aa, exact),
      aaa: cell(aaa, exact),
      ratedShare: rated === null || households === 0 ? null : ratedN / households,
      pendingMerits: Number(x.pm),
      pendingDemerits: Number(x.pd),
    };
  });
}

/** The households of one grid (personal data: the route admits the grid's own staff and admins only). */
export async function gridHouseholds(db: Queryable, grid: string): Promise<CreditHousehold[]> {
  const r = await db.query<{ id: string; head_name: string | null; credit_rating: Rating | null; merits: number; demerits: number; pending: number }>(
    `WITH hg AS (${HOUSEHOLD_GRIDS})
     SELECT hg.id, hg.head_name, hg.credit_rating,
            COALESCE(SUM(e.points) FILTER (WHERE e.status = 'approved'), 0)::int AS merits,
            COALESCE(SUM(e.points) FILTER (WHERE e.status = 'confirmed'), 0)::int AS demerits,
            count(e.id) FILTER (WHERE e.status IN ('declared', 'recorded'))::int AS pending
       FROM hg LEFT JOIN credit_entries e ON e.household_id = hg.id
      GROUP BY hg.id, hg.head_name, hg.credit_rating ORDER BY hg.id`,
    [null, grid],
  );
  return r.rows.map((x) => ({
    id: x.id,
    headName: x.head_name,
    rating: x.credit_rating,
    score: Number(x.merits) - Number(x.demerits),
    pending: Number(x.pending),
  }));
}

interface EntryRow {
  id: string;
  household_id: string;
  head_name: string | null;
  grid_code: string | null;
  kind: EntryKind;
  category: string;
  points: number;
  status: EntryStatus;
  note: string | null;
  occurred_on: string;
  created_by: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
  version: number;
}

const ENTRY_COLS = `e.id, e.household_id, h.head_name, e.grid_code, e.kind, e.category, e.points, e.status, e.note, to_char(e.occurred_on, 'YYYY-MM-DD') AS occurred_on,
  e.created_by, e.reviewed_by, to_char(e.reviewed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS reviewed_at, e.review_note, e.version`;

function toEntry(x: EntryRow, showName: boolean): CreditEntry {
  return {
    id: Number(x.id),
    householdId: x.household_id,
    headName: showName ? x.head_name : null,
    gridCode: x.grid_code,
    kind: x.kind,
    category: x.category,
    points: Number(x.points),
    status: x.status,
    note: x.note,
    occurredOn: x.occurred_on,
    createdBy: x.created_by === null ? null : Number(x.created_by),
    reviewedBy: x.reviewed_by === null ? null : Number(x.reviewed_by),
    reviewedAt: x.reviewed_at,
    reviewNote: x.review_note,
    version: Number(x.version),
  };
}

export interface EntryFilter {
  readScope: string[] | null;
  grid?: string;
  household?: string;
  status?: EntryStatus[];
  limit: number;
}

/** Entries, newest first; `showName(grid)` decides per entry whether the household's name is shown. */
export async function listEntries(db: Queryable, f: EntryFilter, showName: (grid: string | null) => boolean): Promise<{ total: number; items: CreditEntry[] }> {
  const where = `${inReadScope('e.grid_code', '$1')} AND ($2::text IS NULL OR starts_with(e.grid_code, $2::text)) AND ($3::text IS NULL OR e.household_id = $3::text)
    AND ($4::text[] IS NULL OR e.status = ANY($4::text[]))`;
  const args = [f.readScope, f.grid ?? null, f.household ?? null, f.status?.length ? f.status : null];
  const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM credit_entries e WHERE ${where}`, args);
  const r = await db.query<EntryRow>(
    `SELECT ${ENTRY_COLS} FROM credit_entries e JOIN households h ON h.id = e.household_id WHERE ${where} ORDER BY e.id DESC LIMIT $5`,
    [...args, f.limit],
  );
  return { total: Number(total.rows[0].n), items: r.rows.map((x) => toEntry(x, showName(x.grid_code))) };
}

export async function getEntry(db: Queryable, id: number, lock = false): Promise<CreditEntry | null> {
  const r = await db.query<EntryRow>(
    `SELECT ${ENTRY_COLS} FROM credit_entries e JOIN households h ON h.id = e.household_id WHERE e.id = $1${lock ? ' FOR UPDATE OF e' : ''}`,
    [id],
  );
  return r.rows[0] ? toEntry(r.rows[0], true) : null;
}

export interface NewEntry {
  household: string;
  kind: EntryKind;
  category: string;
  occurredOn: string;
  note?: string | null;
}

/** Declares a merit (status declared) or records a demerit (status recorded). */
export async function createEntry(tx: Queryable, e: NewEntry, createdBy: number | null, today: string): Promise<CreditEntry> {
  const points = pointsOf(e.kind, e.category);
  if (points === null)
    throw new CreditError(
      400,
      `未知的${e.kind === 'merit' ? '加分' : '扣分'}类别：${e.category} (unknown ${e.kind === 'merit' ? 'merit' : 'demerit'} category: ${e.category})`,
    );
  if (e.occurredOn > today) throw new CreditError(400, `发生日期 ${e.occurredOn} 晚于今天 (the date ${e.occurredOn} is later than today)`);
  const place = await householdPlace(tx, e.household);
  if (!place) throw new CreditError(404, `住户 ${e.household} 不存在 (household ${e.household} does not exist)`);
  if (!place.grid) throw new CreditError(400, `住户 ${e.household} 不在任何现行网格内 (household ${e.household} is not in any current grid)`);
  const r = await tx.query<{ id: string }>(
    `INSERT INTO credit_entries (household_id, grid_code, kind, category, points, status, note, occurred_on, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9) RETURNING id`,
    [e.household, place.grid, e.kind, e.category, points, initialStatus(e.kind), e.note ?? null, e.occurredOn, createdBy],
  );
  return (await getEntry(tx, Number(r.rows[0].id)))!;
}

/** Recomputes a household's rating from its entries; returns [before, after]. */
export async function recomputeRating(tx: Queryable, household: string): Promise<[Rating | null, Rating | null, number]> {
  const before = await tx.query<{ credit_rating: Rating | null }>('SELECT credit_rating FROM households WHERE id = $1 FOR UPDATE', [household]);
  const es = await tx.query<{ kind: EntryKind; status: EntryStatus; points: number }>(
    'SELECT kind, status, points FROM credit_entries WHERE household_id = $1',
    [household],
  );
  const { rating, score } = ratingOf(es.rows.map((x) => ({ ...x, points: Number(x.points) })));
  await tx.query('UPDATE households SET credit_rating = $2 WHERE id = $1', [household, rating]);
  return [before.rows[0]?.credit_rating ?? null, rating, score];
}

export interface ReviewOutcome {
  before: CreditEntry;
  after: CreditEntry;
  rating: { before: Rating | null; after: Rating | null; score: number };
}

/** The review step on entry `id` based on `version` (stale → 409). */
export async function reviewEntry(
  tx: Queryable,
  id: number,
  version: number,
  decision: Decision,
  actor: { id: number | null; role: ReviewerRole | null },
  note: string | null,
): Promise<ReviewOutcome> {
  const before = await getEntry(tx, id, true);
  if (!before) throw new CreditError(404, `记录 ${id} 不存在 (record ${id} does not exist)`);
  if (before.version !== version)
    throw new CreditError(
      409,
      `记录已被他人更改（当前版本 ${before.version}），请刷新后再审核 (the record was changed by someone else, current version ${before.version}; refresh and review again)`,
      { current: before },
    );
  const step = review({ entry: { kind: before.kind, status: before.status, createdBy: before.createdBy }, actor, decision });
  if (!step.ok) throw new CreditError(step.status, step.message);
  await tx.query('UPDATE credit_entries SET status = $2, reviewed_by = $3, reviewed_at = now(), review_note = $4, version = version + 1 WHERE id = $1', [
    id,
    step.next,
    actor.id,
    note,
  ]);
  const [rb, ra, score] = await recomputeRating(tx, before.householdId);
  return { before, after: (await getEntry(tx, id))!, rating: { before: rb, after: ra, score } };
}
