/** Patrol routes on the street network: order the stops (tsp.ts) and expand to street geometry. */
import type { Feature, LineString } from 'geojson';
import type { LonLat } from '../routing';
import { distanceMatrix, ShortestPathTree } from '../routing';
import type { Network } from '../routing';
import { shortestPath } from '../routing';
import { Snapper, type Snap } from '../routing';
import { DEFAULT_WALK_SPEED_MPS } from '../routing';
import { solveTour } from './tsp';

export interface PatrolStop {
  id: string;
  lon: number;
  lat: number;
}

export interface PatrolOptions {
  closed?: boolean;
  speedMps?: number;
  /** Max distance from a stop to the nearest street (default 500 m). */
  maxSnapM?: number;
  snapper?: Snapper;
  /** Visit the stops in the given order (a route drawn by hand) instead of the shortest tour. */
  keepOrder?: boolean;
}

export interface PatrolRouteProps {
  length_m: number;
  duration_s: number;
  closed: boolean;
  order: string[];
  /** Where each stop (in `order`) meets the street network: the route passes exactly there. */
  snapped: [number, number][];
}

export class PatrolError extends Error {
  constructor(
    message: string,
    public stopId?: string,
  ) {
    super(message);
    this.name = 'PatrolError';
  }
}

/** Stops that cannot all be reached from each other: the ones outside the largest mutually reachable set. */
export function unreachableStops(matrix: ArrayLike<number>, n: number): number[] {
  const comp = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  for (let s = 0; s < n; s++) {
    if (comp[s] >= 0) continue;
    const c = sizes.length;
    sizes.push(0);
    const stack = [s];
    comp[s] = c;
    while (stack.length) {
      const u = stack.pop()!;
      sizes[c]++;
      for (let v = 0; v < n; v++)
        if (comp[v] < 0 && Number.isFinite(matrix[u * n + v])) {
          comp[v] = c;
          stack.push(v);
        }
    }
  }
  let big = 0;
  for (let c = 1; c < sizes.length; c++) if (sizes[c] > sizes[big]) big = c;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (comp[i] !== big) out.push(i);
  return out;
}

export function buildPatrolRoute(net: Network, stops: PatrolStop[], opts: PatrolOptions = {}): Feature<LineString, PatrolRouteProps> {
  const closed = opts.closed ?? false;
  const speed = opts.speedMps ?? DEFAULT_WALK_SPEED_MPS;
  if (stops.length === 0) throw new PatrolError('no stops');
  const snapper = opts.snapper ?? new Snapper(net);
  const snaps: Snap[] = stops.map((s) => {
    const sn = snapper.snap(s.lon, s.lat, opts.maxSnapM ?? 500);
    if (!sn) throw new PatrolError(`stop ${s.id} is farther than ${opts.maxSnapM ?? 500} m from any street`, s.id);
    return sn;
  });
  const n = stops.length;
  const m = distanceMatrix(net, snaps);
  const bad = unreachableStops(m, n);
  if (bad.length) {
    const ids = bad.map((i) => stops[i].id);
    throw new PatrolError(`stop ${ids.join(', ')} ${ids.length > 1 ? 'are' : 'is'} unreachable from the others along the streets`, ids[0]);
  }
  const tour = opts.keepOrder ? { order: stops.map((_, i) => i) } : solveTour(m, n, { closed });
  const seq = closed && n > 1 ? [...tour.order, tour.order[0]] : tour.order;
  const coords: LonLat[] = [];
  const tree = new ShortestPathTree(net);
  let length = 0;
  for (let k = 1; k < seq.length; k++) {
    const p = shortestPath(net, snaps[seq[k - 1]], snaps[seq[k]], tree)!;
    length += p.lengthM;
    for (const c of p.coords) {
      const last = coords[coords.length - 1];
      if (!last || last[0] !== c[0] || last[1] !== c[1]) coords.push(c);
    }
  }
  if (coords.length === 0) coords.push([snaps[0].lon, snaps[0].lat]);
  if (coords.length === 1) coords.push(coords[0]);
  return {
    type: 'Feature',
    properties: {
      length_m: Math.round(length * 10) / 10,
      duration_s: Math.round(length / speed),
      closed,
      order: tour.order.map((i) => stops[i].id),
      snapped: tour.order.map((i) => [snaps[i].lon, snaps[i].lat] as [number, number]),
    },
    geometry: { type: 'LineString', coordinates: coords },
  };
}
