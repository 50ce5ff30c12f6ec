/**
 * The units of the latest build of each given sub-district (GET /api/units), as GeoJSON Feature
 * JSON text built by the database: current (not retired) units whose build_id is the newest
 * unit_builds row of their sub-district (a rebuild re-stamps the units it keeps, migration 071).
 * Geometry is simplified and rounded to 1e-6° (≈ 10 cm) to keep a district's answer small.
 * $1: sub-district ids; $2: row limit (one more than the cap, to detect too many).
 */
export const BUILT_UNITS_SQL = `WITH b AS (
    SELECT DISTINCT ON (subdistrict_id) id FROM unit_builds WHERE subdistrict_id = ANY($1::text[]) ORDER BY subdistrict_id, id DESC)
  SELECT json_build_object('type', 'Feature', 'id', u.id,
      'geometry', ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(u.geom, 1e-6)), 6)::json,
      'properties', json_build_object('id', u.id, 'subdistrict_id', u.subdistrict_id, 'households', u.households,
        'block_id', u.block_id, 'compound_id', u.compound_id))::text AS f
  FROM current_units u JOIN b ON b.id = u.build_id
  ORDER BY u.id LIMIT $2`;
