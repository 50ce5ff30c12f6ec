import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import { InvalidRequestError } from '../errors';
import { TILE_MAXZOOM, TILE_SOURCE_LAYERS, invalidateTiles, releaseTileSource, tileSourceFor } from '../tiles';
import { layerErrorSchema } from './layers';

export const TILE_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600';
/** With sign-in enforced a tile needs a session: browsers may keep it, shared caches (proxies) must not. */
export const TILE_CACHE_CONTROL_PRIVATE = 'private, max-age=60, stale-while-revalidate=600';

/** Paths whose successful writes change tiled tables; their responses drop the cached tile indexes. */
const TILE_WRITE_PREFIXES = ['/api/import'];

/**
 * GET /tiles/{z}/{x}/{y}.pbf: Mapbox Vector Tiles (source-layers: subdistricts, communities, water,
 * blocks, compounds, buildings, streets, shops). 200 with ETag + Cache-Control, 304 on a matching
 * If-None-Match, 204 (no body) when the tile has no features.
 */
export default fp(
  async (app) => {
    const source = tileSourceFor(app.db);
    app.addHook('onClose', async () => releaseTileSource(app.db));
    app.addHook('onResponse', async (req, reply) => {
      if (req.method === 'GET' || req.method === 'HEAD' || reply.statusCode >= 400) return;
      if (TILE_WRITE_PREFIXES.some((p) => req.url.startsWith(p))) invalidateTiles(app.db);
    });

    app.get<{ Params: { z: number; x: number; y: number } }>(
      '/tiles/:z/:x/:y.pbf',
      {
        schema: {
          tags: ['tiles'],
          summary: 'Vector tile (MVT)',
          description: `Source-layers: ${TILE_SOURCE_LAYERS.join(', ')}. Zoom 0-${TILE_MAXZOOM}; clients overzoom beyond. Streets by class: arterial z10, secondary and rail z11, local z13, lane and path z14; blocks and compounds from z13; buildings and shops from z14. Empty tiles answer 204.`,
          params: {
            type: 'object',
            properties: {
              z: { type: 'integer', minimum: 0, maximum: TILE_MAXZOOM },
              x: { type: 'integer', minimum: 0 },
              y: { type: 'integer', minimum: 0 },
            },
            required: ['z', 'x', 'y'],
          },
          response: {
            200: {
              description: 'Mapbox Vector Tile 2.1',
              content: { 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } },
            },
            204: { description: 'No features in this tile', type: 'null' },
            304: { description: 'Not modified (If-None-Match)', type: 'null' },
            400: layerErrorSchema,
          },
        },
      },
      async (req, reply) => {
        const { z, x, y } = req.params;
        const n = 2 ** z;
        if (x >= n || y >= n) {
          throw new InvalidRequestError(`tile x and y must be below 2^z = ${n} at z ${z}`);
        }
        const bytes = await source.tile(z, x, y);
        reply.header('cache-control', app.authEnforced ? TILE_CACHE_CONTROL_PRIVATE : TILE_CACHE_CONTROL);
        if (bytes.byteLength === 0) return reply.code(204).send();
        const etag = `"${createHash('sha1').update(bytes).digest('base64url')}"`;
        reply.header('etag', etag);
        const inm = req.headers['if-none-match'];
        if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
        return reply.type('application/vnd.mapbox-vector-tile').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      },
    );
  },
  { name: 'wangge-tiles' },
);
