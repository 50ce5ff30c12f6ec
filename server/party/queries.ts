/**
 * Party-building reads and the one write (a serving member's visit): per grid party-member
 * households, plaqued ones and the 20% rule; branches per community with their grids; the branch
 * layer (one outline per branch: the union of its grids in force); work teams and the visits of
 * their serving members counted per grid and quarter. Every read is filtered in the query by the
 * reader's code prefixes (`readScope`, null: all). Grids are the ones in force (current_grids).
 */
import type { PartyBranch, PartyCommunity, PartyGrid, PartyTeam, ServingMember } from '../../common/http/party';
import type { Queryable } from '../db';
import { inReadScope } from '../auth/read-scope';
import { plaqueStatus, quarterRange } from './rules';

/**
 * Read scope for community-level rows: a community is in scope when it lies inside a reader's prefix
 * or contains one of the reader's grids (a grid member sees their grid's community party committee).
 */
export function communityInScope(expr: string, param: string): string {
  return `(${param}::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest(${param}::text[]) AS read_scope(p) WHERE starts_with(${expr}, read_scope.p) OR starts_with(read_scope.p, ${expr})))`;
}

export class PartyError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export type { PartyGrid, ServingMember };

export interface GridFilter {
  readScope: string[] | null;
  /** grid-code prefix: a sub-district, community or grid */
  prefix?: string | null;
  quarter: string;
  /** show small counts (admins) */
  exact: boolean;
}

const SMALL = 5;

/** Per grid in force: party-member households, plaqued, share against 20%, branch, serving members and quarterly visits. */
export async function partyGrids(db: Queryable, f: GridFilter): Promise<PartyGrid[]> {
  const range = quarterRange(f.quarter);
  if (!range) throw new PartyError(400, `季度格式应为 2026Q4（收到 ${f.quarter}） (the quarter must look like 2026Q4, received ${f.quarter})`);
  const r = await db.query<{
    code: string;
    community_id: string | null;
    subdistrict_id: string;
    households: number;
    party: number;
    plaqued: number;
    branch_id: string | null;
    serving: number;
    visits: number;
    visited: number;
  }>(
    `WITH g AS (
       SELECT g.plan_id, g.code, g.community_id, g.subdistrict_id, g.households FROM current_grids g
        WHERE ${inReadScope('g.code', '$1')} AND ($2::text IS NULL OR starts_with(g.code, $2::text))
     ), stats AS (
       SELECT g.code, COALESCE(SUM(u.party_households), 0)::int AS party, COALESCE(SUM(u.plaqued_households), 0)::int AS plaqued
         FROM g LEFT JOIN plan_assignments pa ON pa.plan_id = g.plan_id AND pa.grid_code = g.code
         LEFT JOIN units u ON u.id = pa.unit_id GROUP BY g.code
     ), serving AS (
       SELECT mg.grid_code, count(*)::int AS n FROM party_member_grids mg JOIN g ON g.code = mg.grid_code GROUP BY mg.grid_code
     ), visits AS (
       SELECT v.grid_code, count(*)::int AS n, count(DISTINCT v.member_id)::int AS members FROM party_visits v JOIN g ON g.code = v.grid_code
        WHERE v.visited_on >= $3::date AND v.visited_on < $4::date GROUP BY v.grid_code
     )
     SELECT g.code, g.community_id, g.subdistrict_id, g.households::int AS households, s.party, s.plaqued, b.branch_id,
            COALESCE(sv.n, 0) AS serving, COALESCE(v.n, 0) AS visits, COALESCE(v.members, 0) AS visited
       FROM g JOIN stats s ON s.code = g.code
       LEFT JOIN party_branch_grids b ON b.grid_code = g.code
       LEFT JOIN serving sv ON sv.grid_code = g.code
       LEFT JOIN visits v ON v.grid_code = g.code
      ORDER BY g.code`,
    [f.readScope, f.prefix ?? null, range[0], range[1]],
  );
  return r.rows.map((x) => {
    const party = Number(x.party);
    const plaqued = Number(x.plaqued);
    const shown = f.exact || party >= SMALL;
    const st = plaqueStatus(party, plaqued);
    return {
      code: x.code,
      communityId: x.community_id,
      subdistrictId: x.subdistrict_id,
      households: Number(x.households),
      partyHouseholds: party,
      plaqued: shown ? plaqued : null,
      share: shown ? st.share : null,
      meets: shown ? st.meets : null,
      branchId: x.branch_id,
      servingMembers: Number(x.serving),
      visits: Number(x.visits),
      membersVisited: Number(x.visited),
    };
  });
}

/** A branch with its grids (common/http/party.ts). */
export type BranchRow = PartyBranch;

/** A community with its branches (common/http/party.ts). */
export type CommunityParty = PartyCommunity;

function totals(grids: PartyGrid[], exact: boolean) {
  const party = grids.reduce((s, g) => s + g.partyHouseholds, 0);
  // a total is shown only when every part of it is (otherwise a suppressed grid could be recovered by subtraction)
  const known = grids.every((g) => g.plaqued !== null);
  const plaqued = grids.reduce((s, g) => s + (g.plaqued ?? 0), 0);
  const shown = (exact || party >= SMALL) && known;
  const st = plaqueStatus(party, plaqued);
  return { partyHouseholds: party, plaqued: shown ? plaqued : null, share: shown ? st.share : null, meets: shown ? st.meets : null };
}

/** Branches per community (community party committee → branches → grids → party-member households). */
export async function branchesByCommunity(db: Queryable, f: GridFilter): Promise<CommunityParty[]> {
  const grids = await partyGrids(db, f);
  const comm = await db.query<{ id: string; name: string; subdistrict_id: string; sd_name: string; teams: number }>(
    `SELECT c.id, c.name, c.subdistrict_id, s.name AS sd_name, (SELECT count(*)::int FROM party_work_teams t WHERE t.community_id = c.id) AS teams
       FROM communities c JOIN subdistricts s ON s.id = c.subdistrict_id
      WHERE ${communityInScope('c.id', '$1')} AND ($2::text IS NULL OR starts_with(c.id, $2::text) OR starts_with($2::text, c.id)) ORDER BY c.id`,
    [f.readScope, f.prefix ?? null],
  );
  const br = await db.query<{ id: string; community_id: string; name: string; kind: 'compound' | 'grid'; secretary: string | null }>(
    `SELECT id, community_id, name, kind, secretary FROM party_branches WHERE ${communityInScope('community_id', '$1')} ORDER BY community_id, id`,
    [f.readScope],
  );
  const byBranch = new Map<string, PartyGrid[]>();
  for (const g of grids) if (g.branchId) byBranch.set(g.branchId, [...(byBranch.get(g.branchId) ?? []), g]);
  return comm.rows
    .map((c) => {
      const mine = grids.filter((g) => g.communityId === c.id);
      const branches = br.rows
        .filter((b) => b.community_id === c.id)
        .map((b) => {
          const gs = (byBranch.get(b.id) ?? []).filter((g) => g.communityId === c.id || g.communityId === null);
          return { id: b.id, name: b.name, kind: b.kind, secretary: b.secretary, grids: gs, ...totals(gs, f.exact) };
        })
        // a restricted reader sees the branches of their grids; others every branch, a gridless one too
        .filter((b) => b.grids.length > 0 || (f.readScope === null && !f.prefix));
      return {
        id: c.id,
        name: c.name,
        subdistrictId: c.subdistrict_id,
        subdistrictName: c.sd_name,
        committee: `${c.name}党委`,
        branches,
        unattached: mine.filter((g) => !g.branchId),
        teams: Number(c.teams),
        ...totals(mine, f.exact),
      };
    })
    .filter((c) => c.branches.length > 0 || c.unattached.length > 0);
}

/** The branch layer: one feature per branch, the union of its grids in force, with its figures. */
export async function branchLayer(db: Queryable, f: GridFilter): Promise<{ type: 'FeatureCollection'; features: unknown[] }> {
  const grids = await partyGrids(db, f);
  const r = await db.query<{ id: string; name: string; kind: string; community_id: string; geom: string; lon: number; lat: number }>(
    `SELECT b.id, b.name, b.kind, b.community_id, ST_AsGeoJSON(x.geom, 6) AS geom, ST_X(ST_PointOnSurface(x.geom)) AS lon, ST_Y(ST_PointOnSurface(x.geom)) AS lat
       FROM party_branches b
       JOIN LATERAL (SELECT ST_Union(g.geom) AS geom FROM party_branch_grids bg JOIN current_grids g ON g.code = bg.grid_code
                      WHERE bg.branch_id = b.id AND ${inReadScope('g.code', '$1')}) x ON x.geom IS NOT NULL
      ORDER BY b.id`,
    [f.readScope],
  );
  const byBranch = new Map<string, PartyGrid[]>();
  for (const g of grids) if (g.branchId) byBranch.set(g.branchId, [...(byBranch.get(g.branchId) ?? []), g]);
  return {
    type: 'FeatureCollection',
    features: r.rows.map((b) => {
      const gs = byBranch.get(b.id) ?? [];
      const t = totals(gs, f.exact);
      return {
        type: 'Feature',
        id: b.id,
        geometry: JSON.parse(b.geom),
        properties: {
          id: b.id,
          name: b.name,
          kind: b.kind,
          community_id: b.community_id,
          grids: gs.map((g) => g.code).join(','),
          party_households: t.partyHouseholds,
          plaqued: t.plaqued,
          share: t.share,
          meets: t.meets,
          visits: gs.reduce((s, g) => s + g.visits, 0),
          label_lon: Number(b.lon),
          label_lat: Number(b.lat),
        },
      };
    }),
  };
}

/** A work team (common/http/party.ts). */
export type TeamRow = PartyTeam;

/** Community party work teams with their members' grids and quarterly visits. */
export async function workTeams(db: Queryable, f: GridFilter): Promise<TeamRow[]> {
  const range = quarterRange(f.quarter);
  if (!range) throw new PartyError(400, `季度格式应为 2026Q4（收到 ${f.quarter}） (the quarter must look like 2026Q4, received ${f.quarter})`);
  const r = await db.query<{
    id: string;
    name: string;
    community_id: string;
    cname: string;
    members: number;
    grids: string[] | null;
    visits: number;
    done: number;
  }>(
    `WITH m AS (
       SELECT pm.id, pm.team_id,
              (SELECT count(*) FROM party_member_grids mg WHERE mg.member_id = pm.id) AS linked,
              (SELECT count(DISTINCT v.grid_code) FROM party_visits v JOIN party_member_grids mg ON mg.member_id = v.member_id AND mg.grid_code = v.grid_code
                WHERE v.member_id = pm.id AND v.visited_on >= $3::date AND v.visited_on < $4::date) AS visited_grids,
              (SELECT count(*) FROM party_visits v WHERE v.member_id = pm.id AND v.visited_on >= $3::date AND v.visited_on < $4::date) AS visits
         FROM party_team_members pm
     )
     SELECT t.id, t.name, t.community_id, c.name AS cname,
            (SELECT count(*)::int FROM m WHERE m.team_id = t.id) AS members,
            (SELECT array_agg(DISTINCT mg.grid_code ORDER BY mg.grid_code) FROM party_member_grids mg JOIN party_team_members pm ON pm.id = mg.member_id WHERE pm.team_id = t.id) AS grids,
            (SELECT COALESCE(SUM(m.visits), 0)::int FROM m WHERE m.team_id = t.id) AS visits,
            (SELECT count(*)::int FROM m WHERE m.team_id = t.id AND m.linked > 0 AND m.visited_grids >= m.linked) AS done
       FROM party_work_teams t JOIN communities c ON c.id = t.community_id
      WHERE ${communityInScope('t.community_id', '$1')} AND ($2::text IS NULL OR starts_with(t.community_id, $2::text) OR starts_with($2::text, t.community_id))
      ORDER BY t.community_id, t.id`,
    [f.readScope, f.prefix ?? null, range[0], range[1]],
  );
  return r.rows.map((t) => ({
    id: Number(t.id),
    name: t.name,
    communityId: t.community_id,
    communityName: t.cname,
    members: Number(t.members),
    grids: t.grids ?? [],
    visits: Number(t.visits),
    membersDone: Number(t.done),
  }));
}

/** The serving party members linked to one grid. */
export async function gridMembers(db: Queryable, grid: string, quarter: string, showNames: boolean): Promise<ServingMember[]> {
  const range = quarterRange(quarter);
  if (!range) throw new PartyError(400, `季度格式应为 2026Q4（收到 ${quarter}） (the quarter must look like 2026Q4, received ${quarter})`);
  const r = await db.query<{ id: string; name: string; team_id: string; team_name: string; grids: string[]; visits: number; last: string | null }>(
    `SELECT pm.id, pm.name, t.id AS team_id, t.name AS team_name,
            (SELECT array_agg(x.grid_code ORDER BY x.grid_code) FROM party_member_grids x WHERE x.member_id = pm.id) AS grids,
            (SELECT count(*)::int FROM party_visits v WHERE v.member_id = pm.id AND v.grid_code = $1 AND v.visited_on >= $2::date AND v.visited_on < $3::date) AS visits,
            (SELECT to_char(max(v.visited_on), 'YYYY-MM-DD') FROM party_visits v WHERE v.member_id = pm.id AND v.grid_code = $1) AS last
       FROM party_member_grids mg JOIN party_team_members pm ON pm.id = mg.member_id JOIN party_work_teams t ON t.id = pm.team_id
      WHERE mg.grid_code = $1 ORDER BY pm.id`,
    [grid, range[0], range[1]],
  );
  return r.rows.map((m) => ({
    id: Number(m.id),
    name: showNames ? m.name : null,
    teamId: Number(m.team_id),
    teamName: m.team_name,
    grids: m.grids ?? [],
    visits: Number(m.visits),
    lastVisit: m.last,
  }));
}

/** The grids a serving member is linked to (for scope checks). */
export async function memberGridCodes(db: Queryable, memberId: number): Promise<string[] | null> {
  const m = await db.query('SELECT 1 FROM party_team_members WHERE id = $1', [memberId]);
  if (!m.rows[0]) return null;
  const r = await db.query<{ grid_code: string }>('SELECT grid_code FROM party_member_grids WHERE member_id = $1 ORDER BY grid_code', [memberId]);
  return r.rows.map((x) => x.grid_code);
}

export interface VisitInput {
  memberId: number;
  grid: string;
  visitedOn: string;
  note?: string | null;
}

/** Records a serving member's visit to one of their linked grids; returns the new row's id. */
export async function recordVisit(tx: Queryable, v: VisitInput, recordedBy: string, today: string): Promise<number> {
  const grids = await memberGridCodes(tx, v.memberId);
  if (grids === null) throw new PartyError(404, `报到党员 ${v.memberId} 不存在 (registered party member ${v.memberId} does not exist)`);
  if (!grids.includes(v.grid))
    throw new PartyError(
      400,
      grids.length
        ? `该党员联系的网格是 ${grids.join('、')}，不是 ${v.grid} (the member is linked to grids ${grids.join(', ')}, not ${v.grid})`
        : `该党员未联系任何网格 (the member is not linked to any grid)`,
    );
  if (v.visitedOn > today) throw new PartyError(400, `走访日期 ${v.visitedOn} 晚于今天 (the visit date ${v.visitedOn} is later than today)`);
  const r = await tx.query<{ id: string }>(
    'INSERT INTO party_visits (member_id, grid_code, visited_on, note, recorded_by) VALUES ($1, $2, $3::date, $4, $5) RETURNING id',
    [v.memberId, v.grid, v.visitedOn, v.note ?? null, recordedBy],
  );
  return Number(r.rows[0].id);
}
