/** Typed client functions for /api/incidents and /api/hotspots (re-exported through ../api). */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { getJson } from './http';

export interface IncidentColumnsJson {
  n: number;
  lon: number[];
  lat: number[];
  /** epoch seconds */
  t: number[];
  type: number[];
  types: string[];
  /** index into grids, -1 = no grid */
  grid: number[];
  grids: string[];
  tMin: number;
  tMax: number;
}

export type ZoneKind = 'grids' | 'hex';
export type HotSpotClass = 'hot99' | 'hot95' | 'hot90' | 'ns' | 'cold90' | 'cold95' | 'cold99';

export interface ZoneProps {
  id: string;
  households: number | null;
  subdistrict_id: string | null;
  community_id: string | null;
  plan_id: number | null;
  [k: string]: unknown;
}
export type ZonesFc = FeatureCollection<Polygon | MultiPolygon, ZoneProps> & { zones: ZoneKind };

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

export interface HotSpotZoneResult {
  id: string;
  count: number;
  value?: number;
  z?: number;
  p?: number;
  q?: number;
  class?: HotSpotClass;
  pattern?: string;
  trend_z?: number;
  trend_p?: number;
  hot_weeks?: number;
  cold_weeks?: number;
}

export interface HotSpotResponse {
  zones: ZoneKind;
  mode: 'gistar' | 'emerging';
  fdr: boolean;
  n: number;
  outside: number;
  weeks?: number;
  ms: number;
  results: HotSpotZoneResult[];
}

/** Query string of a hot spot request (lists as comma lists; omitted when everything is selected). */
export function hotspotQuery(p: HotSpotParams): string {
  const q = new URLSearchParams({ zones: p.zones, mode: p.mode });
  if (p.from) q.set('from', p.from);
  if (p.to) q.set('to', p.to);
  if (p.types) q.set('types', p.types.join(','));
  if (p.hours) q.set('hours', p.hours.join(','));
  if (p.weekdays) q.set('weekdays', p.weekdays.join(','));
  if (p.fdr !== undefined) q.set('fdr', String(p.fdr));
  if (p.value) q.set('value', p.value);
  if (p.cell) q.set('cell', String(p.cell));
  return q.toString();
}

export const hotspotsApi = {
  incidentColumns: (): Promise<IncidentColumnsJson> => getJson<IncidentColumnsJson>('/api/incidents/columns'),
  zones: (zones: ZoneKind, cell?: number): Promise<ZonesFc> => getJson<ZonesFc>(`/api/hotspots/zones?zones=${zones}${cell ? `&cell=${cell}` : ''}`),
  hotspots: (p: HotSpotParams, init?: RequestInit): Promise<HotSpotResponse> => getJson<HotSpotResponse>(`/api/hotspots?${hotspotQuery(p)}`, init),
};
