import type { TileSource } from './types';

export interface TileCacheOptions {
  /** Most tiles kept (least recently used dropped first). */
  maxTiles?: number;
  /**
   * How long a tile is served without asking the source again. Writes through this server call
   * invalidate() and are seen at once; this bounds how long a write from outside (the import CLI on
   * the same PostGIS database) stays unseen. Browsers keep tiles 60 s anyway (TILE_CACHE_CONTROL).
   */
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  bytes: Uint8Array;
  at: number;
}

/**
 * Wraps a tile source with an LRU of encoded tiles and one in-flight request per tile: fifty
 * viewers asking for the same tile at once cost one query. A tile being built when invalidate() is
 * called is answered but not kept.
 */
export function withTileCache(inner: TileSource, opts: TileCacheOptions = {}): TileSource {
  const maxTiles = opts.maxTiles ?? 4096;
  const ttlMs = opts.ttlMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, Entry>();
  const inflight = new Map<string, Promise<Uint8Array>>();
  let generation = 0;
  return {
    kind: inner.kind,
    tile(z, x, y) {
      const key = `${z}/${x}/${y}`;
      const hit = cache.get(key);
      if (hit && now() - hit.at <= ttlMs) {
        cache.delete(key); // most recently used last
        cache.set(key, hit);
        return Promise.resolve(hit.bytes);
      }
      const running = inflight.get(key);
      if (running) return running;
      const gen = generation;
      const started = now();
      const p = inner
        .tile(z, x, y)
        .then((bytes) => {
          if (gen === generation) {
            cache.delete(key);
            cache.set(key, { bytes, at: started });
            while (cache.size > maxTiles) cache.delete(cache.keys().next().value!);
          }
          return bytes;
        })
        .finally(() => {
          if (inflight.get(key) === p) inflight.delete(key);
        });
      inflight.set(key, p);
      return p;
    },
    invalidate() {
      generation++;
      cache.clear();
      inflight.clear();
      inner.invalidate();
    },
  };
}
