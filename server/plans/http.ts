import type { FastifyReply } from 'fastify';
import { InvalidEditError, NotFoundError, StaleVersionError } from './store';

/** JSON schemas and the error reply shared by the plan routes (plugins/plans.ts, plugins/plan-tools.ts). */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1 } },
  required: ['id'],
} as const;

export const changeSchema = {
  type: 'object',
  properties: { unit: { type: 'string' }, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] } },
} as const;

export const conflictSchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    current: { type: 'integer' },
    base: { type: 'integer' },
    changedSince: { type: 'array', items: changeSchema },
  },
} as const;

/** Maps the plan store's errors to 409 (with what changed since), 404 and 422; rethrows others. */
export function sendPlanError(reply: FastifyReply, err: unknown) {
  if (err instanceof StaleVersionError) {
    return reply.code(409).send({
      statusCode: 409,
      error: 'Conflict',
      message: err.message,
      current: err.current,
      base: err.base,
      changedSince: err.changedSince,
    });
  }
  if (err instanceof NotFoundError) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: err.message });
  if (err instanceof InvalidEditError) return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: err.message });
  throw err;
}
