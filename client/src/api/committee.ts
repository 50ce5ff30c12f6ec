/**
 * Typed client of the big party committee (大党委, /api/party/committee…): member units, the
 * resource list, grid needs and their matched units (walking distances), projects and practical
 * matters, the quarterly meeting. Writes carry the CSRF header through sendJson.
 */
import { getJson, sendJson } from './http';

export const RESOURCE_CATEGORIES = ['venue', 'volunteers', 'parking', 'funding', 'medical', 'legal', 'education', 'repair', 'elderly', 'supplies'] as const;
export type ResourceCategory = (typeof RESOURCE_CATEGORIES)[number];
export type NeedStatus = 'open' | 'matched' | 'done' | 'withdrawn';
export type ProjectKind = 'project' | 'matter';
export type ProjectStatus = 'planned' | 'in_progress' | 'done';
export type UnitKind = 'agency' | 'enterprise' | 'school' | 'hospital' | 'social_org' | 'property';

export interface CommitteeUnit {
  id: string;
  subdistrictId: string;
  name: string;
  kind: UnitKind;
  contact: string | null;
  phone: string | null;
  joinedOn: string;
  lon: number;
  lat: number;
  resources: Array<{ category: ResourceCategory; detail: string | null }>;
  projects: number;
  projectsDone: number;
  synthetic: boolean;
}

export interface Need {
  id: number;
  gridCode: string;
  category: ResourceCategory;
  title: string;
  detail: string | null;
  status: NeedStatus;
  lon: number;
  lat: number;
  createdAt: string;
  closedAt: string | null;
  version: number;
  projectId: number | null;
  unitId: string | null;
  unitName: string | null;
}

export interface UnitMatch {
  unitId: string;
  name: string;
  kind: UnitKind;
  subdistrictId: string;
  contact: string | null;
  phone: string | null;
  detail: string | null;
  lon: number;
  lat: number;
  walkM: number;
  walkMinutes: number;
  straightM: number;
  path: Array<[number, number]>;
}

export interface Project {
  id: number;
  kind: ProjectKind;
  subdistrictId: string;
  gridCode: string | null;
  title: string;
  detail: string | null;
  unitId: string | null;
  unitName: string | null;
  needId: number | null;
  status: ProjectStatus;
  version: number;
  createdAt: string;
  startedAt: string | null;
  doneAt: string | null;
}

export interface QuarterChanges {
  quarter: string;
  counts: Record<
    'unitsJoined' | 'needsRaised' | 'needsDone' | 'projectsStarted' | 'projectsDone' | 'mattersStarted' | 'mattersDone' | 'needsOpen' | 'projectsOpen',
    number
  >;
  unitsJoined: Array<{ id: string; name: string; joinedOn: string }>;
  needsRaised: Need[];
  needsDone: Need[];
  started: Project[];
  done: Project[];
}

const qs = (o: Record<string, string | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const committeeApi = {
  units: (f: { prefix?: string; category?: ResourceCategory } = {}) => getJson<{ units: CommitteeUnit[] }>(`/api/party/committee/units${qs(f)}`),
  resources: (prefix?: string) =>
    getJson<{ resources: Array<{ category: ResourceCategory; openNeeds: number; units: Array<{ id: string; name: string; detail: string | null }> }> }>(
      `/api/party/committee/resources${qs({ prefix })}`,
    ),
  needs: (f: { prefix?: string; status?: NeedStatus } = {}) => getJson<{ needs: Need[] }>(`/api/party/committee/needs${qs(f)}`),
  raiseNeed: (n: { grid: string; category: ResourceCategory; title: string; detail?: string; lon?: number; lat?: number }) =>
    sendJson<{ id: number }>('POST', '/api/party/committee/needs', n),
  matches: (needId: number) =>
    getJson<{ need: Need; maxWalkM: number; candidates: number; matches: UnitMatch[] }>(`/api/party/committee/needs/${needId}/matches`),
  projects: (f: { prefix?: string; kind?: ProjectKind; status?: ProjectStatus } = {}) =>
    getJson<{ projects: Project[] }>(`/api/party/committee/projects${qs(f)}`),
  createProject: (p: { kind: ProjectKind; title: string; detail?: string; subdistrict?: string; grid?: string; unitId?: string; needId?: number }) =>
    sendJson<{ id: number }>('POST', '/api/party/committee/projects', p),
  moveProject: (id: number, status: ProjectStatus, version: number) => sendJson<Project>('PATCH', `/api/party/committee/projects/${id}`, { status, version }),
  quarter: (quarter?: string) => getJson<QuarterChanges>(`/api/party/committee/quarter${qs({ quarter })}`),
};
