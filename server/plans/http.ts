import { ref } from '../http/schemas';

/** JSON schemas shared by the plan routes (plugins/plans.ts, plugins/plan-tools.ts); the bodies are registered once in http/schemas.ts. */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1 } },
  required: ['id'],
} as const;

export const changeSchema = ref('PlanChange');

/** A stale edit (409): the current version, the edit's base and the changes since. */
export const conflictSchema = ref('PlanConflict');
