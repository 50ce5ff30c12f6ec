/**
 * The household register's households on the buildings (buildings.register_households), so that the
 * field work (visit plans, coverage, grid layers) counts the households the units build counts: the
 * register's where a sub-district has one, else the footprints' own. For the buildings of given
 * sub-districts, each register row of those sub-districts goes to the building its address was
 * matched to, else to the footprint its point lies in, else to the nearest footprint within 20 m,
 * always in the row's own sub-district (so a sub-district's figures depend on its own rows and
 * buildings only); a row near no footprint goes to no building and is counted as unattached (or as without
 * buildings when its sub-district has no footprint at all yet). In a
 * sub-district with no register row the column is NULL: the footprint's households stand. The
 * footprint's own households column is never written here. One statement, an index probe per row.
 */
import type { Queryable } from '../db';

/** Metres within which a register row outside every footprint goes to the nearest one. */
export const NEAREST_BUILDING_M = 20;

/**
 * The households of building row `alias` as every reader should count them: the register's when a
 * register covers the building's sub-district, else the footprint's own.
 */
export const buildingHouseholds = (alias: string): string => `COALESCE(${alias}.register_households, ${alias}.households)`;

/**
 * The register rows → buildings statement; $1: the sub-district ids. Rows first take the building
 * they name (address match), then a footprint containing their point (GiST probe), then the nearest
 * footprint by KNN (`<->`) among those whose box is within 0.0002° (22 m) north-south and as many
 * metres east-west, if it lies within 20 m on the spheroid. Buildings whose value does not change
 * are not rewritten. Answers the unattached rows and the buildings updated. (The buildings are
 * found by their GiST index only: with an index on buildings.subdistrict_id the planner ANDed in
 * the sub-district's 10k buildings on every probe, 2.5× slower.)
 * (Migration 121 ran a copy of it over every sub-district to fill the column of existing districts.)
 */
const LINK_SQL = `
WITH a AS (
  SELECT r.subdistrict_id, r.households, COALESCE(
      (SELECT b.id FROM buildings b WHERE b.id = r.building_id AND b.subdistrict_id = r.subdistrict_id),
      (SELECT b.id FROM buildings b
        WHERE b.geom && r.geom AND ST_Intersects(b.geom, r.geom) AND b.subdistrict_id = r.subdistrict_id
        ORDER BY b.id LIMIT 1),
      (SELECT b.id FROM buildings b
        WHERE b.geom && ST_Expand(r.geom, 0.0002 / cos(radians(ST_Y(r.geom))), 0.0002) AND b.subdistrict_id = r.subdistrict_id
          AND ST_DWithin(b.geom::geography, r.geom::geography, ${NEAREST_BUILDING_M})
        ORDER BY b.geom <-> r.geom, b.id LIMIT 1)) AS building_id
  FROM household_register r WHERE r.subdistrict_id = ANY($1::text[])
), covered AS (
  SELECT DISTINCT subdistrict_id FROM a
), built AS (
  SELECT DISTINCT subdistrict_id FROM buildings WHERE subdistrict_id = ANY($1::text[])
), sums AS (
  SELECT building_id, sum(households)::int AS hh FROM a WHERE building_id IS NOT NULL GROUP BY building_id
), v AS (
  SELECT b.id, CASE WHEN c.subdistrict_id IS NULL THEN NULL ELSE COALESCE(s.hh, 0) END AS hh
  FROM buildings b LEFT JOIN covered c ON c.subdistrict_id = b.subdistrict_id LEFT JOIN sums s ON s.building_id = b.id
  WHERE b.subdistrict_id = ANY($1::text[])
), u AS (
  UPDATE buildings b SET register_households = v.hh FROM v WHERE b.id = v.id AND b.register_households IS DISTINCT FROM v.hh RETURNING 1
)
SELECT (SELECT count(*) FROM a WHERE building_id IS NULL AND subdistrict_id IN (SELECT subdistrict_id FROM built))::int AS unattached,
       (SELECT count(*) FROM a WHERE subdistrict_id NOT IN (SELECT subdistrict_id FROM built))::int AS without_buildings,
       (SELECT count(*) FROM u)::int AS updated`;

export interface RegisterLink {
  /** register rows of those sub-districts in no footprint and more than 20 m from every one */
  unattached: number;
  /** register rows of sub-districts with no building footprints at all (yet): nothing to attach to */
  withoutBuildings: number;
  /** buildings whose register_households changed */
  updated: number;
}

/**
 * Sets register_households of the buildings of `subdistrictIds` from the register rows of those
 * sub-districts. Call inside the transaction that wrote the register rows or the buildings.
 */
export async function linkRegisterToBuildings(tx: Queryable, subdistrictIds: string[]): Promise<RegisterLink> {
  if (subdistrictIds.length === 0) return { unattached: 0, withoutBuildings: 0, updated: 0 };
  const r = await tx.query<{ unattached: number; without_buildings: number; updated: number }>(LINK_SQL, [subdistrictIds]);
  return { unattached: Number(r.rows[0].unattached), withoutBuildings: Number(r.rows[0].without_buildings), updated: Number(r.rows[0].updated) };
}
