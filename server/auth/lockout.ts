import type { Queryable } from '../db';

/**
 * Per-account lockout with a growing delay: after `freeFailures` consecutive failed sign-ins for a
 * user name (from any address), the account is locked for `baseMs`, doubling with every further
 * failure up to `maxMs`. While locked, sign-ins are refused without checking the password (429), so
 * guesses spread over many addresses gain nothing. A success clears the count; a count untouched
 * for `forgetMs` starts over. Stored in the database, so it holds across restarts and servers.
 */
export interface LockoutPolicy {
  freeFailures: number;
  baseMs: number;
  maxMs: number;
  forgetMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { freeFailures: 5, baseMs: 60_000, maxMs: 15 * 60_000, forgetMs: 24 * 3600_000 };

const key = (username: string) => username.slice(0, 64).toLowerCase();

/** Milliseconds the account stays locked (0 when it is not). */
export async function lockedForMs(db: Queryable, username: string): Promise<number> {
  const r = await db.query<{ ms: number | string | null }>(
    `SELECT GREATEST(0, ceil(EXTRACT(EPOCH FROM (locked_until - clock_timestamp())) * 1000))::float8 AS ms FROM login_failures WHERE username = $1`,
    [key(username)],
  );
  return Number(r.rows[0]?.ms ?? 0);
}

/** Counts one failed sign-in; returns the lock it caused (ms, 0 for none). */
export async function recordFailure(db: Queryable, username: string, policy: LockoutPolicy = DEFAULT_LOCKOUT): Promise<number> {
  const r = await db.query<{ failures: number }>(
    `INSERT INTO login_failures AS f (username, failures, last_failed_at) VALUES ($1, 1, clock_timestamp())
     ON CONFLICT (username) DO UPDATE
       SET failures = CASE WHEN f.last_failed_at < clock_timestamp() - $2 * interval '1 millisecond' THEN 1 ELSE f.failures + 1 END,
           last_failed_at = clock_timestamp()
     RETURNING failures`,
    [key(username), policy.forgetMs],
  );
  const failures = Number(r.rows[0].failures);
  if (failures < policy.freeFailures) return 0;
  const ms = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, failures - policy.freeFailures));
  await db.query(`UPDATE login_failures SET locked_until = clock_timestamp() + $2 * interval '1 millisecond' WHERE username = $1`, [key(username), ms]);
  // keep the table small: names nobody has mistyped for a while
  await db.query(`DELETE FROM login_failures WHERE last_failed_at < clock_timestamp() - $1 * interval '1 millisecond' AND username <> $2`, [
    policy.forgetMs,
    key(username),
  ]);
  return ms;
}

export async function clearFailures(db: Queryable, username: string): Promise<void> {
  await db.query('DELETE FROM login_failures WHERE username = $1', [key(username)]);
}
