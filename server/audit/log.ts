import type { Queryable } from '../db';
import type { AuditItem } from '../../common/http/users';

export interface AuditActor {
  username: string;
  id?: number | null;
  role?: string | null;
}

export interface AuditEntry {
  /** Who: a user, or a plain name ('system', 'anonymous', a CLI user). */
  actor: AuditActor | string;
  /** What was done, dotted: 'plan.edit', 'user.create', 'http.post'. */
  action: string;
  entity?: string | null;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
  method?: string | null;
  url?: string | null;
  status?: number | null;
  ip?: string | null;
}

/**
 * Writes one audit row. Call it with the SAME transaction handle as the change it records, so the
 * change and its audit row commit or roll back together.
 */
export async function audit(tx: Queryable, e: AuditEntry): Promise<void> {
  const actor = typeof e.actor === 'string' ? { username: e.actor } : e.actor;
  await tx.query(
    `INSERT INTO audit_log (actor, actor_id, actor_role, action, entity, entity_id, before, after, method, url, status, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12)`,
    [
      actor.username,
      actor.id ?? null,
      actor.role ?? null,
      e.action,
      e.entity ?? null,
      e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.method ?? null,
      e.url ? e.url.slice(0, 2000) : null,
      e.status ?? null,
      e.ip ?? null,
    ],
  );
}

/** An audit log entry as GET /api/audit answers it (common/http/users.ts). */
export type AuditRow = AuditItem;

export interface AuditQuery {
  limit?: number;
  offset?: number;
  actor?: string;
  entity?: string;
  entityId?: string;
  action?: string;
  since?: string;
  until?: string;
}

/** Newest first, with the total count matching the filters. */
export async function listAudit(db: Queryable, q: AuditQuery = {}): Promise<{ total: number; items: AuditRow[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.actor) add('actor = ?', q.actor);
  if (q.entity) add('entity = ?', q.entity);
  if (q.entityId) add('entity_id = ?', q.entityId);
  if (q.action) add('action = ?', q.action);
  if (q.since) add('at >= ?::timestamptz', q.since);
  if (q.until) add('at < ?::timestamptz', q.until);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await db.query<{ n: number | string }>(`SELECT count(*)::int AS n FROM audit_log ${w}`, params);
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  const offset = Math.max(q.offset ?? 0, 0);
  const r = await db.query<Record<string, unknown>>(
    `SELECT id, at, actor, actor_id, actor_role, action, entity, entity_id, before, after, method, url, status, ip
       FROM audit_log ${w} ORDER BY at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
    params,
  );
  const parse = (v: unknown) => v ?? null; // both drivers parse jsonb
  return {
    total: Number(total.rows[0].n),
    items: r.rows.map((x) => ({
      id: Number(x.id),
      at: x.at instanceof Date ? x.at.toISOString() : new Date(String(x.at)).toISOString(),
      actor: String(x.actor),
      actorId: x.actor_id === null ? null : Number(x.actor_id),
      actorRole: (x.actor_role as string | null) ?? null,
      action: String(x.action),
      entity: (x.entity as string | null) ?? null,
      entityId: (x.entity_id as string | null) ?? null,
      before: parse(x.before),
      after: parse(x.after),
      method: (x.method as string | null) ?? null,
      url: (x.url as string | null) ?? null,
      status: x.status === null ? null : Number(x.status),
      ip: (x.ip as string | null) ?? null,
    })),
  };
}
