/**
 * Typed client of the user administration and audit routes (admin): GET/POST /api/users,
 * PATCH /api/users/:id, GET /api/audit. Writes carry the CSRF header through sendJson.
 */
import type { AuditFilter, AuditPage, NewUserBody, UserPatchBody, UserRecord } from '../../../common/http/users';
import { getJson, sendJson } from './http';

export { ROLES, type Role } from '../../../common/http/roles';
export type { AuditFilter, AuditItem, AuditPage, UserRecord } from '../../../common/http/users';
export type NewUser = NewUserBody;
export type UserPatch = UserPatchBody;

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
  list: (f: AuditFilter = {}) => getJson<AuditPage>(`/api/audit${query(f)}`),
};
