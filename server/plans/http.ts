/** JSON schemas shared by the plan routes (plugins/plans.ts, plugins/plan-tools.ts). */
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
