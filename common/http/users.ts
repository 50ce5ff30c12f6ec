/**
 * User administration and the audit log over HTTP (admin): GET/POST /api/users, PATCH
 * /api/users/:id, GET /api/audit. The server's handlers and stores and the client's api/users.ts
 * both use these shapes.
 */
import type { Role, SessionUser } from './roles';

/** A user row as the admin API shows it (never the password hash). */
export interface UserRecord extends SessionUser {
  active: boolean;
  demo: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Body of POST /api/users. */
export interface NewUserBody {
  username: string;
  password: string;
  role: Role;
  displayName?: string;
  subdistricts?: string[];
  grids?: string[];
}

/** Body of PATCH /api/users/:id: a change of one user; `password` resets it. Role, active=false and a reset end their sessions. */
export interface UserPatchBody {
  role?: Role;
  displayName?: string | null;
  subdistricts?: string[];
  grids?: string[];
  active?: boolean;
  password?: string;
}

/** One entry of the audit log (GET /api/audit). */
export interface AuditItem {
  id: number;
  at: string;
  actor: string;
  actorId: number | null;
  actorRole: string | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  before: unknown;
  after: unknown;
  method: string | null;
  url: string | null;
  status: number | null;
  ip: string | null;
}

/** Query of GET /api/audit. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  /** ISO date-time, inclusive. */
  since?: string;
  /** ISO date-time, exclusive. */
  until?: string;
  limit?: number;
  offset?: number;
}

/** Answer of GET /api/audit: newest first. */
export interface AuditPage {
  total: number;
  limit: number;
  offset: number;
  items: AuditItem[];
}
