import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../db';
import { audit, type AuditActor } from './log';

declare module 'fastify' {
  interface FastifyRequest {
    /** True once the handler wrote its own audit row (then the generic onResponse row is skipped). */
    auditRecorded: boolean;
  }
}

/** The request's actor for audit rows: the signed-in user, else 'anonymous'. */
export function actorOf(req: FastifyRequest): AuditActor | string {
  return req.user ? { username: req.user.username, id: req.user.id, role: req.user.role } : 'anonymous';
}

export function markAudited(req: FastifyRequest): void {
  req.auditRecorded = true;
}

/**
 * For route handlers: writes the audit row of this request in the SAME transaction as the change
 * (actor, method, url, ip filled in) and suppresses the generic per-request row. Example:
 *   await app.db.transaction(async (tx) => { …change…; await auditWrite(req, tx, { action: 'plan.publish',
 *     entity: 'plan', entityId: id, before, after }); });
 */
export async function auditWrite(
  req: FastifyRequest,
  tx: Queryable,
  e: { action: string; entity?: string; entityId?: string | number | null; before?: unknown; after?: unknown },
): Promise<void> {
  await audit(tx, { ...e, actor: actorOf(req), method: req.method, url: req.url, ip: req.ip });
  markAudited(req);
}
