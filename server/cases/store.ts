/**
 * Database side of the whistle workflow (the only I/O in server/cases/): loads cases with their
 * milestones, applies transitions with optimistic versions, inserts reported matters. The rules
 * themselves are the pure modules next to it (workflow, timeline, sla, stats).
 */
import type { Queryable } from '../db';
import type { CaseFilter } from '../../common/http/cases';
import { inReadScope } from '../auth/read-scope';
import { classifySla, DEFAULT_SLA, type SlaRules, type SlaState } from './sla';
import { milestones, type Milestones } from './timeline';
import { allowedNext, applyTransition, isKind, isStatus, newCase, type CaseEvent, type CaseKind, type CaseState, type CaseStatus } from './workflow';
import type { CaseFacts } from './stats';

/** A refusal the route turns into 4xx with a plain message. */
/** A case request the workflow refuses, with its HTTP status; `details` (a stale edit: the current version, the events since) go into the reply. */
export class CaseError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409 | 422,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type { CaseFilter };

/**
 * Who reads (issue 15): cases whose grid (else sub-district) starts with one of `prefixes`
 * (null: all), plus the cases `reporter` (a user id) reported. Applied in the query.
 */
export interface CaseReadScope {
  prefixes: string[] | null;
  reporter?: number | null;
}

export interface CaseRecord extends CaseFacts {
  subdistrictName: string | null;
  whistled: boolean;
  version: number;
  reportedAt: string;
  updatedAt: string;
}

export interface CaseEventOut {
  status: string;
  at: string;
  actor: string;
  note: string | null;
}

export interface CaseDetail extends CaseRecord {
  incidentId: string | null;
  events: CaseEventOut[];
  allowedNext: CaseStatus[];
}

const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());
const iso = (v: unknown): string => new Date(ms(v)).toISOString();

export async function loadSlaRules(db: Queryable): Promise<SlaRules> {
  const r = await db.query<{ kind: string; accept_hours: number; feedback_hours: number }>('SELECT kind, accept_hours, feedback_hours FROM case_sla');
  const rules: SlaRules = { ...DEFAULT_SLA, kinds: { ...DEFAULT_SLA.kinds } };
  for (const row of r.rows) {
    if (isKind(row.kind)) rules.kinds[row.kind] = { acceptHours: Number(row.accept_hours), feedbackHours: Number(row.feedback_hours) };
  }
  return rules;
}

export async function listDepartments(db: Queryable): Promise<string[]> {
  const r = await db.query<{ name: string }>(
    `SELECT name FROM (SELECT name, sort_order FROM case_departments
       UNION SELECT DISTINCT department, 1000 FROM cases WHERE department IS NOT NULL AND department NOT IN (SELECT name FROM case_departments)) d
     ORDER BY sort_order, name`,
  );
  return r.rows.map((x) => x.name);
}

/** The read-scope condition on `c` (cases) and `i` (its incident), with its parameters added through `p`. */
function scopeWhere(scope: CaseReadScope | undefined, p: (v: unknown) => string): string | null {
  if (!scope || scope.prefixes === null) return null;
  const inScope = inReadScope('COALESCE(c.grid_code, i.grid_code, c.subdistrict_id)', p(scope.prefixes));
  return scope.reporter ? `(${inScope} OR c.reported_by = ${p(scope.reporter)})` : inScope;
}

function whereOf(f: CaseFilter, scope?: CaseReadScope): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const s = scopeWhere(scope, p);
  if (s) where.push(s);
  if (f.status?.length) where.push(`c.status = ANY(${p(f.status)}::text[])`);
  if (f.kind?.length) where.push(`c.kind = ANY(${p(f.kind)}::text[])`);
  if (f.department) where.push(`c.department = ${p(f.department)}`);
  if (f.subdistrict) where.push(`c.subdistrict_id LIKE ${p(`${f.subdistrict}%`)}`);
  if (f.grid) where.push(`COALESCE(c.grid_code, i.grid_code) LIKE ${p(`${f.grid}%`)}`);
  if (f.from) where.push(`c.reported_at >= ${p(f.from)}::timestamptz`);
  if (f.to) where.push(`c.reported_at < ${p(f.to)}::timestamptz`);
  if (f.open) where.push(`c.status NOT IN ('solved', 'evaluated', 'closed')`);
  if (f.q) where.push(`strpos(c.title, ${p(f.q)}) > 0`);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

interface Row {
  id: string;
  title: string;
  kind: string | null;
  department: string | null;
  status: string;
  whistled: boolean;
  subdistrict_id: string | null;
  subdistrict_name: string | null;
  grid_code: string | null;
  incident_id: string | null;
  version: number;
  reported_at: unknown;
  updated_at: unknown;
  lon: number;
  lat: number;
  st: string[] | null;
  ts: number[] | null;
}

const SELECT = `
  SELECT c.id, c.title, c.kind, c.department, c.status, c.whistled, c.subdistrict_id, sd.name AS subdistrict_name,
         COALESCE(c.grid_code, i.grid_code) AS grid_code, c.incident_id, c.version, c.reported_at, c.updated_at,
         ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, ev.st, ev.ts
    FROM cases c
    LEFT JOIN incidents i ON i.id = c.incident_id
    LEFT JOIN subdistricts sd ON sd.id = c.subdistrict_id
    LEFT JOIN (SELECT case_id, array_agg(status ORDER BY at, id) AS st, array_agg((extract(epoch FROM at) * 1000)::float8 ORDER BY at, id) AS ts
                 FROM case_events GROUP BY case_id) ev ON ev.case_id = c.id`;

function toRecord(r: Row, now: number, rules: SlaRules): CaseRecord {
  const st = r.st ?? [];
  const events = st.length ? st.map((status, k) => ({ status, at: Number(r.ts![k]) })) : [{ status: 'reported', at: ms(r.reported_at) }];
  const m: Milestones = milestones(events);
  const kind = isKind(r.kind) ? r.kind : null;
  const sla: SlaState = classifySla({ status: r.status, kind, milestones: m }, now, rules);
  return {
    id: r.id,
    title: r.title,
    kind,
    department: r.department,
    status: r.status,
    whistled: r.whistled,
    subdistrictId: r.subdistrict_id,
    subdistrictName: r.subdistrict_name,
    gridCode: r.grid_code,
    lon: Number(r.lon),
    lat: Number(r.lat),
    version: Number(r.version),
    reportedAt: iso(r.reported_at),
    updatedAt: iso(r.updated_at),
    milestones: m,
    sla,
  };
}

/** Every case matching the filter (newest report first), with milestones and SLA state at `now`. */
export async function loadCases(db: Queryable, f: CaseFilter, now: number, rules: SlaRules, scope?: CaseReadScope): Promise<CaseRecord[]> {
  const w = whereOf(f, scope);
  const r = await db.query<Row>(`${SELECT} ${w.sql} ORDER BY c.reported_at DESC, c.id DESC`, w.params);
  const all = r.rows.map((x) => toRecord(x, now, rules));
  return f.overdue === undefined ? all : all.filter((c) => (c.sla.level === 'overdue') === f.overdue);
}

async function eventsOf(db: Queryable, id: string): Promise<CaseEventOut[]> {
  const r = await db.query<{ status: string; at: unknown; actor: string; note: string | null }>(
    'SELECT status, at, actor, note FROM case_events WHERE case_id = $1 ORDER BY at, id',
    [id],
  );
  return r.rows.map((e) => ({ status: e.status, at: iso(e.at), actor: e.actor, note: e.note }));
}

/** One case, or null when it does not exist or lies outside `scope`. */
export async function getCase(db: Queryable, id: string, now: number, rules: SlaRules, scope?: CaseReadScope): Promise<CaseDetail | null> {
  const params: unknown[] = [id];
  const s = scopeWhere(scope, (v) => `$${params.push(v)}`);
  const r = await db.query<Row>(`${SELECT} WHERE c.id = $1${s ? ` AND ${s}` : ''}`, params);
  if (!r.rows[0]) return null;
  const rec = toRecord(r.rows[0], now, rules);
  return { ...rec, incidentId: r.rows[0].incident_id, events: await eventsOf(db, id), allowedNext: [...allowedNext(rec.status)] };
}

export interface TransitionRequest {
  to: string;
  note?: string | null;
  baseVersion: number;
  kind?: string | null;
  department?: string | null;
  actor: string;
  now: number;
}

/** Applies one transition inside the caller's transaction (row locked); returns before/after for the audit row. */
export async function transitionCase(
  tx: Queryable,
  id: string,
  req: TransitionRequest,
): Promise<{
  before: { status: string; version: number };
  after: { status: string; version: number; kind: string | null; department: string | null };
  event: CaseEvent;
}> {
  const r = await tx.query<{ status: string; kind: string | null; department: string | null; whistled: boolean; version: number; updated_at: unknown }>(
    'SELECT status, kind, department, whistled, version, updated_at FROM cases WHERE id = $1 FOR UPDATE',
    [id],
  );
  const row = r.rows[0];
  if (!row) throw new CaseError(404, `没有编号为 ${id} 的案件 (no case numbered ${id})`);
  const version = Number(row.version);
  if (version !== req.baseVersion) {
    const events = await eventsOf(tx, id);
    throw new CaseError(
      409,
      `案件 ${id} 已被他人更新（您的版本 ${req.baseVersion}，当前版本 ${version}，现为“${labelOf(row.status)}”），请刷新后再操作 (case ${id} was updated by someone else: your version ${req.baseVersion}, current version ${version}, now ${row.status}; refresh and try again)`,
      {
        current: { version, status: row.status, updatedAt: iso(row.updated_at) },
        changes: req.baseVersion >= 0 && req.baseVersion < events.length ? events.slice(req.baseVersion) : events.slice(-1),
      },
    );
  }
  if (!isStatus(row.status)) throw new CaseError(422, `案件状态“${row.status}”无法识别 (case status ${row.status} is not recognised)`);
  if (req.to === 'dispatched' && req.department) {
    const d = await tx.query('SELECT 1 FROM case_departments WHERE name = $1 UNION SELECT 1 FROM cases WHERE department = $1 LIMIT 1', [req.department.trim()]);
    if (!d.rows.length) throw new CaseError(422, `未知的部门“${req.department}” (unknown department ${req.department})`);
  }
  const ev = await tx.query<{ status: string; at: unknown; actor: string; note: string | null }>(
    'SELECT status, at, actor, note FROM case_events WHERE case_id = $1 ORDER BY at, id',
    [id],
  );
  const state: CaseState = {
    status: row.status,
    kind: isKind(row.kind) ? (row.kind as CaseKind) : null,
    department: row.department,
    whistled: row.whistled,
    version,
    events: ev.rows.map((e) => ({ status: e.status as CaseStatus, at: ms(e.at), actor: e.actor, note: e.note })),
  };
  const res = applyTransition(state, { to: req.to, at: req.now, actor: req.actor, note: req.note, kind: req.kind, department: req.department });
  if (!res.ok) throw new CaseError(422, res.message);
  const s = res.state;
  await tx.query('INSERT INTO case_events (case_id, status, at, actor, note) VALUES ($1, $2, $3::timestamptz, $4, $5)', [
    id,
    res.event.status,
    new Date(res.event.at).toISOString(),
    res.event.actor,
    res.event.note,
  ]);
  await tx.query('UPDATE cases SET status = $2, kind = $3, department = $4, whistled = $5, version = $6, updated_at = $7::timestamptz WHERE id = $1', [
    id,
    s.status,
    s.kind,
    s.department,
    s.whistled,
    s.version,
    new Date(res.event.at).toISOString(),
  ]);
  return {
    before: { status: row.status, version },
    after: { status: s.status, version: s.version, kind: s.kind, department: s.department },
    event: res.event,
  };
}

function labelOf(s: string): string {
  return isStatus(s)
    ? (
        {
          reported: '已上报',
          dispatched: '已吹哨派单',
          accepted: '部门已报到',
          feedback: '已反馈',
          solved: '已办结',
          evaluated: '已考评',
          closed: '网格内办结',
        } as const
      )[s]
    : s;
}

export interface NewCaseInput {
  title: string;
  lon: number;
  lat: number;
  grid?: string | null;
  note?: string | null;
  incidentId?: string | null;
  actor: string;
  /** The reporting user's id (a grid member then reads the case even outside their grids). */
  reporterId?: number | null;
  now: number;
}

/** Inserts a reported matter (version 1, one 'reported' event); the sub-district comes from the location. */
export async function createCase(tx: Queryable, input: NewCaseInput): Promise<string> {
  const sd = await tx.query<{ id: string }>(
    'SELECT id FROM subdistricts WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY id LIMIT 1',
    [input.lon, input.lat],
  );
  const subdistrict = sd.rows[0]?.id;
  if (!subdistrict)
    throw new CaseError(
      422,
      '上报位置不在任何街道（乡）范围内，请在地图上重新选点 (the reported location is not inside any sub-district; pick the point on the map again)',
    );
  let grid = input.grid ?? null;
  if (grid) {
    if (!grid.startsWith(subdistrict))
      throw new CaseError(
        422,
        `网格 ${grid} 不属于上报位置所在的街道（${subdistrict}），请核对网格或位置 (grid ${grid} does not belong to the sub-district ${subdistrict} of the reported location; check the grid or the location)`,
      );
  } else {
    const g = await tx.query<{ code: string }>(
      'SELECT code FROM current_grids WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code LIMIT 1',
      [input.lon, input.lat],
    );
    grid = g.rows[0]?.code ?? null;
  }
  if (input.incidentId) {
    const inc = await tx.query('SELECT 1 FROM incidents WHERE id = $1', [input.incidentId]);
    if (!inc.rows.length) throw new CaseError(422, `没有编号为 ${input.incidentId} 的事件 (no incident numbered ${input.incidentId})`);
  }
  const idRow = await tx.query<{ id: string }>(`SELECT 'k' || nextval('case_id_seq')::text AS id`);
  const id = idRow.rows[0].id;
  const c = newCase(input.now, input.actor, input.note?.trim() || input.title);
  const at = new Date(c.events[0].at).toISOString();
  await tx.query(
    `INSERT INTO cases (id, title, incident_id, whistled, kind, department, status, subdistrict_id, grid_code, reported_at, updated_at, version, synthetic, geom, reported_by)
     VALUES ($1, $2, $3, false, NULL, NULL, 'reported', $4, $5, $6::timestamptz, $6::timestamptz, 1, false, ST_SetSRID(ST_MakePoint($7, $8), 4326), $9)`,
    [id, input.title.trim(), input.incidentId ?? null, subdistrict, grid, at, input.lon, input.lat, input.reporterId ?? null],
  );
  await tx.query('INSERT INTO case_events (case_id, status, at, actor, note) VALUES ($1, $2, $3::timestamptz, $4, $5)', [
    id,
    'reported',
    at,
    input.actor,
    c.events[0].note,
  ]);
  return id;
}
