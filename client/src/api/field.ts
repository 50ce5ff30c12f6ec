/**
 * Typed client of the field-work and grid-ledger API (/api/field…, /api/ledger…): the member's grid
 * and visit plan, masked households, visits and ledger entries (sent by the offline queue), weekly
 * hours, the ledger list, counts per area and the export URLs.
 */
import type { FeatureCollection, Geometry } from 'geojson';
import { getJson, ourUrl, sendJson } from './http';

export interface FieldBuilding {
  id: string;
  label: string | null;
  compound: string | null;
  households: number;
  lon: number;
  lat: number;
  lastVisit: string | null;
  planned: boolean;
}

export interface FieldGrid {
  code: string;
  subdistrictId: string;
  subdistrictName: string | null;
  communityId: string | null;
  communityName: string | null;
  households: number;
  bbox: [number, number, number, number];
  coverage4w: number;
  buildings: FieldBuilding[];
}

export interface FieldHousehold {
  id: string;
  buildingId: string | null;
  headName: string | null;
  phone: string | null;
  partyMember: boolean;
  plaqued: boolean;
  creditRating: string | null;
}

export interface VisitBody {
  clientKey: string;
  grid: string;
  startedAt: string;
  endedAt: string;
  lon: number;
  lat: number;
  buildingId?: string;
  place?: string;
  note?: string;
  photo?: { mime: 'image/jpeg' | 'image/png' | 'image/webp'; data: string };
}

export type EntryKind = 'basic_info' | 'dispute' | 'volunteer';
export type Outcome = 'mediated' | 'referred' | 'withdrawn';
export type LedgerType = 'visit' | 'matter' | EntryKind;

export interface EntryBody {
  clientKey: string;
  grid: string;
  kind: EntryKind;
  title: string;
  detail?: string;
  outcome?: Outcome | null;
  households?: number;
  changes?: number;
  occurredAt?: string;
}

export interface Saved {
  id: number;
  duplicate: boolean;
}

export interface MemberWeek {
  visitor: string;
  grid: string;
  role: 'leader' | 'member' | null;
  minutes: number;
  visits: number;
  ok: boolean;
}

export interface Hours {
  weekStart: string;
  weekEnd: string;
  ruleMinutes: number;
  members: MemberWeek[];
  grids: Array<{ grid: string; members: number; under: number }>;
}

export interface LedgerItem {
  type: LedgerType;
  id: string;
  grid: string;
  at: string;
  title: string;
  detail: string | null;
  outcome: string | null;
  minutes: number | null;
  households: number | null;
  changes: number | null;
  author: string | null;
  photoId: number | null;
}

export interface LedgerFilter {
  grid?: string;
  type?: LedgerType;
  q?: string;
  open?: boolean;
}

export type SummaryLevel = 'subdistrict' | 'community' | 'grid';
export interface SummaryRow {
  code: string;
  name: string | null;
  grids: number;
  basicInfo: number;
  householdsChecked: number;
  changes: number;
  visits4w: number;
  visitHours4w: number;
  disputes: number;
  disputesOpen: number;
  matters: number;
  mattersOpen: number;
  volunteer: number;
}

const qs = (o: Record<string, string | number | boolean | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const fieldApi = {
  grid: (grid: string) => getJson<FieldGrid>(`/api/field/grid${qs({ grid })}`),
  households: (grid: string) => getJson<FieldHousehold[]>(`/api/field/households${qs({ grid })}`),
  saveVisit: (v: VisitBody) => sendJson<Saved & { photoId: number | null }>('POST', '/api/field/visits', v),
  saveEntry: (e: EntryBody) => sendJson<Saved>('POST', '/api/ledger/entries', e),
  settle: (id: string, outcome: Outcome) =>
    sendJson<{ id: number; outcome: Outcome; version: number }>('PATCH', `/api/ledger/entries/${encodeURIComponent(id)}`, { outcome }),
  hours: (grid?: string, week?: string) => getJson<Hours>(`/api/field/hours${qs({ grid, week })}`),
  ledger: (f: LedgerFilter, limit = 50, offset = 0) => getJson<{ total: number; items: LedgerItem[] }>(`/api/ledger${qs({ ...f, limit, offset })}`),
  exportUrl: (f: LedgerFilter, format: 'csv' | 'xlsx') => ourUrl(`/api/ledger/export${qs({ ...f, format })}`),
  summary: (level: SummaryLevel, within?: string) => getJson<{ rows: SummaryRow[]; total: SummaryRow }>(`/api/ledger/summary${qs({ level, within })}`),
  summaryExportUrl: (level: SummaryLevel, within: string | undefined, format: 'csv' | 'xlsx') =>
    ourUrl(`/api/ledger/summary/export${qs({ level, within, format })}`),
  photoUrl: (id: number) => ourUrl(`/api/field/photos/${id}`),
  /** leaders: one polygon per grid with 4-week coverage, people under 5 h last week, open disputes */
  gridLayers: (prefix?: string) => getJson<LedgerGridLayers>(`/api/ledger/grids/geojson${qs({ prefix })}`),
};

export interface LedgerGridProps {
  code: string;
  households: number;
  coverage4w: number | null;
  people: number | null;
  under5h: number | null;
  disputesOpen: number | null;
  label_lon: number;
  label_lat: number;
  [key: string]: unknown;
}

export type LedgerGridLayers = FeatureCollection<Geometry, LedgerGridProps> & { week: { from: string; to: string } };
