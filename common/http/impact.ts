/**
 * Comparing plans over HTTP: the diff of two plans (GET /api/plans/:id/diff) and the impact report of
 * a draft against the published plans (GET /api/plans/:id/impact). Built by server/plans/diff.ts,
 * shown by the client's plan view.
 */
import type { FC } from './geojson';
import type { UnitChange } from './plans';

export interface GridDelta {
  code: string;
  households_before: number;
  households_after: number;
  units_before: number;
  units_after: number;
  units_in: number;
  units_out: number;
}

export interface PlanDiff {
  from: { plan: number; version: number };
  to: { plan: number; version: number };
  units_moved: number;
  households_moved: number;
  moves: Array<UnitChange & { households: number }>;
  grids_added: GridDelta[];
  grids_removed: GridDelta[];
  grids_changed: GridDelta[];
  /** changed area, one feature per from→to pair (dissolved units) */
  geojson: FC;
}

export interface ImpactReport {
  draft: number;
  /** the published plans the draft is compared with (empty: nothing published yet) */
  published: number[];
  units_moved: number;
  households_moved: number;
  grids_added: string[];
  grids_removed: string[];
  grids_changed: GridDelta[];
  /** households moving between each pair of grids */
  flows: Array<{ from: string | null; to: string | null; units: number; households: number }>;
  staff: Array<{ id: number; name: string; role: string; grid_code: string; change: 'grid_removed' | 'grid_changed' }>;
  /** null when the joint-defense tables do not exist yet */
  groups: Array<{ group_id: string; name: string | null; from: string[]; to: string[] }> | null;
  geojson: FC;
}
