/**
 * One helper for the party-building read routes (/api/party/...): any signed-in user, a query of
 * `prefix` (sub-district, community or grid) and `quarter` plus the route's own fields, answered for
 * the reader's scope (filtered in the query: `readPrefixes`), small counts shown to admins only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readPrefixes } from '../auth/read-scope';
import type { GridFilter } from '../party/queries';
import { shanghaiQuarter } from '../party/today';
import { errorSchema } from '../http/schemas';

export const QUARTER = { type: 'string', pattern: '^\\d{4}Q[1-4]$', description: 'quarter, e.g. 2026Q4 (default: the current one, Shanghai time)' } as const;
export const PREFIX = { type: 'string', pattern: '^\\d{9,15}$', description: 'sub-district id, community id or grid code' } as const;

export interface PartyListQuery {
  prefix?: string;
  quarter?: string;
}

/** The reader's filter: scope prefixes, the asked prefix and quarter, exact counts for admins. */
export function partyFilter(req: FastifyRequest<{ Querystring: PartyListQuery }>): GridFilter {
  return {
    readScope: readPrefixes(req.user),
    prefix: req.query.prefix ?? null,
    quarter: req.query.quarter ?? shanghaiQuarter(),
    exact: !req.user || req.user.role === 'admin',
  };
}

/**
 * Registers GET `path` (under the plugin's prefix): schema with the common query (and `extraQuery`),
 * the 200 answer `response`, a 400; the handler gets the reader's filter and the whole query.
 */
export function partyListRoute<Q extends PartyListQuery>(
  app: FastifyInstance,
  path: string,
  spec: { summary: string; response: Record<string, unknown>; extraQuery?: Record<string, unknown> },
  run: (f: GridFilter, query: Q) => Promise<unknown>,
): void {
  app.get<{ Querystring: Q }>(
    path,
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['party'],
        summary: spec.summary,
        querystring: { type: 'object', properties: { prefix: PREFIX, quarter: QUARTER, ...spec.extraQuery }, additionalProperties: false },
        response: { 200: spec.response, 400: errorSchema },
      },
    },
    async (req) => run(partyFilter(req as FastifyRequest<{ Querystring: PartyListQuery }>), req.query as Q),
  );
}
