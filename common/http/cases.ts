/**
 * Whistle cases over HTTP (/api/cases…): the workflow's statuses and kinds, a case as the list and
 * detail answer it (times as ISO strings), the statistics, the workflow description, the filters
 * and the bodies of a report and a transition. The server's workflow, statistics and handlers and
 * the client's api/cases.ts use these.
 */

export const CASE_STATUSES = ['reported', 'dispatched', 'accepted', 'feedback', 'solved', 'evaluated', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_KINDS = ['quick', 'emergency', 'tackle_hard'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export type SlaLevel = 'none' | 'ok' | 'due' | 'overdue';
export type SlaStage = 'triage' | 'accept' | 'feedback';

/** A case's SLA as answered: level ok (green), due (amber), overdue (red), none (no clock running). */
export interface CaseSla {
  level: SlaLevel;
  /** The clock that decides the level (null: none running). */
  stage: SlaStage | null;
  /** ISO time of that clock's deadline. */
  deadline: string | null;
  /** Hours until the deadline (negative: overdue by), two decimals. */
  hoursLeft: number | null;
  /** A deadline was missed at some point (running or historical). */
  late: boolean;
}

/** A case in the list (GET /api/cases). */
export interface CaseItem {
  id: string;
  title: string;
  kind: CaseKind | null;
  department: string | null;
  status: CaseStatus;
  whistled: boolean;
  subdistrictId: string | null;
  subdistrictName: string | null;
  gridCode: string | null;
  lon: number;
  lat: number;
  version: number;
  reportedAt: string;
  updatedAt: string;
  /** ISO times of the milestones (reportedAt, firstDispatchedAt, …; null: not reached). */
  milestones: Record<string, string | null>;
  sla: CaseSla;
}

export interface CaseEventItem {
  status: CaseStatus;
  at: string;
  actor: string;
  note: string | null;
}

/** One case (GET /api/cases/:id, and the answer of a report or a transition). */
export interface CaseDetail extends CaseItem {
  incidentId: string | null;
  events: CaseEventItem[];
  /** The transitions the caller may take now. */
  allowedNext: CaseStatus[];
}

/** Filters of the list and the statistics. */
export interface CaseFilter {
  status?: CaseStatus[];
  kind?: CaseKind[];
  department?: string;
  /** Sub-district id (9 digits) or a prefix of it. */
  subdistrict?: string;
  /** Grid code or a prefix (community id): the case's grid, else its incident's. */
  grid?: string;
  /** reported_at >= from, < to (ISO date or date-time). */
  from?: string;
  to?: string;
  /** Only cases not yet solved or closed. */
  open?: boolean;
  /** Applied after the SLA classification. */
  overdue?: boolean;
  /** Title contains. */
  q?: string;
}

/** GET /api/cases: a page of the filtered cases at the SLA reference time asOf. */
export interface CaseList {
  total: number;
  limit: number;
  offset: number;
  asOf: string;
  items: CaseItem[];
}

export interface MedianRow {
  key: string;
  n: number;
  medianHours: number;
}

export interface MonthRow {
  month: string;
  reported: number;
  whistled: number;
  solved: number;
}

export interface OverdueRow {
  id: string;
  title: string;
  kind: CaseKind | null;
  department: string | null;
  status: string;
  stage: string | null;
  deadline: string;
  overdueHours: number;
  lon: number;
  lat: number;
}

export interface Funnel {
  reported: number;
  whistled: number;
  accepted: number;
  solved: number;
}

/** GET /api/cases/stats. */
export interface CaseStats {
  asOf: string;
  total: number;
  funnel: Funnel;
  /** Whistled cases with feedback: share given before the deadline (null: none). */
  onTimeRate: number | null;
  open: number;
  medianHoursByDepartment: MedianRow[];
  medianHoursByKind: MedianRow[];
  /** key = `${department}|${kind}` */
  medianHoursByDepartmentKind: Array<MedianRow & { department: string; kind: string }>;
  overdue: OverdueRow[];
  trend: MonthRow[];
}

/** GET /api/cases/workflow: statuses and allowed transitions, kinds and their SLA, departments. */
export interface CaseWorkflow {
  statuses: Array<{ id: CaseStatus; label: string; next: CaseStatus[] }>;
  kinds: Array<{ id: CaseKind; label: string; acceptHours: number; feedbackHours: number }>;
  triageHours: number;
  warnFraction: number;
  departments: string[];
}

/** Body of POST /api/cases/:id/transitions. */
export interface TransitionBody {
  to: CaseStatus;
  baseVersion: number;
  note?: string;
  kind?: CaseKind;
  department?: string;
}

/** Body of POST /api/cases (a grid member reports a case). */
export interface NewCaseBody {
  title: string;
  lon: number;
  lat: number;
  grid?: string;
  note?: string;
  incidentId?: string;
}
