/**
 * Typed client of the big party committee (大党委, /api/party/committee…): member units, the
 * resource list, grid needs and their matched units (walking distances), projects and practical
 * matters, the quarterly meeting. Writes carry the CSRF header through sendJson.
 */
import type {
  CommitteeUnit,
  MatchAnswer,
  Need,
  NeedBody,
  NeedStatus,
  Project,
  ProjectBody,
  ProjectKind,
  ProjectStatus,
  QuarterChanges,
  ResourceCategory,
  ResourceRow,
} from '../../../common/http/committee';
import { getJson, sendJson } from './http';

export { RESOURCE_CATEGORIES } from '../../../common/http/committee';
export type * from '../../../common/http/committee';

const qs = (o: Record<string, string | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const committeeApi = {
  units: (f: { prefix?: string; category?: ResourceCategory } = {}) => getJson<{ units: CommitteeUnit[] }>(`/api/party/committee/units${qs(f)}`),
  resources: (prefix?: string) => getJson<{ resources: ResourceRow[] }>(`/api/party/committee/resources${qs({ prefix })}`),
  needs: (f: { prefix?: string; status?: NeedStatus } = {}) => getJson<{ needs: Need[] }>(`/api/party/committee/needs${qs(f)}`),
  raiseNeed: (n: NeedBody) => sendJson<{ id: number }>('POST', '/api/party/committee/needs', n),
  matches: (needId: number) => getJson<MatchAnswer>(`/api/party/committee/needs/${needId}/matches`),
  projects: (f: { prefix?: string; kind?: ProjectKind; status?: ProjectStatus } = {}) =>
    getJson<{ projects: Project[] }>(`/api/party/committee/projects${qs(f)}`),
  createProject: (p: ProjectBody) => sendJson<{ id: number }>('POST', '/api/party/committee/projects', p),
  moveProject: (id: number, status: ProjectStatus, version: number) => sendJson<Project>('PATCH', `/api/party/committee/projects/${id}`, { status, version }),
  quarter: (quarter?: string) => getJson<QuarterChanges>(`/api/party/committee/quarter${qs({ quarter })}`),
};
