/**
 * Walking networks built from the streets table, cached in memory per set of sub-districts.
 * Streets within ~300 m of the sub-districts are included so that walks may go round a boundary.
 * Rail is never walkable. `invalidateNetworks()` drops the cache (after an import or demo reload).
 */
import type { Feature, LineString } from 'geojson';
import type { Queryable } from '../db';
import { buildNetwork, type Network } from '../algorithms/routing';
import { Snapper, componentFilter } from '../algorithms/routing';

export interface CachedNetwork {
  key: string;
  net: Network;
  /** Snaps to any edge. */
  snapper: Snapper;
  /** Snaps to the largest component only. */
  mainSnapper: Snapper;
  streets: number;
  builtMs: number;
}

const cache = new Map<string, Promise<CachedNetwork>>();
const MAX_ENTRIES = 16;

/** The street lines (GeoJSON features, properties id/name/class) near the given sub-districts. */
export async function loadStreetLines(db: Queryable, subdistricts: string[]): Promise<Feature<LineString>[]> {
  const r = await db.query<{ id: string; name: string | null; class: string; g: string }>(
    `SELECT s.id, s.name, s.class, ST_AsGeoJSON(s.geom, 7) AS g
       FROM streets s
      WHERE s.class <> 'rail'
        AND EXISTS (SELECT 1 FROM subdistricts d WHERE d.id = ANY($1::text[])
                     AND s.geom && ST_Expand(d.geom, 0.004) AND ST_DWithin(s.geom, d.geom, 0.003))
      ORDER BY s.id`,
    [subdistricts],
  );
  return r.rows.map((row) => ({
    type: 'Feature',
    properties: { id: row.id, name: row.name, class: row.class },
    geometry: JSON.parse(row.g) as LineString,
  }));
}

/** Builds (or returns the cached) network of the given sub-districts. Throws when it has no streets. */
export function networkFor(db: Queryable, subdistricts: string[]): Promise<CachedNetwork> {
  const ids = [...new Set(subdistricts)].sort();
  const key = ids.join(',');
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const t = Date.now();
      const lines = await loadStreetLines(db, ids);
      const net = buildNetwork(lines);
      if (net.edgeCount === 0)
        throw new NoStreetsError(
          `街道 ${key} 内没有可步行的道路，无法计算步行距离 (sub-district ${key} has no walkable streets, so walking distances cannot be computed)`,
        );
      return {
        key,
        net,
        snapper: new Snapper(net),
        mainSnapper: new Snapper(net, { edgeFilter: componentFilter(net, 0) }),
        streets: lines.length,
        builtMs: Date.now() - t,
      };
    })();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
    while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
  return p;
}

export function invalidateNetworks(): void {
  cache.clear();
}

export class NoStreetsError extends Error {
  readonly statusCode = 422;
}
