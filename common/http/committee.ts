/**
 * The big party committee (大党委) over HTTP (/api/party/committee…): member units and their
 * resources, grid needs and the units matched to them by walking distance, projects and practical
 * matters, the quarter's changes. The server's committee rules, store and routes and the client's
 * api/committee.ts use these.
 */

export const RESOURCE_CATEGORIES = ['venue', 'volunteers', 'parking', 'funding', 'medical', 'legal', 'education', 'repair', 'elderly', 'supplies'] as const;
export type ResourceCategory = (typeof RESOURCE_CATEGORIES)[number];

export const UNIT_KINDS = ['agency', 'enterprise', 'school', 'hospital', 'social_org', 'property'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const PROJECT_KINDS = ['project', 'matter'] as const;
export type ProjectKind = (typeof PROJECT_KINDS)[number];

export const PROJECT_STATUSES = ['planned', 'in_progress', 'done'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const NEED_STATUSES = ['open', 'matched', 'done', 'withdrawn'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

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
  /** projects and matters the unit carries, and how many of them are done */
  projects: number;
  projectsDone: number;
  synthetic: boolean;
}

/** GET /api/party/committee/resources: per category, the open needs and the units offering it. */
export interface ResourceRow {
  category: ResourceCategory;
  openNeeds: number;
  units: Array<{ id: string; name: string; detail: string | null }>;
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
  /** the matter / project that took the need on */
  projectId: number | null;
  unitId: string | null;
  unitName: string | null;
}

/** Body of POST /api/party/committee/needs: at the given point (within 200 m of the grid) or at the grid's centre. */
export interface NeedBody {
  grid: string;
  category: ResourceCategory;
  title: string;
  detail?: string;
  lon?: number;
  lat?: number;
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
  /** metres on foot along the streets, including the legs to and from the street */
  walkM: number;
  walkMinutes: number;
  straightM: number;
  /** the walk's street geometry, need → unit */
  path: Array<[number, number]>;
}

/** GET /api/party/committee/needs/:id/matches. */
export interface MatchAnswer {
  need: Need;
  maxWalkM: number;
  /** units offering the resource within the straight-line bound, before the walk */
  candidates: number;
  matches: UnitMatch[];
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

/** Body of POST /api/party/committee/projects. */
export interface ProjectBody {
  kind: ProjectKind;
  title: string;
  detail?: string;
  subdistrict?: string;
  grid?: string;
  unitId?: string;
  needId?: number;
}

/** GET /api/party/committee/quarter: what changed in the quarter (lists at most 200 rows each). */
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
