/**
 * Field work and the grid ledger in the database (issue H): the member's grid and its buildings,
 * visits (idempotent by the device's client key, optional photo), ledger entries, the ledger as
 * one searchable list (visits + entries + whistle cases reported in the grid), weekly hours and
 * counts rolled up per grid, community and sub-district. Reads take the reader's code prefixes
 * (auth/read-scope) and filter in the query.
 */
import { ENTRY_KINDS, LEDGER_TYPES, OUTCOMES } from '../../common/http/field';
import type {
  EntryBody,
  EntryKind,
  FieldHousehold,
  GridInfo,
  Hours,
  LedgerFilter,
  LedgerItem,
  LedgerType,
  SavedVisit,
  SummaryLevel,
  SummaryRow,
  VisitBody,
} from '../../common/http/field';
import { inReadScope } from '../auth/read-scope';
import type { Queryable } from '../db';
import { buildingHouseholds } from '../import/register-link';
import { weeklyHours } from './week';
import { visitPlan, coverage } from './visit-plan';

/** A refusal the shared error handler answers with its status and message. */
export class FieldError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** The longest a visit may last, and how far back a device may sync one. */
export const MAX_VISIT_HOURS = 12;
export const MAX_SYNC_AGE_DAYS = 30;
/** Decoded photo bytes (the device resizes to 1280 px JPEG, usually 100-250 KB). */
export const MAX_PHOTO_BYTES = 400 * 1024;

export type { GridInfo };

export async function gridInfo(db: Queryable, code: string): Promise<GridInfo> {
  const r = await db.query<{
    code: string;
    subdistrict_id: string;
    sname: string | null;
    community_id: string | null;
    cname: string | null;
    households: number;
    x0: number;
    y0: number;
    x1: number;
    y1: number;
  }>(
    `SELECT g.code, g.subdistrict_id, s.name AS sname, g.community_id, c.name AS cname, g.households,
            ST_XMin(g.geom) AS x0, ST_YMin(g.geom) AS y0, ST_XMax(g.geom) AS x1, ST_YMax(g.geom) AS y1
       FROM current_grids g LEFT JOIN subdistricts s ON s.id = g.subdistrict_id LEFT JOIN communities c ON c.id = g.community_id
      WHERE g.code = $1 LIMIT 1`,
    [code],
  );
  const g = r.rows[0];
  if (!g) throw new FieldError(404, `网格 ${code} 不在已发布的方案中 (grid ${code} is not in the published plan)`);
  return {
    code: g.code,
    subdistrictId: g.subdistrict_id,
    subdistrictName: g.sname,
    communityId: g.community_id,
    communityName: g.cname,
    households: Number(g.households),
    bbox: [Number(g.x0), Number(g.y0), Number(g.x1), Number(g.y1)],
  };
}

export interface GridBuilding {
  id: string;
  label: string | null;
  compound: string | null;
  households: number;
  lon: number;
  lat: number;
  lastVisit: number | null;
}

/** The buildings with households (the register's where it covers them) whose point on surface lies in the grid, with their last visit. */
export async function gridBuildings(db: Queryable, code: string): Promise<GridBuilding[]> {
  const r = await db.query<{
    id: string;
    label: string | null;
    compound: string | null;
    households: number;
    lon: number;
    lat: number;
    last: Date | string | null;
  }>(
    `WITH g AS (SELECT geom FROM current_grids WHERE code = $1 LIMIT 1),
          v AS (SELECT building_id, max(ended_at) AS last FROM field_visits WHERE grid_code = $1 AND building_id IS NOT NULL GROUP BY building_id)
     SELECT b.id, b.label, COALESCE(c.name, b.compound_name) AS compound, ${buildingHouseholds('b')} AS households, ST_X(p.pt) AS lon, ST_Y(p.pt) AS lat, v.last
       FROM g JOIN buildings b ON b.geom && g.geom
       CROSS JOIN LATERAL (SELECT ST_PointOnSurface(b.geom) AS pt) p
       LEFT JOIN compounds c ON c.id = b.compound_id
       LEFT JOIN v ON v.building_id = b.id
      WHERE ${buildingHouseholds('b')} > 0 AND ST_Intersects(g.geom, p.pt)
      ORDER BY b.id`,
    [code],
  );
  return r.rows.map((b) => ({
    id: b.id,
    label: b.label,
    compound: b.compound,
    households: Number(b.households),
    lon: Number(b.lon),
    lat: Number(b.lat),
    lastVisit: b.last === null ? null : new Date(b.last).getTime(),
  }));
}

/** Today's plan and the grid's coverage over the last 4 weeks. */
export async function gridPlan(db: Queryable, code: string, now: number, limit = 8): Promise<{ plan: GridBuilding[]; coverage4w: number; buildings: number }> {
  const buildings = await gridBuildings(db, code);
  return { plan: visitPlan(buildings, limit), coverage4w: coverage(buildings, now - 28 * 86400e3), buildings: buildings.length };
}

/** Masks a name to its surname (张**) and a phone to its first 3 and last 4 digits. */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const d = phone.replace(/\D/g, '');
  return d.length >= 7 ? `${d.slice(0, 3)}****${d.slice(-4)}` : '****';
}

/** A household of the grid, masked (common/http/field.ts). */
export type GridHousehold = FieldHousehold;

/**
 * The grid's households with personal data (party members, credit ratings), for the grid's own
 * members and admins only (route access): names and phones masked on the list (the member knows
 * the household at the door; a lost phone shows no full names or numbers).
 */
export async function gridHouseholds(db: Queryable, code: string): Promise<GridHousehold[]> {
  const r = await db.query<{
    id: string;
    building_id: string | null;
    head_name: string | null;
    phone: string | null;
    party_member: boolean;
    plaqued: boolean;
    credit_rating: string | null;
  }>(
    `WITH g AS (SELECT geom FROM current_grids WHERE code = $1 LIMIT 1)
     SELECT h.id, h.building_id, h.head_name, h.phone, h.party_member, h.plaqued, h.credit_rating
       FROM g JOIN households h ON h.geom && g.geom AND ST_Intersects(g.geom, h.geom)
      ORDER BY h.building_id, h.id LIMIT 2000`,
    [code],
  );
  return r.rows.map((h) => ({
    id: h.id,
    buildingId: h.building_id,
    headName: maskName(h.head_name),
    phone: maskPhone(h.phone),
    partyMember: h.party_member,
    plaqued: h.plaqued,
    creditRating: h.credit_rating,
  }));
}

/** Body of POST /api/field/visits (common/http/field.ts). */
export type VisitInput = VisitBody;

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
  'image/png': (b) => b.subarray(0, 4).toString('hex') === '89504e47',
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** Decodes and checks a photo: its type matches its bytes and it is within the size limit. */
export function decodePhoto(p: { mime: string; data: string }): Buffer {
  const check = MAGIC[p.mime];
  if (!check) throw new FieldError(400, `照片格式 ${p.mime} 不支持（JPEG、PNG 或 WebP） (photo format ${p.mime} is not supported; use JPEG, PNG or WebP)`);
  const bytes = Buffer.from(p.data, 'base64');
  if (bytes.length > MAX_PHOTO_BYTES)
    throw new FieldError(
      413,
      `照片 ${Math.round(bytes.length / 1024)} KB，超过 ${MAX_PHOTO_BYTES / 1024} KB 上限 (the photo is ${Math.round(bytes.length / 1024)} KB, over the ${MAX_PHOTO_BYTES / 1024} KB limit)`,
    );
  if (bytes.length < 12 || !check(bytes)) throw new FieldError(400, '照片内容不是所述格式的图片 (the photo content is not an image of the stated format)');
  return bytes;
}

/** Checks the times of a visit against `now`: order, length and sync age. */
export function checkVisitTimes(startedAt: string, endedAt: string, now: number): [number, number] {
  const a = Date.parse(startedAt);
  const b = Date.parse(endedAt);
  if (Number.isNaN(a) || Number.isNaN(b)) throw new FieldError(400, '走访时间无效 (invalid visit time)');
  if (b < a) throw new FieldError(400, '走访结束时间早于开始时间 (the visit ends before it starts)');
  if (b - a > MAX_VISIT_HOURS * 3600e3) throw new FieldError(400, `一次走访不超过 ${MAX_VISIT_HOURS} 小时 (a visit lasts at most ${MAX_VISIT_HOURS} hours)`);
  if (b > now + 10 * 60e3) throw new FieldError(400, '走访结束时间在将来 (the visit end time is in the future)');
  if (a < now - MAX_SYNC_AGE_DAYS * 86400e3)
    throw new FieldError(
      400,
      `走访早于 ${MAX_SYNC_AGE_DAYS} 天前，请联系社区补录 (the visit is more than ${MAX_SYNC_AGE_DAYS} days old; ask the community to record it)`,
    );
  return [a, b];
}

/** Refuses a point more than 200 m outside the grid (GPS error allowed) and a building outside it. */
async function checkPlace(db: Queryable, grid: string, lon: number, lat: number, buildingId?: string): Promise<void> {
  const r = await db.query<{ near: boolean; building_ok: boolean | null }>(
    `WITH g AS (SELECT geom FROM current_grids WHERE code = $1 LIMIT 1)
     SELECT ST_DWithin(ST_Transform(g.geom, 4548), ST_Transform(ST_SetSRID(ST_MakePoint($2, $3), 4326), 4548), 200) AS near,
            (SELECT ST_Intersects(g.geom, ST_PointOnSurface(b.geom)) FROM buildings b WHERE b.id = $4) AS building_ok
       FROM g`,
    [grid, lon, lat, buildingId ?? null],
  );
  const row = r.rows[0];
  if (!row) throw new FieldError(404, `网格 ${grid} 不在已发布的方案中 (grid ${grid} is not in the published plan)`);
  if (!row.near) throw new FieldError(400, `走访位置不在网格 ${grid} 内（或其周边 200 米） (the visit location is not in grid ${grid} or within 200 m of it)`);
  if (buildingId !== undefined && row.building_ok !== true)
    throw new FieldError(400, `楼栋 ${buildingId} 不在网格 ${grid} 内 (building ${buildingId} is not in grid ${grid})`);
}

export type { SavedVisit };

/**
 * Stores a visit (and its photo) once: a second request with the same client key (a re-sync after a
 * lost answer) returns the stored visit with duplicate: true and writes nothing.
 */
export async function saveVisit(db: Queryable, v: VisitInput, who: { userId: number | null; name: string }, now = Date.now()): Promise<SavedVisit> {
  const existing = await db.query<{ id: number; photo_id: number | null }>(
    'SELECT id::int AS id, photo_id::int AS photo_id FROM field_visits WHERE client_key = $1',
    [v.clientKey],
  );
  if (existing.rows[0])
    return { id: Number(existing.rows[0].id), duplicate: true, photoId: existing.rows[0].photo_id === null ? null : Number(existing.rows[0].photo_id) };
  checkVisitTimes(v.startedAt, v.endedAt, now);
  await checkPlace(db, v.grid, v.lon, v.lat, v.buildingId);
  let photoId: number | null = null;
  if (v.photo) {
    const bytes = decodePhoto(v.photo);
    const p = await db.query<{ id: number }>(
      'INSERT INTO field_photos (client_key, grid_code, mime, bytes, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id::int AS id',
      [v.clientKey, v.grid, v.photo.mime, bytes, who.userId],
    );
    photoId = Number(p.rows[0].id);
  }
  const r = await db.query<{ id: number }>(
    `INSERT INTO field_visits (client_key, grid_code, user_id, visitor, started_at, ended_at, building_id, household_id, place, note, photo_id, geom)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ST_SetSRID(ST_MakePoint($12, $13), 4326)) RETURNING id::int AS id`,
    [
      v.clientKey,
      v.grid,
      who.userId,
      who.name,
      v.startedAt,
      v.endedAt,
      v.buildingId ?? null,
      v.householdId ?? null,
      v.place ?? null,
      v.note ?? null,
      photoId,
      v.lon,
      v.lat,
    ],
  );
  return { id: Number(r.rows[0].id), duplicate: false, photoId };
}

export async function getPhoto(db: Queryable, id: number, prefixes: string[] | null): Promise<{ mime: string; bytes: Buffer }> {
  const r = await db.query<{ mime: string; bytes: Uint8Array }>(`SELECT mime, bytes FROM field_photos WHERE id = $1 AND ${inReadScope('grid_code', '$2')}`, [
    id,
    prefixes,
  ]);
  const row = r.rows[0];
  if (!row) throw new FieldError(404, `照片 ${id} 不存在或不在您的范围内 (photo ${id} does not exist or is outside your area)`);
  return { mime: row.mime, bytes: Buffer.from(row.bytes) };
}

export { ENTRY_KINDS, LEDGER_TYPES, OUTCOMES, type EntryKind, type LedgerType };

/** Body of POST /api/ledger/entries (common/http/field.ts). */
export type EntryInput = EntryBody;

/** Stores a ledger entry once per client key (duplicate: true on a re-sync). */
export async function saveEntry(
  db: Queryable,
  e: EntryInput,
  who: { userId: number | null; name: string },
  now = Date.now(),
): Promise<{ id: number; duplicate: boolean }> {
  const existing = await db.query<{ id: number }>('SELECT id::int AS id FROM ledger_entries WHERE client_key = $1', [e.clientKey]);
  if (existing.rows[0]) return { id: Number(existing.rows[0].id), duplicate: true };
  const at = e.occurredAt ? Date.parse(e.occurredAt) : now;
  if (Number.isNaN(at)) throw new FieldError(400, '日期无效 (invalid date)');
  if (at > now + 10 * 60e3) throw new FieldError(400, '日期在将来 (the date is in the future)');
  if (e.kind !== 'dispute' && e.outcome) throw new FieldError(400, '只有矛盾纠纷有调处结果 (only disputes have a mediation outcome)');
  if (e.kind !== 'basic_info' && (e.households || e.changes))
    throw new FieldError(400, '核查户数和变更数只属于基础信息记录 (checked households and changes belong only to basic-information records)');
  await gridInfo(db, e.grid);
  const r = await db.query<{ id: number }>(
    `INSERT INTO ledger_entries (client_key, grid_code, kind, title, detail, outcome, households, changes, occurred_at, user_id, author)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id::int AS id`,
    [
      e.clientKey,
      e.grid,
      e.kind,
      e.title.trim(),
      e.detail ?? null,
      e.outcome ?? null,
      e.households ?? 0,
      e.changes ?? 0,
      new Date(at).toISOString(),
      who.userId,
      who.name,
    ],
  );
  return { id: Number(r.rows[0].id), duplicate: false };
}

/** Records a dispute's outcome; 409 when it already has one (another member settled it meanwhile). */
export async function settleDispute(
  db: Queryable,
  id: number,
  outcome: (typeof OUTCOMES)[number],
  prefixes: string[] | null,
): Promise<{ id: number; outcome: string; version: number }> {
  const r = await db.query<{ kind: string; outcome: string | null; version: number }>(
    `SELECT kind, outcome, version FROM ledger_entries WHERE id = $1 AND ${inReadScope('grid_code', '$2')} FOR UPDATE`,
    [id, prefixes],
  );
  const row = r.rows[0];
  if (!row) throw new FieldError(404, `台账记录 ${id} 不存在或不在您的网格内 (ledger entry ${id} does not exist or is not in your grids)`);
  if (row.kind !== 'dispute') throw new FieldError(400, '只有矛盾纠纷有调处结果 (only disputes have a mediation outcome)');
  if (row.outcome !== null) throw new FieldError(409, `该纠纷已有调处结果（${row.outcome}） (this dispute already has an outcome: ${row.outcome})`);
  const u = await db.query<{ version: number }>('UPDATE ledger_entries SET outcome = $2, version = version + 1 WHERE id = $1 RETURNING version', [id, outcome]);
  return { id, outcome, version: Number(u.rows[0].version) };
}

export type { LedgerFilter, LedgerItem, SummaryLevel, SummaryRow };

const LEDGER_UNION = `
  SELECT 'visit' AS type, v.id::text AS id, v.grid_code AS grid, v.started_at AS at,
         COALESCE(v.place, CASE WHEN v.building_id IS NULL THEN '走访' ELSE '走访 ' || v.building_id END) AS title, v.note AS detail,
         NULL::text AS outcome, round(extract(epoch FROM v.ended_at - v.started_at) / 60)::int AS minutes, NULL::int AS households, NULL::int AS changes,
         v.visitor AS author, v.photo_id::int AS photo_id
    FROM field_visits v
  UNION ALL
  SELECT e.kind, e.id::text, e.grid_code, e.occurred_at, e.title, e.detail, e.outcome, NULL::int,
         CASE WHEN e.kind = 'basic_info' THEN e.households END, CASE WHEN e.kind = 'basic_info' THEN e.changes END, e.author, NULL::int
    FROM ledger_entries e
  UNION ALL
  SELECT 'matter', c.id, c.grid_code, c.reported_at, c.title, NULL, c.status, NULL::int, NULL::int, NULL::int, NULL, NULL::int
    FROM cases c WHERE c.grid_code IS NOT NULL`;

/** The ledger of the grids in `f.grid` that the reader covers, newest first, with the total count. */
export async function ledgerItems(
  db: Queryable,
  f: LedgerFilter,
  prefixes: string[] | null,
  limit: number,
  offset: number,
): Promise<{ total: number; items: LedgerItem[] }> {
  const r = await db.query<LedgerItem & { total: number; at: Date | string; photo_id: number | null }>(
    `SELECT x.*, count(*) OVER () AS total FROM (${LEDGER_UNION}) x
      WHERE ${inReadScope('x.grid', '$1')} AND ($2::text IS NULL OR starts_with(x.grid, $2))
        AND ($3::text IS NULL OR x.type = $3)
        AND ($4::text IS NULL OR strpos(x.title, $4) > 0 OR strpos(COALESCE(x.detail, ''), $4) > 0 OR strpos(COALESCE(x.author, ''), $4) > 0)
        AND ($5::timestamptz IS NULL OR x.at >= $5) AND ($6::timestamptz IS NULL OR x.at < $6)
        AND ($7::boolean IS NULL OR NOT $7 OR (x.type = 'dispute' AND x.outcome IS NULL) OR (x.type = 'matter' AND x.outcome NOT IN ('solved', 'evaluated', 'closed')))
      ORDER BY x.at DESC, x.id DESC LIMIT $8 OFFSET $9`,
    [prefixes, f.grid ?? null, f.type ?? null, f.q ?? null, f.from ?? null, f.to ?? null, f.open ?? null, limit, offset],
  );
  return {
    total: r.rows.length ? Number(r.rows[0].total) : 0,
    items: r.rows.map((x) => ({
      type: x.type,
      id: x.id,
      grid: x.grid,
      at: new Date(x.at).toISOString(),
      title: x.title,
      detail: x.detail,
      outcome: x.outcome,
      minutes: x.minutes === null ? null : Number(x.minutes),
      households: x.households === null ? null : Number(x.households),
      changes: x.changes === null ? null : Number(x.changes),
      author: x.author,
      photoId: x.photo_id === null ? null : Number(x.photo_id),
    })),
  };
}

const LEVEL_LEN: Record<SummaryLevel, number> = { subdistrict: 9, community: 12, grid: 15 };

/**
 * Ledger counts per grid, community or sub-district (a grid code's first 9 / 12 digits), within an
 * optional prefix, for the areas the reader covers. Visits and hours over the 4 weeks before `now`.
 */
export async function ledgerSummary(
  db: Queryable,
  level: SummaryLevel,
  within: string | null,
  prefixes: string[] | null,
  now: number,
): Promise<{ rows: SummaryRow[]; total: SummaryRow }> {
  const n = LEVEL_LEN[level];
  const since = new Date(now - 28 * 86400e3).toISOString();
  const r = await db.query<Record<string, string | number | null>>(
    `WITH e AS (
       SELECT left(grid_code, $1) AS code, count(DISTINCT grid_code) AS grids,
              count(*) FILTER (WHERE kind = 'basic_info') AS basic_info, COALESCE(sum(households) FILTER (WHERE kind = 'basic_info'), 0) AS households_checked,
              COALESCE(sum(changes) FILTER (WHERE kind = 'basic_info'), 0) AS changes,
              count(*) FILTER (WHERE kind = 'dispute') AS disputes, count(*) FILTER (WHERE kind = 'dispute' AND outcome IS NULL) AS disputes_open,
              count(*) FILTER (WHERE kind = 'volunteer') AS volunteer
         FROM ledger_entries WHERE ${inReadScope('grid_code', '$2')} AND ($3::text IS NULL OR starts_with(grid_code, $3)) GROUP BY 1),
     v AS (
       SELECT left(grid_code, $1) AS code, count(DISTINCT grid_code) AS grids, count(*) AS visits, COALESCE(sum(extract(epoch FROM ended_at - started_at)) / 3600, 0) AS hours
         FROM field_visits WHERE started_at >= $4 AND ${inReadScope('grid_code', '$2')} AND ($3::text IS NULL OR starts_with(grid_code, $3)) GROUP BY 1),
     m AS (
       SELECT left(grid_code, $1) AS code, count(DISTINCT grid_code) AS grids, count(*) AS matters, count(*) FILTER (WHERE status NOT IN ('solved', 'evaluated', 'closed')) AS matters_open
         FROM cases WHERE grid_code IS NOT NULL AND ${inReadScope('grid_code', '$2')} AND ($3::text IS NULL OR starts_with(grid_code, $3)) GROUP BY 1),
     g AS (
       SELECT left(code, $1) AS code, count(DISTINCT code) AS grids FROM current_grids
        WHERE ${inReadScope('code', '$2')} AND ($3::text IS NULL OR starts_with(code, $3)) GROUP BY 1),
     k AS (SELECT code FROM e UNION SELECT code FROM v UNION SELECT code FROM m UNION SELECT code FROM g)
     SELECT k.code, COALESCE(s.name, c.name) AS name, GREATEST(g.grids, e.grids, v.grids, m.grids, 0) AS grids,
            COALESCE(e.basic_info, 0) AS basic_info, COALESCE(e.households_checked, 0) AS households_checked, COALESCE(e.changes, 0) AS changes,
            COALESCE(v.visits, 0) AS visits, COALESCE(v.hours, 0) AS hours, COALESCE(e.disputes, 0) AS disputes, COALESCE(e.disputes_open, 0) AS disputes_open,
            COALESCE(m.matters, 0) AS matters, COALESCE(m.matters_open, 0) AS matters_open, COALESCE(e.volunteer, 0) AS volunteer
       FROM k LEFT JOIN e ON e.code = k.code LEFT JOIN v ON v.code = k.code LEFT JOIN m ON m.code = k.code LEFT JOIN g ON g.code = k.code
       LEFT JOIN subdistricts s ON s.id = k.code LEFT JOIN communities c ON c.id = k.code
      ORDER BY k.code`,
    [n, prefixes, within, since],
  );
  const rows: SummaryRow[] = r.rows.map((x) => ({
    code: String(x.code),
    name: x.name === null ? null : String(x.name),
    grids: Number(x.grids),
    basicInfo: Number(x.basic_info),
    householdsChecked: Number(x.households_checked),
    changes: Number(x.changes),
    visits4w: Number(x.visits),
    visitHours4w: Math.round(Number(x.hours) * 10) / 10,
    disputes: Number(x.disputes),
    disputesOpen: Number(x.disputes_open),
    matters: Number(x.matters),
    mattersOpen: Number(x.matters_open),
    volunteer: Number(x.volunteer),
  }));
  const total: SummaryRow = {
    code: within ?? '',
    name: null,
    grids: 0,
    basicInfo: 0,
    householdsChecked: 0,
    changes: 0,
    visits4w: 0,
    visitHours4w: 0,
    disputes: 0,
    disputesOpen: 0,
    matters: 0,
    mattersOpen: 0,
    volunteer: 0,
  };
  for (const row of rows) {
    for (const k of [
      'grids',
      'basicInfo',
      'householdsChecked',
      'changes',
      'visits4w',
      'visitHours4w',
      'disputes',
      'disputesOpen',
      'matters',
      'mattersOpen',
      'volunteer',
    ] as const)
      total[k] += row[k];
  }
  total.visitHours4w = Math.round(total.visitHours4w * 10) / 10;
  return { rows, total };
}

/** GET /api/field/hours (common/http/field.ts). */
export type HoursAnswer = Hours;

/**
 * Minutes visited per person in the week [from, to), for the grids under `within` the reader covers:
 * everyone on the grids' "1+3" roster (0 minutes when they did not visit) and everyone who recorded
 * a visit there. A person is keyed by grid and id: a signed-in visitor by user id (two people with
 * the same display name stay two, a renamed user stays one, shown by their current name), a roster
 * person by staff id; only a visit with neither falls back to the name written on it.
 */
export async function hoursOf(
  db: Queryable,
  within: string | null,
  prefixes: string[] | null,
  from: number,
  to: number,
  rule: number,
): Promise<Omit<HoursAnswer, 'weekStart' | 'weekEnd' | 'ruleMinutes'>> {
  const visits = await db.query<{ grid: string; who: string; name: string; s: Date | string; e: Date | string }>(
    `SELECT v.grid_code AS grid,
            CASE WHEN v.user_id IS NOT NULL THEN 'u' || v.user_id WHEN v.staff_id IS NOT NULL THEN 's' || v.staff_id ELSE 'n' || v.visitor END AS who,
            COALESCE(u.display_name, u.username, st.name, v.visitor) AS name, v.started_at AS s, v.ended_at AS e
       FROM field_visits v LEFT JOIN users u ON u.id = v.user_id LEFT JOIN staff st ON st.id = v.staff_id AND v.user_id IS NULL
      WHERE v.ended_at > $1 AND v.started_at < $2 AND ${inReadScope('v.grid_code', '$3')} AND ($4::text IS NULL OR starts_with(v.grid_code, $4))`,
    [new Date(from).toISOString(), new Date(to).toISOString(), prefixes, within],
  );
  const roster = await db.query<{ grid: string; id: string; name: string; role: 'leader' | 'member' }>(
    `SELECT s.grid_code AS grid, s.id, s.name, s.role FROM staff s JOIN current_grids g ON g.code = s.grid_code
      WHERE ${inReadScope('s.grid_code', '$1')} AND ($2::text IS NULL OR starts_with(s.grid_code, $2))`,
    [prefixes, within],
  );
  const key = (grid: string, who: string) => `${grid}\u0001${who}`;
  const role = new Map(roster.rows.map((r) => [key(r.grid, `s${r.id}`), r.role] as const));
  const names = new Map<string, string>();
  for (const r of roster.rows) names.set(key(r.grid, `s${r.id}`), r.name);
  for (const v of visits.rows) names.set(key(v.grid, v.who), v.name);
  const rows = [
    ...visits.rows.map((v) => ({ visitor: key(v.grid, v.who), start: new Date(v.s).getTime(), end: new Date(v.e).getTime() })),
    ...roster.rows.map((r) => ({ visitor: key(r.grid, `s${r.id}`), start: from, end: from })),
  ];
  const members = weeklyHours(rows, from, to, rule).map((m) => {
    const [grid, who] = m.visitor.split('\u0001');
    return { ...m, visitor: names.get(m.visitor) ?? who.slice(1), grid, role: role.get(m.visitor) ?? null };
  });
  const byGrid = new Map<string, { members: number; under: number }>();
  for (const m of members) {
    const g = byGrid.get(m.grid) ?? { members: 0, under: 0 };
    g.members++;
    if (!m.ok) g.under++;
    byGrid.set(m.grid, g);
  }
  return { members, grids: [...byGrid].map(([grid, g]) => ({ grid, ...g })).sort((a, b) => a.grid.localeCompare(b.grid)) };
}
