/**
 * The leaders' ledger map layers, one polygon per grid in force with three aggregates (no names):
 * visit coverage over the last 4 weeks (share of the grid's households living in a building visited
 * in that time), the grid's people under the ≥ 5 h rule last full week (Shanghai weeks, the same
 * count as GET /api/field/hours), and open disputes in its ledger. A grid of fewer than SMALL_COUNT
 * households has its figures suppressed for everyone but admins.
 */
import type { Queryable } from '../db';
import { inReadScope } from '../auth/read-scope';
import { SMALL_COUNT } from '../auth/privacy';
import { hoursOf } from './store';
import { weekLabel, weekOf, WEEKLY_RULE_MINUTES } from './week';

export interface GridLayerProps {
  code: string;
  households: number;
  /** households in a building visited in the last 4 weeks / households in the grid's buildings (null: suppressed or none) */
  coverage4w: number | null;
  /** people on the grid's roster or visiting it last full week, and how many were under 5 h */
  people: number | null;
  under5h: number | null;
  disputesOpen: number | null;
  label_lon: number;
  label_lat: number;
}

export async function gridLayers(db: Queryable, prefixes: string[] | null, within: string | null, now: number, exact: boolean): Promise<{ type: 'FeatureCollection'; week: { from: string; to: string }; features: Array<{ type: 'Feature'; id: string; geometry: unknown; properties: GridLayerProps }> }> {
  const since = new Date(now - 28 * 86400e3).toISOString();
  const r = await db.query<{ code: string; households: number; geom: string; lon: number; lat: number; all_hh: number | null; seen_hh: number | null; disputes: number }>(
    `WITH g AS (
       SELECT code, geom, households FROM current_grids WHERE ${inReadScope('code', '$1')} AND ($2::text IS NULL OR starts_with(code, $2::text))
     ), b AS (
       SELECT g.code, b.id, b.households FROM g JOIN buildings b ON b.geom && g.geom AND b.households > 0 AND ST_Intersects(g.geom, ST_PointOnSurface(b.geom))
     ), v AS (
       SELECT DISTINCT grid_code, building_id FROM field_visits WHERE ended_at >= $3 AND building_id IS NOT NULL AND ${inReadScope('grid_code', '$1')}
     ), cov AS (
       SELECT b.code, sum(b.households)::int AS all_hh, COALESCE(sum(b.households) FILTER (WHERE v.building_id IS NOT NULL), 0)::int AS seen_hh
         FROM b LEFT JOIN v ON v.grid_code = b.code AND v.building_id = b.id GROUP BY b.code
     ), d AS (
       SELECT grid_code, count(*)::int AS n FROM ledger_entries WHERE kind = 'dispute' AND outcome IS NULL AND ${inReadScope('grid_code', '$1')} GROUP BY grid_code
     )
     SELECT g.code, g.households::int AS households, ST_AsGeoJSON(ST_SimplifyPreserveTopology(g.geom, 0.00001), 6) AS geom,
            ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat, cov.all_hh, cov.seen_hh, COALESCE(d.n, 0) AS disputes
       FROM g LEFT JOIN cov ON cov.code = g.code LEFT JOIN d ON d.grid_code = g.code
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
      const all = Number(x.all_hh ?? 0);
      const h = byGrid.get(x.code);
      return {
        type: 'Feature',
        id: x.code,
        geometry: JSON.parse(x.geom),
        properties: {
          code: x.code,
          households: hh,
          coverage4w: shown && all > 0 ? Number(x.seen_hh ?? 0) / all : null,
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
