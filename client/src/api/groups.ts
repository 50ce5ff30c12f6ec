/** Typed client functions for /api/groups and /api/patrols (re-exported through ../api). */
import type { FeatureCollection, LineString } from 'geojson';
import type {
  ArchivedGroup,
  AutoGroupBody,
  AutoPreview,
  AutoResult,
  DrawnRouteAnswer,
  GroupDetail,
  GroupEditAnswer,
  GroupRecord,
  GroupsAnswer,
  RecordKind,
  ResponseAnswer,
  RouteFeature,
} from '../../../common/http/groups';
import { getJson, ourUrl, sendJson } from './http';

export type * from '../../../common/http/groups';
/** Answer of a hand edit (common/http/groups.ts GroupEditAnswer). */
export type EditAnswer = GroupEditAnswer;

const q = (o: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();

export const groupsApi = {
  list: (subdistrict: string, threshold: number): Promise<GroupsAnswer> => getJson(`/api/groups?${q({ subdistrict, threshold })}`),
  detail: (id: string): Promise<GroupDetail> => getJson(`/api/groups/${encodeURIComponent(id)}`),
  response: (shop: string, threshold: number): Promise<ResponseAnswer> => getJson(`/api/groups/response?${q({ shop, threshold })}`),
  auto: (body: AutoGroupBody): Promise<{ job: string | null; result?: AutoResult }> => sendJson('POST', '/api/groups/auto', body),
  preview: (body: Omit<AutoGroupBody, 'wait'>): Promise<AutoPreview> => sendJson('POST', '/api/groups/auto/preview', body),
  archived: (subdistrict: string): Promise<{ subdistrict: string; groups: ArchivedGroup[] }> => getJson(`/api/groups/archived?${q({ subdistrict })}`),
  move: (subdistrict: string, baseVersion: number, shop: string, to: string | null): Promise<GroupEditAnswer> =>
    sendJson('POST', '/api/groups/move', { subdistrict, baseVersion, shop, to }),
  swap: (subdistrict: string, baseVersion: number, a: string, b: string): Promise<GroupEditAnswer> =>
    sendJson('POST', '/api/groups/swap', { subdistrict, baseVersion, a, b }),
  leader: (subdistrict: string, baseVersion: number, group: string, shop: string): Promise<GroupEditAnswer> =>
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
