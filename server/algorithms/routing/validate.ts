/**
 * Validation of GeoJSON inputs for the routing CLIs and plugins (pure: takes parsed JSON).
 * Every problem is an InputError whose message names the file, the feature and the problem.
 */
import type { Feature, LineString, MultiLineString, Position } from 'geojson';

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface PointInput {
  id: string;
  lon: number;
  lat: number;
  properties: Record<string, unknown>;
}

function featuresOf(doc: unknown, file: string): Feature[] {
  const d = doc as { type?: string; features?: unknown };
  if (d && d.type === 'FeatureCollection' && Array.isArray(d.features)) return d.features as Feature[];
  if (d && d.type === 'Feature') return [d as unknown as Feature];
  if (Array.isArray(doc)) return doc as Feature[];
  throw new InputError(`${file}: not a GeoJSON FeatureCollection`);
}

function label(f: Feature, i: number): string {
  const id = (f?.properties as Record<string, unknown> | null)?.id ?? f?.id;
  return id !== undefined && id !== null ? `feature ${i} (id ${String(id)})` : `feature ${i}`;
}

function checkPosition(p: Position, file: string, where: string): void {
  if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
    throw new InputError(`${file}: ${where}: coordinate is not a [lon, lat] number pair`);
  }
  const [x, y] = p;
  if (Math.abs(y) > 90 && Math.abs(x) <= 90) {
    throw new InputError(`${file}: ${where}: latitude ${y} out of range; coordinates look like [lat, lon], GeoJSON needs [lon, lat] (swapped lat/lon?)`);
  }
  if (Math.abs(y) > 90 || Math.abs(x) > 180) throw new InputError(`${file}: ${where}: coordinate [${x}, ${y}] is not WGS84 lon/lat`);
}

/** Point features with unique string/number properties.id. */
export function parsePoints(doc: unknown, file: string, what = 'point'): PointInput[] {
  const feats = featuresOf(doc, file);
  const seen = new Map<string, number>();
  const out: PointInput[] = [];
  feats.forEach((f, i) => {
    const where = label(f, i);
    if (!f || f.type !== 'Feature') throw new InputError(`${file}: ${where}: not a GeoJSON Feature`);
    if (!f.geometry || f.geometry.type !== 'Point')
      throw new InputError(`${file}: ${where}: ${what} must be a Point, got ${f.geometry ? f.geometry.type : 'no geometry'}`);
    const props = (f.properties ?? {}) as Record<string, unknown>;
    const rawId = props.id ?? f.id;
    if (rawId === undefined || rawId === null || rawId === '') throw new InputError(`${file}: ${where}: missing properties.id`);
    if (typeof rawId !== 'string' && typeof rawId !== 'number') throw new InputError(`${file}: ${where}: properties.id must be a string or number`);
    const id = String(rawId);
    if (seen.has(id)) throw new InputError(`${file}: ${where}: duplicate id ${id} (also feature ${seen.get(id)})`);
    seen.set(id, i);
    checkPosition(f.geometry.coordinates, file, where);
    out.push({ id, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], properties: props });
  });
  return out;
}

/** LineString / MultiLineString features (street centre lines). */
export function parseLines(doc: unknown, file: string): Feature<LineString | MultiLineString>[] {
  const feats = featuresOf(doc, file);
  const out: Feature<LineString | MultiLineString>[] = [];
  feats.forEach((f, i) => {
    const where = label(f, i);
    if (!f || f.type !== 'Feature') throw new InputError(`${file}: ${where}: not a GeoJSON Feature`);
    const g = f.geometry;
    if (!g || (g.type !== 'LineString' && g.type !== 'MultiLineString')) {
      throw new InputError(`${file}: ${where}: street must be a LineString, got ${g ? g.type : 'no geometry'}`);
    }
    const parts = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
    for (const p of parts) {
      if (!Array.isArray(p) || p.length < 2) throw new InputError(`${file}: ${where}: a line needs at least 2 coordinates`);
      for (const c of p) checkPosition(c, file, where);
    }
    out.push(f as Feature<LineString | MultiLineString>);
  });
  if (out.length === 0) throw new InputError(`${file}: no street features`);
  return out;
}

/** Bounding box of the lines, [minLon, minLat, maxLon, maxLat]. */
export function linesBbox(lines: Feature<LineString | MultiLineString>[]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of lines) {
    const parts = f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const p of parts)
      for (const [x, y] of p) {
        b[0] = Math.min(b[0], x);
        b[1] = Math.min(b[1], y);
        b[2] = Math.max(b[2], x);
        b[3] = Math.max(b[3], y);
      }
  }
  return b;
}

/**
 * Points must lie near the streets. A point outside the (padded) street bbox that would fall
 * inside it with lon/lat swapped is reported as swapped; others as far away.
 */
export function checkPointsNearStreets(points: PointInput[], bbox: [number, number, number, number], file: string, padDeg = 0.05): void {
  const inside = (x: number, y: number) => x >= bbox[0] - padDeg && x <= bbox[2] + padDeg && y >= bbox[1] - padDeg && y <= bbox[3] + padDeg;
  points.forEach((p, i) => {
    if (inside(p.lon, p.lat)) return;
    if (inside(p.lat, p.lon))
      throw new InputError(
        `${file}: feature ${i} (id ${p.id}): [${p.lon}, ${p.lat}] lies off the streets but [${p.lat}, ${p.lon}] would not: lat/lon swapped?`,
      );
    throw new InputError(`${file}: feature ${i} (id ${p.id}): [${p.lon}, ${p.lat}] is far outside the street network`);
  });
}
