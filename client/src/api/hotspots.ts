/** Typed client functions for /api/incidents and /api/hotspots (re-exported through ../api). */
import type {
  EmergingZoneResult,
  GiStarAnswer,
  GiZoneResult,
  HotSpotAnswer,
  HotSpotParams,
  IncidentColumnsJson,
  ZoneKind,
  ZonesFc,
} from '../../../common/http/hotspots';
import { getJson } from './http';

export type * from '../../../common/http/hotspots';
/** A zone's result of either mode, read loosely: the other mode's fields are absent. */
export type HotSpotZoneResult = Pick<GiZoneResult, 'id' | 'count'> &
  Partial<Omit<GiZoneResult, 'id' | 'count'>> &
  Partial<Omit<EmergingZoneResult, 'id' | 'count'>>;

/** The answer of GET /api/hotspots in either mode (common/http/hotspots.ts HotSpotAnswer), read loosely as the hot spot state keeps it. */
export interface HotSpotResponse {
  zones: ZoneKind;
  mode: HotSpotAnswer['mode'];
  fdr: boolean;
  n: number;
  outside: number;
  ms: number;
  /** gistar: counts or rates */
  value?: GiStarAnswer['value'];
  /** emerging: weeks and the first week's start (epoch s) */
  weeks?: number;
  start?: number;
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
  hotspots: (p: HotSpotParams, init?: RequestInit): Promise<HotSpotAnswer> => getJson<HotSpotAnswer>(`/api/hotspots?${hotspotQuery(p)}`, init),
};
