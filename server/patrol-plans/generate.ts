/**
 * Generates a weekly patrol plan for a sub-district (db side around the pure planner): the last N
 * weeks of incidents before the held-out period (filters as in the hot-spot view) → Gi* and
 * emerging hot spots on the same zones → hot zones in the sub-district → plan (groups, slots,
 * routes along the streets) → coverage of the held-out incidents for the plan, the current routes
 * with their weekly schedule, and random-shop routes of the same length in the same slots.
 */
import type { CoverageFigure, PlanPatrol, PlanPeriods, PlanZone } from '../../common/http/patrol-plans';
import * as turf from '@turf/turf';
import type { Queryable } from '../db';
import {
  coverageOf,
  planWeek,
  randomShopRoutes,
  selectHotZones,
  type Coverage,
  type CoverageIncident,
  type CoverageRoute,
  type HotZone,
  type PlannedPatrol,
  type WeekPlan,
  type ZoneStat,
} from '../algorithms/patrol-plan';
import { networkFor } from '../defense/network-cache';
import { BadRequestError, NotFoundError } from '../defense/errors';
import { FilterError, parseFilter, TZ_OFFSET_S, type FilterQuery, type IncidentFilter } from '../hotspots/filters';
import { incidentColumns } from '../hotspots/incident-columns';
import { computeEmerging, computeHotSpots } from '../hotspots/service';
import { gridZones, hexZones, type ZoneKind } from '../hotspots/zones';
import { currentRoutes, groupsOf, incidentsIn, loadShops, subdistrictOutline, type GroupInfo } from './inputs';

export interface PlanRequest extends Pick<FilterQuery, 'types' | 'hours' | 'weekdays'> {
  subdistrict: string;
  /** the Monday of the planned week, YYYY-MM-DD (default: the coming Monday) */
  week?: string;
  /** weeks of incidents planned from (default 12) */
  weeks?: number;
  /** most recent weeks held out of planning for the coverage figure (default 4; 0 = none) */
  holdoutWeeks?: number;
  /** the end of the incident data considered, YYYY-MM-DD (default: the newest incident) */
  until?: string;
  walkMinutes?: number;
  maxLengthM?: number;
  /** length a patrol should at least walk (default 600 m; at most maxLengthM) */
  minLengthM?: number;
  perGroup?: number;
  slotHours?: number;
  zones?: ZoneKind;
  cellM?: number;
}

export type { CoverageFigure, PlanPeriods };

export interface GeneratedPlan {
  subdistrict: string;
  subdistrict_name: string;
  week_start: string;
  params: Record<string, unknown>;
  periods: PlanPeriods;
  groups: { id: string; name: string; base: { id: string; lon: number; lat: number } }[];
  zones: ZoneOut[];
  uncovered: WeekPlan['uncovered'];
  patrols: PatrolOut[];
  coverage: { generated: CoverageFigure; current: CoverageFigure; random: CoverageFigure };
  plan_ms: number;
}

/** A zone of a plan (common/http/patrol-plans.ts). */
export type ZoneOut = PlanZone;

/** A patrol of a plan (common/http/patrol-plans.ts). */
export type PatrolOut = PlanPatrol;

const WEEK_S = 7 * 86400;
/**
 * Lets the event loop run between the steps: on the embedded database every query resolves without
 * I/O, so a plan made in the server process (the in-process job) would otherwise hold the loop from
 * start to end: no request answered and no progress event sent until it is done.
 */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The Monday (YYYY-MM-DD, Asia/Shanghai) of the week after the one holding epoch-second `now`. */
export function comingMonday(nowS: number): string {
  const day = Math.floor((nowS + TZ_OFFSET_S) / 86400);
  const weekday0 = (((day + 3) % 7) + 7) % 7; // 0 = Monday
  return new Date((day - weekday0 + 7) * 86400e3).toISOString().slice(0, 10);
}

export function figure(c: Coverage, routes: number, lengthM: number): CoverageFigure {
  return { share: r4(c.share), covered: c.covered, incidents: c.incidents, routes, length_m: Math.round(lengthM) };
}

export function patrolOut(p: PlannedPatrol): PatrolOut {
  return {
    group: p.group,
    weekday: p.slot.weekday,
    start_hour: p.slot.start,
    hours: p.slot.hours,
    zones: p.zones,
    stops: p.stops,
    length_m: p.lengthM,
    duration_s: p.route.properties.duration_s,
    expected: p.expected,
    geometry: p.route.geometry as PatrolOut['geometry'],
  };
}

export const asCoverageRoutes = (ps: readonly PatrolOut[]): CoverageRoute[] =>
  ps.map((p) => ({ coords: p.geometry.coordinates, slots: [{ weekday: p.weekday, start: p.start_hour, hours: p.hours }] }));

function inside(outline: Parameters<typeof turf.booleanPointInPolygon>[1]) {
  return (lon: number, lat: number) => turf.booleanPointInPolygon([lon, lat], outline);
}

/** The normalised parameters of a request (defaults filled, bounds checked). */
export function planParams(req: PlanRequest) {
  const p = {
    weeks: req.weeks ?? 12,
    holdoutWeeks: req.holdoutWeeks ?? 4,
    walkMinutes: req.walkMinutes ?? 5,
    maxLengthM: req.maxLengthM ?? 2000,
    minLengthM: Math.min(req.minLengthM ?? 600, req.maxLengthM ?? 2000),
    perGroup: req.perGroup ?? 3,
    slotHours: req.slotHours ?? 2,
    zones: req.zones ?? ('hex' as ZoneKind),
    cellM: req.cellM ?? 300,
    types: req.types ?? '',
    hours: req.hours ?? '',
    weekdays: req.weekdays ?? '',
    until: req.until ?? '',
  };
  if (p.weeks < 4) throw new BadRequestError('至少需要 4 周的事件来识别新兴热点 (at least 4 weeks of incidents are needed to find emerging hotspots)');
  // the incident filter and end date: checked here, so a bad one answers 422 before any job starts
  try {
    parseFilter({ types: p.types, hours: p.hours, weekdays: p.weekdays, ...(p.until ? { to: p.until } : {}) });
  } catch (err) {
    asPlanInput(err);
  }
  return p;
}

/**
 * The hot-spot service's FilterError is a query parameter of GET /api/hotspots (400); in a plan
 * request the same problem is a body field the plan cannot use: 422, like the plan's own checks.
 */
function asPlanInput(err: unknown): never {
  throw err instanceof FilterError ? new BadRequestError(err.message) : err;
}

/** Incidents of the held-out period inside the sub-district (types filter only: every hour counts). */
export async function holdoutIncidents(db: Queryable, subdistrict: string, periods: PlanPeriods, types: string): Promise<CoverageIncident[]> {
  const outline = await subdistrictOutline(db, subdistrict);
  if (!outline) throw new NotFoundError(`街道 ${subdistrict} 不存在 (sub-district ${subdistrict} does not exist)`);
  const cols = await incidentColumns(db);
  const f: IncidentFilter = { ...parseFilter({ types }), from: periods.holdout.from, to: periods.holdout.to };
  const isIn = inside(outline.geometry);
  return incidentsIn(cols, f, outline.bbox).filter((x) => isIn(x.lon, x.lat));
}

export async function generatePlan(db: Queryable, req: PlanRequest, progress: (f: number, msg: string) => void = () => undefined): Promise<GeneratedPlan> {
  const t0 = performance.now();
  const p = planParams(req);
  const outline = await subdistrictOutline(db, req.subdistrict);
  if (!outline) throw new NotFoundError(`街道 ${req.subdistrict} 不存在 (sub-district ${req.subdistrict} does not exist)`);
  const filter = parseFilter({ types: p.types, hours: p.hours, weekdays: p.weekdays });
  const cols = await incidentColumns(db);
  if (cols.n === 0) throw new BadRequestError('没有事件数据，无法识别热点 (there are no incidents, so hotspots cannot be found)');
  const end = p.until ? parseFilter({ to: p.until }).to! : cols.tMax + 1;
  const holdFrom = end - p.holdoutWeeks * WEEK_S;
  const planFrom = holdFrom - p.weeks * WEEK_S;
  const periods: PlanPeriods = { plan: { from: planFrom, to: holdFrom, weeks: p.weeks }, holdout: { from: holdFrom, to: end, weeks: p.holdoutWeeks } };
  progress(0.05, '热点分析 (hotspot analysis)');
  await yieldToLoop();

  // hot spots of the planning period on the chosen zones (the leader's view computes the same)
  const q = { zones: p.zones, filter: { ...filter, from: planFrom, to: holdFrom }, fdr: true, value: 'count' as const, cellM: p.cellM };
  const gi = await computeHotSpots(db, q).catch(asPlanInput);
  await yieldToLoop();
  const em = await computeEmerging(db, q).catch(asPlanInput);
  await yieldToLoop();
  const set = p.zones === 'grids' ? await gridZones(db) : await hexZones(db, cols, p.cellM);
  const stats: ZoneStat[] = set.zones.map((z, i) => ({ id: z.id, giClass: gi.results[i]!.class, pattern: em.results[i]!.pattern }));
  const isIn = inside(outline.geometry);
  const planning = incidentsIn(cols, q.filter, outline.bbox).map((x) => ({ ...x, zone: set.locate(x.lon, x.lat) }));
  const hot: HotZone[] = selectHotZones(stats, planning, { weeks: p.weeks }).filter((z) => isIn(z.lon, z.lat));
  progress(0.25, `${hot.length} 个热点区域 (${hot.length} hotspot areas)`);
  await yieldToLoop();

  const shops = await loadShops(db, req.subdistrict);
  const groups: GroupInfo[] = await groupsOf(db, req.subdistrict, shops);
  if (groups.length === 0)
    throw new BadRequestError('该街道还没有联防组：请先自动分组 (this sub-district has no joint-defence groups yet: group the shops automatically first)');
  const net = await networkFor(db, [req.subdistrict]);
  await yieldToLoop();
  const plan = planWeek(net.net, net.snapper, groups, hot, {
    walkS: p.walkMinutes * 60,
    maxLengthM: p.maxLengthM,
    minLengthM: p.minLengthM,
    perGroup: p.perGroup,
    slotHours: p.slotHours,
    progress: (f, m) => progress(0.25 + 0.55 * f, m),
  });
  const patrols = plan.patrols.map(patrolOut);
  progress(0.85, '覆盖率 (coverage)');
  await yieldToLoop();

  const held = p.holdoutWeeks > 0 ? await holdoutIncidents(db, req.subdistrict, periods, p.types) : [];
  const genLen = patrols.reduce((a, x) => a + x.length_m, 0);
  const generated = figure(coverageOf(asCoverageRoutes(patrols), held), patrols.length, genLen);
  const cur = await currentRoutes(db, req.subdistrict);
  const current = figure(
    coverageOf(cur, held),
    cur.filter((r) => r.slots.length).length,
    cur.filter((r) => r.slots.length).reduce((a, r) => a + r.lengthM, 0),
  );
  const rnd = randomShopRoutes(
    net.net,
    net.snapper,
    shops,
    plan.patrols.map((x) => ({ lengthM: x.lengthM, slot: x.slot })),
    1,
  );
  const random = figure(
    coverageOf(rnd, held),
    rnd.length,
    rnd.reduce((a, r) => a + r.lengthM, 0),
  );

  const reachOf = new Map(plan.zones.map((z) => [z.id, z.reach]));
  progress(1, '完成 (done)');
  return {
    subdistrict: req.subdistrict,
    subdistrict_name: outline.name,
    week_start: req.week ?? comingMonday(Date.now() / 1000),
    params: { ...p, ...plan.params },
    periods,
    groups: groups.map((g) => ({ id: g.id, name: g.name, base: g.base })),
    zones: hot.map((z) => ({
      id: z.id,
      kinds: z.kinds,
      lon: z.lon,
      lat: z.lat,
      count: z.count,
      weekly: r4(z.weekly),
      peak_weekdays: z.peakWeekdays,
      peak_hours: z.peakHours,
      reach: reachOf.get(z.id) ?? [],
    })),
    uncovered: plan.uncovered,
    patrols,
    coverage: { generated, current, random },
    plan_ms: Math.round(performance.now() - t0),
  };
}
