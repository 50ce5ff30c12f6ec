import type { Queryable } from '../db';

/**
 * Which district the data are of, for the app's title and attribution: the 6-digit adcode most
 * sub-district ids start with, the district name stored at their import (null when no file named
 * it), and whether the data are the synthetic demo. Null when no sub-district is loaded.
 */
export interface DistrictInfo {
  adcode: string;
  name: string | null;
  synthetic: boolean;
}

export async function districtInfo(db: Queryable): Promise<DistrictInfo | null> {
  const r = await db.query<{ adcode: string; name: string | null; synthetic: boolean }>(
    `SELECT left(id, 6) AS adcode,
            (SELECT d.district_name FROM subdistricts d WHERE left(d.id, 6) = left(s.id, 6) AND d.district_name IS NOT NULL
              GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS name,
            bool_and(synthetic) AS synthetic
       FROM subdistricts s GROUP BY 1, 2 ORDER BY count(*) DESC, 1 LIMIT 1`,
  );
  const row = r.rows[0];
  return row ? { adcode: row.adcode, name: row.name ?? null, synthetic: Boolean(row.synthetic) } : null;
}
