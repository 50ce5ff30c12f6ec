import type { Queryable } from '../db';
import { TILE_BUFFER, TILE_EXTENT, TILE_LAYERS, toleranceMetres, type TileLayerDef } from './layers';
import type { TileSource } from './types';

/** SQL of one source-layer: its rows clipped to the tile and encoded by ST_AsMVT. $1..$4 = z, x, y, tolerance. */
function layerSql(layer: TileLayerDef, classParam: number | null): string {
  const props = layer.columns.map((c) => `${c.sql ? c.sql('t') : `t.${c.name}`} AS ${c.name}`).join(', ');
  // Same drop rule as geojson-vt: below max zoom, polygons smaller than tolerance² and lines shorter than tolerance vanish.
  const sizeRule =
    layer.geometry === 'polygon'
      ? `AND ($4::float8 = 0 OR ST_Area(m.g) >= $4::float8 * $4::float8)`
      : layer.geometry === 'line'
        ? `AND ($4::float8 = 0 OR ST_Length(m.g) >= $4::float8)`
        : '';
  const simplified = layer.geometry === 'point' ? 'm.g' : 'ST_Simplify(m.g, $4::float8, true)';
  return `(SELECT COALESCE(ST_AsMVT(q, '${layer.name}', ${TILE_EXTENT}, 'geom'), ''::bytea) FROM (
      SELECT ${props}, ST_AsMVTGeom(${simplified}, env.tile, ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
      FROM ${layer.table} t
      CROSS JOIN LATERAL (SELECT ST_Transform(t.geom, 3857) AS g) m
      WHERE t.geom && env.box ${classParam ? `AND t.class = ANY($${classParam}::text[])` : ''} ${sizeRule}
    ) q WHERE q.geom IS NOT NULL)`;
}

/** Vector tiles straight from PostGIS (ST_AsMVT / ST_AsMVTGeom); needs a PostGIS built with protobuf-c. */
export function createPostgisTileSource(db: Queryable): TileSource {
  return {
    kind: 'postgis',
    async tile(z, x, y) {
      const params: unknown[] = [z, x, y, toleranceMetres(z)];
      const parts: string[] = [];
      for (const layer of TILE_LAYERS) {
        if (z < layer.minzoom) continue;
        let classParam: number | null = null;
        if (layer.classMinzoom) {
          params.push(Object.keys(layer.classMinzoom).filter((c) => layer.classMinzoom![c] <= z));
          classParam = params.length;
        }
        parts.push(layerSql(layer, classParam));
      }
      if (parts.length === 0) return new Uint8Array(0);
      const sql = `WITH env AS (
          SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
                 ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => ${TILE_BUFFER / TILE_EXTENT}), 4326) AS box)
        SELECT ${parts.join(' || ')} AS mvt FROM env`;
      const r = await db.query<{ mvt: Uint8Array | null }>(sql, params);
      const mvt = r.rows[0]?.mvt;
      return mvt ? new Uint8Array(mvt.buffer, mvt.byteOffset, mvt.byteLength) : new Uint8Array(0);
    },
    invalidate() {
      // Nothing cached: every tile is read from the database.
    },
  };
}
