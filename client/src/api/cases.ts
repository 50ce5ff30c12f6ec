/**
 * Typed client of the whistle case API (/api/cases…), re-exported from ../api (writes carry the
 * CSRF header through sendJson).
 */
import { getJson, sendJson } from './http';

export type CaseStatus = 'reported' | 'dispatched' | 'accepted' | 'feedback' | 'solved' | 'evaluated' | 'closed';
export type CaseKind = 'quick' | 'emergency' | 'tackle_hard';
export type SlaLevel = 'none' | 'ok' | 'due' | 'overdue';

export interface CaseSla {
  level: SlaLevel;
  stage: 'triage' | 'accept' | 'feedback' | null;
  deadline: string | null;
  hoursLeft: number | null;
  late: boolean;
}

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
  milestones: Record<string, string | null>;
  sla: CaseSla;
}

export interface CaseEventItem {
  status: CaseStatus;
  at: string;
  actor: string;
  note: string | null;
}

export interface CaseDetail extends CaseItem {
  incidentId: string | null;
  events: CaseEventItem[];
  allowedNext: CaseStatus[];
}

export interface CaseFilter {
  status?: CaseStatus[];
  kind?: CaseKind[];
  department?: string;
  subdistrict?: string;
  grid?: string;
  from?: string;
  to?: string;
  open?: boolean;
  overdue?: boolean;
  q?: string;
}

export interface MedianRow {
  key: string;
  n: number;
  medianHours: number;
}

export interface CaseStats {
  asOf: string;
  total: number;
  funnel: { reported: number; whistled: number; accepted: number; solved: number };
  onTimeRate: number | null;
  open: number;
  medianHoursByDepartment: MedianRow[];
  medianHoursByKind: MedianRow[];
  medianHoursByDepartmentKind: Array<MedianRow & { department: string; kind: CaseKind }>;
  overdue: Array<{
    id: string;
    title: string;
    kind: CaseKind | null;
    department: string | null;
    status: CaseStatus;
    stage: string | null;
    deadline: string;
    overdueHours: number;
    lon: number;
    lat: number;
  }>;
  trend: Array<{ month: string; reported: number; whistled: number; solved: number }>;
}

export interface CaseWorkflow {
  statuses: Array<{ id: CaseStatus; label: string; next: CaseStatus[] }>;
  kinds: Array<{ id: CaseKind; label: string; acceptHours: number; feedbackHours: number }>;
  triageHours: number;
  warnFraction: number;
  departments: string[];
}

export interface TransitionBody {
  to: CaseStatus;
  baseVersion: number;
  note?: string;
  kind?: CaseKind;
  department?: string;
}

function query(f: CaseFilter & { limit?: number; offset?: number }): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === '' || v === null) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const write = <T>(path: string, body: unknown): Promise<T> => sendJson<T>('POST', path, body);

export const casesApi = {
  list: (f: CaseFilter & { limit?: number; offset?: number } = {}) =>
    getJson<{ total: number; limit: number; offset: number; asOf: string; items: CaseItem[] }>(`/api/cases${query(f)}`),
  get: (id: string) => getJson<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`),
  stats: (f: CaseFilter = {}) => getJson<CaseStats>(`/api/cases/stats${query(f)}`),
  workflow: () => getJson<CaseWorkflow>('/api/cases/workflow'),
  transition: (id: string, body: TransitionBody) => write<CaseDetail>(`/api/cases/${encodeURIComponent(id)}/transitions`, body),
  report: (body: { title: string; lon: number; lat: number; grid?: string; note?: string }) => write<CaseDetail>('/api/cases', body),
};
