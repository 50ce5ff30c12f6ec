/**
 * Typed client of the whistle case API (/api/cases…), re-exported from ../api (writes carry the
 * CSRF header through sendJson).
 */
import type { CaseDetail, CaseFilter, CaseList, CaseStats, CaseWorkflow, NewCaseBody, TransitionBody } from '../../../common/http/cases';
import { getJson, sendJson } from './http';

export type * from '../../../common/http/cases';

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
  list: (f: CaseFilter & { limit?: number; offset?: number } = {}) => getJson<CaseList>(`/api/cases${query(f)}`),
  get: (id: string) => getJson<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`),
  stats: (f: CaseFilter = {}) => getJson<CaseStats>(`/api/cases/stats${query(f)}`),
  workflow: () => getJson<CaseWorkflow>('/api/cases/workflow'),
  transition: (id: string, body: TransitionBody) => write<CaseDetail>(`/api/cases/${encodeURIComponent(id)}/transitions`, body),
  report: (body: Omit<NewCaseBody, 'incidentId'>) => write<CaseDetail>('/api/cases', body),
};
