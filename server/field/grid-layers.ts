/**
 * The leaders' ledger map layers, one polygon per grid in force with three aggregates (no names):
 * visit coverage over the last 4 weeks (the households of the buildings visited in that time as a
 * share of the grid's households: no spatial join, the visit names its building), the grid's people
 * under the ≥ 5 h rule last full week (Shanghai weeks, the same count as GET /api/field/hours), and
 * open disputes in its ledger. A grid of fewer than SMALL_COUNT
 * households has its figures suppressed for everyone but admins.
 */
import type { LedgerGridProps } from '../../common/http/field';
import type { Queryable } from '../db';
import { buildingHouseholds } from '../import/register-link';
import { inReadScope } from '../auth/read-scope';
import { SMALL_COUNT } from '../auth/privacy';
import { hoursOf } from './store';
import { weekLabel, weekOf, WEEKLY_RULE_MINUTES } from './week';

/** Properties of a grid of the ledger layer (common/http/field.ts). */
export type GridLayerProps = LedgerGridProps;

export async function gridLayers(
  db: Queryable,
  prefixes: string[] | null,
  within: string | null,
  now: number,
  exact: boolean,
): Promise<{
  type: 'FeatureCollection';
  week: { from: string; to: string };
  features: Array<{ type: 'Feature'; id: string; geometry: unknown; properties: GridLayerProps }>;
}> {
  const since = new Date(now - 28 * 86400e3).toISOString();
  const r = await db.query<{ code: string; households: number; geom: string; lon: number; lat: number; seen_hh: number; disputes: number }>(
    `WITH g AS (
       SELECT code, geom, households FROM current_grids WHERE ${inReadScope('code', '$1')} AND ($2::text IS NULL OR starts_with(code, $2::text))
     ), seen AS (
       SELECT v.grid_code, COALESCE(sum(${buildingHouseholds('b')}), 0)::int AS hh
         FROM (SELECT DISTINCT grid_code, building_id FROM field_visits
                WHERE ended_at >= $3 AND building_id IS NOT NULL AND ${inReadScope('grid_code', '$1')} AND ($2::text IS NULL OR starts_with(grid_code, $2::text))) v
         JOIN buildings b ON b.id = v.building_id GROUP BY v.grid_code
     ), d AS (
       SELECT grid_code, count(*)::int AS n FROM ledger_entries WHERE kind = 'dispute' AND outcome IS NULL AND ${inReadScope('grid_code', '$1')} GROUP BY grid_code
     )
     SELECT g.code, g.households::int AS households, ST_AsGeoJSON(ST_SimplifyPreserveTopology(g.geom, 0.00001), 6) AS geom,
            ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat, COALESCE(seen.hh, 0) AS seen_hh, COALESCE(d.n, 0) AS disputes
       FROM g LEFT JOIN seen ON seen.grid_code = g.code LEFT JOIN d ON d.grid_code = g.code
      ORDER BY g.code`,
    [prefixes, within, since],
  );
  const [from, to] = weekOf(now - 7 * 86400e3);
  const hours = await hoursOf(db, within, prefixes, from, to, WEEKLY_RULE_MINUTES);
  const byGrid = new Map(hours.grids.map((x) => [x.grid, x]));
  return {
    type: 'FeatureCollection',
    week: { from: weekLabel(from), to: weekLabel(to - 1) },
    features: r.rows.map((x) => {
      const hh = Number(x.households);
      const shown = exact || hh >= SMALL_COUNT;
      const h = byGrid.get(x.code);
      return {
        type: 'Feature',
        id: x.code,
        geometry: JSON.parse(x.geom),
        properties: {
          code: x.code,
          households: hh,
          coverage4w: shown && hh > 0 ? Math.min(1, Number(x.seen_hh) / hh) : null,
          people: shown ? (h?.members ?? 0) : null,
          under5h: shown ? (h?.under ?? 0) : null,
          disputesOpen: shown ? Number(x.disputes) : null,
          label_lon: Number(x.lon),
          label_lat: Number(x.lat),
        },
      };
    }),
  };
}
