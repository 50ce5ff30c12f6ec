import type { Geometry, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import { buildingFloors, buildingHeight, buildingUse, classifyStreet, incidentType, nameOf, onewayOf, shopCategory, type StreetClass } from './classify';
import { TIME_KEYS } from './infer';
import { lineRole } from '../algorithms/units';
import type { Problem, RawFeature } from '../../common/gis-files/feature-types';

/**
 * Turns validated, WGS84 features into the rows of one table. Pure. Features that are not for the
 * layer by their attributes are `skipped` (by reason); features whose attributes are unusable are
 * `rejected` (with the feature named).
 */
export interface RowsResult<R> {
  rows: R[];
  rejected: Problem[];
  skipped: Record<string, number>;
}

export interface StreetPiece {
  ref: string;
  /** Source way id: pieces of one way (cut at tile edges) are joined back together. */
  sourceId?: string;
  name: string | null;
  class: StreetClass;
  oneway: boolean;
  /** false for tunnels and elevated roads (street-roles.ts): they do not divide land (default true) */
  divides?: boolean;
  geometry: LineString | MultiLineString;
}
export interface BuildingRow {
  /** Rows sharing an id (a building cut at tile edges) are merged into one footprint. */
  id: string;
  ref: string;
  use: string;
  floors: number;
  height_m: number | null;
  /** 户数 when the file gives it */
  households: number | null;
  /** building number (楼栋号) and compound name (小区) as written, for address matching of the register */
  label: string | null;
  compound_name: string | null;
  geometry: Polygon | MultiPolygon;
}
export interface ShopRow {
  id: string;
  ref: string;
  name: string;
  category: string | null;
  phone: string | null;
  geometry: Geometry;
}
export interface IncidentRow {
  id: string;
  ref: string;
  type: string;
  occurred_at: string;
  geometry: Geometry;
}
export interface BoundaryRow {
  level: 'subdistrict' | 'community';
  id: string;
  ref: string;
  code: string;
  name: string;
  kind: 'street' | 'township';
  subdistrict_id: string | null;
  households: number;
  /** the district (区/县) a sub-district belongs to, when the file names it */
  district: string | null;
  geometry: Polygon | MultiPolygon;
}

export interface WaterRow {
  id: string;
  ref: string;
  name: string | null;
  kind: 'river' | 'lake' | 'canal';
  geometry: Polygon | MultiPolygon;
}

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

/** Tilezen label points, addresses, entrances and building parts are not buildings of their own. */
const NOT_BUILDING_KINDS = new Set(['address', 'entrance', 'building_part']);

/** `${prefix}:${sourceId}`, made unique with ~2, ~3 … where a file repeats an id. */
export function makeIds(prefix: string, features: RawFeature[], unique: boolean): string[] {
  const seen = new Map<string, number>();
  return features.map((f, i) => {
    const base = `${prefix}:${f.sourceId ?? `f${i}`}`;
    if (!unique) return base;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}~${n}`;
  });
}

export function streetPieces(features: RawFeature[]): RowsResult<StreetPiece> {
  const out: RowsResult<StreetPiece> = { rows: [], rejected: [], skipped: {} };
  for (const f of features) {
    const c = classifyStreet(f.properties);
    if ('skip' in c) {
      bump(out.skipped, c.skip);
      continue;
    }
    const dir = onewayOf(f.properties);
    let g = f.geometry as LineString | MultiLineString;
    if (dir === -1) {
      g =
        g.type === 'LineString'
          ? { type: 'LineString', coordinates: [...g.coordinates].reverse() }
          : { type: 'MultiLineString', coordinates: g.coordinates.map((l) => [...l].reverse()) };
    }
    const role = lineRole(f.properties);
    const divides = !('skip' in role && (role.skip === 'tunnel' || role.skip === 'elevated'));
    out.rows.push({ ref: f.ref, sourceId: f.sourceId, name: nameOf(f.properties), class: c.class, oneway: dir !== 0, divides, geometry: g });
  }
  return out;
}

const LABEL_KEYS = ['楼栋号', '楼栋编号', '楼号', '栋号', '幢号', 'building_no', 'building_number', 'bldg_no', 'label'];
const COMPOUND_KEYS = ['小区', '小区名称', '所属小区', 'compound', 'compound_name'];
const HOUSEHOLD_KEYS = ['households', '户数', '住户数'];

function firstOf(props: Record<string, unknown>, keys: string[]): string | null {
  for (const k of keys) {
    const v = str(props[k]);
    if (v) return v;
  }
  return null;
}

/** Households of a building from its attributes: a non-negative integer, else null. */
export function buildingHouseholds(props: Record<string, unknown>): number | null {
  const v = firstOf(props, HOUSEHOLD_KEYS);
  if (v === null) return null;
  const n = Number(v.replace(/户$/, ''));
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function buildingRows(prefix: string, features: RawFeature[]): RowsResult<BuildingRow> {
  const out: RowsResult<BuildingRow> = { rows: [], rejected: [], skipped: {} };
  const ids = makeIds(prefix, features, false);
  features.forEach((f, i) => {
    const kind = f.properties.kind;
    if (typeof kind === 'string' && NOT_BUILDING_KINDS.has(kind)) {
      bump(out.skipped, `kind=${kind}`);
      return;
    }
    const height = buildingHeight(f.properties);
    out.rows.push({
      id: ids[i],
      ref: f.ref,
      use: buildingUse(f.properties),
      floors: buildingFloors(f.properties, height),
      height_m: height,
      households: buildingHouseholds(f.properties),
      label: firstOf(f.properties, LABEL_KEYS),
      compound_name: firstOf(f.properties, COMPOUND_KEYS),
      geometry: f.geometry as Polygon | MultiPolygon,
    });
  });
  return out;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;
}

export function shopRows(prefix: string, features: RawFeature[]): RowsResult<ShopRow> {
  const out: RowsResult<ShopRow> = { rows: [], rejected: [], skipped: {} };
  const ids = makeIds(prefix, features, true);
  features.forEach((f, i) => {
    const c = shopCategory(f.properties);
    if ('skip' in c) {
      bump(out.skipped, c.skip);
      return;
    }
    const name = nameOf(f.properties) ?? str(f.properties.店名) ?? c.category ?? 'shop';
    const phone = str(f.properties.phone) ?? str(f.properties['contact:phone']) ?? str(f.properties.电话);
    out.rows.push({ id: ids[i], ref: f.ref, name, category: c.category, phone, geometry: f.geometry });
  });
  return out;
}

/** ISO timestamp from a time value; a time without a zone is China time (+08:00). Null if unreadable. */
export function parseTime(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  let t = s.replace(/\//g, '-');
  if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(t)) t += 'T00:00:00';
  t = t.replace(/^(\d{4}-\d{1,2}-\d{1,2})\s+/, '$1T');
  t = t.replace(/^(\d{4})-(\d)-/, '$1-0$2-').replace(/^(\d{4}-\d{2})-(\d)(?=T|$)/, '$1-0$2');
  if (!/[zZ]$|[+-]\d{2}:?\d{2}$/.test(t)) t += '+08:00';
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export function incidentRows(prefix: string, features: RawFeature[]): RowsResult<IncidentRow> {
  const out: RowsResult<IncidentRow> = { rows: [], rejected: [], skipped: {} };
  const ids = makeIds(prefix, features, true);
  features.forEach((f, i) => {
    const key = TIME_KEYS.find((k) => f.properties[k] !== undefined && f.properties[k] !== '');
    if (!key) {
      out.rejected.push({ feature: f.ref, problem: `no time (one of ${TIME_KEYS.join('/')})` });
      return;
    }
    const at = parseTime(f.properties[key]);
    if (!at) {
      out.rejected.push({ feature: f.ref, problem: `unreadable time '${String(f.properties[key])}'` });
      return;
    }
    const type = incidentType(f.properties.type ?? f.properties.类型 ?? f.properties.kind);
    out.rows.push({ id: ids[i], ref: f.ref, type, occurred_at: at, geometry: f.geometry });
  });
  return out;
}

/**
 * Sub-district and community outlines. The id (id / adcode / code property) decides the level:
 * 9 digits → sub-district, 12 digits → community under its first 9; a 3-digit code with
 * `subdistrict` given → community of that sub-district. Boundary ids are codes, not prefixed.
 */
export function boundaryRows(features: RawFeature[], subdistrict?: string): RowsResult<BoundaryRow> {
  const out: RowsResult<BoundaryRow> = { rows: [], rejected: [], skipped: {} };
  for (const f of features) {
    const p = f.properties;
    const raw = str(p.id) ?? str(p.adcode) ?? str(p.code) ?? f.sourceId ?? null;
    const name = nameOf(p);
    if (!name) {
      out.rejected.push({ feature: f.ref, problem: 'boundary without a name' });
      continue;
    }
    let id: string | null = null;
    if (raw && /^\d{9}$/.test(raw)) id = raw;
    else if (raw && /^\d{12}$/.test(raw)) id = raw;
    else if (raw && /^\d{3}$/.test(raw) && subdistrict) id = subdistrict + raw;
    if (!id) {
      const what = raw && /^\d{6}$/.test(raw) ? `a county-level boundary (adcode ${raw})` : `id '${raw ?? ''}'`;
      out.rejected.push({
        feature: f.ref,
        problem: `${what}: only sub-districts (9-digit id) and communities (12-digit id, or 3-digit code with --subdistrict) are stored`,
      });
      continue;
    }
    const hh = Number(p.households ?? p.户数);
    const kindProp = str(p.kind);
    const kind = kindProp === 'township' || kindProp === 'street' ? kindProp : /[乡镇]$/.test(name) ? 'township' : 'street';
    out.rows.push({
      level: id.length === 9 ? 'subdistrict' : 'community',
      id,
      ref: f.ref,
      code: id.slice(-3),
      name,
      kind,
      subdistrict_id: id.length === 12 ? id.slice(0, 9) : null,
      households: Number.isFinite(hh) && hh >= 0 ? Math.round(hh) : 0,
      district: str(p.district) ?? str(p.区县) ?? str(p.county) ?? str(p.district_name) ?? null,
      geometry: f.geometry as Polygon | MultiPolygon,
    });
  }
  return out;
}

/**
 * Water areas (rivers, lakes, canals: table `water`): their inside is no land and their shore
 * divides it when units are built. The kind from OSM `water=*` / `waterway=*` / `natural=*`,
 * Tilezen `kind`, or a `kind`/`type`/`类型` field (河/湖/渠); a river otherwise.
 */
export function waterRows(prefix: string, features: RawFeature[]): RowsResult<WaterRow> {
  const out: RowsResult<WaterRow> = { rows: [], rejected: [], skipped: {} };
  const ids = makeIds(prefix, features, true);
  features.forEach((f, i) => {
    const p = f.properties;
    const text = [p.water, p.waterway, p.natural, p.kind, p.type, p.类型, p.landuse]
      .filter((v) => typeof v === 'string')
      .join(' ')
      .toLowerCase();
    const kind: WaterRow['kind'] = /canal|ditch|渠|运河/.test(text) ? 'canal' : /lake|pond|reservoir|basin|湖|塘|水库|lagoon/.test(text) ? 'lake' : 'river';
    out.rows.push({ id: ids[i], ref: f.ref, name: nameOf(p), kind, geometry: f.geometry as Polygon | MultiPolygon });
  });
  return out;
}
