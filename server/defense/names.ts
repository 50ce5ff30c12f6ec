/**
 * Names of new joint-defense groups: the street most of the group's OWN shops are on, then the
 * nearest other named street to the group's centre as a landmark ("倒扒狮路·文昌中路口联防组"),
 * then a number when the name is still taken in the sub-district. In the demo's 人民路 nearly every
 * shop fronts one street, so the street alone named every group alike (issue M).
 */
import type { Queryable } from '../db';

export interface NamingInput {
  /** street names of the group's shops (null: unknown) */
  streets: Array<string | null>;
  /** the nearest named street to the group's centre other than its main street, if any */
  cross: string | null;
}

/** The street most of the shops are on (ties: the first in code-point order), or null. */
export function mainStreet(streets: Array<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const s of streets) if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
}

/** The base of a name (without 联防…组): main street, and the landmark cross street. */
export function nameBase(main: string | null, cross: string | null): string {
  if (main && cross) return `${main}·${cross}口`;
  return main ?? cross ?? '';
}

/**
 * Names in input order, none equal to another or to a `taken` name: "<base>联防组", then
 * "<base>联防2组", "<base>联防3组" … for later groups of the same base.
 */
export function composeNames(items: Array<{ main: string | null; cross: string | null }>, taken: Iterable<string> = []): string[] {
  const used = new Set(taken);
  return items.map(({ main, cross }) => {
    const base = nameBase(main, cross);
    let name = `${base}联防组`;
    for (let k = 2; used.has(name); k++) name = `${base}联防${k}组`;
    used.add(name);
    return name;
  });
}

/** The nearest named street to a point whose name is not `exclude` (KNN on the streets' index). */
export async function crossStreetNear(db: Queryable, lon: number, lat: number, exclude: string | null): Promise<string | null> {
  const r = await db.query<{ name: string }>(
    `SELECT name FROM streets WHERE name IS NOT NULL AND name <> '' AND ($3::text IS NULL OR name <> $3)
      ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 1`,
    [lon, lat, exclude],
  );
  return r.rows[0]?.name ?? null;
}

/** Names for new groups (members with street name and position), unique among `taken`. */
export async function nameGroups(
  db: Queryable,
  groups: Array<Array<{ street_name: string | null; lon: number; lat: number }>>,
  taken: Iterable<string>,
): Promise<string[]> {
  const items: Array<{ main: string | null; cross: string | null }> = [];
  for (const members of groups) {
    const main = mainStreet(members.map((m) => m.street_name));
    const lon = members.reduce((s, m) => s + m.lon, 0) / Math.max(1, members.length);
    const lat = members.reduce((s, m) => s + m.lat, 0) / Math.max(1, members.length);
    items.push({ main, cross: members.length ? await crossStreetNear(db, lon, lat, main) : null });
  }
  return composeNames(items, taken);
}
