/** Shared HTTP pieces of the groups and patrols plugins: scope resolvers, schemas (errors go to the one handler, server/plugins/errors.ts). */
import type { ScopeResolver } from '../auth/policy';
import { errorSchema, ref } from '../http/schemas';

/** Scope of a request naming a group (:id param or `group` in the body): its sub-district. */
export const groupScope: ScopeResolver = async (req, db) => {
  const p = (req.params ?? {}) as Record<string, unknown>;
  const b = (req.body ?? {}) as Record<string, unknown>;
  const id = typeof p.id === 'string' ? p.id : typeof b.group === 'string' ? b.group : null;
  if (!id) return null;
  const r = await db.query<{ subdistrict_id: string }>('SELECT subdistrict_id FROM defense_groups WHERE id = $1', [id]);
  return r.rows[0] ? [r.rows[0].subdistrict_id] : null;
};

/** A stale edit (409): the current version and what changed since, or the row's current state (registered once in http/schemas.ts). */
export const conflictSchema = ref('DefenseConflict');

export const errors = { 404: errorSchema, 409: conflictSchema, 422: errorSchema } as const;

export const anyObject = { type: 'object', additionalProperties: true } as const;
