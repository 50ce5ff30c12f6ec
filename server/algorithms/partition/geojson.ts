/**
 * GeoJSON → engine input, with validation that names the feature and the problem. Pure, no I/O.
 */
import type { Barrier, BarrierClass, PartitionUnit } from './types';

export interface FeatureProblem {
  index: number;
  id: string | null;
  problem: string;
}
export class InputError extends Error {
  constructor(readonly detail: FeatureProblem) {
    super(`feature ${detail.index} (id ${detail.id ?? '?'}): ${detail.problem}`);
  }
}

const STREET_CLASS: Record<string, BarrierClass> = {
  major: 'major',
  minor: 'minor',
  rail: 'rail',
  water: 'water',
  arterial: 'major',
  secondary: 'major',
  primary: 'major',
  trunk: 'major',
  motorway: 'major',
  local: 'minor',
  lane: 'minor',
  path: 'minor',
  residential: 'minor',
  tertiary: 'minor',
  service: 'minor',
  railway: 'rail',
  river: 'water',
  canal: 'water',
};

function features(fc: unknown): Record<string, unknown>[] {
  if (!fc || typeof fc !== 'object' || (fc as { type?: unknown }).type !== 'FeatureCollection' || !Array.isArray((fc as { features?: unknown }).features)) {
    throw new InputError({ index: -1, id: null, problem: 'not a GeoJSON FeatureCollection' });
  }
  return (fc as { features: Record<string, unknown>[] }).features;
}

function checkPosition(p: unknown, fail: (m: string) => never): void {
  if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))
    fail('invalid coordinate (not a [lon, lat] number pair)');
  const [x, y] = p as number[];
  if (Math.abs(y) > 90 && Math.abs(x) <= 90) fail(`coordinate [${x}, ${y}] has |lat| > 90: lat/lon look swapped (expected [lon, lat] in WGS84)`);
  if (Math.abs(x) > 180 || Math.abs(y) > 90) fail(`coordinate [${x}, ${y}] is outside the lon/lat range (expected WGS84 degrees)`);
}

const pick = (props: Record<string, unknown>, ...names: string[]) => {
  for (const n of names) if (props[n] !== undefined && props[n] !== null && props[n] !== '') return String(props[n]);
  return null;
};

export function unitsFromGeoJSON(fc: unknown): PartitionUnit[] {
  const fs = features(fc);
  const seen = new Set<string>();
  return fs.map((f, index) => {
    const props = (f && typeof f === 'object' && f.properties && typeof f.properties === 'object' ? f.properties : {}) as Record<string, unknown>;
    const rawId = props.id ?? (f as { id?: unknown }).id;
    const id = rawId === undefined || rawId === null || rawId === '' ? null : String(rawId);
    const fail = (problem: string): never => {
      throw new InputError({ index, id, problem });
    };
    if (id === null) fail('missing properties.id');
    if (seen.has(id!)) fail(`duplicate id ${id}`);
    seen.add(id!);
    const h = props.households;
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 0) fail(`households must be a non-negative integer (got ${JSON.stringify(h)})`);
    const geom = (f as { geometry?: { type?: string; coordinates?: unknown } }).geometry;
    if (!geom || (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon')) fail(`geometry must be Polygon or MultiPolygon (got ${geom?.type ?? 'null'})`);
    const polys = (geom!.type === 'Polygon' ? [geom!.coordinates] : geom!.coordinates) as unknown[];
    if (!Array.isArray(polys) || !polys.length) fail('empty geometry');
    for (const poly of polys) {
      if (!Array.isArray(poly) || !poly.length) fail('empty polygon');
      for (const ring of poly as unknown[]) {
        if (!Array.isArray(ring) || ring.length < 4) fail('polygon ring with fewer than 4 positions');
        for (const p of ring as unknown[]) checkPosition(p, fail);
      }
    }
    return {
      id: id!,
      households: h as number,
      subdistrict: pick(props, 'subdistrict', 'subdistrict_id'),
      community: pick(props, 'community', 'community_id'),
      compound: pick(props, 'compound', 'compound_id'),
      polygons: polys as number[][][][],
    };
  });
}

export function barriersFromGeoJSON(fc: unknown): Barrier[] {
  const fs = features(fc);
  const out: Barrier[] = [];
  fs.forEach((f, index) => {
    const props = (f && typeof f === 'object' && f.properties && typeof f.properties === 'object' ? f.properties : {}) as Record<string, unknown>;
    const id = props.id === undefined || props.id === null ? null : String(props.id);
    const fail = (problem: string): never => {
      throw new InputError({ index, id, problem });
    };
    const raw = pick(props, 'class', 'kind_detail', 'kind');
    const cls = raw ? STREET_CLASS[raw.toLowerCase()] : undefined;
    if (!cls) fail(`properties.class must be one of major, minor, rail, water (or arterial, secondary, local, lane, path); got ${JSON.stringify(raw)}`);
    const geom = (f as { geometry?: { type?: string; coordinates?: unknown } }).geometry;
    if (!geom || (geom.type !== 'LineString' && geom.type !== 'MultiLineString'))
      fail(`geometry must be LineString or MultiLineString (got ${geom?.type ?? 'null'})`);
    const lines = (geom!.type === 'LineString' ? [geom!.coordinates] : geom!.coordinates) as unknown[];
    for (const line of lines) {
      if (!Array.isArray(line) || line.length < 2) fail('line with fewer than 2 positions');
      for (const p of line as unknown[]) checkPosition(p, fail);
    }
    out.push({ cls: cls!, lines: lines as number[][][] });
  });
  return out;
}
