import type { Queryable } from '../db';
import { DEFAULT_COST, hashPassword, type ScryptCost } from './password';
import type { UserRecord } from '../../common/http/users';
import type { Role, SessionUser } from './roles';

/** A user row as the admin API shows it (never the password hash): common/http/users.ts. */
export type { UserRecord };

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  displayName?: string | null;
  subdistricts?: string[];
  grids?: string[];
  demo?: boolean;
}

export class DuplicateUserError extends Error {
  readonly statusCode = 409;
  constructor(username: string) {
    super(`用户 ${username} 已存在 (user exists)`);
  }
}

const COLUMNS = `id, username, display_name, role, subdistricts, grids, active, demo, created_at, updated_at`;

interface Row {
  id: number | string;
  username: string;
  display_name: string | null;
  role: Role;
  subdistricts: string[];
  grids: string[];
  active: boolean;
  demo: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

export function toRecord(r: Row): UserRecord {
  return {
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    subdistricts: r.subdistricts ?? [],
    grids: r.grids ?? [],
    active: r.active,
    demo: r.demo,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function toSessionUser(u: UserRecord): SessionUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, subdistricts: u.subdistricts, grids: u.grids };
}

export async function createUser(db: Queryable, u: NewUser, cost: ScryptCost = DEFAULT_COST): Promise<UserRecord> {
  const hash = await hashPassword(u.password, cost);
  const exists = await db.query('SELECT 1 FROM users WHERE lower(username) = lower($1)', [u.username]);
  if (exists.rows.length) throw new DuplicateUserError(u.username);
  const r = await db.query<Row>(
    `INSERT INTO users (username, display_name, password_hash, role, subdistricts, grids, demo)
     VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7) RETURNING ${COLUMNS}`,
    [u.username, u.displayName ?? null, hash, u.role, u.subdistricts ?? [], u.grids ?? [], u.demo ?? false],
  );
  return toRecord(r.rows[0]);
}

export async function getUser(db: Queryable, id: number): Promise<UserRecord | null> {
  const r = await db.query<Row>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return r.rows[0] ? toRecord(r.rows[0]) : null;
}

/** The user and its password hash, by case-insensitive user name. */
export async function findForLogin(db: Queryable, username: string): Promise<{ user: UserRecord; hash: string } | null> {
  const r = await db.query<Row & { password_hash: string }>(`SELECT ${COLUMNS}, password_hash FROM users WHERE lower(username) = lower($1)`, [username]);
  return r.rows[0] ? { user: toRecord(r.rows[0]), hash: r.rows[0].password_hash } : null;
}

export async function listUsers(db: Queryable): Promise<UserRecord[]> {
  const r = await db.query<Row>(`SELECT ${COLUMNS} FROM users ORDER BY id`);
  return r.rows.map(toRecord);
}

export async function setPassword(db: Queryable, id: number, password: string, cost: ScryptCost = DEFAULT_COST): Promise<void> {
  const hash = await hashPassword(password, cost);
  await db.query('UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1', [id, hash]);
}

export interface UserPatch {
  role?: Role;
  displayName?: string | null;
  subdistricts?: string[];
  grids?: string[];
  active?: boolean;
}

export async function updateUser(db: Queryable, id: number, p: UserPatch): Promise<UserRecord | null> {
  const r = await db.query<Row>(
    `UPDATE users SET
       role = COALESCE($2, role),
       display_name = CASE WHEN $3::boolean THEN $4 ELSE display_name END,
       subdistricts = COALESCE($5::text[], subdistricts),
       grids = COALESCE($6::text[], grids),
       active = COALESCE($7, active),
       updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, p.role ?? null, p.displayName !== undefined, p.displayName ?? null, p.subdistricts ?? null, p.grids ?? null, p.active ?? null],
  );
  return r.rows[0] ? toRecord(r.rows[0]) : null;
}

export async function countUsers(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number | string }>('SELECT count(*)::int AS n FROM users');
  return Number(r.rows[0].n);
}
