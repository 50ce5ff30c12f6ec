/**
 * The five roles of Wangge and the signed-in user as the server answers it (GET /api/session,
 * /api/me; `request.user` on the server). The one list of roles: the server's access rules and JSON
 * schemas, the client's views, layers and user administration all read it from here.
 */

export const ROLES = ['admin', 'planner', 'coordinator', 'leader', 'grid_member'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** The signed-in user (`request.user` on the server, `session.user` in the client). */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  /** Sub-district id prefixes this user works in; '340802' (district adcode) = the whole district. */
  subdistricts: string[];
  /** Grid code prefixes (grid members: their own grids). */
  grids: string[];
}
