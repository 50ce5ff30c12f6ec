/**
 * Patrol routes on the street network: a closed (or open) route through a group's shops or through
 * given stops (e.g. hot-spot grid centroids), optionally saved; a route a coordinator draws by
 * clicking stops (kept in their order, each snapped to the group's sub-district streets), saved
 * against the group's row version (stale → 409); GPX / GeoJSON export.
 */
import { inReadScope } from '../auth/read-scope';
import type { Feature, LineString } from 'geojson';
import type { Queryable } from '../db';
import { buildPatrolRoute, PatrolError, toGpx, type PatrolRouteProps, type PatrolStop } from '../algorithms/patrol';
import { networkFor } from './network-cache';
import { loadShops } from './shops';
import { membersOf } from './store';
import { archivedMessage } from './archive';
import { BadRequestError, NotFoundError, StaleRowError } from './errors';
import { enOf, zhOf } from '../../common/bilingual';

export const MAX_STOPS = 60;

export interface RouteRequest {
  group?: string;
  stops?: { id?: string; lon: number; lat: number; name?: string }[];
  closed?: boolean;
  name?: string;
}

export type RouteFeature = Feature<
  LineString,
  PatrolRouteProps & { name: string; group: string | null; subdistricts: string[]; stops: PatrolStop[]; id?: number }
>;

/** Sub-districts within ~500 m of any of the points. */
async function subdistrictsNear(db: Queryable, pts: { lon: number; lat: number }[]): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `SELECT DISTINCT d.id FROM subdistricts d, jsonb_to_recordset($1::jsonb) AS p(lon float8, lat float8)
      WHERE ST_DWithin(d.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), 0.005) ORDER BY d.id`,
    [JSON.stringify(pts)],
  );
  return r.rows.map((x) => x.id);
}

export async function planRoute(db: Queryable, req: RouteRequest): Promise<RouteFeature> {
  let stops: PatrolStop[];
  let subs: string[];
  let name = req.name;
  if (req.group) {
    const g = await db.query<{ subdistrict_id: string; name: string }>('SELECT subdistrict_id, name FROM defense_groups WHERE id = $1', [req.group]);
    if (!g.rows[0]) throw new NotFoundError(`联防组 ${req.group} 不存在 (joint-defence group ${req.group} does not exist)`);
    const archived = await archivedMessage(db, req.group);
    if (archived) throw new BadRequestError(`${zhOf(archived)}，不能再生成巡逻路线 (${enOf(archived)}; no more patrol routes can be generated for it)`);
    subs = [g.rows[0].subdistrict_id];
    const ids = (await membersOf(db, [req.group])).get(req.group) ?? [];
    const shops = await loadShops(db, subs[0], { ids });
    stops = shops.map((s) => ({ id: s.id, lon: s.lon, lat: s.lat }));
    name ??= `${g.rows[0].name}巡逻路线`;
  } else if (req.stops && req.stops.length) {
    if (req.stops.length > MAX_STOPS)
      throw new BadRequestError(`巡逻点最多 ${MAX_STOPS} 个（收到 ${req.stops.length} 个） (at most ${MAX_STOPS} patrol stops, received ${req.stops.length})`);
    stops = req.stops.map((s, i) => ({ id: s.id ?? `P${i + 1}`, lon: s.lon, lat: s.lat }));
    if (new Set(stops.map((s) => s.id)).size !== stops.length) throw new BadRequestError('巡逻点编号重复 (duplicate patrol stop ids)');
    subs = await subdistrictsNear(db, stops);
    if (subs.length === 0) throw new BadRequestError('巡逻点不在本区任何街道附近 (the patrol stops are not near any sub-district of the district)');
    name ??= '巡逻路线';
  } else {
    throw new BadRequestError('请给出联防组 (group) 或巡逻点 (stops)');
  }
  if (stops.length === 0) throw new BadRequestError('该联防组没有成员商铺 (this joint-defence group has no member shops)');
  const cached = await networkFor(db, subs);
  let f: Feature<LineString, PatrolRouteProps>;
  try {
    f = buildPatrolRoute(cached.net, stops, { closed: req.closed ?? true, snapper: cached.snapper, maxSnapM: 500 });
  } catch (e) {
    if (e instanceof PatrolError) throw new BadRequestError(`无法生成巡逻路线：${e.message} (cannot generate the patrol route: ${e.message})`);
    throw e;
  }
  const byId = new Map(stops.map((s) => [s.id, s]));
  const ordered = f.properties.order.map((id) => byId.get(id)!);
  return { ...f, properties: { ...f.properties, name: name!, group: req.group ?? null, subdistricts: subs, stops: ordered } };
}

export interface DrawnRouteRequest {
  /** the group's row version the edit is based on */
  version: number;
  /** the stops in patrol order */
  stops: { id?: string; lon: number; lat: number }[];
  closed?: boolean;
  name?: string;
}

/** Snapping limit of a drawn stop: a click farther than this from the group's streets is refused. */
export const DRAWN_SNAP_M = 200;

interface GroupRow {
  id: string;
  subdistrict_id: string;
  name: string;
  version: number;
}

async function groupRow(db: Queryable, id: string, lock = false): Promise<GroupRow> {
  const g = await db.query<GroupRow>(`SELECT id, subdistrict_id, name, version FROM defense_groups WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  if (!g.rows[0]) throw new NotFoundError(`联防组 ${id} 不存在 (joint-defence group ${id} does not exist)`);
  return { ...g.rows[0], version: Number(g.rows[0].version) };
}

/**
 * The route through the drawn stops in their order along the streets of the group's sub-district;
 * the stops come back snapped to the street network (the route passes through them).
 */
export async function planDrawnRoute(db: Queryable, groupId: string, req: DrawnRouteRequest): Promise<RouteFeature> {
  const g = await groupRow(db, groupId);
  const archived = await archivedMessage(db, groupId);
  if (archived) throw new BadRequestError(`${zhOf(archived)}，不能再编辑巡逻路线 (${enOf(archived)}; its patrol routes can no longer be edited)`);
  if (req.stops.length < 2) throw new BadRequestError('巡逻路线至少需要 2 个巡逻点 (a patrol route needs at least 2 stops)');
  if (req.stops.length > MAX_STOPS)
    throw new BadRequestError(`巡逻点最多 ${MAX_STOPS} 个（收到 ${req.stops.length} 个） (at most ${MAX_STOPS} patrol stops, received ${req.stops.length})`);
  const stops: PatrolStop[] = req.stops.map((s, i) => ({ id: s.id ?? `P${i + 1}`, lon: s.lon, lat: s.lat }));
  if (new Set(stops.map((s) => s.id)).size !== stops.length) throw new BadRequestError('巡逻点编号重复 (duplicate patrol stop ids)');
  const cached = await networkFor(db, [g.subdistrict_id]);
  let f: Feature<LineString, PatrolRouteProps>;
  try {
    f = buildPatrolRoute(cached.net, stops, { closed: req.closed ?? true, snapper: cached.snapper, maxSnapM: DRAWN_SNAP_M, keepOrder: true });
  } catch (e) {
    if (!(e instanceof PatrolError)) throw e;
    const k = stops.findIndex((s) => s.id === e.stopId) + 1;
    throw new BadRequestError(
      /farther/.test(e.message)
        ? `第 ${k} 个巡逻点距本街道的道路超过 ${DRAWN_SNAP_M} 米，请点在道路附近 (patrol stop ${k} is more than ${DRAWN_SNAP_M} m from the streets of this sub-district; place it near a street)`
        : `第 ${k} 个巡逻点与其他巡逻点沿道路不连通，请换一个位置 (patrol stop ${k} is not connected to the other stops along the streets; pick another place)`,
    );
  }
  const snappedStops = stops.map((s, k) => ({ id: s.id, lon: f.properties.snapped[k]![0], lat: f.properties.snapped[k]![1] }));
  return {
    ...f,
    properties: { ...f.properties, name: req.name ?? `${g.name}巡逻路线`, group: groupId, subdistricts: [g.subdistrict_id], stops: snappedStops },
  };
}

/**
 * Saves a drawn route (new, or replacing saved route `routeId` of the same group) in one
 * transaction, checked against the group's row version, which it bumps. Returns the route's id
 * and the group's new version.
 */
export async function saveDrawnRoute(
  tx: Queryable,
  groupId: string,
  baseVersion: number,
  f: RouteFeature,
  routeId: number | null,
): Promise<{ id: number; version: number; before: Record<string, unknown> | null }> {
  const g = await groupRow(tx, groupId, true);
  if (g.version !== baseVersion)
    throw new StaleRowError(
      `该联防组已被他人修改（当前版本 ${g.version}，您的编辑基于版本 ${baseVersion}），请刷新后重试。 (this joint-defence group was changed by someone else: current version ${g.version}, your edit is based on version ${baseVersion}; refresh and try again)`,
      {
        name: g.name,
        version: g.version,
      },
    );
  let id: number;
  let before: Record<string, unknown> | null = null;
  if (routeId === null) id = await saveRoute(tx, f);
  else {
    const cur = await tx.query<{ group_id: string | null; name: string; stops: unknown; length_m: number }>(
      'SELECT group_id, name, stops, length_m FROM patrol_routes WHERE id = $1 FOR UPDATE',
      [routeId],
    );
    if (!cur.rows[0] || cur.rows[0].group_id !== groupId)
      throw new NotFoundError(`联防组 ${groupId} 没有巡逻路线 ${routeId} (joint-defence group ${groupId} has no patrol route ${routeId})`);
    before = { name: cur.rows[0].name, stops: cur.rows[0].stops, length_m: Number(cur.rows[0].length_m) };
    await tx.query(
      `UPDATE patrol_routes SET name = $2, closed = $3, stops = $4::jsonb, length_m = $5, duration_s = $6, synthetic = false, geom = ST_SetSRID(ST_GeomFromGeoJSON($7), 4326) WHERE id = $1`,
      [
        routeId,
        f.properties.name,
        f.properties.closed,
        JSON.stringify(f.properties.stops),
        f.properties.length_m,
        f.properties.duration_s,
        JSON.stringify(f.geometry),
      ],
    );
    id = routeId;
  }
  await tx.query('UPDATE defense_groups SET version = version + 1, updated_at = now() WHERE id = $1', [groupId]);
  return { id, version: g.version + 1, before };
}

export async function saveRoute(tx: Queryable, f: RouteFeature, synthetic = false): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO patrol_routes (group_id, subdistrict_id, name, closed, stops, length_m, duration_s, synthetic, geom)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, ST_SetSRID(ST_GeomFromGeoJSON($9), 4326)) RETURNING id`,
    [
      f.properties.group,
      f.properties.subdistricts[0] ?? null,
      f.properties.name,
      f.properties.closed,
      JSON.stringify(f.properties.stops),
      f.properties.length_m,
      f.properties.duration_s,
      synthetic,
      JSON.stringify(f.geometry),
    ],
  );
  return Number(r.rows[0].id);
}

interface RouteDbRow {
  id: number;
  group_id: string | null;
  subdistrict_id: string | null;
  name: string;
  closed: boolean;
  stops: unknown;
  length_m: number;
  duration_s: number;
  synthetic: boolean;
  created_at: string;
  g: unknown;
}

function toFeature(r: RouteDbRow): Feature<LineString> {
  const stops = (typeof r.stops === 'string' ? JSON.parse(r.stops) : r.stops) as PatrolStop[];
  return {
    type: 'Feature',
    id: Number(r.id),
    properties: {
      id: Number(r.id),
      name: r.name,
      group: r.group_id,
      subdistrict_id: r.subdistrict_id,
      closed: r.closed,
      length_m: Number(r.length_m),
      duration_s: Number(r.duration_s),
      order: stops.map((s) => s.id),
      stops,
      synthetic: r.synthetic,
      created_at: r.created_at,
    },
    geometry: (typeof r.g === 'string' ? JSON.parse(r.g) : r.g) as LineString,
  };
}

const ROUTE_SQL = `SELECT id, group_id, subdistrict_id, name, closed, stops, length_m, duration_s, synthetic,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at, ST_AsGeoJSON(geom, 7)::json AS g FROM patrol_routes`;

/** Saved routes; `readScope`: sub-district prefixes the reader covers (null: all), applied in the query. */
export async function listRoutes(
  db: Queryable,
  f: { subdistrict?: string; group?: string },
  readScope: string[] | null = null,
): Promise<Feature<LineString>[]> {
  const r = await db.query<RouteDbRow>(
    `${ROUTE_SQL} WHERE ($1::text IS NULL OR subdistrict_id = $1) AND ($2::text IS NULL OR group_id = $2) AND ${inReadScope('subdistrict_id', '$3')} ORDER BY id`,
    [f.subdistrict ?? null, f.group ?? null, readScope],
  );
  return r.rows.map(toFeature);
}

/** One saved route, or null when missing or outside `readScope` (sub-district prefixes; null: all). */
export async function getRoute(db: Queryable, id: number, readScope: string[] | null = null): Promise<Feature<LineString> | null> {
  const r = await db.query<RouteDbRow>(`${ROUTE_SQL} WHERE id = $1 AND ${inReadScope('subdistrict_id', '$2')}`, [id, readScope]);
  return r.rows[0] ? toFeature(r.rows[0]) : null;
}

export function routeGpx(f: Feature<LineString>): string {
  return toGpx(f, { name: String(f.properties?.name ?? 'patrol route') });
}
