import type { SessionUser } from './roles';

/** District adcode: a user whose subdistricts contain it covers every sub-district. */
export const DISTRICT_ADCODE = '340802';

/**
 * Does the user cover this sub-district id (9 digits), community id (12) or grid code (15)?
 * Users hold id prefixes; admins cover everything. A grid member covers the grids listed in
 * `grids` and, for sub-district/community-level targets, the areas that contain one of them.
 */
export function covers(user: SessionUser, code: string): boolean {
  if (user.role === 'admin') return true;
  if (user.role === 'grid_member') {
    return user.grids.some((g) => code.startsWith(g) || (code.length < 15 && g.startsWith(code)));
  }
  return user.subdistricts.some((s) => code.startsWith(s));
}

/** The sub-district ids (from `all`) the user covers: for filtering list endpoints. */
export function coveredSubdistricts(user: SessionUser, all: string[]): string[] {
  return all.filter((s) => covers(user, s));
}

/** True when the user covers every code; an empty list is covered. */
export function coversAll(user: SessionUser, codes: Iterable<string>): boolean {
  for (const c of codes) if (!covers(user, c)) return false;
  return true;
}

/**
 * Pulls sub-district ids / grid codes a request names from an object (params, query or body):
 * fields subdistrict, subdistrict_id, subdistrictId, subdistricts, grid, grid_code, gridCode, grids.
 */
export function targetCodes(...sources: unknown[]): string[] {
  const out: string[] = [];
  const keys = ['subdistrict', 'subdistrict_id', 'subdistrictId', 'subdistricts', 'grid', 'grid_code', 'gridCode', 'grids', 'community', 'community_id'];
  for (const src of sources) {
    if (!src || typeof src !== 'object' || Array.isArray(src)) continue;
    const o = src as Record<string, unknown>;
    for (const k of keys) {
      const v = o[k];
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string' && /^\d{9,15}$/.test(x)) out.push(x);
    }
  }
  return out;
}

/**
 * The part of `subdistricts` a caller may write: all of it for admins and when sign-in is off
 * (no user), else the covered ones. Writes that name `all` or a whole plan use it so that "all"
 * means "all in my scope".
 */
export function writableSubdistricts(user: SessionUser | null | undefined, subdistricts: string[]): string[] {
  if (!user || user.role === 'admin') return [...subdistricts];
  return subdistricts.filter((s) => covers(user, s));
}

/** A write that reaches outside the caller's sub-districts or grids (HTTP 403). */
export class OutOfScopeError extends Error {
  readonly statusCode = 403;
}
