/**
 * Weekly patrol plans from the hot spots over HTTP (/api/patrols/plans…): a plan as stored and read
 * (zones, patrols, coverage figures, planned vs done per group), the list, the generate body, hand
 * edits and their evaluation. The server's patrol-plan generator, store and routes and the client's
 * api/patrol-plans.ts use these.
 */

export const PATROL_PLAN_STATUSES = ['draft', 'published', 'archived'] as const;
export type PatrolPlanStatus = (typeof PATROL_PLAN_STATUSES)[number];

export interface PlanStop {
  id: string;
  lon: number;
  lat: number;
}

/** One patrol of a plan: a group walks its stops on a weekday from start_hour for `hours`. */
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
  /** incidents expected on the patrol's stops in its slot */
  expected: number;
  /** a saved plan's patrols: the walks logged for it (absent in an evaluation) */
  done?: number;
  geometry: { type: 'LineString'; coordinates: number[][] };
}

/** Share of the held-out incidents that a set of routes covers. */
export interface CoverageFigure {
  share: number;
  covered: number;
  incidents: number;
  routes: number;
  length_m: number;
}

/** The incident periods a plan was made from (epoch seconds) and held out for its coverage figure. */
export interface PlanPeriods {
  plan: { from: number; to: number; weeks: number };
  holdout: { from: number; to: number; weeks: number };
}

/** A hot-spot zone a plan covers. */
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

export interface PlanGroupRef {
  id: string;
  name: string;
  base: PlanStop;
}

export interface UncoveredZone {
  id: string;
  reason: 'unreachable' | 'capacity';
}

/** The coverage of the generated plan, of the current saved routes and of random routes of the same length. */
export interface PlanCoverage {
  generated: CoverageFigure;
  current: CoverageFigure;
  random: CoverageFigure;
}

export interface GroupProgress {
  group: string;
  name: string;
  planned: number;
  done: number;
}

/** A plan as GET /api/patrols/plans/:id (and generate, save, publish) answers it. */
export interface PatrolPlan {
  id: number;
  subdistrict: string;
  week_start: string;
  status: PatrolPlanStatus;
  version: number;
  params: Record<string, unknown>;
  zones: PlanZone[];
  uncovered: UncoveredZone[];
  /** as stored: the three figures, and (newer plans) the periods and groups again */
  coverage: PlanCoverage & { periods?: PlanPeriods; groups?: PlanGroupRef[] };
  created_by: string | null;
  created_at: string;
  published_at: string | null;
  periods: PlanPeriods;
  groups: PlanGroupRef[];
  patrols: (PlanPatrol & { id: number; done: number })[];
  progress: GroupProgress[];
}

/** A plan in the list (GET /api/patrols/plans). */
export interface PatrolPlanSummary {
  id: number;
  subdistrict: string;
  week_start: string;
  status: string;
  version: number;
  patrols: number;
  coverage: PlanCoverage;
  planned: number;
  done: number;
  created_at: string;
  published_at: string | null;
}

/** A patrol as edited by hand (evaluate, save). */
export interface PatrolEdit {
  group: string;
  weekday: number;
  start_hour: number;
  hours: number;
  /** the leader's shop first, then the zones' stops (any order) */
  stops: PlanStop[];
}

/** Answer of POST /api/patrols/plans/:id/evaluate. */
export interface Evaluation {
  patrols: PlanPatrol[];
  coverage: CoverageFigure;
  /** what keeps the edit from being saved (empty: it can be) */
  problems: string[];
}

/** Body of POST /api/patrols/plans (the client's subset of the generator's request). */
export interface GenerateBody {
  subdistrict: string;
  week?: string;
  weeks?: number;
  holdoutWeeks?: number;
  walkMinutes?: number;
  maxLengthM?: number;
  minLengthM?: number;
  perGroup?: number;
}
