/**
 * Typed client of the user administration and audit routes (admin): GET/POST /api/users,
 * PATCH /api/users/:id, GET /api/audit. Writes carry the CSRF header through sendJson.
 */
import { getJson, sendJson } from './http';
import type { SessionUser } from '../api';

export type Role = SessionUser['role'];
export const ROLES: readonly Role[] = ['admin', 'planner', 'coordinator', 'leader', 'grid_member'];

export interface UserRecord {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  subdistricts: string[];
  grids: string[];
  active: boolean;
  demo: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  displayName?: string;
  subdistricts?: string[];
  grids?: string[];
}

/** A change of one user; `password` resets it. Role, active=false and a reset end their sessions. */
export interface UserPatch {
  role?: Role;
  displayName?: string | null;
  subdistricts?: string[];
  grids?: string[];
  active?: boolean;
  password?: string;
}

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

function query(f: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const usersApi = {
  list: () => getJson<UserRecord[]>('/api/users'),
  create: (u: NewUser) => sendJson<UserRecord>('POST', '/api/users', u),
  update: (id: number, patch: UserPatch) => sendJson<UserRecord>('PATCH', `/api/users/${id}`, patch),
};

export const auditApi = {
  list: (f: AuditFilter = {}) => getJson<{ total: number; limit: number; offset: number; items: AuditItem[] }>(`/api/audit${query(f)}`),
};
