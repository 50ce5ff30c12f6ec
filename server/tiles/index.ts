import type { Db } from '../db';
import { createGeojsonVtTileSource } from './geojsonvt';
import { withTileCache } from './cache';
import { createPostgisTileSource } from './postgis';
import type { TileSource } from './types';

export type { TileSource } from './types';
export { TILE_LAYERS, TILE_SOURCE_LAYERS, TILE_MAXZOOM, STREET_CLASS_MINZOOM } from './layers';
export { createGeojsonVtTileSource } from './geojsonvt';
export { createPostgisTileSource } from './postgis';
export { withTileCache } from './cache';

const live = new Map<Db, TileSource>();

/**
 * The tile source of a database, behind an LRU of encoded tiles with one build per tile in flight:
 * ST_AsMVT on a PostGIS server (another process's writes show within 10 s), geojson-vt on the
 * embedded backend (kept until invalidated: no other process can write an embedded database). One per db.
 */
export function tileSourceFor(db: Db): TileSource {
  let src = live.get(db);
  if (!src) {
    src =
      db.kind === 'postgres' ? withTileCache(createPostgisTileSource(db)) : withTileCache(createGeojsonVtTileSource(db), { ttlMs: Infinity, maxTiles: 1024 });
    live.set(db, src);
  }
  return src;
}

/** Forgets the tile source of a closed database. */
export function releaseTileSource(db: Db): void {
  live.delete(db);
}

/**
 * Call after writing any tiled table (subdistricts, communities, water, blocks, compounds,
 * buildings, streets, shops): the next tile is rebuilt from the database. Without db: every source.
 */
export function invalidateTiles(db?: Db): void {
  for (const [d, src] of live) if (!db || d === db) src.invalidate();
}
