/**
 * Joint-defense groups in the database: reads (groups with members, hulls, equipment summary;
 * shops in no group) and membership writes. Every membership write runs in ONE transaction, checks
 * the sub-district's grouping version (stale → StaleGroupsError with what changed since) and bumps it.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { Queryable } from '../db';
import type { GroupMember } from '../../common/http/groups';
import { StaleGroupsError, type MemberChange } from './errors';
import { archiveGroups } from './archive';

/** A shop in a group as the store reads it: the API's GroupMember. */
export type MemberRow = GroupMember;

export interface GroupRow {
  id: string;
  subdistrict_id: string;
  grid_code: string | null;
  name: string;
  leader_shop_id: string;
  diameter_m: number | null;
  mean_pair_m: number | null;
  max_response_s: number | null;
  version: number;
  synthetic: boolean;
  members: MemberRow[];
  hull: Polygon | MultiPolygon | null;
  equipment: Record<string, number>;
  drills: number;
  patrol_logs: number;
}

/** Version of the sub-district's grouping (0 when it was never grouped). */
export async function setVersion(db: Queryable, subdistrict: string): Promise<number> {
  const r = await db.query<{ version: number }>('SELECT version FROM defense_sets WHERE subdistrict_id = $1', [subdistrict]);
  return r.rows[0] ? Number(r.rows[0].version) : 0;
}

const GROUPS_SQL = `
SELECT g.id, g.subdistrict_id, g.grid_code, g.name, g.leader_shop_id, g.diameter_m, g.mean_pair_m, g.max_response_s,
       g.version, g.synthetic,
       json_agg(json_build_object('id', s.id, 'name', s.name, 'phone', s.phone, 'category', s.category,
                'lon', round(ST_X(s.geom)::numeric, 7), 'lat', round(ST_Y(s.geom)::numeric, 7)) ORDER BY s.id) AS members,
       ST_AsGeoJSON(ST_Buffer(ST_ConvexHull(ST_Collect(s.geom))::geography, 18, 4)::geometry, 6)::json AS hull,
       COALESCE((SELECT json_object_agg(kind, q) FROM (SELECT kind, sum(quantity)::int AS q FROM defense_equipment e WHERE e.group_id = g.id GROUP BY kind) k), '{}'::json) AS equipment,
       (SELECT count(*)::int FROM defense_drills d WHERE d.group_id = g.id) AS drills,
       (SELECT count(*)::int FROM patrol_logs l WHERE l.group_id = g.id) AS patrol_logs
  FROM defense_groups g
  JOIN defense_members m ON m.group_id = g.id
  JOIN shops s ON s.id = m.shop_id
 WHERE $WHERE
 GROUP BY g.id
 ORDER BY g.id`;

function normalise(r: GroupRow): GroupRow {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    ...r,
    diameter_m: num(r.diameter_m),
    mean_pair_m: num(r.mean_pair_m),
    max_response_s: num(r.max_response_s),
    version: Number(r.version),
    members: (typeof r.members === 'string' ? JSON.parse(r.members) : r.members).map((m: MemberRow) => ({ ...m, lon: Number(m.lon), lat: Number(m.lat) })),
    hull: typeof r.hull === 'string' ? JSON.parse(r.hull) : r.hull,
    equipment: typeof r.equipment === 'string' ? JSON.parse(r.equipment) : r.equipment,
  };
}

export async function listGroups(db: Queryable, subdistrict: string, grid?: string): Promise<GroupRow[]> {
  const r = await db.query<GroupRow>(GROUPS_SQL.replace('$WHERE', 'g.subdistrict_id = $1 AND ($2::text IS NULL OR g.grid_code = $2)'), [
    subdistrict,
    grid ?? null,
  ]);
  return r.rows.map(normalise);
}

export async function getGroup(db: Queryable, id: string): Promise<GroupRow | null> {
  const r = await db.query<GroupRow>(GROUPS_SQL.replace('$WHERE', 'g.id = $1'), [id]);
  return r.rows[0] ? normalise(r.rows[0]) : null;
}

/** The sub-district of a group (null when there is no such group). */
export async function groupSubdistrict(db: Queryable, id: string): Promise<string | null> {
  const r = await db.query<{ subdistrict_id: string }>('SELECT subdistrict_id FROM defense_groups WHERE id = $1', [id]);
  return r.rows[0]?.subdistrict_id ?? null;
}

/** Shop → group id for the given shops (shops in no group are absent). */
export async function membership(db: Queryable, shopIds: string[]): Promise<Map<string, string>> {
  const r = await db.query<{ shop_id: string; group_id: string }>('SELECT shop_id, group_id FROM defense_members WHERE shop_id = ANY($1::text[])', [shopIds]);
  return new Map(r.rows.map((x) => [x.shop_id, x.group_id]));
}

/** Member shop ids of groups (existing shops only). */
export async function membersOf(db: Queryable, groupIds: string[]): Promise<Map<string, string[]>> {
  const r = await db.query<{ group_id: string; shop_id: string }>(
    'SELECT m.group_id, m.shop_id FROM defense_members m JOIN shops s ON s.id = m.shop_id WHERE m.group_id = ANY($1::text[]) ORDER BY m.shop_id',
    [groupIds],
  );
  const out = new Map<string, string[]>(groupIds.map((g) => [g, []]));
  for (const row of r.rows) out.get(row.group_id)!.push(row.shop_id);
  return out;
}

/** Locks the sub-district's grouping and checks the base version; returns the current version. */
export async function lockAndCheck(tx: Queryable, subdistrict: string, baseVersion: number | null): Promise<number> {
  await tx.query('INSERT INTO defense_sets (subdistrict_id, version) VALUES ($1, 0) ON CONFLICT (subdistrict_id) DO NOTHING', [subdistrict]);
  const r = await tx.query<{ version: number }>('SELECT version FROM defense_sets WHERE subdistrict_id = $1 FOR UPDATE', [subdistrict]);
  const current = Number(r.rows[0].version);
  if (baseVersion !== null && baseVersion !== current) {
    const e = await tx.query<{ changes: MemberChange[] | string }>(
      'SELECT changes FROM defense_edits WHERE subdistrict_id = $1 AND version > $2 ORDER BY version',
      [subdistrict, baseVersion],
    );
    const changed = e.rows.flatMap((x) => (typeof x.changes === 'string' ? JSON.parse(x.changes) : x.changes) as MemberChange[]);
    throw new StaleGroupsError(current, baseVersion, changed.slice(0, 500));
  }
  return current;
}

/** Bumps the version and records the edit; returns the new version. */
export async function recordEdit(
  tx: Queryable,
  subdistrict: string,
  current: number,
  kind: 'auto' | 'move' | 'swap' | 'leader',
  author: string,
  changes: MemberChange[],
): Promise<number> {
  const next = current + 1;
  await tx.query('UPDATE defense_sets SET version = $2, updated_at = now() WHERE subdistrict_id = $1', [subdistrict, next]);
  await tx.query('INSERT INTO defense_edits (subdistrict_id, version, author, kind, changes) VALUES ($1, $2, $3, $4, $5::jsonb)', [
    subdistrict,
    next,
    author,
    kind,
    JSON.stringify(changes.slice(0, 5000)),
  ]);
  return next;
}

export interface GroupWrite {
  id: string;
  grid_code: string | null;
  name: string;
  leader_shop_id: string;
  members: string[];
  diameter_m: number | null;
  mean_pair_m: number | null;
  max_response_s: number | null;
  synthetic?: boolean;
}

/** Inserts or replaces a group with exactly these members (members are taken from other groups). */
export async function writeGroup(tx: Queryable, subdistrict: string, g: GroupWrite): Promise<void> {
  await tx.query(
    `INSERT INTO defense_groups (id, subdistrict_id, grid_code, name, leader_shop_id, diameter_m, mean_pair_m, max_response_s, synthetic)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET grid_code = EXCLUDED.grid_code, leader_shop_id = EXCLUDED.leader_shop_id,
       diameter_m = EXCLUDED.diameter_m, mean_pair_m = EXCLUDED.mean_pair_m, max_response_s = EXCLUDED.max_response_s,
       updated_at = now()`,
    [g.id, subdistrict, g.grid_code, g.name, g.leader_shop_id, g.diameter_m, g.mean_pair_m, g.max_response_s, g.synthetic ?? false],
  );
  await tx.query('DELETE FROM defense_members WHERE group_id = $1 AND NOT (shop_id = ANY($2::text[]))', [g.id, g.members]);
  await tx.query(
    `INSERT INTO defense_members (shop_id, group_id) SELECT unnest($2::text[]), $1
     ON CONFLICT (shop_id) DO UPDATE SET group_id = EXCLUDED.group_id`,
    [g.id, g.members],
  );
}

/** Next free sequence numbers for group ids with this prefix ('<grid or sub-district>-NNN'). */
export async function nextSeq(db: Queryable, prefix: string): Promise<number> {
  const r = await db.query<{ n: number | null }>(`SELECT max(substring(id from '-(\\d+)$')::int) AS n FROM defense_groups WHERE id LIKE $1 || '-%'`, [prefix]);
  return Number(r.rows[0]?.n ?? 0) + 1;
}

/**
 * Retires live groups none of whose member shops exist any more (after a demo reload or import):
 * they are archived with their records (./archive), not deleted; memberships of missing shops go.
 */
export async function clearStaleGroups(db: Queryable): Promise<number> {
  const stale = await db.query<{ id: string; version: number }>(
    `SELECT g.id, COALESCE((SELECT version FROM defense_sets d WHERE d.subdistrict_id = g.subdistrict_id), 0) AS version
       FROM defense_groups g
      WHERE g.archived_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM defense_members m JOIN shops s ON s.id = m.shop_id WHERE m.group_id = g.id)`,
  );
  for (const g of stale.rows) await archiveGroups(db, [g.id], Number(g.version));
  await db.query('DELETE FROM defense_members m WHERE NOT EXISTS (SELECT 1 FROM shops s WHERE s.id = m.shop_id)');
  return stale.rows.length;
}
