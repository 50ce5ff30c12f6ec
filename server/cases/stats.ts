/**
 * Statistics of the whistle workflow (pure): the funnel reported → whistled → accepted → solved,
 * median time to solve (first whistle → solved, hours) by department, kind and both, the overdue
 * list and the trend by month (Asia/Shanghai calendar months).
 */
import type { CaseStats as HttpCaseStats, Funnel, MedianRow, MonthRow, OverdueRow } from '../../common/http/cases';
import type { CaseKind } from './workflow';
import type { Milestones } from './timeline';
import type { SlaState } from './sla';

export interface CaseFacts {
  id: string;
  title: string;
  kind: CaseKind | null;
  department: string | null;
  status: string;
  subdistrictId: string | null;
  gridCode: string | null;
  lon: number;
  lat: number;
  milestones: Milestones;
  sla: SlaState;
}

export type { Funnel, MedianRow, MonthRow, OverdueRow };

/** The statistics GET /api/cases/stats answers, before its asOf (common/http/cases.ts). */
export type CaseStats = Omit<HttpCaseStats, 'asOf'>;

/** Median of finite numbers (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const DONE = new Set(['solved', 'evaluated', 'closed']);
const H = 3600e3;
const SHANGHAI = 8 * H;

/** 'YYYY-MM' of an instant in Asia/Shanghai (UTC+8, no daylight saving). */
export function monthOf(ms: number): string {
  return new Date(ms + SHANGHAI).toISOString().slice(0, 7);
}

function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

/** Hours from the first whistle to solved; null when not (yet) both. */
export function solveHours(m: Milestones): number | null {
  return m.firstDispatchedAt !== null && m.solvedAt !== null ? (m.solvedAt - m.firstDispatchedAt) / H : null;
}

export function funnel(cases: readonly CaseFacts[]): Funnel {
  let whistled = 0;
  let accepted = 0;
  let solved = 0;
  for (const c of cases) {
    const m = c.milestones;
    if (m.firstDispatchedAt !== null) whistled++;
    if (m.firstDispatchedAt !== null && (m.acceptedAt !== null || m.feedbackAt !== null || m.solvedAt !== null)) accepted++;
    if (m.firstDispatchedAt !== null && m.solvedAt !== null) solved++;
  }
  return { reported: cases.length, whistled, accepted, solved };
}

/** Median solve hours per key (cases without a key or not solved are left out), by key order. */
export function medianBy(cases: readonly CaseFacts[], keyOf: (c: CaseFacts) => string | null): MedianRow[] {
  const groups = new Map<string, number[]>();
  for (const c of cases) {
    const k = keyOf(c);
    const h = solveHours(c.milestones);
    if (k === null || h === null) continue;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(h);
  }
  return [...groups.entries()]
    .map(([key, hs]) => ({ key, n: hs.length, medianHours: round2(median(hs)) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Reported, whistled and solved per month, every month from the first to the last present. */
export function trendByMonth(cases: readonly CaseFacts[]): MonthRow[] {
  const rows = new Map<string, MonthRow>();
  const row = (m: string) => {
    let r = rows.get(m);
    if (!r) rows.set(m, (r = { month: m, reported: 0, whistled: 0, solved: 0 }));
    return r;
  };
  for (const c of cases) {
    const m = c.milestones;
    row(monthOf(m.reportedAt)).reported++;
    if (m.firstDispatchedAt !== null) row(monthOf(m.firstDispatchedAt)).whistled++;
    if (m.firstDispatchedAt !== null && m.solvedAt !== null) row(monthOf(m.solvedAt)).solved++;
  }
  if (rows.size === 0) return [];
  const keys = [...rows.keys()].sort();
  const out: MonthRow[] = [];
  for (let m = keys[0]; m <= keys[keys.length - 1]; m = nextMonth(m)) out.push(rows.get(m) ?? { month: m, reported: 0, whistled: 0, solved: 0 });
  return out;
}

export function overdueList(cases: readonly CaseFacts[]): OverdueRow[] {
  return cases
    .filter((c) => c.sla.level === 'overdue' && c.sla.deadline !== null)
    .map((c) => ({
      id: c.id,
      title: c.title,
      kind: c.kind,
      department: c.department,
      status: c.status,
      stage: c.sla.stage,
      deadline: new Date(c.sla.deadline!).toISOString(),
      overdueHours: round2(-(c.sla.hoursLeft ?? 0)),
      lon: c.lon,
      lat: c.lat,
    }))
    .sort((a, b) => b.overdueHours - a.overdueHours || (a.id < b.id ? -1 : 1));
}

export function caseStats(cases: readonly CaseFacts[]): CaseStats {
  let fed = 0;
  let onTime = 0;
  let open = 0;
  for (const c of cases) {
    if (!DONE.has(c.status)) open++;
    if (c.milestones.feedbackAt !== null) {
      fed++;
      if (!c.sla.late) onTime++;
    }
  }
  const byDk = medianBy(cases, (c) => (c.department && c.kind ? `${c.department}|${c.kind}` : null)).map((r) => {
    const [department, kind] = r.key.split('|');
    return { ...r, department, kind };
  });
  return {
    total: cases.length,
    funnel: funnel(cases),
    onTimeRate: fed ? round2(onTime / fed) : null,
    medianHoursByDepartment: medianBy(cases, (c) => c.department),
    medianHoursByKind: medianBy(cases, (c) => c.kind),
    medianHoursByDepartmentKind: byDk,
    open,
    overdue: overdueList(cases),
    trend: trendByMonth(cases),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
