/**
 * Compressed JSON answers (@fastify/compress): brotli (quality 4) or gzip, whichever the browser
 * accepts, for JSON and GeoJSON answers of 16 KB and more. The big reads are GeoJSON (a plan's
 * units ≈ 1 MB, the streets and buildings layers 2-9 MB for a whole district) and a sub-district
 * office often reaches the district's server over a slow government WAN; they shrink 5-10×.
 * Only (geo+)json: the event streams (SSE) must flush event by event, and the static files and the
 * grid layer (server/plugins/grid-cache.ts) bring their own encodings. Register after the grid
 * and read caches (their onSend hooks keep the uncompressed answer) and before the routes.
 */
import compress from '@fastify/compress';
import fp from 'fastify-plugin';

/** Answers smaller than this are sent as they are (compressing them gains little). */
export const COMPRESS_THRESHOLD_BYTES = 16 * 1024;

export default fp(
  async (app) => {
    await app.register(compress, {
      global: true,
      threshold: COMPRESS_THRESHOLD_BYTES,
      encodings: ['br', 'gzip'],
      customTypes: /^application\/(?:geo\+)?json(?:;|$)/,
    });
  },
  { name: 'compress' },
);
