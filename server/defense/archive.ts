/**
 * Replaced groups are archived, never deleted (issue 14): a regroup, or a move that empties a group,
 * archives the old group (its row stays with the member shops it had, readable at GET
 * /api/groups/:id) and carries its equipment, drills, patrol log and weekly schedule to its
 * successor, the new group holding most of its shops. Each carried record lists the archived groups
 * it came through (`carried_from`, oldest first). Patrol routes stay with the archived group: their
 * stops are that group's shops, not the successor's. Runs inside the caller's transaction.
 */
import type { ArchivedGroup } from '../../common/http/groups';
import type { Queryable } from '../db';

/** Record tables carried to the successor, with the name the API answers counts under. */
export const CARRIED_TABLES = [
  ['equipment', 'defense_equipment'],
  ['drills', 'defense_drills'],
  ['patrol_logs', 'patrol_logs'],
  ['schedule', 'patrol_schedule'],
] as const;

export type RecordCounts = Record<(typeof CARRIED_TABLES)[number][0], number>;

export const noRecords = (): RecordCounts => ({ equipment: 0, drills: 0, patrol_logs: 0, schedule: 0 });

/**
 * The successor of an old group: the new group holding most of its shops (ties: the smallest id);
 * null when no new group holds any of them.
 */
export function successorOf(oldMembers: readonly string[], newGroups: readonly { id: string; members: readonly string[] }[]): string | null {
  const old = new Set(oldMembers);
  let best: string | null = null;
  let bestN = 0;
  for (const g of newGroups) {
    const n = g.members.reduce((k, m) => k + (old.has(m) ? 1 : 0), 0);
    if (n > bestN || (n === bestN && n > 0 && best !== null && g.id < best)) {
      best = g.id;
      bestN = n;
    }
  }
  return best;
}

/** Records (per kind) and saved patrol routes held by these groups. */
export async function recordsOf(db: Queryable, groupIds: string[]): Promise<{ records: RecordCounts; routes: number }> {
  const records = noRecords();
  if (groupIds.length === 0) return { records, routes: 0 };
  const r = await db.query<{ kind: keyof RecordCounts; n: number }>(
    CARRIED_TABLES.map(([kind, table]) => `SELECT '${kind}' AS kind, count(*)::int AS n FROM ${table} WHERE group_id = ANY($1::text[])`).join(' UNION ALL '),
    [groupIds],
  );
  for (const row of r.rows) records[row.kind] = Number(row.n);
  const routes = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM patrol_routes WHERE group_id = ANY($1::text[])', [groupIds]);
  return { records, routes: Number(routes.rows[0].n) };
}

/**
 * Archives live groups: keeps their member list, then removes their memberships (so the shops can
 * join new groups). Call before the shops are written to their new groups.
 */
export async function archiveGroups(tx: Queryable, ids: string[], version: number): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `UPDATE defense_groups g
        SET archived_at = now(), archived_version = $2, updated_at = now(),
            archived_members = COALESCE((SELECT array_agg(m.shop_id ORDER BY m.shop_id) FROM defense_members m WHERE m.group_id = g.id), '{}'::text[])
      WHERE g.id = ANY($1::text[]) AND g.archived_at IS NULL`,
    [ids, version],
  );
  await tx.query('DELETE FROM defense_members WHERE group_id = ANY($1::text[])', [ids]);
}

/**
 * Names each archived group's successor and moves the archived groups' records to it (the
 * successors must exist). Returns how many records were carried, per kind.
 */
export async function carryRecords(tx: Queryable, successors: Map<string, string | null>): Promise<RecordCounts> {
  const carried = noRecords();
  const pairs = [...successors].filter((e): e is [string, string] => e[1] !== null).map(([from, to]) => ({ from, to }));
  if (pairs.length === 0) return carried;
  const json = JSON.stringify(pairs);
  await tx.query(`UPDATE defense_groups g SET replaced_by = p."to" FROM jsonb_to_recordset($1::jsonb) AS p("from" text, "to" text) WHERE g.id = p."from"`, [
    json,
  ]);
  for (const [kind, table] of CARRIED_TABLES) {
    const r = await tx.query(
      `UPDATE ${table} t SET group_id = p."to", carried_from = array_append(COALESCE(t.carried_from, '{}'::text[]), p."from")
         FROM jsonb_to_recordset($1::jsonb) AS p("from" text, "to" text)
        WHERE t.group_id = p."from" RETURNING t.id`,
      [json],
    );
    carried[kind] = r.rows.length;
  }
  return carried;
}

export type { ArchivedGroup };

const ARCHIVED_SQL = `
SELECT g.id, g.subdistrict_id, g.grid_code, g.name, g.leader_shop_id,
       to_char(g.archived_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS archived_at, g.archived_version,
       g.replaced_by, (SELECT s.name FROM defense_groups s WHERE s.id = g.replaced_by) AS replaced_by_name,
       COALESCE(g.archived_members, '{}'::text[]) AS members,
       (${CARRIED_TABLES.map(([, t]) => `(SELECT count(*) FROM ${t} r WHERE r.group_id = g.id OR r.carried_from @> ARRAY[g.id])`).join(' + ')})::int AS records,
       (SELECT count(*)::int FROM patrol_routes p WHERE p.group_id = g.id) AS routes
  FROM defense_groups g
 WHERE g.archived_at IS NOT NULL AND $WHERE
 ORDER BY g.archived_at DESC, g.id`;

function normalise(r: ArchivedGroup): ArchivedGroup {
  return {
    ...r,
    archived_version: r.archived_version === null ? null : Number(r.archived_version),
    members:
      typeof r.members === 'string'
        ? (r.members as string)
            .replace(/^\{|\}$/g, '')
            .split(',')
            .filter(Boolean)
        : r.members,
    records: Number(r.records),
    routes: Number(r.routes),
  };
}

/** Archived groups of a sub-district, newest first. */
export async function listArchived(db: Queryable, subdistrict: string): Promise<ArchivedGroup[]> {
  const r = await db.query<ArchivedGroup>(ARCHIVED_SQL.replace('$WHERE', 'g.subdistrict_id = $1'), [subdistrict]);
  return r.rows.map(normalise);
}

export async function getArchived(db: Queryable, id: string): Promise<ArchivedGroup | null> {
  const r = await db.query<ArchivedGroup>(ARCHIVED_SQL.replace('$WHERE', 'g.id = $1'), [id]);
  return r.rows[0] ? normalise(r.rows[0]) : null;
}

/** When the group is archived: a message saying so (for refusing writes); null for a live group. */
export async function archivedMessage(db: Queryable, id: string): Promise<string | null> {
  const r = await db.query<{ name: string; archived_at: string | null; replaced_by: string | null }>(
    'SELECT name, archived_at::text AS archived_at, replaced_by FROM defense_groups WHERE id = $1',
    [id],
  );
  const g = r.rows[0];
  if (!g || g.archived_at === null) return null;
  return `联防组 ${g.name}（${id}）已归档（被重新分组替换或成员已清空），只能查看${g.replaced_by ? `；其记录已转入联防组 ${g.replaced_by}` : ''} (joint-defence group ${id} is archived, replaced by a regrouping or emptied of members, and is read-only${g.replaced_by ? `; its records moved to group ${g.replaced_by}` : ''})`;
}
