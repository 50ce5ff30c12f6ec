/** Shared HTTP pieces of the groups and patrols plugins: error mapping, scope resolvers, schemas. */
import type { FastifyReply } from 'fastify';
import type { ScopeResolver } from '../auth/policy';
import { BadRequestError, NotFoundError, StaleGroupsError, StaleRowError } from './errors';
import { NoStreetsError } from './network-cache';
import { errorSchema } from '../plugins/errors';

export function sendDefenseError(reply: FastifyReply, err: unknown) {
  if (err instanceof StaleGroupsError) {
    return reply
      .code(409)
      .send({ statusCode: 409, error: 'Conflict', message: err.message, current: err.current, base: err.base, changedSince: err.changedSince });
  }
  if (err instanceof StaleRowError) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: err.message, row: err.currentRow });
  if (err instanceof NotFoundError) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: err.message });
  if (err instanceof BadRequestError || err instanceof NoStreetsError)
    return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: err.message });
  const code = (err as { code?: string }).code;
  if (code === '23503') return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: '引用的记录（如巡逻路线）不存在' });
  if (code === '22007' || code === '22008' || code === '23514')
    return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: `数据不合法：${(err as Error).message}` });
  throw err;
}

/** Scope of a request naming a group (:id param or `group` in the body): its sub-district. */
export const groupScope: ScopeResolver = async (req, db) => {
  const p = (req.params ?? {}) as Record<string, unknown>;
  const b = (req.body ?? {}) as Record<string, unknown>;
  const id = typeof p.id === 'string' ? p.id : typeof b.group === 'string' ? b.group : null;
  if (!id) return null;
  const r = await db.query<{ subdistrict_id: string }>('SELECT subdistrict_id FROM defense_groups WHERE id = $1', [id]);
  return r.rows[0] ? [r.rows[0].subdistrict_id] : null;
};

export const conflictSchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    current: { type: 'integer' },
    base: { type: 'integer' },
    changedSince: { type: 'array', items: { type: 'object', additionalProperties: true } },
    row: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;

export const errors = { 404: errorSchema, 409: conflictSchema, 422: errorSchema } as const;

export const anyObject = { type: 'object', additionalProperties: true } as const;
