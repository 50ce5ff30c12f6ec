/**
 * Typed client of the field-work and grid-ledger API (/api/field…, /api/ledger…): the member's grid
 * and visit plan, masked households, visits and ledger entries (sent by the offline queue), weekly
 * hours, the ledger list, counts per area and the export URLs.
 */
import type {
  EntryBody,
  FieldGrid,
  FieldHousehold,
  Hours,
  LedgerFilter,
  LedgerGridLayers,
  LedgerItem,
  Outcome,
  Saved,
  SavedVisit,
  SummaryLevel,
  SummaryRow,
  VisitBody,
} from '../../../common/http/field';
import { getJson, ourUrl, sendJson } from './http';

export type * from '../../../common/http/field';

const qs = (o: Record<string, string | number | boolean | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const fieldApi = {
  grid: (grid: string) => getJson<FieldGrid>(`/api/field/grid${qs({ grid })}`),
  households: (grid: string) => getJson<FieldHousehold[]>(`/api/field/households${qs({ grid })}`),
  saveVisit: (v: VisitBody) => sendJson<SavedVisit>('POST', '/api/field/visits', v),
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
