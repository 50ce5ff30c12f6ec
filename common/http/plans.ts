/**
 * Grid plans over HTTP (/api/plans…, the planner's tools, /api/partition): a plan, its unit table,
 * edits and their answers, proposals, what publishing changes, the grid staff. The server's plan
 * store, tools and handlers and the client's api/plans.ts use these shapes. Diffs and the impact
 * report: ./impact.ts.
 */
import type { FC } from './geojson';

export const PLAN_STATUSES = ['draft', 'published', 'archived'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** A warning of the automatic partition: what, which units or grids, and the suggested fix in `message`. */
export interface PlanWarning {
  code: string;
  message: string;
  units?: string[];
  grids?: string[];
}

/** A plan as GET /api/plans (lists) and GET /api/plans/:id answer it. */
export interface PlanInfo {
  id: number;
  name: string;
  author: string;
  status: PlanStatus;
  version: number;
  subdistricts: string[];
  params: Record<string, unknown>;
  /** The partition's warnings: only when one plan is read (lists carry warning_count). */
  warnings?: PlanWarning[];
  warning_count: number;
  grids: number;
  households: number;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  archived_at: string | null;
}

/** A unit that changed grid: from (null: none before), to (null: none now). */
export interface UnitChange {
  unit: string;
  from: string | null;
  to: string | null;
}

/** Answer of an edit, undo, redo (version, changes, the touched grids) and of the grid tools (their codes too). */
export interface EditResult {
  version: number;
  changes: UnitChange[];
  /** The grid tools (split, merge, new grid): the grids they made or changed. */
  codes?: string[];
  /** The touched grids after the edit (`?grids=true`); a touched code missing here no longer exists. */
  grids?: FC;
}

/** Answer of the split tool: the two halves' households and the share of the cut along streets. */
export interface SplitResult extends EditResult {
  codes: string[];
  households: [number, number];
  street_share: number;
}

/** The unit table of a plan for live statistics (GET /api/plans/:id/units), one array entry per unit. */
export interface UnitTable {
  plan: number;
  version: number;
  min: number;
  max: number;
  ids: string[];
  households: number[];
  buildings: number[];
  /** null: suppressed (a unit of fewer than 5 households) */
  party: Array<number | null>;
  /** party-member households with a plaque (挂牌); null: suppressed */
  plaqued: Array<number | null>;
  grid: (string | null)[];
  compound: number[];
  compounds: string[];
  community: number[];
  communities: string[];
  block: number[];
  blocks: string[];
  area: number[];
  perimeter: number[];
  offsets: number[];
  targets: number[];
  edgeLen: number[];
  edgeClass: number[];
  polygons: number[][][][][];
}

/** A proposal of the suggest-fix and rebalance tools (nothing is written). */
export interface Proposal {
  moves: Array<UnitChange & { households: number }>;
  grids: Array<{ code: string; before: number; after: number }>;
  fixed: boolean;
  message: string;
}

/** What publishing a draft changes (GET /api/plans/:id/publish-effect): per published plan it touches, the sub-districts replaced and kept. */
export interface PublishEffect {
  subdistricts: string[];
  /** The draft's grids that come into force. */
  grids: number;
  replaces: Array<{
    id: number;
    name: string;
    /** Its sub-districts that the draft replaces (their grids are archived). */
    replaced: string[];
    replacedGrids: number;
    /** Its sub-districts that stay in force (carried to a new published plan with the same grids and codes). */
    kept: string[];
    keptGrids: number;
  }>;
  /** Names of every sub-district named above (Chinese; English where known), for the dialog. */
  names: Record<string, { name: string; name_en: string | null }>;
}

/** Body of POST /api/partition (the answer: JobStarted, ./jobs.ts). */
export interface PartitionBody {
  subdistricts?: string[];
  all?: boolean;
  min?: number;
  max?: number;
  target?: number;
  previousPlan?: number;
  name?: string;
}

export interface StaffMember {
  id: number;
  name: string;
  role: 'leader' | 'member';
  phone: string | null;
  grid_code: string | null;
  synthetic: boolean;
}

export interface GridStaffing {
  code: string;
  leaders: number;
  members: number;
  ok: boolean;
  /** what is wrong, in words a planner understands */
  problem: string | null;
}

/** The grid staff of a plan (GET /api/plans/:id/staff). */
export interface PlanStaff {
  staff: StaffMember[];
  grids: GridStaffing[];
  violations: GridStaffing[];
}

/** Answer of POST /api/plans/import (a plan from CSV or GeoJSON). */
export interface PlanImportResult {
  id: number;
  units: number;
  assigned: number;
  grids: number;
  subdistricts: string[];
}
