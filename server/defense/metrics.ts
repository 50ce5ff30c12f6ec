/**
 * Pure helpers (no I/O) on a walking network: group metrics after a manual edit, alarm-response
 * times for one shop, and the grouping computation shared by the worker and in-process callers.
 */
import type { Feature, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import { distanceMatrix, ShortestPathTree } from '../algorithms/routing';
import { buildNetwork, type Network } from '../algorithms/routing';
import { shortestPath } from '../algorithms/routing';
import { serviceArea, DEFAULT_WALK_SPEED_MPS } from '../algorithms/routing';
import { Snapper, componentFilter, type Snap } from '../algorithms/routing';
import { describeGroup, matrixOracle, groupShopsOnNetwork, type GroupingOptions, type ShopGroupingResult, type ShopInput } from '../algorithms/grouping';

export const WALK_SPEED_MPS = DEFAULT_WALK_SPEED_MPS;

export interface Snappers {
  net: Network;
  snapper: Snapper;
  mainSnapper: Snapper;
}

/** Same rule as the grouping: the largest component unless a street elsewhere is > 50 m closer. */
export function snapShop(s: Snappers, lon: number, lat: number): Snap {
  const a = s.snapper.snap(lon, lat)!;
  const b = s.mainSnapper.snap(lon, lat);
  return b && b.distanceM <= a.distanceM + 50 ? b : a;
}

export interface GroupMetrics {
  leaderIndex: number;
  diameter_m: number | null;
  mean_pair_m: number | null;
  max_response_s: number | null;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** Walking metrics of one group; the leader is kept when given, else chosen (min-max distance). */
export function groupMetrics(s: Snappers, points: { lon: number; lat: number }[], leaderIndex?: number): GroupMetrics {
  const n = points.length;
  if (n === 0) return { leaderIndex: -1, diameter_m: null, mean_pair_m: null, max_response_s: null };
  const snaps = points.map((p) => snapShop(s, p.lon, p.lat));
  const m = distanceMatrix(s.net, snaps);
  const oracle = matrixOracle(m, n);
  const members = Array.from({ length: n }, (_, i) => i);
  const pref = leaderIndex !== undefined && leaderIndex >= 0 ? new Set([leaderIndex]) : undefined;
  const g = describeGroup(members, oracle, pref, WALK_SPEED_MPS);
  const finite = Number.isFinite(g.diameterM);
  return {
    leaderIndex: g.leader,
    diameter_m: finite ? r1(g.diameterM) : null,
    mean_pair_m: finite ? r1(g.meanPairM) : null,
    max_response_s: Number.isFinite(g.maxResponseS) ? r1(g.maxResponseS) : null,
  };
}

/** A member's walk to the alarm shop: distance, time and path, all null when unreachable. */
export type ResponseLeg =
  { index: number; distance_m: number; time_s: number; path: [number, number][] } | { index: number; distance_m: null; time_s: null; path: null };

export interface ResponseResult {
  legs: ResponseLeg[];
  isochrone: Feature<Polygon | MultiPolygon> | null;
  reached: Feature<MultiLineString> | null;
}

/** Walking time from every other member to the alarm shop, their paths, and the isochrone around it. */
export function alarmResponse(s: Snappers, alarm: { lon: number; lat: number }, others: { lon: number; lat: number }[], thresholdS: number): ResponseResult {
  const origin = snapShop(s, alarm.lon, alarm.lat);
  const tree = new ShortestPathTree(s.net);
  const legs = others.map((o, index) => {
    const from = snapShop(s, o.lon, o.lat);
    const p = shortestPath(s.net, from, origin, tree);
    if (!p) return { index, distance_m: null, time_s: null, path: null };
    return {
      index,
      distance_m: r1(p.lengthM),
      time_s: r1(p.lengthM / WALK_SPEED_MPS),
      path: p.coords.map(([x, y]) => [round7(x), round7(y)] as [number, number]),
    };
  });
  const area = serviceArea(s.net, origin, thresholdS, { speedMps: WALK_SPEED_MPS });
  return { legs, isochrone: area.polygon, reached: area.reached };
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

export interface GroupingJobInput {
  lines: Feature<LineString>[];
  shops: ShopInput[];
  opts: GroupingOptions;
}

/** The automatic grouping on the street lines (used in the worker and in-process). */
export function computeGrouping(input: GroupingJobInput): ShopGroupingResult {
  const net = buildNetwork(input.lines);
  return groupShopsOnNetwork(net, input.shops, input.opts);
}

export { componentFilter };
