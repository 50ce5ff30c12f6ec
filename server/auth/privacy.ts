import type { SessionUser } from './roles';
import { covers } from './scope';

/**
 * Privacy rules for household-level personal data (names, phones, party membership, credit rating):
 * - admin: all households; grid_member: households of their own grids (they visit them);
 * - planner, coordinator, leader: none, only aggregates.
 * Aggregates over fewer than SMALL_COUNT households are suppressed (null) for everyone but admins.
 */
export const SMALL_COUNT = 5;
export const PERSONAL_FIELDS = ['head_name', 'phone', 'party_member', 'plaqued', 'credit_rating'] as const;

/** May this user see personal data of a household in this grid (grid code or null when unknown)? */
export function canSeePersonalData(user: SessionUser | null, gridCode: string | null): boolean {
  if (!user) return false;
  if (user.role === 'admin') return true;
  if (user.role === 'grid_member') return gridCode !== null && covers(user, gridCode);
  return false;
}

/** Returns a copy without the personal fields unless the user may see them. */
export function redactHousehold<T extends Record<string, unknown>>(row: T, user: SessionUser | null, gridCode: string | null): Partial<T> {
  if (canSeePersonalData(user, gridCode)) return { ...row };
  const out: Record<string, unknown> = { ...row };
  for (const f of PERSONAL_FIELDS) delete out[f];
  return out as Partial<T>;
}

/**
 * Small-count suppression: a statistic computed over `households` households is returned only when
 * households >= SMALL_COUNT (or to admins); otherwise null.
 */
export function suppressSmall<T>(value: T, households: number, user?: SessionUser | null): T | null {
  if (user?.role === 'admin') return value;
  return households >= SMALL_COUNT ? value : null;
}

/** Applies suppressSmall to the named fields of each row, using the row's household count field. */
export function suppressSmallRows<T extends Record<string, unknown>>(rows: T[], countField: keyof T, fields: Array<keyof T>, user?: SessionUser | null): T[] {
  return rows.map((r) => {
    const n = Number(r[countField] ?? 0);
    if (user?.role === 'admin' || n >= SMALL_COUNT) return r;
    const out = { ...r };
    for (const f of fields) (out as Record<keyof T, unknown>)[f] = null;
    return out;
  });
}

/**
 * Shop phone numbers (joint-defense contacts): coordinators, who call the shops, and admins. With
 * sign-in off (no user: a closed kiosk) everything is shown, as everywhere else.
 */
export function canSeeShopPhones(user: SessionUser | null | undefined): boolean {
  return !user || user.role === 'admin' || user.role === 'coordinator';
}

/** Shops (or group members) with `phone` nulled unless the user may see shop phones. */
export function redactShopPhones<T extends { phone?: string | null }>(shops: T[], user: SessionUser | null | undefined): T[] {
  return canSeeShopPhones(user) ? shops : shops.map((s) => ({ ...s, phone: null }));
}
