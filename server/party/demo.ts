/**
 * Synthetic party-building demo (演示数据，合成), scaled to the bulletin: 213 compound / grid party
 * branches spread over the communities in proportion to their grids in force (a branch whose one
 * grid is mostly one compound is that compound's branch), 33 community party work teams of 22
 * serving party members each (726: "700+"), every member linked to 1-2 grids of the team's
 * community, and their visits over the last four quarters (≈ 90% of members visit each of their
 * grids each past quarter; the current quarter in proportion to the days gone). Deterministic
 * (seeded), every row synthetic = true; runs once, after a plan is in force.
 */
import type { Db } from '../db';
import { makeRng } from '../../common/rng';
import { personName } from '../../geodata/generator/names';
import { allocateBranches, chunk, quarterOf, quarterRange } from './rules';
import { shanghaiToday } from './today';

export const DEMO_BRANCHES = 213;
export const DEMO_TEAMS = 33;
export const DEMO_MEMBERS_PER_TEAM = 22;
/** The demo grid member's community gets a team whatever its size (server/auth/demo.ts). */
const DEMO_COMMUNITY = '340802001001';

export interface PartyDemoCounts {
  branches: number;
  teams: number;
  members: number;
  visits: number;
}

/** Seeds the party demo unless it is there, or there is no synthetic district or no grid in force. */
export async function seedPartyDemo(db: Db, today = shanghaiToday()): Promise<PartyDemoCounts | null> {
  const has = await db.query('SELECT 1 FROM party_branches WHERE synthetic LIMIT 1');
  if (has.rows[0]) return null;
  const grids = (
    await db.query<{ code: string; community_id: string; cname: string; compound: string | null; share: number | null }>(
      `SELECT g.code, g.community_id, c.name AS cname, dom.name AS compound, dom.share
         FROM current_grids g JOIN communities c ON c.id = g.community_id AND c.synthetic
         LEFT JOIN LATERAL (
           SELECT k.name, SUM(u.households)::float / NULLIF(g.households, 0) AS share
             FROM plan_assignments pa JOIN units u ON u.id = pa.unit_id JOIN compounds k ON k.id = u.compound_id
            WHERE pa.plan_id = g.plan_id AND pa.grid_code = g.code GROUP BY k.name ORDER BY 2 DESC, 1 LIMIT 1
         ) dom ON true
        ORDER BY g.code`,
    )
  ).rows;
  if (grids.length === 0) return null;
  const rng = makeRng(20230517).fork('party');
  const communities = [...new Set(grids.map((g) => g.community_id))];
  const byCommunity = new Map(communities.map((c) => [c, grids.filter((g) => g.community_id === c)]));
  const alloc = allocateBranches(
    communities.map((c) => byCommunity.get(c)!.length),
    DEMO_BRANCHES,
  );

  const counts: PartyDemoCounts = { branches: 0, teams: 0, members: 0, visits: 0 };
  await db.transaction(async (tx) => {
    const branchRows: Array<[string, string, string, string, string]> = [];
    const links: Array<[string, string]> = [];
    communities.forEach((c, i) => {
      const gs = byCommunity.get(c)!;
      chunk(gs, alloc[i]).forEach((part, k) => {
        const id = `B${c}${String(k + 1).padStart(2, '0')}`;
        const one = part.length === 1 && part[0].compound && (part[0].share ?? 0) >= 0.6;
        const name = one ? `${part[0].compound}小区党支部` : `${gs[0].cname}第${k + 1}网格党支部`;
        branchRows.push([id, c, name, one ? 'compound' : 'grid', personName(rng)]);
        for (const g of part) links.push([g.code, id]);
      });
    });
    await tx.query(
      `INSERT INTO party_branches (id, community_id, name, kind, secretary, synthetic)
       SELECT * , true FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [0, 1, 2, 3, 4].map((j) => branchRows.map((r) => r[j])),
    );
    await tx.query('INSERT INTO party_branch_grids (grid_code, branch_id) SELECT * FROM unnest($1::text[], $2::text[])', [
      links.map((l) => l[0]),
      links.map((l) => l[1]),
    ]);
    counts.branches = branchRows.length;

    // work teams: the demo member's community, then the communities with most grids
    const ranked = [...communities].sort(
      (a, b) => Number(b === DEMO_COMMUNITY) - Number(a === DEMO_COMMUNITY) || byCommunity.get(b)!.length - byCommunity.get(a)!.length || a.localeCompare(b),
    );
    const teamCommunities = Array.from({ length: DEMO_TEAMS }, (_, i) => ranked[i % ranked.length]);
    const quarters = lastQuarters(today, 4);
    const visits: Array<[number, string, string]> = [];
    for (const [t, c] of teamCommunities.entries()) {
      const gs = byCommunity.get(c)!;
      const team = await tx.query<{ id: string }>('INSERT INTO party_work_teams (community_id, name, synthetic) VALUES ($1, $2, true) RETURNING id', [
        c,
        `${gs[0].cname}党建工作队${teamCommunities.slice(0, t).includes(c) ? `（${teamCommunities.slice(0, t + 1).filter((x) => x === c).length}）` : ''}`,
      ]);
      counts.teams++;
      const names = Array.from({ length: DEMO_MEMBERS_PER_TEAM }, () => personName(rng));
      const ids = (
        await tx.query<{ id: string }>(
          'INSERT INTO party_team_members (team_id, name, synthetic) SELECT $1, n, true FROM unnest($2::text[]) AS n RETURNING id',
          [team.rows[0].id, names],
        )
      ).rows.map((r) => Number(r.id));
      counts.members += ids.length;
      const mg: Array<[number, string]> = [];
      ids.forEach((id, k) => {
        const first = gs[(t + k) % gs.length].code;
        mg.push([id, first]);
        if (gs.length > 1 && rng.chance(0.6)) mg.push([id, gs[(t + k + 1 + rng.int(0, gs.length - 2)) % gs.length].code]);
      });
      const uniq = [...new Map(mg.map((x) => [`${x[0]}:${x[1]}`, x])).values()];
      await tx.query('INSERT INTO party_member_grids (member_id, grid_code) SELECT * FROM unnest($1::bigint[], $2::text[])', [
        uniq.map((x) => x[0]),
        uniq.map((x) => x[1]),
      ]);
      for (const [member, grid] of uniq) {
        for (const q of quarters) {
          if (!rng.chance(0.9 * q.elapsed)) continue;
          const day = addDays(q.from, rng.int(0, Math.max(0, q.days - 1)));
          visits.push([member, grid, day]);
        }
      }
    }
    for (let i = 0; i < visits.length; i += 2000) {
      const part = visits.slice(i, i + 2000);
      await tx.query(
        "INSERT INTO party_visits (member_id, grid_code, visited_on, note, recorded_by, synthetic) SELECT m, g, d::date, '入户走访（演示数据，合成）', 'system', true FROM unnest($1::bigint[], $2::text[], $3::text[]) AS x(m, g, d)",
        [part.map((v) => v[0]), part.map((v) => v[1]), part.map((v) => v[2])],
      );
    }
    counts.visits = visits.length;
  });
  return counts;
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
}

/** The last `n` quarters up to today: first day, days available (up to today) and the elapsed share. */
function lastQuarters(today: string, n: number): Array<{ from: string; days: number; elapsed: number }> {
  const out: Array<{ from: string; days: number; elapsed: number }> = [];
  let q = quarterOf(new Date(`${today}T00:00:00Z`));
  for (let i = 0; i < n; i++) {
    const [from, to] = quarterRange(q)!;
    const full = (Date.parse(to) - Date.parse(from)) / 86400e3;
    const upTo = Math.min(full, (Date.parse(today) - Date.parse(from)) / 86400e3 + 1);
    out.push({ from, days: upTo, elapsed: upTo / full });
    q = quarterOf(new Date(Date.parse(from) - 86400e3));
  }
  return out;
}
