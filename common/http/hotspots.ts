/**
 * Incidents and hot spots over HTTP (/api/incidents/columns, /api/hotspots, /api/hotspots/zones):
 * the incident columns, the zones as GeoJSON, the query of a hot spot request and its answer (Gi*
 * classes, or emerging patterns). The server's hot spot service and the client's api/hotspots.ts
 * and hot spot layers use these.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';

export const INCIDENT_TYPES = ['public_order', 'fire_risk', 'dispute', 'environment', 'facilities', 'other'] as const;
export type IncidentTypeCode = (typeof INCIDENT_TYPES)[number];

export type ZoneKind = 'grids' | 'hex';
export const HOT_SPOT_CLASSES = ['hot99', 'hot95', 'hot90', 'ns', 'cold90', 'cold95', 'cold99'] as const;
export type HotSpotClass = (typeof HOT_SPOT_CLASSES)[number];

/** GET /api/incidents/columns: every incident as columns. */
export interface IncidentColumnsJson {
  n: number;
  lon: number[];
  lat: number[];
  /** epoch seconds */
  t: number[];
  /** index into types */
  type: number[];
  types: string[];
  /** index into grids, -1 = no grid */
  grid: number[];
  grids: string[];
  /** epoch s of the first and last incident (0 when none) */
  tMin: number;
  tMax: number;
}

export interface ZoneProps {
  id: string;
  /** grids: households; hexagons: null */
  households: number | null;
  subdistrict_id: string | null;
  community_id: string | null;
  plan_id: number | null;
  [k: string]: unknown;
}
/** GET /api/hotspots/zones. */
export type ZonesFc = FeatureCollection<Polygon | MultiPolygon, ZoneProps> & { zones: ZoneKind };

/** The client's hot spot request (sent as the query string of GET /api/hotspots). */
export interface HotSpotParams {
  zones: ZoneKind;
  mode: 'gistar' | 'emerging';
  from?: string;
  to?: string;
  types?: string[];
  hours?: number[];
  weekdays?: number[];
  fdr?: boolean;
  value?: 'count' | 'rate';
  cell?: number;
}

/** A zone's Gi* result. */
export interface GiZoneResult {
  id: string;
  count: number;
  /** the count or the rate per 1,000 households the statistic ran on */
  value: number;
  z: number;
  p: number;
  q: number;
  class: HotSpotClass;
}

/** A zone's emerging hot spot result. */
export interface EmergingZoneResult {
  id: string;
  count: number;
  /** ArcGIS-like pattern name (new_hot, intensifying_hot, …, no_pattern) */
  pattern: string;
  trend_z: number;
  trend_p: number;
  hot_weeks: number;
  cold_weeks: number;
}

/** GET /api/hotspots (mode gistar). */
export interface GiStarAnswer {
  zones: ZoneKind;
  mode: 'gistar';
  fdr: boolean;
  value: 'count' | 'rate';
  /** incidents passing the filter */
  n: number;
  /** of those, in no zone */
  outside: number;
  ms: number;
  results: GiZoneResult[];
}

/** GET /api/hotspots?mode=emerging. */
export interface EmergingAnswer {
  zones: ZoneKind;
  mode: 'emerging';
  fdr: boolean;
  n: number;
  outside: number;
  weeks: number;
  /** epoch s of the first week's start */
  start: number;
  ms: number;
  results: EmergingZoneResult[];
}

export type HotSpotAnswer = GiStarAnswer | EmergingAnswer;
