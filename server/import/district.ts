/**
 * The raw files of a district (boundaries, streets, household register, buildings) → input of
 * `partitionDistrict`, with validation that names the file, the feature or CSV line and the
 * problem (`DistrictInputError`). Reuses the importer's CSV parser, text decoding and datum
 * conversion. Pure (bytes and parsed JSON in, data out), no I/O.
 */
import { parseCsv } from './csv';
import { decodeText } from './decode';
import { toWgs84 } from './datum';
import { ParseFailure } from '../../common/gis-files/parse-errors';
import type { Datum } from '../../common/gis-files/feature-types';
import { isWaterArea, lineRole } from '../algorithms/units';
import type { AreaFeature } from '../algorithms/units';
import type { BuildingFootprint, DistrictWarning, DividingLine, HouseholdRow } from '../algorithms/units';

export type DistrictFile = 'boundaries' | 'streets' | 'households' | 'buildings' | 'water';

export class DistrictInputError extends Error {
  constructor(
    readonly file: DistrictFile,
    readonly where: string | null,
    readonly problem: string,
  ) {
    super(where ? `${where}: ${problem}` : problem);
    this.name = 'DistrictInputError';
  }
}

type Json = Record<string, unknown>;

function featuresOf(file: DistrictFile, fc: unknown): unknown[] {
  if (!fc || typeof fc !== 'object' || (fc as Json).type !== 'FeatureCollection' || !Array.isArray((fc as Json).features)) {
    throw new DistrictInputError(file, null, 'not a GeoJSON FeatureCollection');
  }
  const fs = (fc as { features: unknown[] }).features;
  if (!fs.length) throw new DistrictInputError(file, null, 'the FeatureCollection has no features');
  return fs;
}

/** Checks one [lon, lat] position (WGS84 degrees); names swapped coordinates. */
export function positionProblem(p: unknown): string | null {
  if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))
    return 'invalid coordinate (not a [lon, lat] number pair)';
  const [x, y] = p as number[];
  if (Math.abs(y) > 90 && Math.abs(x) <= 90)
    return `coordinate [${x}, ${y}] has latitude ${y} outside [-90, 90]: longitude and latitude look swapped (expected [lon, lat])`;
  if (Math.abs(x) > 180 || Math.abs(y) > 90)
    return `coordinate [${x}, ${y}] is outside the longitude/latitude range (expected WGS84 degrees, not projected metres)`;
  return null;
}

function checkPositions(file: DistrictFile, ref: string, coords: unknown, depth: number): void {
  if (!Array.isArray(coords)) throw new DistrictInputError(file, ref, 'geometry has no coordinates array');
  if (depth === 0) {
    const pr = positionProblem(coords);
    if (pr) throw new DistrictInputError(file, ref, pr);
    return;
  }
  for (const c of coords) checkPositions(file, ref, c, depth - 1);
}

const text = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : null;

function polygonsOf(file: DistrictFile, ref: string, g: unknown): number[][][][] {
  const geom = g as { type?: unknown; coordinates?: unknown } | null;
  if (!geom || typeof geom !== 'object') throw new DistrictInputError(file, ref, 'no geometry');
  if (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon')
    throw new DistrictInputError(file, ref, `geometry ${String(geom.type)} is not a Polygon or MultiPolygon`);
  checkPositions(file, ref, geom.coordinates, geom.type === 'Polygon' ? 2 : 3);
  const polys = (geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates) as number[][][][];
  return polys.map((poly) =>
    poly.map((ring, k) => {
      if (ring.length < 3) throw new DistrictInputError(file, ref, `ring ${k} has ${ring.length} positions (a ring needs at least 4)`);
      const closed = ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1];
      const r = ring.map((p) => [p[0], p[1]]);
      if (!closed) r.push([ring[0][0], ring[0][1]]);
      if (r.length < 4) throw new DistrictInputError(file, ref, `ring ${k} has ${ring.length} positions (a ring needs at least 4)`);
      return r;
    }),
  );
}

const LEVEL: Record<string, 'subdistrict' | 'community'> = {
  subdistrict: 'subdistrict',
  街道: 'subdistrict',
  乡: 'subdistrict',
  镇: 'subdistrict',
  township: 'subdistrict',
  community: 'community',
  社区: 'community',
  村: 'community',
};

/** B: sub-district and community polygons (`properties.level`, `code`, `name`), WGS84. */
export function parseBoundaries(fc: unknown): AreaFeature[] {
  const out: AreaFeature[] = [];
  const seen = new Map<string, string>();
  featuresOf('boundaries', fc).forEach((f, i) => {
    const props = ((f as Json)?.properties ?? {}) as Json;
    const code = text(props.code);
    let ref = `feature ${i}${code ? ` (code ${code})` : ''}`;
    if (!f || typeof f !== 'object' || (f as Json).type !== 'Feature') throw new DistrictInputError('boundaries', ref, 'not a GeoJSON Feature');
    const levelRaw = text(props.level);
    if (!levelRaw) throw new DistrictInputError('boundaries', ref, 'missing properties.level (subdistrict or community)');
    const level = LEVEL[levelRaw.toLowerCase()];
    if (!level) throw new DistrictInputError('boundaries', ref, `properties.level "${levelRaw}" is not subdistrict or community`);
    if (!code) throw new DistrictInputError('boundaries', ref, 'missing properties.code (a string)');
    const name = text(props.name) ?? code;
    ref = `feature ${i} (code ${code})`;
    const key = `${level}:${code}`;
    if (seen.has(key)) throw new DistrictInputError('boundaries', ref, `duplicate ${level} code ${code} (also ${seen.get(key)})`);
    seen.set(key, `feature ${i}`);
    out.push({ level, code, name, ref, polygons: polygonsOf('boundaries', ref, (f as Json).geometry) });
  });
  if (!out.some((a) => a.level === 'subdistrict')) throw new DistrictInputError('boundaries', null, 'no feature has properties.level = subdistrict');
  return out;
}

/**
 * R: street centre lines (ogr2ogr OSM `highway` / `other_tags`, Tilezen kind, or `class`), WGS84.
 * Polygons tagged as water (natural=water, waterway=riverbank, …: `isWaterArea`) in the same file
 * are water areas; any other polygon is refused.
 */
export function parseStreets(fc: unknown): { lines: DividingLine[]; water: number[][][][]; skipped: Record<string, number> } {
  const lines: DividingLine[] = [];
  const water: number[][][][] = [];
  const skipped: Record<string, number> = {};
  featuresOf('streets', fc).forEach((f, i) => {
    const props = ((f as Json)?.properties ?? {}) as Json;
    const id = text(props.osm_id) ?? text(props.osm_way_id) ?? text(props.id) ?? text((f as Json)?.id);
    const ref = `feature ${i}${id ? ` (id ${id})` : ''}`;
    if (!f || typeof f !== 'object' || (f as Json).type !== 'Feature') throw new DistrictInputError('streets', ref, 'not a GeoJSON Feature');
    const g = (f as Json).geometry as { type?: unknown; coordinates?: unknown } | null;
    if (!g) {
      skipped['no geometry'] = (skipped['no geometry'] ?? 0) + 1;
      return;
    }
    if ((g.type === 'Polygon' || g.type === 'MultiPolygon') && isWaterArea(props)) {
      water.push(...polygonsOf('streets', ref, g));
      return;
    }
    if (g.type !== 'LineString' && g.type !== 'MultiLineString') {
      throw new DistrictInputError(
        'streets',
        ref,
        `geometry ${String(g.type)} is not a LineString or MultiLineString${g.type === 'Polygon' || g.type === 'MultiPolygon' ? ' (a polygon is read only as water: natural=water, waterway=riverbank, landuse=reservoir)' : ''}`,
      );
    }
    checkPositions('streets', ref, g.coordinates, g.type === 'LineString' ? 1 : 2);
    const r = lineRole(props);
    if ('skip' in r) {
      skipped[r.skip] = (skipped[r.skip] ?? 0) + 1;
      return;
    }
    const parts = (g.type === 'LineString' ? [g.coordinates] : g.coordinates) as number[][][];
    for (const coords of parts) if (coords.length >= 2) lines.push({ role: r.role, coords: coords.map((p) => [p[0], p[1]]) });
  });
  return { lines, water, skipped };
}

/** W (optional `--water`): water areas (rivers, lakes), Polygon/MultiPolygon, WGS84; every feature is water. */
export function parseWater(fc: unknown): number[][][][] {
  return featuresOf('water', fc).flatMap((f, i) => {
    const props = ((f as Json)?.properties ?? {}) as Json;
    const id = text(props.osm_id) ?? text(props.id) ?? text(props.name) ?? text((f as Json)?.id);
    const ref = `feature ${i}${id ? ` (id ${id})` : ''}`;
    if (!f || typeof f !== 'object' || (f as Json).type !== 'Feature') throw new DistrictInputError('water', ref, 'not a GeoJSON Feature');
    return polygonsOf('water', ref, (f as Json).geometry);
  });
}

/** F: building footprints (optional), WGS84. */
export function parseBuildings(fc: unknown): BuildingFootprint[] {
  return featuresOf('buildings', fc).map((f, i) => {
    const props = ((f as Json)?.properties ?? {}) as Json;
    const id = text(props.id) ?? text(props.osm_id) ?? text(props.楼栋编号) ?? text((f as Json)?.id) ?? String(i);
    const ref = `feature ${i} (id ${id})`;
    if (!f || typeof f !== 'object' || (f as Json).type !== 'Feature') throw new DistrictInputError('buildings', ref, 'not a GeoJSON Feature');
    return { id, ref, polygons: polygonsOf('buildings', ref, (f as Json).geometry) };
  });
}

const HOUSEHOLDS = ['户数', 'households', 'household', 'hh', '户'];
const BUILDING = ['楼栋编号', '楼栋', '楼号', 'building_id', 'building', 'id', '编号'];
const COMPOUND = ['小区', '小区名称', 'compound', 'compound_name', 'estate'];
const pickKey = (props: Record<string, unknown>, headers: string[], names: string[]) => {
  const lower = headers.map((h) => h.trim().toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n.toLowerCase());
    if (i >= 0) return headers[i].trim();
  }
  return null;
};

/**
 * H: the household register CSV (UTF-8 with or without BOM, or GBK; CRLF or LF), one row per
 * building: building id, compound (may be empty), lon, lat, households; coordinates in `datum`.
 * `bbox` (the boundaries' [minLon, minLat, maxLon, maxLat]) lets a row whose coordinates are
 * swapped but both in range be named as such.
 */
export function parseHouseholds(
  bytes: Uint8Array,
  datum: Datum,
  bbox?: [number, number, number, number],
): { rows: HouseholdRow[]; warnings: DistrictWarning[]; encoding: string } {
  const { text: csv, encoding } = decodeText(bytes);
  let parsed;
  try {
    parsed = parseCsv(csv);
  } catch (e) {
    if (e instanceof ParseFailure) throw new DistrictInputError('households', e.feature ?? null, e.problem);
    throw e;
  }
  const headerLine = csv.slice(0, csv.search(/\r?\n|$/)).replace(/^\uFEFF/, '');
  const headers = headerLine.split(/[,;\t|]/).map((h) => h.trim().replace(/^"|"$/g, ''));
  const warnings: DistrictWarning[] = [];
  const hhKey = pickKey({}, headers, HOUSEHOLDS);
  const bKey = pickKey({}, headers, BUILDING);
  const cKey = pickKey({}, headers, COMPOUND);
  if (!hhKey)
    warnings.push({
      code: 'no_households_column',
      message: `households: no households column (${HOUSEHOLDS.join('/')}) in the header (${headers.join(', ')}): each row counts as one household`,
      file: 'households',
    });
  const seen = new Map<string, string>();
  const inBox = (x: number, y: number) => !!bbox && x >= bbox[0] && x <= bbox[2] && y >= bbox[1] && y <= bbox[3];
  const rows: HouseholdRow[] = parsed.features.map((f) => {
    const [lon, lat] = (f.geometry as { coordinates: number[] }).coordinates;
    if (Math.abs(lat) > 90 && Math.abs(lon) <= 90)
      throw new DistrictInputError('households', f.ref, `latitude ${lat} is outside [-90, 90]: longitude and latitude look swapped`);
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90)
      throw new DistrictInputError('households', f.ref, `longitude ${lon}, latitude ${lat} is outside the longitude/latitude range (expected degrees)`);
    if (bbox && !inBox(lon, lat) && inBox(lat, lon))
      throw new DistrictInputError(
        'households',
        f.ref,
        `longitude ${lon}, latitude ${lat} lies outside the boundaries but ${lat}, ${lon} lies inside: longitude and latitude look swapped`,
      );
    let households = 1;
    if (hhKey) {
      const raw = f.properties[hhKey];
      const s = typeof raw === 'string' ? raw.trim() : '';
      if (!/^\d+$/.test(s)) throw new DistrictInputError('households', f.ref, `households "${s}" is not a non-negative whole number`);
      households = Number(s);
    }
    const [x, y] = toWgs84([lon, lat], datum);
    const b = bKey ? f.properties[bKey] : undefined,
      c = cKey ? f.properties[cKey] : undefined;
    if (hhKey && typeof b === 'string' && b) {
      // one row per building: the same building twice would count its households twice
      const key = `${typeof c === 'string' ? c : ''}\u0000${b}`;
      const first = seen.get(key);
      if (first)
        warnings.push({
          code: 'duplicate_building',
          message: `households ${f.ref}: building ${b}${typeof c === 'string' && c ? ` of ${c}` : ''} is also on ${first}; both rows are counted`,
          file: 'households',
          row: f.ref,
        });
      else seen.set(key, f.ref);
    }
    return { ref: f.ref, building: typeof b === 'string' && b ? b : null, compound: typeof c === 'string' && c ? c : null, households, lon: x, lat: y };
  });
  return { rows, warnings, encoding };
}
