/** Shared types of the units pipeline (raw district data → blocks → units → grids). Pure data. */

/** A problem the output names; the run still succeeds. */
export interface DistrictWarning {
  code: string;
  message: string;
  /** input file role the problem is in ('boundaries' | 'streets' | 'households' | 'buildings') */
  file?: string;
  /** e.g. "feature 3 (code 340802001)" or "line 17" */
  feature?: string;
  row?: string;
  subdistrict?: string;
  grids?: string[];
  units?: string[];
}

/** One row of the household register, already in WGS84. */
export interface HouseholdRow {
  /** "line 17" (the CSV line) */
  ref: string;
  building: string | null;
  compound: string | null;
  households: number;
  lon: number;
  lat: number;
}

/** A building footprint (optional input: splits large blocks by building). */
export interface BuildingFootprint {
  id: string;
  ref: string;
  /** WGS84 MultiPolygon coordinates */
  polygons: number[][][][];
}

/** What a street line does to land. */
export type LineRole = 'major' | 'minor' | 'rail' | 'water';
export interface DividingLine {
  role: LineRole;
  /** WGS84 line string */
  coords: number[][];
}
