/**
 * Units from raw data over HTTP (/api/units…): the "build units" job's body and the data-quality
 * report of the latest builds (GET /api/units/quality) and their units (GET /api/units). The server's
 * quality report (server/units/quality.ts) and the client's api/units.ts use these.
 */
import type { FC } from './geojson';

/** Mean width (metres) under which an empty block is a street sliver, not a problem (server/algorithms/units/sliver.ts). */
export const SLIVER_MEAN_WIDTH_M = 12;

export const QUALITY_KINDS = ['household_outside', 'row_unplaced', 'block_empty', 'street_unclosed', 'gap_healed', 'community_missing'] as const;
export type QualityKind = (typeof QUALITY_KINDS)[number];

export interface QualityItem {
  kind: QualityKind;
  subdistrict: string;
  /** what it is, e.g. "register imp1 line 17" or "block 340802001-3-b12" */
  ref: string;
  /** where to look (WGS84) */
  at: [number, number];
  /** [west, south, east, north] to zoom to, when the item is an area */
  bbox?: [number, number, number, number];
  households?: number;
}

/** A warning of the units stage (the input file and feature it is about, when known). */
export interface QualityWarning {
  code: string;
  message: string;
  file?: string;
  feature?: string;
}

export interface QualityReport {
  counts: Record<QualityKind, number>;
  /** households in the rows outside every boundary */
  households_outside: number;
  /** households in the register rows of no unit */
  households_unplaced: number;
  /** empty blocks too thin for housing (street slivers between carriageways): counted, not listed as problems */
  street_slivers: number;
  items: QualityItem[];
  /** true when some items were left out (the counts are complete) */
  truncated: boolean;
  warnings: QualityWarning[];
}

/** A build the report came from (the latest of each sub-district). */
export interface UnitsBuildInfo {
  id: number;
  subdistrict: string;
  source: 'register' | 'buildings';
  stats: { blocks?: number; units?: number; households?: number };
  created_at: string;
  job_id: string | null;
}

/** GET /api/units/quality. */
export interface UnitsQuality {
  builds: UnitsBuildInfo[];
  report: QualityReport;
}

/** Body of POST /api/units/build (answer: JobStarted). */
export interface UnitsBuildBody {
  subdistricts?: string[];
  /** every sub-district the caller may write */
  all?: boolean;
  /** units of more households are split */
  splitAbove?: number;
}

/** Properties of a unit of GET /api/units (the current units of the latest build of each sub-district). */
export interface BuiltUnitProps {
  [k: string]: unknown;
  id: string;
  subdistrict_id: string;
  households: number;
  block_id: string | null;
  compound_id: string | null;
}

/** GET /api/units?subdistricts=a,b (at most 20): MultiPolygons rounded to 1e-6°. */
export type BuiltUnits = FC<BuiltUnitProps>;
