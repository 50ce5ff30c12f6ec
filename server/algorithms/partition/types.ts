/** Shared types of the partition engine. Pure data, no I/O. */

/** Street class an adjacency lies along. Order matters: higher = stronger barrier. */
export const EDGE_CLASSES = ['none', 'minor', 'major', 'rail', 'water'] as const;
export type EdgeClass = (typeof EDGE_CLASSES)[number];
export const EDGE_NONE = 0,
  EDGE_MINOR = 1,
  EDGE_MAJOR = 2,
  EDGE_RAIL = 3,
  EDGE_WATER = 4;
/** true for major streets, rail and water: grids should never straddle them. */
export const isHardBarrier = (c: number): boolean => c >= EDGE_MAJOR;

/** lon/lat MultiPolygon coordinates: polygons → rings → positions. */
export type MultiPolygonCoords = number[][][][];

export interface PartitionUnit {
  id: string;
  households: number;
  subdistrict?: string | null;
  community?: string | null;
  compound?: string | null;
  /** WGS84 lon/lat, MultiPolygon coordinates (a Polygon is wrapped as [rings]) */
  polygons: MultiPolygonCoords;
}

export type BarrierClass = 'major' | 'minor' | 'rail' | 'water';
export interface Barrier {
  cls: BarrierClass;
  /** WGS84 lon/lat line strings */
  lines: number[][][];
}

export interface PartitionInput {
  units: PartitionUnit[];
  barriers?: Barrier[];
}

export interface PartitionOptions {
  min?: number;
  max?: number;
  target?: number;
  seed?: number;
  /** warm start: unit id → grid id of a previous plan (unknown/vanished ids are fine) */
  previous?: Record<string, string>;
  /** local-search effort multiplier (default 1) */
  effort?: number;
}

export interface ResolvedOptions {
  min: number;
  max: number;
  target: number;
  seed: number;
  effort: number;
}

export interface PartitionWarning {
  code:
    | 'unit_over_max'
    | 'island_infeasible'
    | 'community_infeasible'
    | 'community_disconnected'
    | 'community_sliver'
    | 'compound_split'
    | 'community_split'
    | 'grid_out_of_band'
    | 'missing_subdistrict'
    | 'previous_unknown_units';
  message: string;
  units?: string[];
  grids?: string[];
}

export interface GridSummary {
  id: string;
  households: number;
  units: string[];
  subdistrict: string | null;
  /** community holding most of the grid's households (null when unknown) */
  community: string | null;
  area_m2: number;
  polsby_popper: number;
  contiguous: boolean;
  in_band: boolean;
  /** centroid (lon, lat), area-weighted */
  centroid: [number, number];
}

export interface PartitionStats {
  grids: number;
  in_band: number;
  contiguous: number;
  polsby_popper_mean: number;
  polsby_popper_min: number;
  /** grids whose interior contains a major-street / rail / water adjacency */
  barrier_straddles: number;
  units_moved?: number;
  households_moved?: number;
  ms: number;
}

export interface PartitionResult {
  assignment: Record<string, string>;
  grids: GridSummary[];
  warnings: PartitionWarning[];
  stats: PartitionStats;
}

export type ProgressFn = (fraction: number, message: string) => void;
