/**
 * Joint-defense groups and patrol routes over HTTP (/api/groups…, /api/patrols/route(s)): the groups
 * of a sub-district, one group's detail (live or archived by a regroup), the alarm response, the
 * automatic regroup and its preview, hand edits, records and saved routes. The server's defense
 * services and handlers and the client's api/groups.ts use these shapes.
 */
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';

/** A shop in a group (or in none). `phone` is null for roles that do not call shops. */
export interface GroupMember {
  id: string;
  name: string;
  phone: string | null;
  category: string | null;
  lon: number;
  lat: number;
}

/** A live group as GET /api/groups lists it. */
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
  /** slowest member walking to the leader */
  max_response_s: number | null;
  /** worst alarm: the farthest member walking to the ringing shop (diameter / speed) */
  worst_response_s: number | null;
  /** worst_response_s above the threshold (or members not connected) */
  slow: boolean;
  /** The group's row version (renames, records and drawn routes are written against it). */
  version: number;
  synthetic: boolean;
  hull: Polygon | MultiPolygon | null;
  equipment: Record<string, number>;
  drills: number;
  patrol_logs: number;
}

/** GET /api/groups: the groups of a sub-district and its shops in no group. */
export interface GroupsAnswer {
  subdistrict: string;
  /** The sub-district's grouping version (hand edits and regroups are written against it). */
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

/** GET /api/groups/response: walking time for every other member of the shop's group, paths and the isochrone. */
export interface ResponseAnswer {
  shop: { id: string; name: string; lon: number; lat: number };
  group: string | null;
  threshold_s: number;
  speed_mps: number;
  members: ResponseMember[];
  worst_s: number | null;
  slow: boolean;
  /** One walking path per member that can reach the shop. */
  paths: FeatureCollection<LineString, { from: string; time_s: number; distance_m: number }>;
  isochrone: Feature<Polygon | MultiPolygon> | null;
  /** The streets reachable within the limit. */
  reached: Feature<MultiLineString> | null;
  time_ms: number;
}

export const RECORD_KINDS = ['equipment', 'drills', 'patrol-logs', 'schedule'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
/** A record of a group; carried_from: the archived groups it was carried on from by regrouping (oldest first). */
export type GroupRecord = Record<string, unknown> & { id: number; version: number; group_id?: string; carried_from?: string[] | null };

/** GET /api/groups/:id of a live group: the group and its records. */
export type LiveGroupDetail = DefenseGroup & { records: Record<RecordKind, GroupRecord[]>; archived: false };

/**
 * GET /api/groups/:id of a group a regroup replaced: read-only, answered like a live one but with
 * no row version and no walking figures (its shops then; records include those carried on to
 * `replaced_by`).
 */
export type ArchivedGroupDetail = Omit<DefenseGroup, 'version' | 'synthetic' | 'diameter_m' | 'mean_pair_m' | 'max_response_s' | 'worst_response_s'> & {
  records: Record<RecordKind, GroupRecord[]>;
  archived: true;
  archived_at: string | null;
  replaced_by: string | null;
  replaced_by_name: string | null;
};

export type GroupDetail = LiveGroupDetail | ArchivedGroupDetail;

/** Records per kind (carried by a regroup, or held by the groups it replaces). */
export interface RecordCounts {
  equipment: number;
  drills: number;
  patrol_logs: number;
  schedule: number;
}

/** Body of POST /api/groups/auto and its preview (without `wait`). */
export interface AutoGroupBody {
  subdistrict: string;
  grid?: string;
  /** A street id or name: only its shops. */
  street?: string;
  crossGrids?: boolean;
  /** Shops that should lead their group. */
  leaders?: string[];
  /** The grouping version a preview was made from (stale → 409). */
  baseVersion?: number;
  size?: number;
  min?: number;
  max?: number;
  wait?: boolean;
}

/** What an automatic regroup would do (POST /api/groups/auto/preview). */
export interface AutoPreview {
  subdistrict: string;
  /** The grouping version this preview was made from: send it as baseVersion to regroup exactly this. */
  version: number;
  shops: number;
  /** Existing groups that the regroup replaces (archived; their records carried to the new groups). */
  groups_replaced: number;
  /** Existing groups that lose some shops and keep the rest (their records stay with them). */
  groups_kept: number;
  /** Records of the replaced groups, carried to the new group holding most of each one's shops. */
  records: RecordCounts;
  /** Saved patrol routes of the replaced groups: they stay with the archived groups. */
  routes: number;
}

/** The result of an automatic regroup (POST /api/groups/auto with wait, or the job's result). */
export interface AutoResult {
  subdistrict: string;
  version: number;
  shops: number;
  groups: number;
  /** Old groups replaced (archived); same as archived_groups, kept for older clients. */
  removed_groups: number;
  archived_groups: number;
  /** Each archived group and its successor (null: none; its records stay with it). */
  replaced: { from: string; to: string | null }[];
  /** Records carried from the archived groups to their successors, per kind. */
  carried: RecordCounts;
  /** Saved patrol routes that stay with the archived groups. */
  routes_kept: number;
  warnings: string[];
  mean_diameter_m: number | null;
  max_diameter_m: number | null;
  time_ms: number;
}

/** A group replaced by a regroup (GET /api/groups/archived). */
export interface ArchivedGroup {
  id: string;
  subdistrict_id: string;
  grid_code: string | null;
  name: string;
  leader_shop_id: string;
  archived_at: string;
  archived_version: number | null;
  replaced_by: string | null;
  replaced_by_name: string | null;
  members: string[];
  /** Records it held (still on it) or carried on from it. */
  records: number;
  routes: number;
}

/** What a hand edit changed for one shop or group. */
export interface MemberChange {
  shop?: string;
  from?: string | null;
  to?: string | null;
  group?: string;
  leader_from?: string | null;
  leader_to?: string | null;
}

/** Answer of a hand edit (move, swap, leader): the new grouping version, the groups touched and deleted. */
export interface GroupEditAnswer {
  version: number;
  groups: string[];
  deleted: string[];
  changes: MemberChange[];
}

/** A patrol route (planned through a group's shops or given stops, or saved). */
export type RouteFeature = Feature<
  LineString,
  {
    name: string;
    length_m: number;
    duration_s: number;
    closed: boolean;
    order: string[];
    group?: string | null;
    subdistricts?: string[];
    id?: number;
    stops?: { id: string; lon: number; lat: number }[];
    /** Where each stop meets the street network. */
    snapped?: [number, number][];
  }
> & { id?: number };

/** Answer of saving a drawn route: its id, the group's new row version and the route (stops snapped). */
export interface DrawnRouteAnswer {
  id: number;
  version: number;
  route: RouteFeature;
}
