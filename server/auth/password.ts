import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { weakPasswordProblem } from './password-strength';

/**
 * Password hashing with scrypt (memory-hard). Stored form: `scrypt$N$r$p$salt$hash`, salt and hash
 * base64url, so the cost can be raised later without invalidating existing hashes.
 * Default cost N = 2^15, r = 8, p = 1 (32 MiB, ~50-100 ms); tests may pass a lower N.
 */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEYLEN = 64;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 200;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const opts: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEYLEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time comparison; false (never a throw) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0) || N > 2 ** 20) return false;
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (expected.length !== KEYLEN) return false;
  const key = await derive(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password, verified against when the user does not exist (same timing). */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('base64url'));
  return dummy;
}

/**
 * null when acceptable, else a message for the user: at least 8 characters, not the user name, and
 * not guessable (zxcvbn score 3+, see password-strength.ts). Applies to every password set through
 * the API and create-admin; the development-only demo users are created by code with known
 * passwords and never pass through here.
 */
export function passwordProblem(password: string, username?: string, displayName?: string | null): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 个字符 (password must have at least ${MIN_PASSWORD_LENGTH} characters)`;
  if (password.length > MAX_PASSWORD_LENGTH) return `密码过长 (password too long)`;
  if (username && password.toLowerCase() === username.toLowerCase()) return '密码不能与用户名相同 (password must differ from the user name)';
  return weakPasswordProblem(password, [username, displayName]);
}
