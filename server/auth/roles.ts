/** The five roles of Wangge. Access rules live in ./policy, scope rules in ./scope. */
export const ROLES = ['admin', 'planner', 'coordinator', 'leader', 'grid_member'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** The user attached to an authenticated request (`request.user`). */
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
