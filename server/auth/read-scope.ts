import type { SessionUser } from './roles';
import { DISTRICT_ADCODE } from './scope';

/**
 * Read scope (issue 15): every read of scoped objects is filtered IN THE QUERY by the code prefixes
 * the reader covers. `readPrefixes` gives them; `inReadScope` is the SQL test.
 *
 * - no user (only when sign-in is off: a closed kiosk) and admins: everything (null);
 * - grid members: their own grids (grid-code prefixes);
 * - everyone else: their sub-districts ('340802', the district adcode, = everything).
 */
export function readPrefixes(user: SessionUser | null | undefined): string[] | null {
  if (!user || user.role === 'admin') return null;
  if (user.role === 'grid_member') return [...user.grids];
  if (user.subdistricts.some((s) => DISTRICT_ADCODE.startsWith(s))) return null;
  return [...user.subdistricts];
}

/**
 * SQL condition: `codeExpr` (a sub-district id, community id or grid code) starts with one of the
 * prefixes in the text[] parameter `param` (e.g. '$3'); a NULL parameter means no restriction, a
 * NULL code is outside every restricted scope.
 */
export function inReadScope(codeExpr: string, param: string): string {
  return `(${param}::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest(${param}::text[]) AS read_scope(p) WHERE starts_with(${codeExpr}, read_scope.p)))`;
}

/** The same test in TypeScript, for answers that are not one query (null prefixes: everything). */
export function codeInReadScope(prefixes: string[] | null, code: string | null | undefined): boolean {
  if (prefixes === null) return true;
  return typeof code === 'string' && prefixes.some((p) => code.startsWith(p));
}
