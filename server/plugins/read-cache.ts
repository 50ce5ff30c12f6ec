import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * A short-lived cache of expensive reads (the leaders' dashboard: case statistics, hot spots, the
 * incident columns), opted into per route with `config: { readCache: { ttlMs } }`.
 *
 * These answers take 80-300 ms to compute and on the embedded database each computation holds the
 * one connection, so fifty viewers opening the dashboard queue behind each other. An answer is kept
 * per user (answers are scoped and redacted per user) and URL, for ttlMs, and every successful write
 * through this server (and every background job that finishes its work) drops all entries at once,
 * so an editor never sees an older answer than their own write; writes from elsewhere (a CLI on the
 * same PostGIS database) show within ttlMs. `app.readCache.clear()` is for in-process writers that
 * bypass HTTP. Register after the
 * auth plugin: its access checks run first, and a refused request never reaches the cache.
 */

export interface ReadCacheConfig {
  ttlMs: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Keep this GET route's 200 answers per user and URL for ttlMs (server/plugins/read-cache.ts). */
    readCache?: ReadCacheConfig;
  }
  interface FastifyInstance {
    readCache: { clear(): void };
  }
  interface FastifyRequest {
    readCacheKey?: { key: string; generation: number };
  }
}

interface Entry {
  body: Buffer;
  type: string;
  cacheControl: string | null;
  at: number;
}

const MAX_ENTRIES = 256;

const keyOf = (req: FastifyRequest) =>
  `${req.user ? `${req.user.id}:${req.user.role}:${req.user.subdistricts.join(',')}:${req.user.grids.join(',')}` : '-'}|${req.url}`;

export default fp(
  async (app) => {
    const cache = new Map<string, Entry>();
    let generation = 0;
    const clear = () => {
      generation++;
      cache.clear();
    };
    app.decorate('readCache', { clear });
    app.addHook('onReady', async () => {
      if (app.hasDecorator('jobs')) app.jobs.events.on('written', clear);
    });

    app.addHook('preHandler', async (req, reply) => {
      const cfg = req.routeOptions.config?.readCache;
      if (!cfg || (req.method !== 'GET' && req.method !== 'HEAD')) return;
      const key = keyOf(req);
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at <= cfg.ttlMs) {
        cache.delete(key); // most recently used last
        cache.set(key, hit);
        reply.header('content-type', hit.type).header('x-read-cache', 'hit');
        if (hit.cacheControl) reply.header('cache-control', hit.cacheControl);
        return reply.send(hit.body);
      }
      req.readCacheKey = { key, generation };
    });

    app.addHook('onSend', async (req, reply, payload) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        if (reply.statusCode < 400) clear();
        return payload;
      }
      const k = req.readCacheKey;
      if (!k || reply.statusCode !== 200 || k.generation !== generation || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
      const cc = reply.getHeader('cache-control');
      cache.set(k.key, {
        body: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
        type: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
        cacheControl: typeof cc === 'string' ? cc : null,
        at: Date.now(),
      });
      while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
      return payload;
    });
  },
  { name: 'wangge-read-cache' },
);
