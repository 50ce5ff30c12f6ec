import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db';
import { toRecord, toSessionUser } from './users';
import type { SessionUser } from './roles';

export const SESSION_COOKIE = 'wangge_session';
export const CSRF_COOKIE = 'wangge_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Absolute session lifetime. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export interface NewSession {
  token: string;
  csrf: string;
  expiresAt: Date;
}

/** Creates a session; only the token's hash is stored. */
export async function createSession(
  db: Queryable,
  userId: number,
  meta: { ip?: string; userAgent?: string } = {},
  ttlMs = SESSION_TTL_MS,
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.query('INSERT INTO sessions (token_hash, user_id, csrf, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)', [
    sha256(token),
    userId,
    csrf,
    expiresAt.toISOString(),
    meta.ip ?? null,
    meta.userAgent?.slice(0, 300) ?? null,
  ]);
  return { token, csrf, expiresAt };
}

export interface ActiveSession {
  tokenHash: string;
  csrf: string;
  user: SessionUser;
}

/**
 * The live session of a token (unexpired, user active), else null. `allowDemo: false` (production)
 * ignores the sessions of demo accounts.
 */
export async function findSession(db: Queryable, token: string, opts: { allowDemo?: boolean } = {}): Promise<ActiveSession | null> {
  if (!token || token.length > 100) return null;
  const r = await db.query<Record<string, unknown>>(
    `SELECT s.token_hash, s.csrf, u.id, u.username, u.display_name, u.role, u.subdistricts, u.grids, u.active, u.demo,
            u.created_at, u.updated_at
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active AND ($2::boolean OR NOT u.demo)`,
    [sha256(token), opts.allowDemo ?? true],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    tokenHash: String(row.token_hash),
    csrf: String(row.csrf),
    user: toSessionUser(toRecord(row as unknown as Parameters<typeof toRecord>[0])),
  };
}

export async function deleteSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}

/** Ends every session of a user except (optionally) one; also drops expired sessions. */
export async function deleteUserSessions(db: Queryable, userId: number, keepTokenHash?: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE (user_id = $1 AND token_hash <> $2) OR expires_at <= now()', [userId, keepTokenHash ?? '']);
}
