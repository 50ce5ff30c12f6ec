import type { Geometry, Position } from 'geojson';
import type { Layer, RawFeature } from '../../common/gis-files/feature-types';

/** The district's generous bounding box (Yingjiang, 迎江区), WGS84. */
export const DISTRICT_BBOX = { west: 116.9, south: 30.3, east: 117.4, north: 30.8 } as const;
/** Mainland China and its islands: where a district's first boundaries may lie. */
export const CHINA_BBOX = { west: 73, south: 3, east: 136, north: 54 } as const;

/** Geometry types each layer takes (polygons for points layers are reduced to a point on surface). */
export const LAYER_GEOMETRY: Record<Layer, readonly Geometry['type'][]> = {
  streets: ['LineString', 'MultiLineString'],
  water: ['Polygon', 'MultiPolygon'],
  buildings: ['Polygon', 'MultiPolygon'],
  shops: ['Point', 'MultiPoint', 'Polygon', 'MultiPolygon'],
  incidents: ['Point', 'MultiPoint', 'Polygon', 'MultiPolygon'],
  boundaries: ['Polygon', 'MultiPolygon'],
  register: ['Point'],
};

/** Array levels of `coordinates` per geometry type (a Point is [x, y]: one level). */
const COORDINATE_LEVELS: Record<string, number> = { Point: 1, MultiPoint: 2, LineString: 2, MultiLineString: 3, Polygon: 3, MultiPolygon: 4 };
/** Deepest GeometryCollection nesting, and deepest properties object, a file may have. */
export const MAX_COLLECTION_DEPTH = 8;
export const MAX_PROPERTIES_DEPTH = 32;

/** Depth of nested arrays/objects in a JSON value, counted iteratively up to `limit + 1` (never overflows the stack). */
export function jsonDepthOver(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d + 1 > limit) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (x && typeof x === 'object') stack.push([x, d + 1]);
  }
  return false;
}

/**
 * Nesting a geometry must not have, checked BEFORE anything recurses over it: coordinates deeper
 * than the geometry type allows (a Point whose coordinates are nested 100,000 deep would overflow
 * the stack of every recursive walk), or GeometryCollections nested more than
 * MAX_COLLECTION_DEPTH deep. Iterative. Returns the problem or null.
 */
export function nestingProblem(geometry: unknown): string | null {
  const stack: Array<[unknown, number]> = [[geometry, 0]];
  while (stack.length) {
    const [g, level] = stack.pop()!;
    if (!g || typeof g !== 'object') continue;
    const { type, coordinates, geometries } = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
    if (type === 'GeometryCollection') {
      if (level >= MAX_COLLECTION_DEPTH) return `GeometryCollection nested more than ${MAX_COLLECTION_DEPTH} deep`;
      if (Array.isArray(geometries)) for (const x of geometries) stack.push([x, level + 1]);
      continue;
    }
    const levels = COORDINATE_LEVELS[String(type)];
    if (levels !== undefined && jsonDepthOver(coordinates, levels)) return `${String(type)} coordinates nested deeper than ${levels} level(s) of arrays`;
  }
  return null;
}

/** Every position of a geometry. */
export function* positionsOf(g: Geometry): Generator<Position> {
  switch (g.type) {
    case 'Point':
      yield g.coordinates;
      break;
    case 'MultiPoint':
    case 'LineString':
      yield* g.coordinates;
      break;
    case 'MultiLineString':
    case 'Polygon':
      for (const r of g.coordinates) yield* r;
      break;
    case 'MultiPolygon':
      for (const p of g.coordinates) for (const r of p) yield* r;
      break;
    case 'GeometryCollection':
      for (const x of g.geometries) yield* positionsOf(x);
      break;
  }
}

function fmt(p: Position): string {
  return `[${p.map((v) => String(v)).join(', ')}]`;
}

/**
 * JS-side coordinate sanity of one feature: every position two finite numbers, longitude within
 * ±180 and latitude within ±90. Returns the problem or null. A latitude beyond ±90 with a
 * longitude that would be a valid latitude is reported as swapped order.
 */
export function coordinateProblem(g: Geometry): string | null {
  for (const p of positionsOf(g)) {
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      return `coordinate ${JSON.stringify(p)} is not a pair of numbers`;
    }
    const [lon, lat] = p;
    if (Math.abs(lat) > 90 && Math.abs(lon) <= 90 && Math.abs(lat) <= 180) {
      return `coordinate ${fmt(p)} has latitude ${lat}: looks like lat/lon order is swapped`;
    }
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90) return `coordinate ${fmt(p)} is out of range (longitude ±180, latitude ±90)`;
  }
  return null;
}

export interface BBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

export function bboxOf(g: Geometry): BBox {
  const b = { west: Infinity, south: Infinity, east: -Infinity, north: -Infinity };
  for (const [x, y] of positionsOf(g)) {
    if (x < b.west) b.west = x;
    if (x > b.east) b.east = x;
    if (y < b.south) b.south = y;
    if (y > b.north) b.north = y;
  }
  return b;
}

function haversineKm(a: Position, b: Position): number {
  const r = Math.PI / 180;
  const dLat = (b[1] - a[1]) * r;
  const dLon = (b[0] - a[0]) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Kilometres from a position to the district bbox (0 inside). */
export function kmFromDistrict(p: Position, box: BBox = DISTRICT_BBOX): number {
  const q: Position = [Math.min(Math.max(p[0], box.west), box.east), Math.min(Math.max(p[1], box.south), box.north)];
  return haversineKm(p, q);
}

/** Kilometres from a geometry (its nearest vertex) to the district bbox. */
export function geometryKmFromDistrict(g: Geometry, box: BBox = DISTRICT_BBOX): number {
  let best = Infinity;
  for (const p of positionsOf(g)) {
    const d = kmFromDistrict(p, box);
    if (d < best) best = d;
    if (best === 0) break;
  }
  return best;
}

/**
 * The file-level location check for data meant for this district: null when some feature lies in
 * the district; otherwise the message explaining why not (swapped order, or a wrong datum / another city).
 */
export function districtProblem(features: RawFeature[], box: BBox = DISTRICT_BBOX): { feature: string; problem: string } | null {
  if (features.length === 0) return null;
  let nearest = Infinity;
  let nearestRef = features[0].ref;
  let swappedInside = 0;
  for (const f of features) {
    const d = geometryKmFromDistrict(f.geometry, box);
    if (d === 0) return null;
    if (d < nearest) {
      nearest = d;
      nearestRef = f.ref;
    }
    const first = positionsOf(f.geometry).next().value as Position | undefined;
    if (first && kmFromDistrict([first[1], first[0]], box) === 0) swappedInside++;
  }
  if (swappedInside === features.length) {
    return { feature: features[0].ref, problem: 'every coordinate is outside the district but inside it when swapped: looks like lat/lon order is swapped' };
  }
  return {
    feature: nearestRef,
    problem: `${Math.round(nearest)} km from the district: is the datum right? (GCJ-02 data declared as WGS84?) Pass --anywhere to import data from elsewhere`,
  };
}

/** Closes open polygon rings (a JS-side repair); returns the geometry and whether it changed. */
export function closeRings(g: Geometry): { geometry: Geometry; changed: boolean } {
  let changed = false;
  const close = (ring: Position[]): Position[] => {
    const a = ring[0];
    const b = ring[ring.length - 1];
    if (ring.length > 0 && (a[0] !== b[0] || a[1] !== b[1])) {
      changed = true;
      return [...ring, a];
    }
    return ring;
  };
  if (g.type === 'Polygon') return { geometry: { type: 'Polygon', coordinates: g.coordinates.map(close) }, changed };
  if (g.type === 'MultiPolygon') {
    return { geometry: { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(close)) }, changed };
  }
  return { geometry: g, changed };
}

function distinct(ps: Position[]): number {
  return new Set(ps.map((p) => `${p[0]},${p[1]}`)).size;
}

/** Shape problems PostGIS cannot repair: lines with < 2 distinct points, rings with < 3 distinct points. */
export function degenerateProblem(g: Geometry): string | null {
  switch (g.type) {
    case 'LineString':
      return distinct(g.coordinates) < 2 ? 'line with fewer than 2 distinct points' : null;
    case 'MultiLineString':
      return g.coordinates.every((l) => distinct(l) < 2) ? 'line with fewer than 2 distinct points' : null;
    case 'Polygon':
      return g.coordinates.length === 0 || distinct(g.coordinates[0]) < 3 ? 'polygon ring with fewer than 3 distinct points' : null;
    case 'MultiPolygon':
      return g.coordinates.every((p) => p.length === 0 || distinct(p[0]) < 3) ? 'polygon ring with fewer than 3 distinct points' : null;
    case 'Point':
    case 'MultiPoint':
      return null;
    case 'GeometryCollection':
      return 'GeometryCollection is not supported';
  }
}

/**
 * JS-side repairs PostGIS would choke on while parsing: closes open rings, drops holes with fewer
 * than 3 distinct points and line parts with fewer than 2. Returns whether anything changed.
 */
export function tidyGeometry(g: Geometry): { geometry: Geometry; changed: boolean } {
  const closed = closeRings(g);
  let changed = closed.changed;
  const h = closed.geometry;
  const keepHoles = (rings: Position[][]): Position[][] => {
    const kept = rings.filter((r, i) => i === 0 || distinct(r) >= 3);
    if (kept.length !== rings.length) changed = true;
    return kept;
  };
  if (h.type === 'Polygon') return { geometry: { type: 'Polygon', coordinates: keepHoles(h.coordinates) }, changed };
  if (h.type === 'MultiPolygon') {
    const polys = h.coordinates.filter((p) => p.length > 0 && distinct(p[0]) >= 3).map(keepHoles);
    if (polys.length !== h.coordinates.length) changed = true;
    return { geometry: { type: 'MultiPolygon', coordinates: polys }, changed };
  }
  if (h.type === 'MultiLineString') {
    const parts = h.coordinates.filter((l) => distinct(l) >= 2);
    if (parts.length !== h.coordinates.length) changed = true;
    return { geometry: { type: 'MultiLineString', coordinates: parts }, changed };
  }
  return { geometry: h, changed };
}
