/** Typed calls of the plans and plan-tools routes (re-exported by ../api.ts). Our own origin only. */
import { getJson, ourUrl, sendJson, type FC } from './http';

export interface PlanInfo {
  id: number;
  name: string;
  author: string;
  status: 'draft' | 'published' | 'archived';
  version: number;
  subdistricts: string[];
  params: Record<string, unknown>;
  grids: number;
  households: number;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  /** The partition's warnings (only when one plan is read; lists carry warning_count). */
  warnings?: PlanWarning[];
  warning_count?: number;
}

/** A warning of the automatic partition: what, which units or grids, and the suggested fix in `message`. */
export interface PlanWarning {
  code: string;
  message: string;
  units?: string[];
  grids?: string[];
}

export interface UnitChange {
  unit: string;
  from: string | null;
  to: string | null;
}

export interface EditResult {
  version: number;
  changes: UnitChange[];
  codes?: string[];
  /** The touched grids after the edit (edits, undo, redo); a touched code missing here no longer exists. */
  grids?: FC;
}

export interface UnitTable {
  plan: number;
  version: number;
  min: number;
  max: number;
  ids: string[];
  households: number[];
  buildings: number[];
  /** null: suppressed (a unit of fewer than 5 households) */
  party: Array<number | null>;
  /** party-member households with a plaque (挂牌); null: suppressed */
  plaqued: Array<number | null>;
  grid: (string | null)[];
  compound: number[];
  compounds: string[];
  community: number[];
  communities: string[];
  block: number[];
  blocks: string[];
  area: number[];
  perimeter: number[];
  offsets: number[];
  targets: number[];
  edgeLen: number[];
  edgeClass: number[];
  polygons: number[][][][][];
}

export interface Proposal {
  moves: Array<UnitChange & { households: number }>;
  grids: Array<{ code: string; before: number; after: number }>;
  fixed: boolean;
  message: string;
}

export interface GridDelta {
  code: string;
  households_before: number;
  households_after: number;
  units_in: number;
  units_out: number;
}

export interface ImpactReport {
  draft: number;
  published: number[];
  units_moved: number;
  households_moved: number;
  grids_added: string[];
  grids_removed: string[];
  grids_changed: GridDelta[];
  flows: Array<{ from: string | null; to: string | null; units: number; households: number }>;
  staff: Array<{ id: number; name: string; role: string; grid_code: string; change: string }>;
  groups: Array<{ group_id: string; name: string | null; from: string[]; to: string[] }> | null;
  geojson: FC;
}

export interface PlanDiff {
  units_moved: number;
  households_moved: number;
  grids_added: GridDelta[];
  grids_removed: GridDelta[];
  grids_changed: GridDelta[];
  geojson: FC;
}

/** What publishing a draft changes (GET /plans/:id/publish-effect). */
export interface PublishEffect {
  subdistricts: string[];
  grids: number;
  replaces: Array<{ id: number; name: string; replaced: string[]; replacedGrids: number; kept: string[]; keptGrids: number }>;
  names: Record<string, { name: string; name_en: string | null }>;
}

/** A long job (partition, import) as GET /api/jobs/:id and its events report it. */
export interface JobInfo {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  message: string | null;
  result: Record<string, unknown> | null;
  /** Runs so far (the queue runs a job again after a failed run or a lost worker). */
  attempts?: number;
  /** Every run failed: the job is in the dead-letter queue; message is the last error. */
  dead_letter?: boolean;
}

export interface PartitionBody {
  subdistricts?: string[];
  all?: boolean;
  min?: number;
  max?: number;
  target?: number;
  previousPlan?: number;
  name?: string;
}

export interface StaffInfo {
  staff: Array<{ id: number; name: string; role: 'leader' | 'member'; phone: string | null; grid_code: string | null; synthetic: boolean }>;
  grids: Array<{ code: string; leaders: number; members: number; ok: boolean; problem: string | null }>;
  violations: Array<{ code: string; leaders: number; members: number; ok: boolean; problem: string | null }>;
}

const P = (id: number) => `/api/plans/${id}`;

export const plansApi = {
  plans: () => getJson<PlanInfo[]>('/api/plans'),
  plan: (id: number) => getJson<PlanInfo>(P(id)),
  grids: (id: number, codes?: string[]) => getJson<FC>(`${P(id)}/grids${codes?.length ? `?codes=${codes.join(',')}` : ''}`),
  units: (id: number) => getJson<UnitTable>(`${P(id)}/units`),
  edit: (id: number, baseVersion: number, moves: Array<{ unit: string; to: string | null }>) =>
    sendJson<EditResult>('POST', `${P(id)}/edits?grids=true`, { baseVersion, moves }),
  undo: (id: number, baseVersion: number) => sendJson<EditResult>('POST', `${P(id)}/undo?grids=true`, { baseVersion }),
  redo: (id: number, baseVersion: number) => sendJson<EditResult>('POST', `${P(id)}/redo?grids=true`, { baseVersion }),
  partition: (body: PartitionBody) => sendJson<{ jobId: string }>('POST', '/api/partition', body),
  job: (id: string) => getJson<JobInfo>(`/api/jobs/${encodeURIComponent(id)}`),
  cancelJob: (id: string) => sendJson<JobInfo>('POST', `/api/jobs/${encodeURIComponent(id)}/cancel`),
  jobEventsUrl: (id: string) => ourUrl(`/api/jobs/${encodeURIComponent(id)}/events`),
  publishEffect: (id: number) => getJson<PublishEffect>(`${P(id)}/publish-effect`),
  publish: (id: number, baseVersion: number) => sendJson<{ version: number }>('POST', `${P(id)}/publish`, { baseVersion }),
  lock: (id: number, codes: string[], locked: boolean) => sendJson<{ ok: boolean }>('POST', `${P(id)}/locks`, { codes, locked }),
  split: (id: number, baseVersion: number, code: string) => sendJson<EditResult>('POST', `${P(id)}/split`, { baseVersion, code }),
  merge: (id: number, baseVersion: number, codes: [string, string]) => sendJson<EditResult>('POST', `${P(id)}/merge`, { baseVersion, codes }),
  newGrid: (id: number, baseVersion: number, units: string[]) => sendJson<EditResult>('POST', `${P(id)}/new-grid`, { baseVersion, units }),
  suggestFix: (id: number, code: string) => getJson<Proposal>(`${P(id)}/suggest-fix?code=${code}`),
  rebalance: (id: number, codes: string[]) => sendJson<Proposal>('POST', `${P(id)}/rebalance`, { codes }),
  copy: (id: number) => sendJson<{ id: number; subdistricts: string[] }>('POST', `${P(id)}/copy`, {}),
  impact: (id: number) => getJson<ImpactReport>(`${P(id)}/impact`),
  diff: (id: number, against: number, againstVersion?: number) =>
    getJson<PlanDiff>(`${P(id)}/diff?against=${against}${againstVersion ? `&againstVersion=${againstVersion}` : ''}`),
  staff: (id: number) => getJson<StaffInfo>(`${P(id)}/staff`),
  importStaff: (id: number, content: string) => sendJson<{ imported: number; grids: number }>('POST', `${P(id)}/staff/import`, { content }),
  seedStaff: (id: number) => sendJson<{ inserted: number }>('POST', `${P(id)}/staff/seed`, {}),
  importPlan: (name: string, format: 'csv' | 'geojson', content: string) =>
    sendJson<{ id: number; units: number; assigned: number; grids: number }>('POST', '/api/plans/import', { name, format, content }),
  exportUrl: (id: number, format: 'geojson' | 'shp' | 'csv') => ourUrl(`${P(id)}/export?format=${format}`),
};
