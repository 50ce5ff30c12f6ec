/**
 * Field work and the grid ledger over HTTP (/api/field…, /api/ledger…): the member's grid and visit
 * plan, masked households, visits and ledger entries (sent by the offline queue), weekly hours, the
 * ledger list, counts per area and the leaders' grid layer. The server's field store and routes and
 * the client's api/field.ts use these.
 */
import type { FeatureCollection, Geometry } from 'geojson';

export const ENTRY_KINDS = ['basic_info', 'dispute', 'volunteer'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export const OUTCOMES = ['mediated', 'referred', 'withdrawn'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const LEDGER_TYPES = ['visit', 'matter', ...ENTRY_KINDS] as const;
export type LedgerType = (typeof LEDGER_TYPES)[number];
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** A grid as GET /api/field/grid describes it (without its buildings). */
export interface GridInfo {
  code: string;
  subdistrictId: string;
  subdistrictName: string | null;
  communityId: string | null;
  communityName: string | null;
  households: number;
  bbox: [number, number, number, number];
}

export interface FieldBuilding {
  id: string;
  label: string | null;
  compound: string | null;
  households: number;
  lon: number;
  lat: number;
  /** ISO time of the last visit (null: never). */
  lastVisit: string | null;
  /** In this week's visit plan. */
  planned: boolean;
}

/** GET /api/field/grid: the grid, its 4-week coverage and its buildings. */
export interface FieldGrid extends GridInfo {
  coverage4w: number;
  buildings: FieldBuilding[];
}

/** A household of the grid (GET /api/field/households), names and phones masked. */
export interface FieldHousehold {
  id: string;
  buildingId: string | null;
  headName: string | null;
  phone: string | null;
  partyMember: boolean;
  plaqued: boolean;
  creditRating: string | null;
}

/** Body of POST /api/field/visits. */
export interface VisitBody {
  clientKey: string;
  grid: string;
  startedAt: string;
  endedAt: string;
  lon: number;
  lat: number;
  buildingId?: string;
  householdId?: string;
  place?: string;
  note?: string;
  /** base64, at most 400 KB decoded */
  photo?: { mime: PhotoType; data: string };
}

/** Body of POST /api/ledger/entries. */
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

/** Answer of a visit or entry: its id; duplicate when the client key was already stored (a re-sync). */
export interface Saved {
  id: number;
  duplicate: boolean;
}

export interface SavedVisit extends Saved {
  photoId: number | null;
}

export interface MemberWeek {
  visitor: string;
  minutes: number;
  visits: number;
  /** minutes ≥ the weekly rule */
  ok: boolean;
}

/** GET /api/field/hours: minutes visited per person in a week, per grid. */
export interface Hours {
  weekStart: string;
  weekEnd: string;
  ruleMinutes: number;
  members: Array<MemberWeek & { grid: string; role: 'leader' | 'member' | null }>;
  grids: Array<{ grid: string; members: number; under: number }>;
}

/** Filters of the ledger list and export. */
export interface LedgerFilter {
  /** grid code or prefix (community, sub-district) */
  grid?: string;
  type?: LedgerType;
  q?: string;
  from?: string;
  to?: string;
  open?: boolean;
}

export interface LedgerItem {
  type: LedgerType;
  id: string;
  grid: string;
  at: string;
  title: string;
  detail: string | null;
  /** disputes: outcome (null open); matters: case status */
  outcome: string | null;
  minutes: number | null;
  households: number | null;
  changes: number | null;
  author: string | null;
  photoId: number | null;
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

/** Properties of a grid of the leaders' ledger layer (GET /api/ledger/grids/geojson). */
export interface LedgerGridProps {
  code: string;
  households: number;
  /** households of the buildings visited in the last 4 weeks / the grid's households (null: suppressed or none) */
  coverage4w: number | null;
  /** people on the grid's roster or visiting it last full week, and how many were under 5 h */
  people: number | null;
  under5h: number | null;
  disputesOpen: number | null;
  label_lon: number;
  label_lat: number;
  [key: string]: unknown;
}

export type LedgerGridLayers = FeatureCollection<Geometry, LedgerGridProps> & { week: { from: string; to: string } };
