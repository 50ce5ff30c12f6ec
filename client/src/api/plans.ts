/** Typed calls of the plans and plan-tools routes (re-exported by ../api.ts). Our own origin only. */
import type { ImpactReport, PlanDiff } from '../../../common/http/impact';
import type { JobInfo, JobStarted } from '../../../common/http/jobs';
import type { EditResult, PartitionBody, PlanImportResult, PlanInfo, PlanStaff, Proposal, PublishEffect, UnitTable } from '../../../common/http/plans';
import { getJson, ourUrl, sendJson, type FC } from './http';

export type { EditResult, PartitionBody, PlanInfo, PlanStatus, PlanWarning, Proposal, PublishEffect, UnitChange, UnitTable } from '../../../common/http/plans';
export type { GridDelta, ImpactReport, PlanDiff } from '../../../common/http/impact';
export type { JobInfo } from '../../../common/http/jobs';
/** The grid staff of a plan (common/http/plans.ts PlanStaff). */
export type StaffInfo = PlanStaff;

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
  partition: (body: PartitionBody) => sendJson<JobStarted>('POST', '/api/partition', body),
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
  staff: (id: number) => getJson<PlanStaff>(`${P(id)}/staff`),
  importStaff: (id: number, content: string) => sendJson<{ imported: number; grids: number }>('POST', `${P(id)}/staff/import`, { content }),
  seedStaff: (id: number) => sendJson<{ inserted: number }>('POST', `${P(id)}/staff/seed`, {}),
  importPlan: (name: string, format: 'csv' | 'geojson', content: string) => sendJson<PlanImportResult>('POST', '/api/plans/import', { name, format, content }),
  exportUrl: (id: number, format: 'geojson' | 'shp' | 'csv') => ourUrl(`${P(id)}/export?format=${format}`),
};
