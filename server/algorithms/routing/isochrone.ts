/** Service areas: the part of the network reachable within t seconds, and a polygon around it. */
import * as turf from '@turf/turf';
import type { Feature, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import type { LonLat } from './geo';
import { ShortestPathTree, snapSources, type Source } from './dijkstra';
import { edgeSlice, type Network } from './network';
import type { Snap } from './snap';

export const DEFAULT_WALK_SPEED_MPS = 1.2;

export interface ServiceArea {
  budgetM: number;
  /** Reached street pieces (full and partial edges). */
  reached: Feature<MultiLineString>;
  /** Hull around the reached network, or null when too little was reached to make an area. */
  polygon: Feature<Polygon | MultiPolygon> | null;
}

export interface ServiceAreaOptions {
  speedMps?: number;
  /** Max hull edge length for the concave hull, metres (default max(80, budget/3)). */
  hullEdgeM?: number;
}

/** Network reachable from the origin(s) within `seconds` of walking. */
export function serviceArea(net: Network, origins: Snap | Snap[], seconds: number, opts: ServiceAreaOptions = {}): ServiceArea {
  const budget = seconds * (opts.speedMps ?? DEFAULT_WALK_SPEED_MPS);
  const list = Array.isArray(origins) ? origins : [origins];
  const sources: Source[] = list.flatMap((s) => snapSources(net, s));
  const tree = new ShortestPathTree(net);
  tree.run(sources, budget);
  const d = tree.dist;
  const lines: LonLat[][] = [];
  // Per edge: reached intervals [lo, hi] in metres from its start, from its end nodes and from
  // origins lying on it; merged and sliced.
  const intervals = new Map<number, [number, number][]>();
  const add = (e: number, lo: number, hi: number) => {
    if (hi < lo) return;
    const l = intervals.get(e);
    if (l) l.push([lo, hi]);
    else intervals.set(e, [[lo, hi]]);
  };
  for (const s of list) add(s.edge, Math.max(0, s.offset - budget), Math.min(net.edgeLen[s.edge], s.offset + budget));
  for (let e = 0; e < net.edgeCount; e++) {
    const L = net.edgeLen[e];
    const du = d[net.edgeU[e]], dv = d[net.edgeV[e]];
    if (du <= budget) add(e, 0, Math.min(L, budget - du));
    if (dv <= budget) add(e, Math.max(0, L - (budget - dv)), L);
  }
  for (const [e, l] of intervals) {
    l.sort((x, y) => x[0] - y[0]);
    let [lo, hi] = l[0];
    for (let k = 1; k <= l.length; k++) {
      if (k < l.length && l[k][0] <= hi) {
        hi = Math.max(hi, l[k][1]);
        continue;
      }
      if (hi > lo) lines.push(edgeSlice(net, e, lo, hi));
      if (k < l.length) [lo, hi] = l[k];
    }
  }
  const reached = turf.multiLineString(lines.filter((l) => l.length >= 2));
  const pts = turf.featureCollection(lines.flat().map((p) => turf.point(p)));
  let polygon: Feature<Polygon | MultiPolygon> | null = null;
  if (pts.features.length >= 3) {
    const edgeKm = (opts.hullEdgeM ?? Math.max(80, budget / 3)) / 1000;
    try {
      polygon = turf.concave(pts, { maxEdge: edgeKm, units: 'kilometers' });
    } catch {
      polygon = null;
    }
    if (!polygon) polygon = (turf.convex(pts) as Feature<Polygon> | null) ?? null;
  }
  if (polygon) polygon.properties = { budget_m: budget, seconds };
  return { budgetM: budget, reached, polygon };
}
