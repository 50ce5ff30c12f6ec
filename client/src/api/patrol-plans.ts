/** Typed client functions for /api/patrols/plans: weekly patrol plans from the hot spots (issue J). */
import { getJson, ourUrl, sendJson } from './http';

export interface PlanStop {
  id: string;
  lon: number;
  lat: number;
}

export interface PlanPatrol {
  id?: number;
  group: string;
  weekday: number;
  start_hour: number;
  hours: number;
  zones: string[];
  stops: PlanStop[];
  length_m: number;
  duration_s: number;
  expected: number;
  done?: number;
  geometry: { type: 'LineString'; coordinates: number[][] };
}

export interface CoverageFigure {
  share: number;
  covered: number;
  incidents: number;
  routes: number;
  length_m: number;
}

export interface PlanZone {
  id: string;
  kinds: string[];
  lon: number;
  lat: number;
  count: number;
  weekly: number;
  peak_weekdays: number[];
  peak_hours: number[];
  reach: { group: string; walkM: number }[];
}

export interface PatrolPlan {
  id: number;
  subdistrict: string;
  week_start: string;
  status: 'draft' | 'published' | 'archived';
  version: number;
  params: Record<string, unknown>;
  periods: { plan: { from: number; to: number; weeks: number }; holdout: { from: number; to: number; weeks: number } };
  groups: { id: string; name: string; base: PlanStop }[];
  zones: PlanZone[];
  uncovered: { id: string; reason: 'unreachable' | 'capacity' }[];
  patrols: (PlanPatrol & { id: number; done: number })[];
  coverage: { generated: CoverageFigure; current: CoverageFigure; random: CoverageFigure };
  progress: { group: string; name: string; planned: number; done: number }[];
}

export interface PlanSummary {
  id: number;
  subdistrict: string;
  week_start: string;
  status: string;
  version: number;
  patrols: number;
  planned: number;
  done: number;
  coverage: PatrolPlan['coverage'];
}

export interface PatrolEdit {
  group: string;
  weekday: number;
  start_hour: number;
  hours: number;
  stops: PlanStop[];
}

export type GenerateBody = {
  subdistrict: string;
  week?: string;
  weeks?: number;
  holdoutWeeks?: number;
  walkMinutes?: number;
  maxLengthM?: number;
  minLengthM?: number;
  perGroup?: number;
};

export const patrolPlansApi = {
  /** Starts the generation as a job (progress: api/jobs.ts followJob); its result names the draft (planId). */
  start: (body: GenerateBody): Promise<{ job: string }> => sendJson('POST', '/api/patrols/plans', { ...body, wait: false }),
  /** Generates in the request (small sub-districts, scripts). */
  generate: (body: GenerateBody): Promise<{ job: string | null; plan: PatrolPlan }> => sendJson('POST', '/api/patrols/plans', { ...body, wait: true }),
  list: (q: { subdistrict?: string; status?: string } = {}): Promise<{ plans: PlanSummary[] }> => {
    const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined) as [string, string][]);
    const qs = p.toString();
    return getJson(`/api/patrols/plans${qs ? `?${qs}` : ''}`);
  },
  get: (id: number): Promise<PatrolPlan> => getJson(`/api/patrols/plans/${id}`),
  evaluate: (id: number, patrols: PatrolEdit[]): Promise<{ patrols: PlanPatrol[]; coverage: CoverageFigure; problems: string[] }> =>
    sendJson('POST', `/api/patrols/plans/${id}/evaluate`, { patrols }),
  save: (id: number, version: number, patrols: PatrolEdit[]): Promise<PatrolPlan> => sendJson('PUT', `/api/patrols/plans/${id}`, { version, patrols }),
  publish: (id: number, version: number): Promise<PatrolPlan> => sendJson('POST', `/api/patrols/plans/${id}/publish`, { version }),
  gpxUrl: (id: number, patrol: number): string => ourUrl(`/api/patrols/plans/${id}/patrols/${patrol}/gpx`),
};
