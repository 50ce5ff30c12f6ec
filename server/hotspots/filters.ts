/**
 * Incident filters of the leader views (pure): date range, hour of day, weekday, type. Times are
 * epoch seconds; hours and weekdays are local to Asia/Shanghai (UTC+8 all year, no DST).
 * Query-string forms: from/to = YYYY-MM-DD (local day; `to` includes the whole day) or an ISO
 * date-time; types = comma list of type codes; hours = comma list of 0-23 or ranges (18-23);
 * weekdays = comma list of 1-7 (ISO: 1 = Monday) or ranges.
 */

import { INCIDENT_TYPES, type IncidentTypeCode } from '../../common/http/hotspots';

/** The incident types (common/http/hotspots.ts, shared with the client). */
export { INCIDENT_TYPES, type IncidentTypeCode };

export const TZ_OFFSET_S = 8 * 3600;

export interface IncidentFilter {
  /** inclusive, epoch s */
  from?: number;
  /** exclusive, epoch s */
  to?: number;
  types?: ReadonlySet<string>;
  /** local hours 0-23 */
  hours?: ReadonlySet<number>;
  /** ISO weekdays 1 (Monday) - 7 (Sunday), local */
  weekdays?: ReadonlySet<number>;
}

export interface FilterQuery {
  from?: string;
  to?: string;
  types?: string;
  hours?: string;
  weekdays?: string;
}

/** A query parameter a planner gets back as a 400 message. */
export class FilterError extends Error {
  readonly statusCode = 400;
}

/** Local hour (0-23) of an epoch-second time. */
export function localHour(t: number): number {
  return Math.floor(((((t + TZ_OFFSET_S) % 86400) + 86400) % 86400) / 3600);
}

/** Local ISO weekday (1 = Monday … 7 = Sunday) of an epoch-second time. 1970-01-01 was a Thursday. */
export function localWeekday(t: number): number {
  const day = Math.floor((t + TZ_OFFSET_S) / 86400);
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseInstant(name: string, v: string, endOfDay: boolean): number {
  const m = DATE.exec(v);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(ms);
    if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
      throw new FilterError(`参数 ${name} 不是有效日期：${v} (parameter ${name} is not a valid date: ${v})`);
    }
    return ms / 1000 - TZ_OFFSET_S + (endOfDay ? 86400 : 0);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const ms = Date.parse(v);
    if (Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  throw new FilterError(`参数 ${name} 应为日期 YYYY-MM-DD 或 ISO 时间：${v} (parameter ${name} must be a date YYYY-MM-DD or an ISO time: ${v})`);
}

function parseIntSet(name: string, v: string, min: number, max: number): Set<number> {
  const out = new Set<number>();
  for (const part of v.split(',')) {
    const m = /^\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*)?$/.exec(part);
    if (!m)
      throw new FilterError(
        `参数 ${name} 应为 ${min}-${max} 的数字列表（如 1,2,5-7）：${v} (parameter ${name} must be a list of numbers ${min}-${max}, e.g. 1,2,5-7: ${v})`,
      );
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < min || b > max || a > b)
      throw new FilterError(`参数 ${name} 超出范围 ${min}-${max}：${part.trim()} (parameter ${name} is out of the range ${min}-${max}: ${part.trim()})`);
    for (let k = a; k <= b; k++) out.add(k);
  }
  return out;
}

/** Parses the filter query parameters; throws FilterError (400) with a plain message. */
export function parseFilter(q: FilterQuery): IncidentFilter {
  const f: IncidentFilter = {};
  if (q.from !== undefined && q.from !== '') f.from = parseInstant('from', q.from, false);
  if (q.to !== undefined && q.to !== '') f.to = parseInstant('to', q.to, true);
  if (f.from !== undefined && f.to !== undefined && f.from >= f.to)
    throw new FilterError('开始日期必须早于结束日期（from < to） (the start date must be before the end date: from < to)');
  if (q.types !== undefined && q.types !== '') {
    const types = q.types.split(',').map((s) => s.trim());
    const bad = types.filter((t) => !(INCIDENT_TYPES as readonly string[]).includes(t));
    if (bad.length)
      throw new FilterError(
        `未知的事件类型：${bad.join(', ')}（可用：${INCIDENT_TYPES.join(', ')}） (unknown incident types: ${bad.join(', ')}; available: ${INCIDENT_TYPES.join(', ')})`,
      );
    f.types = new Set(types);
  }
  if (q.hours !== undefined && q.hours !== '') f.hours = parseIntSet('hours', q.hours, 0, 23);
  if (q.weekdays !== undefined && q.weekdays !== '') f.weekdays = parseIntSet('weekdays', q.weekdays, 1, 7);
  return f;
}

/** True when the incident (time t in epoch s, type code) passes the filter. */
export function passes(f: IncidentFilter, t: number, type: string): boolean {
  if (f.from !== undefined && t < f.from) return false;
  if (f.to !== undefined && t >= f.to) return false;
  if (f.types && !f.types.has(type)) return false;
  if (f.hours && !f.hours.has(localHour(t))) return false;
  if (f.weekdays && !f.weekdays.has(localWeekday(t))) return false;
  return true;
}
