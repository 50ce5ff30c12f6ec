/**
 * The zones hot spots are computed on: the grids in force (view current_grids) or hexagons over
 * the incidents' extent. Zones and their queen contiguity are cached (grids per plan versions,
 * hexagons per extent and cell size) so a filter change only recounts and reruns Gi*.
 */
import type { ZoneKind } from '../../common/http/hotspots';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Queryable } from '../db';
import { InvalidRequestError } from '../errors';
import { queenContiguity, zoneLocator } from '../algorithms/hotspots';
import { hexTessellation } from './hexgrid';
import type { IncidentColumns } from './incident-columns';

export type { ZoneKind };

export interface HotSpotZone {
  id: string;
  geometry: Polygon | MultiPolygon;
  /** grids: households; hexagons: null */
  households: number | null;
  subdistrict_id: string | null;
  community_id: string | null;
  plan_id: number | null;
}

export interface ZoneSet {
  kind: ZoneKind;
  key: string;
  zones: HotSpotZone[];
  neighbours: number[][];
  /** point → zone index (-1 outside) */
  locate: (lon: number, lat: number) => number;
}

export const DEFAULT_HEX_CELL_M = 300;
const MAX_HEXAGONS = 20_000;

const cache = new WeakMap<object, Map<string, ZoneSet>>();

/** Drops a database's cached zones (benches measuring a cold start; the keys follow data changes themselves). */
export function invalidateZones(db: Queryable): void {
  cache.delete(db);
}

function cached(db: Queryable, key: string, make: () => ZoneSet | Promise<ZoneSet>): ZoneSet | Promise<ZoneSet> {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  const store = (z: ZoneSet) => {
    // keep the newest few only (plan versions move on)
    if (m!.size > 8) m!.delete(m!.keys().next().value!);
    m!.set(key, z);
    return z;
  };
  const made = make();
  return made instanceof Promise ? made.then(store) : store(made);
}

function build(kind: ZoneKind, key: string, zones: HotSpotZone[]): ZoneSet {
  const geoms = zones.map((z) => z.geometry);
  const neighbours = queenContiguity(geoms);
  return { kind, key, zones, neighbours, locate: zoneLocator(geoms) };
}

/** The grids in force with households; empty when no plan exists. */
export async function gridZones(db: Queryable): Promise<ZoneSet> {
  const sig = await db.query<{ s: string | null }>(
    `SELECT string_agg(p.id || '@' || p.version || '@' || p.updated_at::text, ',' ORDER BY p.id) AS s
     FROM plans p WHERE p.id IN (SELECT plan_id FROM current_grid_plans)`,
  );
  const key = `grids:${sig.rows[0]?.s ?? ''}`;
  return cached(db, key, async () => {
    const r = await db.query<{ code: string; households: number; subdistrict_id: string; community_id: string | null; plan_id: number; g: string }>(
      `SELECT code, households, subdistrict_id, community_id, plan_id::int AS plan_id, ST_AsGeoJSON(geom, 7) AS g
       FROM current_grids ORDER BY code`,
    );
    const zones = r.rows.map((row) => ({
      id: row.code,
      geometry: JSON.parse(row.g) as MultiPolygon,
      households: Number(row.households),
      subdistrict_id: row.subdistrict_id,
      community_id: row.community_id,
      plan_id: Number(row.plan_id),
    }));
    return build('grids', key, zones);
  });
}

/** Hexagons of circumradius cellM over the extent of all incidents, those holding at least one incident of the whole period (stable across filters). */
export function hexZones(db: Queryable, cols: IncidentColumns, cellM = DEFAULT_HEX_CELL_M): ZoneSet | Promise<ZoneSet> {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let i = 0; i < cols.n; i++) {
    const x = cols.lon[i]!,
      y = cols.lat[i]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (cols.n === 0) return { kind: 'hex', key: 'hex:empty', zones: [], neighbours: [], locate: () => -1 };
  // Snap the extent outward to the cell so small data changes keep the same lattice.
  const step = cellM / 110_574;
  const bbox: [number, number, number, number] = [
    Math.floor(minX / step) * step - step,
    Math.floor(minY / step) * step - step,
    Math.ceil(maxX / step) * step + step,
    Math.ceil(maxY / step) * step + step,
  ];
  const key = `hex:${cellM}:${bbox.map((v) => v.toFixed(6)).join(',')}`;
  return cached(db, key, () => {
    const all = hexTessellation(bbox, cellM);
    // As ArcGIS's optimized hot spot analysis does without a study-area polygon: keep the cells
    // where incidents occur at all (over the whole period, so zones stay fixed across filters).
    const locate = zoneLocator(all.map((h) => h.geometry));
    const used = new Uint8Array(all.length);
    for (let i = 0; i < cols.n; i++) {
      const z = locate(cols.lon[i]!, cols.lat[i]!);
      if (z >= 0) used[z] = 1;
    }
    const hexes = all.filter((_, i) => used[i]);
    if (hexes.length > MAX_HEXAGONS) {
      throw new InvalidRequestError(
        `六边形过多（${hexes.length}）：请增大 cell（当前 ${cellM} 米） (too many hexagons, ${hexes.length}: increase cell, now ${cellM} m)`,
      );
    }
    return build(
      'hex',
      key,
      hexes.map((h) => ({ id: h.id, geometry: h.geometry, households: null, subdistrict_id: null, community_id: null, plan_id: null })),
    );
  });
}
