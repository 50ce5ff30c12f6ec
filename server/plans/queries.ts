/** Named SQL for plans and their dissolved grids (both backends). */

/** Rebuilds the dissolved grid polygons and statistics of one plan, for all grids or the listed codes. */
export const REBUILD_GRIDS = `
WITH g AS (
  SELECT a.grid_code AS code,
         min(u.subdistrict_id) AS subdistrict_id,
         mode() WITHIN GROUP (ORDER BY u.community_id) AS community_id,
         sum(u.households)::int AS households,
         count(*)::int AS units,
         ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(CASE WHEN ST_IsValid(u.geom) THEN u.geom ELSE ST_MakeValid(u.geom) END)), 3)) AS geom
  FROM plan_assignments a JOIN units u ON u.id = a.unit_id
  WHERE a.plan_id = $1 AND a.grid_code IS NOT NULL
    AND ($2::text[] IS NULL OR a.grid_code = ANY($2::text[]))
  GROUP BY a.grid_code
),
-- the drawn grid stops at the river bank: units may reach into water (the Yangtze, lakes), so the
-- stored polygon is the land part; contiguity and compactness are measured on the units' union.
clipped AS (
  SELECT g.code, (
    SELECT ST_Multi(ST_CollectionExtract(ST_Difference(g.geom, ST_Union(w.geom)), 3))
    FROM water w WHERE w.geom && g.geom AND ST_Intersects(w.geom, g.geom)
  ) AS land
  FROM g
)
INSERT INTO grids (plan_id, code, subdistrict_id, community_id, households, units, polsby_popper, contiguous, locked, geom)
SELECT $1, g.code, g.subdistrict_id, g.community_id, g.households, g.units,
       CASE WHEN ST_Perimeter(ST_Transform(g.geom, 4548)) > 0
            THEN 4 * pi() * ST_Area(ST_Transform(g.geom, 4548)) / power(ST_Perimeter(ST_Transform(g.geom, 4548)), 2)
       END,
       ST_NumGeometries(g.geom) = 1,
       COALESCE((SELECT o.locked FROM old_locks o WHERE o.code = g.code), false),
       CASE WHEN c.land IS NULL OR ST_IsEmpty(c.land) OR ST_Area(c.land) < 1e-9 THEN g.geom ELSE c.land END
FROM g JOIN clipped c ON c.code = g.code`;

const PLAN_FIGURES = `jsonb_array_length(warnings) AS warning_count,
       created_at, updated_at, published_at, archived_at,
       (SELECT count(*)::int FROM grids WHERE plan_id = p.id) AS grids,
       (SELECT COALESCE(sum(households),0)::int FROM grids WHERE plan_id = p.id) AS households
FROM plans p`;
/** One plan with its warnings and grid figures. */
export const PLAN_SUMMARY = `SELECT id, name, author, status, version, subdistricts, params, warnings, ${PLAN_FIGURES}`;
/** A plan in a list: the (possibly long) warnings are left out, their count kept. */
export const PLAN_LIST_ITEM = `SELECT id, name, author, status, version, subdistricts, params, ${PLAN_FIGURES}`;
