/**
 * Sub-district and community outlines made fit for tiling, in a local metric plane: each outline
 * cleaned (self-overlaps dissolved), sub-districts made disjoint (an overlap stays with the
 * sub-district listed first), each community clipped to the sub-district holding most of it.
 * Every change that matters is a warning. Pure, no I/O.
 */
import polygonClipping, { type MultiPolygon as PcMulti } from 'polygon-clipping';
import type { LocalProjection } from '../geo';
import { ringArea, type Pt } from './planar';
import type { DistrictWarning } from './types';

export interface AreaFeature {
  level: 'subdistrict' | 'community';
  code: string;
  name: string;
  /** how to name the feature in a message, e.g. "feature 3 (code 340802001)" */
  ref: string;
  /** WGS84 MultiPolygon coordinates */
  polygons: number[][][][];
}

export interface Area {
  code: string;
  name: string;
  ref: string;
  /** metric MultiPolygon */
  polygons: Pt[][][];
  area: number;
}
export interface Community extends Area {
  subdistrict: string;
}

export const multiArea = (m: Pt[][][]): number =>
  m.reduce((s, poly) => s + poly.reduce((t, r, i) => t + (i === 0 ? Math.abs(ringArea(r)) : -Math.abs(ringArea(r))), 0), 0);

const asPc = (m: Pt[][][]) => m as unknown as PcMulti;
const fromPc = (m: PcMulti) => m as unknown as Pt[][][];
const bboxOf = (m: Pt[][][]) => {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const poly of m)
    for (const p of poly[0] ?? []) {
      x0 = Math.min(x0, p[0]);
      y0 = Math.min(y0, p[1]);
      x1 = Math.max(x1, p[0]);
      y1 = Math.max(y1, p[1]);
    }
  return [x0, y0, x1, y1];
};
const overlaps = (a: number[], b: number[]) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/** Outlines to metric, cleaned and made disjoint. `minM2`: overlaps smaller than this are not reported. */
export function prepareAreas(
  features: AreaFeature[],
  proj: LocalProjection,
  minM2 = 1,
): { subdistricts: Area[]; communities: Community[]; warnings: DistrictWarning[] } {
  const warnings: DistrictWarning[] = [];
  const toMetric = (f: AreaFeature): Pt[][][] => {
    const m = f.polygons.map((poly) => poly.map((ring) => ring.map((p) => proj.forward(p[0], p[1]) as Pt)));
    return m.length ? fromPc(polygonClipping.union(asPc(m))) : [];
  };
  const subdistricts: Area[] = [];
  for (const f of features.filter((x) => x.level === 'subdistrict')) {
    let polygons = toMetric(f);
    const bb = bboxOf(polygons);
    for (const prev of subdistricts) {
      if (!overlaps(bb, bboxOf(prev.polygons))) continue;
      const cut = fromPc(polygonClipping.difference(asPc(polygons), asPc(prev.polygons)));
      const lost = multiArea(polygons) - multiArea(cut);
      if (lost > minM2) {
        warnings.push({
          code: 'subdistrict_overlap',
          message: `boundaries ${f.ref} (${f.name}) overlaps ${prev.ref} (${prev.name}) by ${Math.round(lost)} m²: the overlap is kept in ${prev.name} (listed first)`,
          feature: f.ref,
        });
      }
      polygons = cut;
    }
    const area = multiArea(polygons);
    if (area <= 0) {
      warnings.push({ code: 'subdistrict_empty', message: `boundaries ${f.ref} (${f.name}) has no area left: it gets no grids`, feature: f.ref });
      continue;
    }
    subdistricts.push({ code: f.code, name: f.name, ref: f.ref, polygons, area });
  }
  const communities: Community[] = [];
  for (const f of features.filter((x) => x.level === 'community')) {
    const own = toMetric(f);
    const ownArea = multiArea(own);
    let best: { sub: Area; part: Pt[][][]; area: number } | null = null;
    const bb = bboxOf(own);
    for (const s of subdistricts) {
      if (!overlaps(bb, bboxOf(s.polygons))) continue;
      const part = fromPc(polygonClipping.intersection(asPc(own), asPc(s.polygons)));
      const a = multiArea(part);
      if (a > 0 && (!best || a > best.area)) best = { sub: s, part, area: a };
    }
    if (!best) {
      warnings.push({ code: 'community_outside', message: `boundaries ${f.ref} (community ${f.name}) lies in no sub-district: ignored`, feature: f.ref });
      continue;
    }
    if (ownArea - best.area > Math.max(minM2, ownArea * 0.01)) {
      warnings.push({
        code: 'community_outside',
        message: `boundaries ${f.ref} (community ${f.name}): ${Math.round(ownArea - best.area)} m² (${((100 * (ownArea - best.area)) / ownArea).toFixed(1)} %) lies outside its sub-district ${best.sub.name}: clipped`,
        feature: f.ref,
      });
    }
    let polygons = best.part;
    for (const prev of communities) {
      if (prev.subdistrict !== best.sub.code || !overlaps(bboxOf(polygons), bboxOf(prev.polygons))) continue;
      const cut = fromPc(polygonClipping.difference(asPc(polygons), asPc(prev.polygons)));
      const lost = multiArea(polygons) - multiArea(cut);
      if (lost > minM2)
        warnings.push({
          code: 'community_overlap',
          message: `boundaries ${f.ref} (community ${f.name}) overlaps ${prev.ref} (${prev.name}) by ${Math.round(lost)} m²: the overlap is kept in ${prev.name}`,
          feature: f.ref,
        });
      polygons = cut;
    }
    const area = multiArea(polygons);
    if (area > 0) communities.push({ code: f.code, name: f.name, ref: f.ref, polygons, area, subdistrict: best.sub.code });
  }
  return { subdistricts, communities, warnings };
}
