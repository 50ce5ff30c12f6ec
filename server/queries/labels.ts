/**
 * Label points of named polygon layers, served by GET /api/layers/:layer/labels: one point and the
 * name per polygon, so the map draws each name once (a tile-cut polygon would repeat it at every
 * tile edge) without downloading the polygons (the compounds alone are ~1 MB of GeoJSON).
 *
 * The point is the centroid of the polygon's largest part when it lies inside that part, else a
 * point on its surface (ST_PointOnSurface): always inside, also for concave shapes such as a river
 * bend. (ST_MaximumInscribedCircle would place it further from the edges but costs ~10x as much on
 * the embedded backend: seconds for the ~1,500 compounds of the demo.)
 */
export const LABEL_LAYER_IDS = ['water', 'compounds', 'communities', 'subdistricts'] as const;
export type LabelLayerId = (typeof LABEL_LAYER_IDS)[number];

interface LabelSource {
  table: string;
  /** the table has an English name column */
  nameEn: boolean;
}

const SOURCES: Record<LabelLayerId, LabelSource> = {
  water: { table: 'water', nameEn: false },
  compounds: { table: 'compounds', nameEn: false },
  communities: { table: 'communities', nameEn: false },
  subdistricts: { table: 'subdistricts', nameEn: true },
};

export function isLabelLayerId(x: string): x is LabelLayerId {
  return (LABEL_LAYER_IDS as readonly string[]).includes(x);
}

/** One row per named polygon, `f` = a GeoJSON Point Feature as JSON text (id, name, name_en), ordered by id. */
export function labelPointsSql(layer: LabelLayerId): string {
  const s = SOURCES[layer];
  return `SELECT json_build_object('type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(p.pt, 6)::json,
      'properties', json_build_object('id', t.id, 'name', t.name, 'name_en', ${s.nameEn ? 't.name_en' : 'NULL::text'}))::text AS f
    FROM ${s.table} t
    CROSS JOIN LATERAL (SELECT d.geom FROM ST_Dump(t.geom) d ORDER BY ST_Area(d.geom) DESC LIMIT 1) part
    CROSS JOIN LATERAL (SELECT ST_Centroid(part.geom) AS c) m
    CROSS JOIN LATERAL (SELECT CASE WHEN ST_Intersects(m.c, part.geom) THEN m.c ELSE ST_PointOnSurface(part.geom) END AS pt) p
    WHERE t.name IS NOT NULL AND t.name <> '' AND NOT ST_IsEmpty(t.geom)
    ORDER BY t.id`;
}
