/** Shops of a sub-district (optionally of one grid or one street) with the grid that contains them. */
import type { Queryable } from '../db';

export interface ShopRow {
  id: string;
  name: string;
  phone: string | null;
  category: string | null;
  street_id: string | null;
  street_name: string | null;
  subdistrict_id: string;
  grid_code: string | null;
  lon: number;
  lat: number;
}

/**
 * The plan whose grids define "the grid of a shop" for a sub-district: the published plan covering
 * it, else the newest plan covering it; null when there is none.
 */
export const CHOSEN_PLAN = `COALESCE(
  (SELECT p.id FROM plans p WHERE p.status = 'published' AND $1 = ANY(p.subdistricts) ORDER BY p.published_at DESC NULLS LAST, p.id DESC LIMIT 1),
  (SELECT p.id FROM plans p WHERE $1 = ANY(p.subdistricts) ORDER BY p.id DESC LIMIT 1))`;

export interface ShopFilter {
  grid?: string;
  /** A street id, or a street name (all segments of that name). */
  street?: string;
  ids?: string[];
}

export async function planFor(db: Queryable, subdistrict: string): Promise<number | null> {
  const r = await db.query<{ id: number | null }>(`SELECT ${CHOSEN_PLAN} AS id`, [subdistrict]);
  return r.rows[0]?.id === null || r.rows[0]?.id === undefined ? null : Number(r.rows[0].id);
}

/** Shops of the sub-district (by subdistrict_id, or inside its polygon when that is missing). */
export async function loadShops(db: Queryable, subdistrict: string, f: ShopFilter = {}): Promise<ShopRow[]> {
  const r = await db.query<ShopRow>(
    `WITH chosen AS (SELECT ${CHOSEN_PLAN} AS plan_id),
          d AS (SELECT geom FROM subdistricts WHERE id = $1)
     SELECT s.id, s.name, s.phone, s.category, s.street_id, st.name AS street_name, $1::text AS subdistrict_id,
            ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
            (SELECT g.code FROM grids g, chosen c WHERE g.plan_id = c.plan_id AND g.geom && s.geom
               AND ST_Intersects(g.geom, s.geom) ORDER BY g.code LIMIT 1) AS grid_code
       FROM shops s LEFT JOIN streets st ON st.id = s.street_id
      WHERE (s.subdistrict_id = $1 OR (s.subdistrict_id IS NULL AND EXISTS (SELECT 1 FROM d WHERE ST_Within(s.geom, d.geom))))
        AND ($2::text IS NULL OR s.street_id = $2 OR st.name = $2)
        AND ($3::text[] IS NULL OR s.id = ANY($3::text[]))
      ORDER BY s.id`,
    [subdistrict, f.street ?? null, f.ids ?? null],
  );
  const rows = r.rows.map((x) => ({ ...x, lon: Number(x.lon), lat: Number(x.lat) }));
  return f.grid ? rows.filter((x) => x.grid_code === f.grid) : rows;
}

/** Sub-district ids that exist. */
export async function subdistrictExists(db: Queryable, id: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM subdistricts WHERE id = $1', [id]);
  return r.rows.length > 0;
}
