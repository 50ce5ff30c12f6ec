/**
 * The coverage figure (pure): the share of incidents that lie within `radiusM` (default 100 m) of a
 * patrol route during an hour when that route is patrolled (the incident's local hour of the week
 * falls in one of the route's slots). Any set of routes and slots: a generated plan, the current
 * routes with their weekly schedule, random routes.
 */
import Flatbush from 'flatbush';
import { closestOnSegment, projectionFor, type LonLat } from '../routing';
import { hourOfWeek, slotMask, type Slot } from './slots';

export interface CoverageRoute {
  coords: readonly (readonly number[])[];
  slots: readonly Slot[];
}

export interface CoverageIncident {
  lon: number;
  lat: number;
  /** epoch seconds */
  t: number;
}

export interface Coverage {
  incidents: number;
  covered: number;
  /** covered / incidents (0 when there are none) */
  share: number;
  /** incidents covered by each route (an incident near two routes counts for both here, once above) */
  perRoute: number[];
}

export function coverageOf(routes: readonly CoverageRoute[], incidents: readonly CoverageIncident[], opts: { radiusM?: number } = {}): Coverage {
  const r = opts.radiusM ?? 100;
  const perRoute = routes.map(() => 0);
  const pts: LonLat[] = [];
  for (const rt of routes) for (const c of rt.coords) pts.push([c[0]!, c[1]!]);
  if (!incidents.length || !pts.length) return { incidents: incidents.length, covered: 0, share: 0, perRoute };
  const proj = projectionFor(pts);
  const masks = routes.map((rt) => slotMask(rt.slots));
  const seg: { route: number; ax: number; ay: number; bx: number; by: number }[] = [];
  routes.forEach((rt, k) => {
    for (let i = 0; i < rt.coords.length; i++) {
      const a = rt.coords[i]!,
        b = rt.coords[Math.min(i + 1, rt.coords.length - 1)]!;
      if (i > 0 && i === rt.coords.length - 1) break;
      seg.push({ route: k, ax: proj.x(a[0]!), ay: proj.y(a[1]!), bx: proj.x(b[0]!), by: proj.y(b[1]!) });
    }
  });
  const index = new Flatbush(seg.length);
  for (const s of seg) index.add(Math.min(s.ax, s.bx) - r, Math.min(s.ay, s.by) - r, Math.max(s.ax, s.bx) + r, Math.max(s.ay, s.by) + r);
  index.finish();
  let covered = 0;
  const hit = new Uint8Array(routes.length);
  for (const p of incidents) {
    const how = hourOfWeek(p.t);
    const x = proj.x(p.lon),
      y = proj.y(p.lat);
    hit.fill(0);
    let any = false;
    for (const i of index.search(x, y, x, y)) {
      const s = seg[i]!;
      if (hit[s.route] || !masks[s.route]![how]) continue;
      const [, d2] = closestOnSegment(x, y, s.ax, s.ay, s.bx, s.by);
      if (d2 <= r * r) {
        hit[s.route] = 1;
        perRoute[s.route]!++;
        any = true;
      }
    }
    if (any) covered++;
  }
  return { incidents: incidents.length, covered, share: covered / incidents.length, perRoute };
}
