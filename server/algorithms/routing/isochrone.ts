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
  const seen = new Set<number>();
  // Origin edges: the piece reachable directly from the snap along its own edge.
  for (const s of list) {
    const L = net.edgeLen[s.edge];
    lines.push(edgeSlice(net, s.edge, Math.max(0, s.offset - budget), Math.min(L, s.offset + budget)));
  }
  for (let e = 0; e < net.edgeCount; e++) {
    const u = net.edgeU[e], v = net.edgeV[e], L = net.edgeLen[e];
    const du = d[u], dv = d[v];
    if (du > budget && dv > budget) continue;
    if (seen.has(e)) continue;
    seen.add(e);
    const fromU = du <= budget ? budget - du : -1;
    const fromV = dv <= budget ? budget - dv : -1;
    if (fromU + fromV >= L) lines.push(edgeSlice(net, e, 0, L));
    else {
      if (fromU > 0) lines.push(edgeSlice(net, e, 0, fromU));
      if (fromV > 0) lines.push(edgeSlice(net, e, L - fromV, L));
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
