/**
 * Party organisation management (the community's party committee: leaders of the area, admins):
 * attach a branch to grids (a grid in at most one branch: attaching moves it from its old branch),
 * and link a serving party member to 1-2 grids of their team's community. Checked, one transaction
 * with its audit row (the plugin), before/after returned for the audit.
 */
import type { TeamMember } from '../../common/http/party';
import type { Queryable } from '../db';
import { PartyError } from './queries';
import { memberGridsProblem } from './rules';

/** The community of a branch (for scope checks); null when there is no such branch. */
export async function branchCommunity(db: Queryable, id: string): Promise<string | null> {
  const r = await db.query<{ community_id: string }>('SELECT community_id FROM party_branches WHERE id = $1', [id]);
  return r.rows[0]?.community_id ?? null;
}

/** The community of a serving member's team; null when there is no such member. */
export async function memberCommunity(db: Queryable, id: number): Promise<string | null> {
  const r = await db.query<{ community_id: string }>(
    'SELECT t.community_id FROM party_team_members m JOIN party_work_teams t ON t.id = m.team_id WHERE m.id = $1',
    [id],
  );
  return r.rows[0]?.community_id ?? null;
}

/** Grids named that are not in force or not in the community. */
async function checkGrids(tx: Queryable, grids: string[], community: string): Promise<void> {
  const r = await tx.query<{ code: string; community_id: string | null }>('SELECT code, community_id FROM current_grids WHERE code = ANY($1::text[])', [grids]);
  const found = new Map(r.rows.map((g) => [g.code, g.community_id]));
  const missing = grids.filter((g) => !found.has(g));
  if (missing.length) throw new PartyError(404, `网格不在现行方案中：${missing.join('、')} (grids not in the current plan: ${missing.join(', ')})`);
  const outside = grids.filter((g) => found.get(g) !== community && !g.startsWith(community));
  if (outside.length)
    throw new PartyError(400, `网格不属于社区 ${community}：${outside.join('、')} (grids not in community ${community}: ${outside.join(', ')})`);
}

/** Sets the grids of a branch (replacing them); grids attached elsewhere move here. */
export async function setBranchGrids(
  tx: Queryable,
  id: string,
  grids: string[],
): Promise<{ before: string[]; after: string[]; movedFrom: Array<{ grid: string; branch: string }> }> {
  const b = await tx.query<{ community_id: string }>('SELECT community_id FROM party_branches WHERE id = $1 FOR UPDATE', [id]);
  if (!b.rows[0]) throw new PartyError(404, `党支部 ${id} 不存在 (party branch ${id} does not exist)`);
  const want = [...new Set(grids)].sort();
  if (want.length !== grids.length) throw new PartyError(400, '网格重复 (duplicate grids)');
  await checkGrids(tx, want, b.rows[0].community_id);
  const before = (await tx.query<{ grid_code: string }>('SELECT grid_code FROM party_branch_grids WHERE branch_id = $1 ORDER BY grid_code', [id])).rows.map(
    (r) => r.grid_code,
  );
  const moved = (
    await tx.query<{ grid_code: string; branch_id: string }>(
      'SELECT grid_code, branch_id FROM party_branch_grids WHERE grid_code = ANY($1::text[]) AND branch_id <> $2 ORDER BY grid_code',
      [want, id],
    )
  ).rows;
  await tx.query('DELETE FROM party_branch_grids WHERE branch_id = $1 OR grid_code = ANY($2::text[])', [id, want]);
  if (want.length) await tx.query('INSERT INTO party_branch_grids (grid_code, branch_id) SELECT g, $2 FROM unnest($1::text[]) AS g', [want, id]);
  return { before, after: want, movedFrom: moved.map((m) => ({ grid: m.grid_code, branch: m.branch_id })) };
}

/** Links a serving member to 1-2 grids of their team's community (replacing the links). */
export async function setMemberGrids(tx: Queryable, id: number, grids: string[]): Promise<{ before: string[]; after: string[] }> {
  const m = await tx.query<{ community_id: string }>(
    'SELECT t.community_id FROM party_team_members m JOIN party_work_teams t ON t.id = m.team_id WHERE m.id = $1 FOR UPDATE OF m',
    [id],
  );
  if (!m.rows[0]) throw new PartyError(404, `报到党员 ${id} 不存在 (registered party member ${id} does not exist)`);
  const problem = memberGridsProblem(grids);
  if (problem) throw new PartyError(400, problem);
  const want = [...grids].sort();
  await checkGrids(tx, want, m.rows[0].community_id);
  const before = (await tx.query<{ grid_code: string }>('SELECT grid_code FROM party_member_grids WHERE member_id = $1 ORDER BY grid_code', [id])).rows.map(
    (r) => r.grid_code,
  );
  await tx.query('DELETE FROM party_member_grids WHERE member_id = $1', [id]);
  await tx.query('INSERT INTO party_member_grids (member_id, grid_code) SELECT $1, g FROM unnest($2::text[]) AS g', [id, want]);
  return { before, after: want };
}

export type { TeamMember };

/** A team's serving members and their grids; null when there is no such team. */
export async function teamMembers(db: Queryable, teamId: number, names: boolean): Promise<{ communityId: string; members: TeamMember[] } | null> {
  const t = await db.query<{ community_id: string }>('SELECT community_id FROM party_work_teams WHERE id = $1', [teamId]);
  if (!t.rows[0]) return null;
  const r = await db.query<{ id: string; name: string; grids: string[] | null }>(
    `SELECT m.id, m.name, (SELECT array_agg(g.grid_code ORDER BY g.grid_code) FROM party_member_grids g WHERE g.member_id = m.id) AS grids
       FROM party_team_members m WHERE m.team_id = $1 ORDER BY m.id`,
    [teamId],
  );
  return { communityId: t.rows[0].community_id, members: r.rows.map((m) => ({ id: Number(m.id), name: names ? m.name : null, grids: m.grids ?? [] })) };
}
