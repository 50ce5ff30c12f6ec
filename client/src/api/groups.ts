/** Typed client functions for /api/groups and /api/patrols (re-exported through ../api). */
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import { getJson, ourUrl, sendJson } from './http';

export interface GroupMember {
  id: string;
  name: string;
  phone: string | null;
  category: string | null;
  lon: number;
  lat: number;
}

export interface DefenseGroup {
  id: string;
  subdistrict_id: string;
  grid_code: string | null;
  name: string;
  leader_shop_id: string;
  leader: GroupMember | null;
  members: GroupMember[];
  size: number;
  diameter_m: number | null;
  mean_pair_m: number | null;
  max_response_s: number | null;
  worst_response_s: number | null;
  slow: boolean;
  version: number;
  synthetic: boolean;
  hull: Polygon | MultiPolygon | null;
  equipment: Record<string, number>;
  drills: number;
  patrol_logs: number;
}

export interface GroupsAnswer {
  subdistrict: string;
  version: number;
  threshold_s: number;
  speed_mps: number;
  groups: DefenseGroup[];
  ungrouped: GroupMember[];
  stats: { shops: number; grouped: number; groups: number; slow: number; ungrouped: number };
}

export interface ResponseMember {
  id: string;
  name: string;
  phone: string | null;
  leader: boolean;
  distance_m: number | null;
  time_s: number | null;
  within: boolean;
}

export interface ResponseAnswer {
  shop: { id: string; name: string; lon: number; lat: number };
  group: string | null;
  threshold_s: number;
  members: ResponseMember[];
  worst_s: number | null;
  slow: boolean;
  paths: FeatureCollection<LineString, { from: string; time_s: number; distance_m: number }>;
  isochrone: Feature<Polygon | MultiPolygon> | null;
  reached: Feature<MultiLineString> | null;
  time_ms: number;
}

export type RecordKind = 'equipment' | 'drills' | 'patrol-logs' | 'schedule';
/** carried_from: the archived groups a record was carried on from by regrouping (oldest first). */
export type GroupRecord = Record<string, unknown> & { id: number; version: number; group_id?: string; carried_from?: string[] | null };
export type GroupDetail = DefenseGroup & {
  records: Record<RecordKind, GroupRecord[]>;
  /** Replaced by regrouping: read-only; records include those carried on to `replaced_by`. */
  archived?: boolean;
  archived_at?: string | null;
  replaced_by?: string | null;
  replaced_by_name?: string | null;
};

export interface RecordCounts {
  equipment: number;
  drills: number;
  patrol_logs: number;
  schedule: number;
}

/** What an automatic regroup would do (POST /api/groups/auto/preview). */
export interface AutoPreview {
  subdistrict: string;
  version: number;
  shops: number;
  groups_replaced: number;
  groups_kept: number;
  records: RecordCounts;
  routes: number;
}

export interface AutoResult {
  groups: number;
  shops: number;
  time_ms: number;
  archived_groups: number;
  carried: RecordCounts;
  routes_kept: number;
}

export interface ArchivedGroup {
  id: string;
  name: string;
  archived_at: string;
  replaced_by: string | null;
  replaced_by_name: string | null;
  members: string[];
  records: number;
  routes: number;
}

export interface EditAnswer {
  version: number;
  groups: string[];
  deleted: string[];
}

export type RouteFeature = Feature<
  LineString,
  {
    name: string;
    length_m: number;
    duration_s: number;
    closed: boolean;
    order: string[];
    group?: string | null;
    id?: number;
    stops?: { id: string; lon: number; lat: number }[];
  }
> & { id?: number };

/** Answer of saving a drawn route: its id, the group's new row version and the route (stops snapped). */
export interface DrawnRouteAnswer {
  id: number;
  version: number;
  route: RouteFeature;
}

const q = (o: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();

export const groupsApi = {
  list: (subdistrict: string, threshold: number): Promise<GroupsAnswer> => getJson(`/api/groups?${q({ subdistrict, threshold })}`),
  detail: (id: string): Promise<GroupDetail> => getJson(`/api/groups/${encodeURIComponent(id)}`),
  response: (shop: string, threshold: number): Promise<ResponseAnswer> => getJson(`/api/groups/response?${q({ shop, threshold })}`),
  auto: (body: {
    subdistrict: string;
    grid?: string;
    street?: string;
    crossGrids?: boolean;
    baseVersion?: number;
    wait?: boolean;
  }): Promise<{ job: string | null; result?: AutoResult }> => sendJson('POST', '/api/groups/auto', body),
  preview: (body: { subdistrict: string; grid?: string; street?: string; crossGrids?: boolean }): Promise<AutoPreview> =>
    sendJson('POST', '/api/groups/auto/preview', body),
  archived: (subdistrict: string): Promise<{ subdistrict: string; groups: ArchivedGroup[] }> => getJson(`/api/groups/archived?${q({ subdistrict })}`),
  move: (subdistrict: string, baseVersion: number, shop: string, to: string | null): Promise<EditAnswer> =>
    sendJson('POST', '/api/groups/move', { subdistrict, baseVersion, shop, to }),
  swap: (subdistrict: string, baseVersion: number, a: string, b: string): Promise<EditAnswer> =>
    sendJson('POST', '/api/groups/swap', { subdistrict, baseVersion, a, b }),
  leader: (subdistrict: string, baseVersion: number, group: string, shop: string): Promise<EditAnswer> =>
    sendJson('POST', '/api/groups/leader', { subdistrict, baseVersion, group, shop }),
  addRecord: (group: string, kind: RecordKind, body: Record<string, unknown>): Promise<GroupRecord> =>
    sendJson('POST', `/api/groups/${encodeURIComponent(group)}/${kind}`, body),
  deleteRecord: (group: string, kind: RecordKind, id: number, version: number): Promise<unknown> =>
    sendJson('DELETE', `/api/groups/${encodeURIComponent(group)}/${kind}/${id}?version=${version}`),
  route: (body: { group?: string; stops?: { id?: string; lon: number; lat: number }[]; closed?: boolean; save?: boolean }): Promise<RouteFeature> =>
    sendJson('POST', '/api/patrols/route', body),
  /** Saves a route drawn by clicking stops (in patrol order) for a group, against the group's row version. */
  drawRoute: (group: string, version: number, stops: { lon: number; lat: number }[], closed: boolean): Promise<DrawnRouteAnswer> =>
    sendJson('POST', '/api/patrols/routes', { group, version, stops, closed }),
  /** Replaces the stops of a group's saved route (the group's row version; stale → 409). */
  editRoute: (id: number, version: number, stops: { lon: number; lat: number }[], closed: boolean): Promise<DrawnRouteAnswer> =>
    sendJson('PUT', `/api/patrols/routes/${id}`, { version, stops, closed }),
  routes: (group: string): Promise<FeatureCollection<LineString>> => getJson(`/api/patrols/routes?${q({ group })}`),
  /** Download URLs of a saved route (our own origin). */
  routeUrl: (id: number, format: 'gpx' | 'geojson'): string => ourUrl(`/api/patrols/routes/${id}/${format}`),
};
