import { GeoJSONVT, type GeoJSONVTFeature, type GeoJSONVTTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { Queryable } from '../db';
import { propertiesSql } from '../queries/layers';
import { TILE_BUFFER, TILE_EXTENT, TILE_LAYERS, TILE_MAXZOOM, TILE_TOLERANCE, type TileLayerDef } from './layers';
import type { TileSource } from './types';

type Indexes = Map<string, GeoJSONVT>;

const ringArea = (ring: [number, number][]): number => {
  let a = 0;
  for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) a += (ring[j][0] - ring[k][0]) * (ring[j][1] + ring[k][1]);
  return a / 2;
};
const distinctPoints = (ring: [number, number][]): boolean => ring.some((p) => p[0] !== ring[0][0] || p[1] !== ring[0][1]);

/**
 * Drops what ST_AsMVTGeom drops: line parts that collapse to one point and polygon rings of zero
 * area once snapped to the tile grid (slivers that only touch the tile's buffer). Returns copies.
 */
export function dropCollapsed(features: GeoJSONVTFeature[]): GeoJSONVTFeature[] {
  const out: GeoJSONVTFeature[] = [];
  for (const f of features) {
    if (f.type === 1) {
      out.push(f);
      continue;
    }
    const parts = f.geometry.filter((ring) => (f.type === 2 ? ring.length >= 2 && distinctPoints(ring) : ringArea(ring) !== 0));
    if (parts.length > 0) out.push(parts.length === f.geometry.length ? f : { ...f, geometry: parts });
  }
  return out;
}

/** Reads one source-layer from the database as a GeoJSON FeatureCollection (properties without nulls). */
async function readLayer(db: Queryable, layer: TileLayerDef): Promise<GeoJSON.FeatureCollection> {
  const r = await db.query<{ p: string; g: string }>(
    `SELECT ${propertiesSql(layer.columns)}::text AS p, ST_AsGeoJSON(t.geom, 7) AS g FROM ${layer.table} t ORDER BY t.id`,
  );
  const features: GeoJSON.Feature[] = r.rows.map((row) => {
    const props = JSON.parse(row.p) as Record<string, unknown>;
    for (const k of Object.keys(props)) if (props[k] === null) delete props[k];
    return { type: 'Feature', geometry: JSON.parse(row.g) as GeoJSON.Geometry, properties: props };
  });
  return { type: 'FeatureCollection', features };
}

async function buildIndexes(db: Queryable): Promise<Indexes> {
  const out: Indexes = new Map();
  for (const layer of TILE_LAYERS) {
    const fc = await readLayer(db, layer);
    if (fc.features.length === 0) continue;
    out.set(
      layer.name,
      new GeoJSONVT(fc, {
        maxZoom: TILE_MAXZOOM,
        indexMaxZoom: 5,
        tolerance: TILE_TOLERANCE,
        extent: TILE_EXTENT,
        buffer: TILE_BUFFER,
      }),
    );
  }
  return out;
}

/**
 * Vector tiles cut in this process by geojson-vt and encoded by vt-pbf, for the embedded backend
 * (PGlite's PostGIS has no ST_AsMVT). The per-layer indexes are built from the database on the first
 * request and rebuilt after invalidate(). Encoded tiles are kept by withTileCache (tiles/index.ts).
 */
export function createGeojsonVtTileSource(db: Queryable): TileSource {
  let generation = 0;
  let pending: Promise<Indexes> | null = null;
  const indexes = (): Promise<Indexes> => {
    if (!pending) {
      const gen = generation;
      const p = buildIndexes(db);
      pending = p;
      p.catch(() => {
        if (generation === gen && pending === p) pending = null; // retry on the next request
      });
    }
    return pending;
  };
  return {
    kind: 'geojson-vt',
    async tile(z, x, y) {
      if (z > TILE_MAXZOOM) return new Uint8Array(0);
      const idx = await indexes();
      const layers: Record<string, GeoJSONVTTile> = {};
      for (const layer of TILE_LAYERS) {
        if (z < layer.minzoom) continue;
        const t = idx.get(layer.name)?.getTile(z, x, y);
        if (!t) continue;
        const features = dropCollapsed(
          (layer.classMinzoom
            ? t.features.filter((f) => (layer.classMinzoom![String(f.tags?.class)] ?? Infinity) <= z)
            : t.features) as unknown as GeoJSONVTFeature[],
        );
        if (features.length > 0) layers[layer.name] = { ...t, features } as GeoJSONVTTile;
      }
      return Object.keys(layers).length === 0 ? new Uint8Array(0) : fromGeojsonVt(layers, { version: 2, extent: TILE_EXTENT });
    },
    invalidate() {
      generation++;
      pending = null;
    },
  };
}
