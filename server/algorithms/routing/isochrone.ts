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
  /** Max hull edge length for the concave hull, metres (default max(120, budget/2)). */
  hullEdgeM?: number;
}

/** Spacing of the points taken along the reached streets for the hull, metres. */
const DENSIFY_M = 10;
/** Margin added around the hull (street width and a rounded outline), metres. */
const MARGIN_M = 12;

/**
 * One solid area around the reached streets: a concave hull of points every 10 m along them
 * (points only at street vertices left long triangles out and made wedges), buffered by a street
 * width, without interior holes; the convex hull when the concave one cannot be made.
 */
export function areaAround(reached: Feature<MultiLineString>, budget: number, opts: ServiceAreaOptions = {}): Feature<Polygon | MultiPolygon> | null {
  const pts: LonLat[] = [];
  for (const l of reached.geometry.coordinates) {
    for (let i = 1; i < l.length; i++) {
      const a = l[i - 1] as LonLat,
        b = l[i] as LonLat;
      const len = turf.distance(a, b, { units: 'meters' });
      const n = Math.max(1, Math.ceil(len / DENSIFY_M));
      for (let k = 0; k < n; k++) pts.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
    }
    if (l.length) pts.push(l[l.length - 1] as LonLat);
  }
  if (pts.length < 3) return null;
  const fc = turf.featureCollection(pts.map((p) => turf.point(p)));
  const edgeKm = (opts.hullEdgeM ?? Math.max(120, budget / 2)) / 1000;
  let hull: Feature<Polygon | MultiPolygon> | null = null;
  try {
    hull = turf.concave(fc, { maxEdge: edgeKm, units: 'kilometers' });
  } catch {
    hull = null;
  }
  hull ??= (turf.convex(fc) as Feature<Polygon> | null) ?? null;
  if (!hull) return null;
  const grown = (turf.buffer(hull, MARGIN_M, { units: 'meters', steps: 4 }) as Feature<Polygon | MultiPolygon> | undefined) ?? hull;
  // keep outer rings only: a response area has no holes
  const g = grown.geometry;
  const solid: Polygon | MultiPolygon =
    g.type === 'Polygon' ? { type: 'Polygon', coordinates: [g.coordinates[0]!] } : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => [p[0]!]) };
  return { type: 'Feature', properties: {}, geometry: solid };
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
    const du = d[net.edgeU[e]],
      dv = d[net.edgeV[e]];
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
  const polygon = areaAround(reached, budget, opts);
  if (polygon) polygon.properties = { budget_m: budget, seconds };
  return { budgetM: budget, reached, polygon };
}
