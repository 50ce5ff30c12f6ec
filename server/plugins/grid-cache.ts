import { createHash } from 'node:crypto';
import { brotliCompress, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The grid layer (GET /api/plans/:id/grids) cached per plan state, with ETag, gzip and brotli.
 *
 * Dissolved grid GeoJSON of a plan is the heaviest read of the app (hundreds of polygons built with
 * json_agg + ST_AsGeoJSON) and the one every planner's map asks for. A cheap validator query (plan
 * version, params, updated_at, a hash of the grids' codes, lock flags and households, and their
 * vertex count and area, so a geometry rewrite is seen too) decides whether the
 * cached bytes still describe the plan (asked at most once a second per plan: a write that bypasses
 * HTTP, e.g. a CLI on the same database, shows within a second); if so they are served as they are (304 on a matching
 * If-None-Match, brotli or gzip when accepted), else the route runs and its answer is cached. Brotli
 * at its highest quality is a third smaller than gzip on this GeoJSON but takes about a second for a
 * district, so it is made once per plan state on libuv's thread pool after the first (gzip) answer,
 * and served from then on. Any successful
 * write under /api/plans/:id drops that plan's entry as well. Register after auth (so access checks
 * run first) and before the plans plugin.
 */

const GRIDS_URL = /^\/api\/plans\/(\d{1,9})\/grids(?:\?(.*))?$/;
const PLAN_WRITE_URL = /^\/api\/plans\/(\d{1,9})(?:\/|\?|$)/;
const MAX_ENTRIES = 32;
/** How long a validated entry is served without asking the database again (writes through HTTP drop it at once). */
const TRUST_MS = 1000;

interface Entry {
  validator: string;
  etag: string;
  body: Buffer;
  gzip: Buffer | null;
  /** Filled in asynchronously after the entry is cached; null until then (gzip is served meanwhile). */
  br: Buffer | null;
  version: string;
  checkedAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    gridCache?: { key: string; planId: number; validator: string; generation: number };
  }
}

const VALIDATOR_SQL = `
SELECT p.version::text || '|' || p.params::text || '|' || p.updated_at::text || '|' ||
       (SELECT count(*)::text || ':' || coalesce(sum(hashtext(g.code || g.locked::text || g.households::text)), 0)::text
               || ':' || coalesce(sum(ST_NPoints(g.geom)), 0)::text || ':' || coalesce(sum(ST_Area(g.geom)), 0)::text
          FROM grids g WHERE g.plan_id = p.id) AS v,
       p.version::text AS version
FROM plans p WHERE p.id = $1`;

/**
 * The cache key of a grid-layer request: the plan and its query parameters, sorted (so `?a&b` and
 * `?b&a` share an entry); everything the answer depends on besides the plan's state is in the URL.
 */
export function cacheKey(planId: number, query: string | undefined): string {
  const params = new URLSearchParams(query ?? '');
  params.sort();
  return `${planId}?${params.toString()}`;
}

/** The codings an Accept-Encoding header allows (a coding with q=0 is refused). */
export function acceptedCodings(header: string | string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((x) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(x)).find(Boolean);
    if (q && Number(q[1]) === 0) continue;
    out.add(name.trim());
  }
  return out;
}

/** The smallest encoding of an entry the request accepts. */
function pick(req: FastifyRequest, e: Pick<Entry, 'gzip' | 'br'>): { coding: 'br' | 'gzip'; bytes: Buffer } | null {
  const ok = acceptedCodings(req.headers['accept-encoding']);
  if (e.br && (ok.has('br') || ok.has('*'))) return { coding: 'br', bytes: e.br };
  if (e.gzip && (ok.has('gzip') || ok.has('*'))) return { coding: 'gzip', bytes: e.gzip };
  return null;
}

const BROTLI_OPTIONS = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT } };

export default fp(
  async (app) => {
    /** Keyed by plan id and the request's query string (`codes=…` asks for other bytes than the whole layer). */
    const cache = new Map<string, Entry>();
    const dropPlan = (planId: number) => {
      for (const k of [...cache.keys()]) if (k.startsWith(`${planId}?`)) cache.delete(k);
    };
    /** Bumped by every successful write: a read that started before it does not cache its answer. */
    let generation = 0;
    const dropFor = (url: string) => {
      generation++;
      const m = PLAN_WRITE_URL.exec(url);
      if (m) dropPlan(Number(m[1]));
      else if (url.startsWith('/api/import') || url.startsWith('/api/partition')) cache.clear();
    };

    app.addHook('preHandler', async (req, reply) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return;
      const m = GRIDS_URL.exec(req.url);
      if (!m) return;
      const planId = Number(m[1]);
      const key = cacheKey(planId, m[2]);
      let hit = cache.get(key);
      if (!hit || Date.now() - hit.checkedAt > TRUST_MS) {
        const r = await app.db.query<{ v: string; version: string }>(VALIDATOR_SQL, [planId]);
        if (!r.rows.length) return; // the route answers 404
        const validator = r.rows[0].v;
        hit = cache.get(key);
        if (!hit || hit.validator !== validator) {
          req.gridCache = { key, planId, validator, generation };
          return;
        }
        hit.checkedAt = Date.now();
      }
      cache.delete(key); // LRU: move to the end
      cache.set(key, hit);
      reply.header('etag', hit.etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding').header('x-plan-version', hit.version);
      if (req.headers['if-none-match'] === hit.etag) return reply.code(304).send();
      reply.type('application/geo+json');
      const enc = pick(req, hit);
      if (enc) return reply.header('content-encoding', enc.coding).send(enc.bytes);
      return reply.send(hit.body);
    });

    app.addHook('onSend', async (req, reply, payload) => {
      // writes drop their plan's entry before the client sees the answer (and again once sent)
      if (req.method !== 'GET' && req.method !== 'HEAD' && reply.statusCode < 400) dropFor(req.url);
      const key = req.gridCache;
      if (!key || reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
      const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
      // the ETag always names the bytes sent; only an answer no write raced with is cached
      const etag = `"g${key.planId}-${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
      const gzip = body.length > 256 ? gzipSync(body, { level: 6 }) : null;
      if (key.generation === generation) {
        const entry: Entry = {
          validator: key.validator,
          etag,
          body,
          gzip,
          br: null,
          version: String(reply.getHeader('x-plan-version') ?? ''),
          checkedAt: Date.now(),
        };
        cache.set(key.key, entry);
        while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
        if (gzip) {
          brotliCompress(body, BROTLI_OPTIONS, (err, br) => {
            if (err) app.log.warn({ err }, 'brotli of the grid layer failed; gzip is served');
            else entry.br = br; // a replaced or dropped entry is unreachable: filling it in is harmless
          });
        }
      }
      reply.header('etag', etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding');
      const enc = pick(req, { gzip, br: null });
      if (enc) {
        reply.header('content-encoding', enc.coding);
        return enc.bytes;
      }
      return payload;
    });

    app.addHook('onResponse', async (req, reply) => {
      if (req.method === 'GET' || req.method === 'HEAD' || reply.statusCode >= 400) return;
      dropFor(req.url);
    });
  },
  { name: 'wangge-grid-cache' },
);
