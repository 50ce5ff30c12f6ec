import type { Queryable } from '../db';
import type { Barrier, BarrierClass, PartitionUnit } from '../algorithms/partition';

const STREET_TO_BARRIER: Record<string, BarrierClass> = {
  arterial: 'major',
  secondary: 'major',
  local: 'minor',
  lane: 'minor',
  path: 'minor',
  rail: 'rail',
};

/** Units of the given sub-districts as partition input (WGS84 MultiPolygon coordinates). */
export async function loadUnits(db: Queryable, subdistricts: string[]): Promise<PartitionUnit[]> {
  const r = await db.query<{ id: string; households: number; s: string; c: string | null; k: string | null; g: string }>(
    `SELECT id, households, subdistrict_id AS s, community_id AS c, compound_id AS k, ST_AsGeoJSON(geom, 7) AS g
     FROM units WHERE subdistrict_id = ANY($1::text[]) AND retired_at IS NULL ORDER BY id`,
    [subdistricts],
  );
  return r.rows.map((row) => {
    const geom = JSON.parse(row.g) as { type: string; coordinates: number[][][][] | number[][][] };
    return {
      id: row.id,
      households: Number(row.households),
      subdistrict: row.s,
      community: row.c,
      compound: row.k,
      polygons: geom.type === 'Polygon' ? [geom.coordinates as number[][][]] : (geom.coordinates as number[][][][]),
    };
  });
}

/** Streets (by class) and water outlines around the given sub-districts, as partition barriers. */
export async function loadBarriers(db: Queryable, subdistricts: string[]): Promise<Barrier[]> {
  const r = await db.query<{ class: string; g: string }>(
    `WITH area AS (SELECT ST_Expand(ST_Extent(geom)::geometry, 0.002) AS box FROM subdistricts WHERE id = ANY($1::text[]))
     SELECT s.class, ST_AsGeoJSON(s.geom, 7) AS g FROM streets s, area WHERE s.geom && area.box
     UNION ALL
     SELECT 'water', ST_AsGeoJSON(ST_Boundary(w.geom), 7) FROM water w, area WHERE w.geom && area.box`,
    [subdistricts],
  );
  const byClass = new Map<BarrierClass, number[][][]>();
  for (const row of r.rows) {
    const cls = row.class === 'water' ? 'water' : STREET_TO_BARRIER[row.class];
    if (!cls) continue;
    const geom = JSON.parse(row.g) as { type: string; coordinates: number[][] | number[][][] };
    const lines = geom.type === 'LineString' ? [geom.coordinates as number[][]] : (geom.coordinates as number[][][]);
    const list = byClass.get(cls) ?? [];
    list.push(...lines);
    byClass.set(cls, list);
  }
  return [...byClass].map(([cls, lines]) => ({ cls, lines }));
}

export async function listSubdistricts(db: Queryable): Promise<string[]> {
  return (await db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
}
