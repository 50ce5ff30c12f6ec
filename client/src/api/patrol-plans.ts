/** Typed client functions for /api/patrols/plans: weekly patrol plans from the hot spots (issue J). */
import type { Evaluation, GenerateBody, PatrolEdit, PatrolPlan, PatrolPlanSummary } from '../../../common/http/patrol-plans';
import { getJson, ourUrl, sendJson } from './http';

export type { CoverageFigure, Evaluation, GenerateBody, PatrolEdit, PatrolPlan, PlanPatrol, PlanStop, PlanZone } from '../../../common/http/patrol-plans';
/** A plan in the list (common/http/patrol-plans.ts PatrolPlanSummary). */
export type PlanSummary = PatrolPlanSummary;

export const patrolPlansApi = {
  /** Starts the generation as a job (progress: api/jobs.ts followJob); its result names the draft (planId). */
  start: (body: GenerateBody): Promise<{ job: string }> => sendJson('POST', '/api/patrols/plans', { ...body, wait: false }),
  /** Generates in the request (small sub-districts, scripts). */
  generate: (body: GenerateBody): Promise<{ job: string | null; plan: PatrolPlan }> => sendJson('POST', '/api/patrols/plans', { ...body, wait: true }),
  list: (q: { subdistrict?: string; status?: string } = {}): Promise<{ plans: PatrolPlanSummary[] }> => {
    const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined) as [string, string][]);
    const qs = p.toString();
    return getJson(`/api/patrols/plans${qs ? `?${qs}` : ''}`);
  },
  get: (id: number): Promise<PatrolPlan> => getJson(`/api/patrols/plans/${id}`),
  evaluate: (id: number, patrols: PatrolEdit[]): Promise<Evaluation> => sendJson('POST', `/api/patrols/plans/${id}/evaluate`, { patrols }),
  save: (id: number, version: number, patrols: PatrolEdit[]): Promise<PatrolPlan> => sendJson('PUT', `/api/patrols/plans/${id}`, { version, patrols }),
  publish: (id: number, version: number): Promise<PatrolPlan> => sendJson('POST', `/api/patrols/plans/${id}/publish`, { version }),
  gpxUrl: (id: number, patrol: number): string => ourUrl(`/api/patrols/plans/${id}/patrols/${patrol}/gpx`),
};
