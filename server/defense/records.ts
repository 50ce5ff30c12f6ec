/**
 * Per-group records, one generic CRUD for four kinds: equipment, drills, patrol log entries and the
 * weekly patrol schedule. Updates and deletes carry the row version; a stale one is refused (409)
 * with the current row.
 */
import { RECORD_KINDS, type RecordKind } from '../../common/http/groups';
import type { Queryable } from '../db';
import { BadRequestError, NotFoundError, StaleRowError } from './errors';

export { RECORD_KINDS, type RecordKind };

interface KindSpec {
  table: string;
  /** Writable columns with their SQL cast. */
  cols: Record<string, string>;
  order: string;
  /** JSON schema of the writable fields. */
  schema: Record<string, unknown>;
  required: string[];
  label: string;
}

const text = (max = 500) => ({ type: ['string', 'null'], maxLength: max });

export const KINDS: Record<RecordKind, KindSpec> = {
  equipment: {
    table: 'defense_equipment',
    cols: { kind: 'text', quantity: 'integer', note: 'text' },
    order: 'kind, id',
    schema: {
      kind: { type: 'string', enum: ['steel_fork', 'shield', 'long_stick', 'whistle', 'armband', 'other'] },
      quantity: { type: 'integer', minimum: 0, maximum: 100000 },
      note: text(),
    },
    required: ['kind', 'quantity'],
    label: '装备',
  },
  drills: {
    table: 'defense_drills',
    cols: { held_on: 'date', partner: 'text', participants: 'integer', note: 'text' },
    order: 'held_on DESC, id DESC',
    schema: {
      held_on: { type: 'string', format: 'date' },
      partner: text(200),
      participants: { type: ['integer', 'null'], minimum: 0, maximum: 10000 },
      note: text(),
    },
    required: ['held_on'],
    label: '演练',
  },
  'patrol-logs': {
    table: 'patrol_logs',
    cols: { patrolled_at: 'timestamptz', patrollers: 'text', route_id: 'bigint', planned_patrol_id: 'bigint', note: 'text' },
    order: 'patrolled_at DESC, id DESC',
    schema: {
      patrolled_at: { type: 'string', format: 'date-time' },
      patrollers: { type: 'string', minLength: 1, maxLength: 500 },
      route_id: { type: ['integer', 'null'], minimum: 1 },
      // the patrol of a weekly patrol plan this log carried out (issue J)
      planned_patrol_id: { type: ['integer', 'null'], minimum: 1 },
      note: text(),
    },
    required: ['patrolled_at', 'patrollers'],
    label: '巡逻记录',
  },
  schedule: {
    table: 'patrol_schedule',
    cols: { weekday: 'smallint', start_time: 'text', end_time: 'text', patrollers: 'text', route_id: 'bigint', note: 'text' },
    order: 'weekday, start_time, id',
    schema: {
      weekday: { type: 'integer', minimum: 1, maximum: 7 },
      start_time: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
      end_time: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
      patrollers: { type: 'string', minLength: 1, maxLength: 500 },
      route_id: { type: ['integer', 'null'], minimum: 1 },
      note: text(),
    },
    required: ['weekday', 'start_time', 'end_time', 'patrollers'],
    label: '巡逻排班',
  },
};

export type RecordRow = Record<string, unknown> & { id: number; group_id: string; version: number };

function selectList(spec: KindSpec): string {
  const cols = Object.entries(spec.cols).map(([c, type]) =>
    type === 'date'
      ? `to_char(${c}, 'YYYY-MM-DD') AS ${c}`
      : type === 'timestamptz'
        ? `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ${c}`
        : c,
  );
  return ['id', 'group_id', ...cols, 'version', 'synthetic', 'carried_from'].join(', ');
}

function normalise(r: Record<string, unknown>): RecordRow {
  const out: Record<string, unknown> = { ...r, id: Number(r.id), version: Number(r.version) };
  if ('route_id' in r && r.route_id !== null) out.route_id = Number(r.route_id);
  // carried_from: the archived groups the record came through (null: never carried)
  if (typeof r.carried_from === 'string')
    out.carried_from = r.carried_from
      .replace(/^\{|\}$/g, '')
      .split(',')
      .filter(Boolean);
  return out as RecordRow;
}

/**
 * Records of a group; `carried` also lists the records carried on from it (an archived group's
 * records now held by its successor, see ./archive).
 */
export async function listRecords(db: Queryable, kind: RecordKind, groupId: string, opts: { carried?: boolean } = {}): Promise<RecordRow[]> {
  const spec = KINDS[kind];
  const where = opts.carried ? '(group_id = $1 OR carried_from @> ARRAY[$1::text])' : 'group_id = $1';
  const r = await db.query(`SELECT ${selectList(spec)} FROM ${spec.table} WHERE ${where} ORDER BY ${spec.order}`, [groupId]);
  return r.rows.map(normalise);
}

export async function getRecord(db: Queryable, kind: RecordKind, groupId: string, id: number): Promise<RecordRow | null> {
  const spec = KINDS[kind];
  const r = await db.query(`SELECT ${selectList(spec)} FROM ${spec.table} WHERE group_id = $1 AND id = $2`, [groupId, id]);
  return r.rows[0] ? normalise(r.rows[0]) : null;
}

/** A patrol log may only link a planned patrol of its own group. */
async function checkPlannedPatrol(tx: Queryable, kind: RecordKind, groupId: string, body: Record<string, unknown>): Promise<void> {
  const id = body.planned_patrol_id;
  if (kind !== 'patrol-logs' || id === null || id === undefined) return;
  const r = await tx.query<{ group_id: string }>('SELECT group_id FROM patrol_plan_patrols WHERE id = $1', [id]);
  if (!r.rows[0]) throw new BadRequestError(`计划巡逻 ${String(id)} 不存在 (planned patrol ${String(id)} does not exist)`);
  if (r.rows[0].group_id !== groupId)
    throw new BadRequestError(
      `计划巡逻 ${String(id)} 不属于联防组 ${groupId} (planned patrol ${String(id)} does not belong to joint-defence group ${groupId})`,
    );
}

export async function createRecord(tx: Queryable, kind: RecordKind, groupId: string, body: Record<string, unknown>, synthetic = false): Promise<RecordRow> {
  const spec = KINDS[kind];
  await checkPlannedPatrol(tx, kind, groupId, body);
  const cols = Object.keys(spec.cols).filter((c) => c in body);
  const ph = cols.map((c, i) => `$${i + 3}::${spec.cols[c]}`);
  const r = await tx.query<{ id: number }>(
    `INSERT INTO ${spec.table} (group_id, synthetic${cols.map((c) => `, ${c}`).join('')}) VALUES ($1, $2${ph.map((p) => `, ${p}`).join('')}) RETURNING id`,
    [groupId, synthetic, ...cols.map((c) => body[c] ?? null)],
  );
  return (await getRecord(tx, kind, groupId, Number(r.rows[0].id)))!;
}

/** Updates the given fields when `version` is current; 404 / 409 otherwise. */
export async function updateRecord(
  tx: Queryable,
  kind: RecordKind,
  groupId: string,
  id: number,
  version: number,
  body: Record<string, unknown>,
): Promise<{ before: RecordRow; after: RecordRow }> {
  const spec = KINDS[kind];
  const before = await getRecord(tx, kind, groupId, id);
  if (!before) throw new NotFoundError(`${spec.label}记录 ${id} 不存在 (${kind} record ${id} does not exist)`);
  await checkPlannedPatrol(tx, kind, groupId, body);
  const cols = Object.keys(spec.cols).filter((c) => c in body);
  const sets = cols.map((c, i) => `${c} = $${i + 4}::${spec.cols[c]}`);
  const r = await tx.query(
    `UPDATE ${spec.table} SET ${[...sets, 'version = version + 1'].join(', ')} WHERE group_id = $1 AND id = $2 AND version = $3 RETURNING id`,
    [groupId, id, version, ...cols.map((c) => body[c] ?? null)],
  );
  if (r.rows.length === 0)
    throw new StaleRowError(
      `该${spec.label}记录已被他人修改（当前版本 ${before.version}，您的修改基于版本 ${version}），请刷新后重试。 (this ${kind} record was changed by someone else: current version ${before.version}, your change is based on version ${version}; refresh and try again)`,
      before,
    );
  return { before, after: (await getRecord(tx, kind, groupId, id))! };
}

export async function deleteRecord(tx: Queryable, kind: RecordKind, groupId: string, id: number, version: number): Promise<RecordRow> {
  const spec = KINDS[kind];
  const before = await getRecord(tx, kind, groupId, id);
  if (!before) throw new NotFoundError(`${spec.label}记录 ${id} 不存在 (${kind} record ${id} does not exist)`);
  const r = await tx.query(`DELETE FROM ${spec.table} WHERE group_id = $1 AND id = $2 AND version = $3 RETURNING id`, [groupId, id, version]);
  if (r.rows.length === 0)
    throw new StaleRowError(
      `该${spec.label}记录已被他人修改（当前版本 ${before.version}），请刷新后重试。 (this ${kind} record was changed by someone else, current version ${before.version}; refresh and try again)`,
      before,
    );
  return before;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks a record body against its kind's field schema; returns the problems (empty = fine). */
export function recordProblems(kind: RecordKind, body: Record<string, unknown>, partial: boolean): string[] {
  const spec = KINDS[kind];
  const out: string[] = [];
  for (const k of Object.keys(body)) if (k !== 'version' && !(k in spec.schema)) out.push(`没有字段 ${k} (no field ${k})`);
  if (!partial) for (const k of spec.required) if (body[k] === undefined || body[k] === null) out.push(`缺少字段 ${k} (missing field ${k})`);
  for (const [k, s] of Object.entries(spec.schema) as [string, Record<string, unknown>][]) {
    if (!(k in body)) continue;
    const v = body[k];
    const types = ([] as string[]).concat(s.type as string | string[]);
    if (v === null) {
      if (!types.includes('null')) out.push(`${k} 不能为空 (${k} cannot be empty)`);
      continue;
    }
    if (types.includes('integer') && !(typeof v === 'number' && Number.isInteger(v))) out.push(`${k} 须为整数 (${k} must be an integer)`);
    else if (types.includes('string') && typeof v !== 'string') out.push(`${k} 须为文本 (${k} must be text)`);
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) out.push(`${k} 不能小于 ${s.minimum} (${k} cannot be less than ${s.minimum})`);
      if (typeof s.maximum === 'number' && v > s.maximum) out.push(`${k} 不能大于 ${s.maximum} (${k} cannot be greater than ${s.maximum})`);
    }
    if (typeof v === 'string') {
      if (Array.isArray(s.enum) && !s.enum.includes(v)) out.push(`${k} 须为 ${s.enum.join(' / ')} 之一 (${k} must be one of ${s.enum.join(' / ')})`);
      if (typeof s.maxLength === 'number' && v.length > s.maxLength) out.push(`${k} 太长 (${k} is too long)`);
      if (typeof s.minLength === 'number' && v.length < s.minLength) out.push(`${k} 不能为空 (${k} cannot be empty)`);
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v)) out.push(`${k} 格式不对 (${k} has the wrong format)`);
      if (s.format === 'date' && !(DATE.test(v) && !Number.isNaN(Date.parse(v)))) out.push(`${k} 须为日期 YYYY-MM-DD (${k} must be a date YYYY-MM-DD)`);
      if (s.format === 'date-time' && (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) || Number.isNaN(Date.parse(v)))) out.push(`${k} 须为时间 (ISO 8601)`);
    }
  }
  if (kind === 'schedule' && typeof body.start_time === 'string' && typeof body.end_time === 'string' && body.end_time <= body.start_time)
    out.push('结束时间须晚于开始时间 (the end time must be later than the start time)');
  return out;
}
