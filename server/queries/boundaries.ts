import type { Queryable } from '../db';

/** Administrative boundaries: sub-districts (街道/乡) and communities (社区), as GeoJSON Feature JSON text. */

export const SUBDISTRICT_FEATURES_SQL = `SELECT json_build_object('type', 'Feature', 'id', t.id,
    'geometry', ST_AsGeoJSON(t.geom, 7)::json,
    'properties', json_build_object('id', t.id, 'code', t.code, 'name', t.name, 'name_en', t.name_en, 'kind', t.kind,
      'urban', t.urban, 'households', t.households, 'synthetic', t.synthetic))::text AS f
  FROM subdistricts t ORDER BY t.id`;

export const COMMUNITY_FEATURES_SQL = `SELECT json_build_object('type', 'Feature', 'id', t.id,
    'geometry', ST_AsGeoJSON(t.geom, 7)::json,
    'properties', json_build_object('id', t.id, 'code', t.code, 'name', t.name, 'kind', 'community',
      'subdistrict_id', t.subdistrict_id, 'subdistrict_name', s.name, 'households', t.households, 'synthetic', t.synthetic))::text AS f
  FROM communities t JOIN subdistricts s ON s.id = t.subdistrict_id ORDER BY t.id`;

/** Bounding box [minLon, minLat, maxLon, maxLat] of all sub-districts, or null when there are none. */
export async function districtExtent(db: Queryable): Promise<[number, number, number, number] | null> {
  const r = await db.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>(
    `SELECT ST_XMin(e)::float8 AS xmin, ST_YMin(e)::float8 AS ymin, ST_XMax(e)::float8 AS xmax, ST_YMax(e)::float8 AS ymax
       FROM (SELECT ST_Extent(geom)::box3d AS e FROM subdistricts) x`,
  );
  const row = r.rows[0];
  if (!row || row.xmin === null || row.xmin === undefined) return null;
  return [Number(row.xmin), Number(row.ymin), Number(row.xmax), Number(row.ymax)];
}
