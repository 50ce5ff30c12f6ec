/**
 * What a weekly patrol plan is made from (db side): the sub-district's joint-defense groups with
 * their shops and leader, its outline, its shops, the incidents of a period near it, and the current
 * patrol routes with their weekly schedule (for the "current routes" coverage figure).
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { Queryable } from '../db';
import type { CoverageIncident, PlanGroup, Slot } from '../algorithms/patrol-plan';
import { passes, type IncidentFilter } from '../hotspots/filters';
import type { IncidentColumns } from '../hotspots/incident-columns';
import { loadShops, type ShopRow } from '../defense/shops';

export interface GroupInfo extends PlanGroup {
  name: string;
}

export async function subdistrictOutline(
  db: Queryable,
  id: string,
): Promise<{ name: string; geometry: Polygon | MultiPolygon; bbox: [number, number, number, number] } | null> {
  const r = await db.query<{ name: string; g: string; x0: number; y0: number; x1: number; y1: number }>(
    `SELECT name, ST_AsGeoJSON(geom, 7) AS g, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1 FROM subdistricts WHERE id = $1`,
    [id],
  );
  const row = r.rows[0];
  if (!row) return null;
  return { name: row.name, geometry: JSON.parse(row.g), bbox: [Number(row.x0), Number(row.y0), Number(row.x1), Number(row.y1)] };
}

/** The groups in force of a sub-district with their member shops (the leader's shop is the base). */
export async function groupsOf(db: Queryable, subdistrict: string, shops: ShopRow[]): Promise<GroupInfo[]> {
  const g = await db.query<{ id: string; name: string; leader_shop_id: string }>(
    'SELECT id, name, leader_shop_id FROM defense_groups WHERE subdistrict_id = $1 AND archived_at IS NULL ORDER BY id',
    [subdistrict],
  );
  const m = await db.query<{ shop_id: string; group_id: string }>(
    'SELECT m.shop_id, m.group_id FROM defense_members m JOIN defense_groups g ON g.id = m.group_id WHERE g.subdistrict_id = $1 AND g.archived_at IS NULL',
    [subdistrict],
  );
  const byId = new Map(shops.map((s) => [s.id, s]));
  const members = new Map<string, ShopRow[]>();
  for (const r of m.rows) {
    const s = byId.get(r.shop_id);
    if (!s) continue;
    const l = members.get(r.group_id);
    if (l) l.push(s);
    else members.set(r.group_id, [s]);
  }
  const out: GroupInfo[] = [];
  for (const row of g.rows) {
    const own = members.get(row.id) ?? [];
    if (!own.length) continue;
    const leader = own.find((s) => s.id === row.leader_shop_id) ?? own[0]!;
    out.push({
      id: row.id,
      name: row.name,
      base: { id: leader.id, lon: leader.lon, lat: leader.lat },
      shops: own.map((s) => ({ id: s.id, lon: s.lon, lat: s.lat })),
    });
  }
  return out;
}

export { loadShops };

/** Incidents passing the filter in [from, to) inside the box (WGS84, expanded by ~500 m). */
export function incidentsIn(cols: IncidentColumns, f: IncidentFilter, bbox: [number, number, number, number]): (CoverageIncident & { i: number })[] {
  const pad = 0.005;
  const out: (CoverageIncident & { i: number })[] = [];
  for (let i = 0; i < cols.n; i++) {
    const lon = cols.lon[i]!,
      lat = cols.lat[i]!;
    if (lon < bbox[0] - pad || lon > bbox[2] + pad || lat < bbox[1] - pad || lat > bbox[3] + pad) continue;
    if (!passes(f, cols.t[i]!, cols.types[cols.type[i]!]!)) continue;
    out.push({ lon, lat, t: cols.t[i]!, i });
  }
  return out;
}

export interface CurrentRoute {
  id: number;
  group: string;
  name: string;
  lengthM: number;
  coords: number[][];
  slots: Slot[];
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The sub-district's saved routes of groups in force, each with the weekly schedule rows that name
 * it (a schedule row without a route patrols the group's newest route).
 */
export async function currentRoutes(db: Queryable, subdistrict: string): Promise<CurrentRoute[]> {
  const r = await db.query<{ id: number; group_id: string; name: string; length_m: number; g: string }>(
    `SELECT r.id, r.group_id, r.name, r.length_m, ST_AsGeoJSON(r.geom, 7) AS g FROM patrol_routes r
       JOIN defense_groups g ON g.id = r.group_id AND g.archived_at IS NULL
      WHERE g.subdistrict_id = $1 ORDER BY r.id`,
    [subdistrict],
  );
  const s = await db.query<{ group_id: string; weekday: number; start_time: string; end_time: string; route_id: number | null }>(
    `SELECT s.group_id, s.weekday, s.start_time, s.end_time, s.route_id FROM patrol_schedule s
       JOIN defense_groups g ON g.id = s.group_id AND g.archived_at IS NULL WHERE g.subdistrict_id = $1`,
    [subdistrict],
  );
  const routes = r.rows.map((x) => ({
    id: Number(x.id),
    group: x.group_id,
    name: x.name,
    lengthM: Number(x.length_m),
    coords: (JSON.parse(x.g) as { coordinates: number[][] }).coordinates,
    slots: [] as Slot[],
  }));
  const byId = new Map(routes.map((x) => [x.id, x]));
  for (const row of s.rows) {
    const route = row.route_id !== null ? byId.get(Number(row.route_id)) : [...routes].reverse().find((x) => x.group === row.group_id);
    if (!route) continue;
    const a = minutes(row.start_time),
      b = minutes(row.end_time);
    const span = b > a ? b - a : b + 1440 - a;
    route.slots.push({ weekday: Number(row.weekday), start: Math.floor(a / 60), hours: Math.max(1, Math.ceil((span + (a % 60)) / 60)) });
  }
  return routes;
}
