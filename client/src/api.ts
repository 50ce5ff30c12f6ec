/**
 * The client's only door to the server: typed wrappers around our own HTTP API. Every URL is
 * built from `location.origin`, never an outside host.
 */
import { plansApi } from './api/plans';
import { unitsApi } from './api/units';
import { hotspotsApi } from './api/hotspots';
import { groupsApi } from './api/groups';
import { patrolPlansApi } from './api/patrol-plans';

export type BBox = [number, number, number, number];

export interface Meta {
  /** [minLon, minLat, maxLon, maxLat] of the district data (WGS84). */
  bbox: BBox;
  center: [number, number];
  /** Source note(s) for the data, shown in the attribution control. */
  attribution?: string | string[];
  [key: string]: unknown;
}

export type LayerName = 'streets' | 'water' | 'blocks' | 'compounds' | 'buildings' | 'units' | 'shops' | 'incidents';
/** Polygon layers with a label route (GET /api/layers/:layer/labels). */
export type LabelLayerName = 'water' | 'compounds' | 'communities' | 'subdistricts';

export { ApiError, csrfHeaders, getJson, ourUrl, sendJson, setUnauthorizedHandler, type FC, type Props } from './api/http';
import { ApiError, getJson, ourUrl, sendJson, type FC } from './api/http';

import type { LoginAnswer, SessionInfo } from '../../common/http/session';
export type { SessionUser } from '../../common/http/roles';
export type { DemoAccount, LoginAnswer, SessionInfo } from '../../common/http/session';

export const api = {
  session: (): Promise<SessionInfo> => getJson<SessionInfo>('/api/session'),
  login: (username: string, password: string): Promise<LoginAnswer> => sendJson('POST', '/api/login', { username, password }),
  logout: (): Promise<{ ok: boolean }> => sendJson('POST', '/api/logout'),
  meta: (): Promise<Meta> => getJson<Meta>('/api/meta'),
  subdistricts: (): Promise<FC> => getJson<FC>('/api/subdistricts'),
  communities: (): Promise<FC> => getJson<FC>('/api/communities'),
  layer: (layer: LayerName, opts: { bbox?: BBox; limit?: number } = {}): Promise<FC> => {
    const q = new URLSearchParams();
    if (opts.bbox) q.set('bbox', opts.bbox.map((v) => v.toFixed(6)).join(','));
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    const qs = q.toString();
    return getJson<FC>(`/api/layers/${layer}${qs ? `?${qs}` : ''}`);
  },
  /** One label point (id, name, name_en) per named polygon of a layer. */
  labels: (layer: LabelLayerName): Promise<FC> => getJson<FC>(`/api/layers/${layer}/labels`),
  /** Vector tile URL template of our tile server. */
  tilesUrl: (): string => `${ourUrl('/tiles/')}{z}/{x}/{y}.pbf`,
  /** Glyph URL template of our committed SDF fonts. */
  glyphsUrl: (): string => `${ourUrl('/fonts/')}{fontstack}/{range}.pbf`,
  /** The TrueType subset the printed PDF embeds for its text (scripts/build-pdf-font.ts). */
  pdfFont: async (): Promise<ArrayBuffer> => {
    const url = ourUrl('/print-fonts/WanggePrintSansSC-Regular.ttf');
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new ApiError(res.status, url, res.statusText);
    return res.arrayBuffer();
  },
  /** Incidents and hot spots (client/src/api/hotspots.ts). */
  get hotspots(): typeof hotspotsApi {
    return hotspotsApi;
  },
  /** Joint-defense groups and patrol routes (client/src/api/groups.ts). */
  get groups(): typeof groupsApi {
    return groupsApi;
  },
  /** Weekly patrol plans from the hot spots (client/src/api/patrol-plans.ts). */
  get patrolPlans(): typeof patrolPlansApi {
    return patrolPlansApi;
  },
  /** Grid plans and the planner's tools (client/src/api/plans.ts). */
  get plans(): typeof plansApi {
    return plansApi;
  },
  /** Units from raw data: the build job and its data-quality report (client/src/api/units.ts). */
  get units(): typeof unitsApi {
    return unitsApi;
  },
};
export type Api = typeof api;

// ---- whistle cases (client/src/api/cases.ts) ----
export * from './api/cases';
