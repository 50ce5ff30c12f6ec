/**
 * The grid member's own area on the map: their grid(s) from the published plan, else the
 * community or sub-district that contains them; point-in-area tests and a default report point.
 */
import type { Feature, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { api, type FC, type Props, type SessionUser } from '../../api';

type AreaFeature = Feature<Polygon | MultiPolygon, Props>;

/** The polygon features of a collection (others dropped). */
const areas = (fc: FC): AreaFeature[] => fc.features.filter((f): f is AreaFeature => isArea(f.geometry));

export interface MemberArea {
  /** 'grid' when the published plan has the member's grid(s); else the enclosing community / sub-district. */
  level: 'grid' | 'community' | 'subdistrict';
  codes: string[];
  features: AreaFeature[];
  /** A point inside the first area (its centre when that lies inside). */
  centre: [number, number];
}

const isArea = (g: Geometry | null): g is Polygon | MultiPolygon => !!g && (g.type === 'Polygon' || g.type === 'MultiPolygon');
const rings = (g: Polygon | MultiPolygon): Position[][][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

function inRing(p: [number, number], ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInArea(p: [number, number], g: Polygon | MultiPolygon): boolean {
  return rings(g).some(([outer, ...holes]) => inRing(p, outer) && !holes.some((h) => inRing(p, h)));
}

export function bboxOf(features: AreaFeature[]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features)
    for (const poly of rings(f.geometry))
      for (const [x, y] of poly[0]) {
        b[0] = Math.min(b[0], x);
        b[1] = Math.min(b[1], y);
        b[2] = Math.max(b[2], x);
        b[3] = Math.max(b[3], y);
      }
  return b;
}

/** The area-weighted centroid of the largest polygon, or (when that lies outside it or in a hole) the middle of the widest inside span of its middle row. */
export function interiorPoint(g: Polygon | MultiPolygon): [number, number] {
  let best: Position[][] = [];
  let bestArea = -1;
  let cx = 0;
  let cy = 0;
  for (const poly of rings(g)) {
    const outer = poly[0];
    let a = 0;
    let x = 0;
    let y = 0;
    for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
      const c = outer[j][0] * outer[i][1] - outer[i][0] * outer[j][1];
      a += c;
      x += (outer[j][0] + outer[i][0]) * c;
      y += (outer[j][1] + outer[i][1]) * c;
    }
    if (Math.abs(a) > bestArea) {
      bestArea = Math.abs(a);
      best = poly;
      cx = x / (3 * a);
      cy = y / (3 * a);
    }
  }
  if (pointInArea([cx, cy], g)) return [cx, cy];
  // the widest inside span of the row through the middle (crossings of the outer ring and the holes)
  const ys = best[0].map((p) => p[1]);
  const midY = (Math.min(...ys) + Math.max(...ys)) / 2;
  const xs: number[] = [];
  for (const ring of best) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > midY !== yj > midY) xs.push(((xj - xi) * (midY - yi)) / (yj - yi) + xi);
    }
  }
  xs.sort((a, b) => a - b);
  let span: [number, number] = [best[0][0][0], best[0][0][0]];
  for (let i = 0; i + 1 < xs.length; i += 2) if (xs[i + 1] - xs[i] > span[1] - span[0]) span = [xs[i], xs[i + 1]];
  return [(span[0] + span[1]) / 2, midY];
}

export function inMemberArea(area: MemberArea, p: [number, number]): boolean {
  return area.features.some((f) => pointInArea(p, f.geometry));
}

/** Loads the member's grids from the newest published plan that has them; falls back to communities, then sub-districts. */
export async function loadMemberArea(user: SessionUser): Promise<MemberArea | null> {
  const grids = user.grids;
  if (grids.length) {
    const plans = (await api.plans.plans()).filter((p) => p.status === 'published').sort((a, b) => (b.published_at ?? '').localeCompare(a.published_at ?? ''));
    for (const p of plans) {
      const fc = await api.plans.grids(p.id, grids);
      const features = areas(fc).filter((f) => grids.includes(String(f.properties.code)));
      if (features.length)
        return { level: 'grid', codes: features.map((f) => String(f.properties?.code)), features, centre: interiorPoint(features[0].geometry) };
    }
  }
  const prefixes = grids.length ? grids.map((g) => g.slice(0, 12)) : user.subdistricts;
  const [level, fc] = grids.length ? (['community', await api.communities()] as const) : (['subdistrict', await api.subdistricts()] as const);
  const features = areas(fc).filter((f) => prefixes.some((c) => String(f.properties?.id).startsWith(c) || c.startsWith(String(f.properties?.id))));
  if (!features.length) return null;
  return { level, codes: features.map((f) => String(f.properties?.id)), features, centre: interiorPoint(features[0].geometry) };
}
