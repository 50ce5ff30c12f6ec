/**
 * Edits of a draft plan (drop a stop, move a slot): the patrols as the coordinator left them are
 * re-routed along the streets (the leader's shop first, the remaining stops in the shortest
 * order), checked (groups of the plan, length limit, patrols per group per week) and their
 * held-out coverage recomputed — for the live figure while editing, and again when saved.
 */
import type { Evaluation, PatrolEdit } from '../../common/http/patrol-plans';
import type { Queryable } from '../db';
import { buildPatrolRoute, PatrolError } from '../algorithms/patrol';
import { coverageOf } from '../algorithms/patrol-plan';
import { networkFor } from '../defense/network-cache';
import { BadRequestError } from '../defense/errors';
import { asCoverageRoutes, figure, holdoutIncidents, type PatrolOut } from './generate';
import type { PlanRow } from './store';

export type { Evaluation, PatrolEdit };

export async function evaluateEdit(db: Queryable, plan: PlanRow, edits: readonly PatrolEdit[]): Promise<Evaluation> {
  const groups = new Map((plan.coverage.groups ?? []).map((g) => [g.id, g]));
  const maxLen = Number(plan.params.maxLengthM ?? 2000);
  const perGroup = Number(plan.params.perGroup ?? 3);
  const net = await networkFor(db, [plan.subdistrict]);
  const problems: string[] = [];
  // stops that are no zone of the plan are the group's shops a patrol passes (its minimum length)
  const zoneIds = new Set((plan.zones ?? []).map((z) => z.id));
  const count = new Map<string, number>();
  const patrols: PatrolOut[] = [];
  for (const [k, e] of edits.entries()) {
    const g = groups.get(e.group);
    if (!g)
      throw new BadRequestError(`第 ${k + 1} 个巡逻：联防组 ${e.group} 不在本计划中 (patrol ${k + 1}: joint-defence group ${e.group} is not in this plan)`);
    if (e.stops.length < 2) throw new BadRequestError(`第 ${k + 1} 个巡逻至少需要一个热点巡逻点 (patrol ${k + 1} needs at least one hotspot stop)`);
    if (e.stops[0]!.id !== g.base.id)
      throw new BadRequestError(`第 ${k + 1} 个巡逻须从联防组组长的商铺出发 (patrol ${k + 1} must start from the shop of the group leader)`);
    count.set(e.group, (count.get(e.group) ?? 0) + 1);
    let f;
    try {
      f = buildPatrolRoute(net.net, e.stops, { closed: true, snapper: net.snapper, maxSnapM: 500 });
    } catch (err) {
      if (err instanceof PatrolError)
        throw new BadRequestError(`第 ${k + 1} 个巡逻无法沿道路连通：${err.message} (patrol ${k + 1} cannot be connected along the streets: ${err.message})`);
      throw err;
    }
    const byId = new Map(e.stops.map((s) => [s.id, s]));
    const stops = f.properties.order.map((id) => byId.get(id)!);
    if (f.properties.length_m > maxLen + 0.5)
      problems.push(
        `${g.name} 的巡逻（周${e.weekday} ${e.start_hour}:00）长 ${Math.round(f.properties.length_m)} 米，超过上限 ${maxLen} 米 (the patrol of group ${e.group} on weekday ${e.weekday} at ${e.start_hour}:00 is ${Math.round(f.properties.length_m)} m long, over the limit of ${maxLen} m)`,
      );
    patrols.push({
      group: e.group,
      weekday: e.weekday,
      start_hour: e.start_hour,
      hours: e.hours,
      zones: stops
        .slice(1)
        .filter((s) => zoneIds.has(s.id))
        .map((s) => s.id),
      stops,
      length_m: f.properties.length_m,
      duration_s: f.properties.duration_s,
      expected: 0,
      geometry: f.geometry as PatrolOut['geometry'],
    });
  }
  for (const [gid, n] of count)
    if (n > perGroup)
      problems.push(
        `${groups.get(gid)!.name} 本周安排了 ${n} 次巡逻，超过每组每周 ${perGroup} 次 (group ${gid} has ${n} patrols this week, more than ${perGroup} per group per week)`,
      );
  const periods = plan.coverage.periods!;
  const held = periods.holdout.weeks > 0 ? await holdoutIncidents(db, plan.subdistrict, periods, String(plan.params.types ?? '')) : [];
  const coverage = figure(
    coverageOf(asCoverageRoutes(patrols), held),
    patrols.length,
    patrols.reduce((a, p) => a + p.length_m, 0),
  );
  return { patrols, coverage, problems };
}
