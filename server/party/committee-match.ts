/**
 * Matching a grid's need to the member units that offer the resource nearby, by WALKING distance
 * over the street network: the units offering the need's category within a straight-line bound are
 * snapped to the cached walking network of the sub-districts involved (server/defense/network-cache),
 * one bounded Dijkstra from the need gives every unit's distance (routing/dijkstra oneToMany), the
 * access legs from the points to the street are added, and the nearest are ranked (committee-rules).
 * The walk itself (street geometry) comes with each match for the map.
 */
import type { MatchAnswer, UnitKind, UnitMatch } from '../../common/http/committee';
import type { Queryable } from '../db';
import { oneToMany, ShortestPathTree } from '../algorithms/routing';
import { shortestPath } from '../algorithms/routing';
import type { Snap } from '../algorithms/routing';
import { networkFor } from '../defense/network-cache';
import { PartyError } from './queries';
import { getNeed } from './committee';
import { MATCH_LIMIT, MATCH_MAX_STRAIGHT_M, MATCH_MAX_WALK_M, rankMatches, walkMinutes, type ResourceCategory } from './committee-rules';

/** A point farther than this from any street cannot be routed (metres). */
const MAX_SNAP_M = 400;

export type { MatchAnswer, UnitMatch };

export async function matchNeed(db: Queryable, needId: number, readScope: string[] | null): Promise<MatchAnswer> {
  const need = await getNeed(db, needId, readScope);
  const c = await db.query<{
    id: string;
    name: string;
    kind: UnitKind; // the table's CHECK constraint
    subdistrict_id: string;
    contact: string | null;
    phone: string | null;
    detail: string | null;
    lon: number;
    lat: number;
    straight: number;
  }>(
    `SELECT u.id, u.name, u.kind, u.subdistrict_id, u.contact, u.phone, r.detail, ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat,
            ST_Distance(u.geom::geography, n.geom::geography) AS straight
       FROM committee_needs n
       JOIN committee_resources r ON r.category = n.category
       JOIN committee_units u ON u.id = r.unit_id
      WHERE n.id = $1 AND ST_DWithin(u.geom::geography, n.geom::geography, $2)
      ORDER BY u.id`,
    [needId, MATCH_MAX_STRAIGHT_M],
  );
  const answer: MatchAnswer = { need, maxWalkM: MATCH_MAX_WALK_M, candidates: c.rows.length, matches: [] };
  if (c.rows.length === 0) return answer;
  const subs = [need.gridCode.slice(0, 9), ...c.rows.map((u) => u.subdistrict_id)];
  const { net, mainSnapper } = await networkFor(db, subs);
  const from = mainSnapper.snap(need.lon, need.lat, MAX_SNAP_M);
  if (!from)
    throw new PartyError(
      422,
      `需求位置离街道超过 ${MAX_SNAP_M} 米，无法计算步行距离 (the need is more than ${MAX_SNAP_M} m from the streets, so walking distances cannot be computed)`,
    );
  const snaps = c.rows.map((u) => mainSnapper.snap(Number(u.lon), Number(u.lat), MAX_SNAP_M));
  const reachable = snaps.map((s, i) => [s, i] as const).filter((x): x is readonly [Snap, number] => x[0] !== null);
  const tree = new ShortestPathTree(net);
  const dist = oneToMany(
    net,
    from,
    reachable.map((x) => x[0]),
    MATCH_MAX_WALK_M,
    tree,
  );
  const walk = new Float64Array(c.rows.length).fill(Infinity);
  reachable.forEach(([s, i], k) => {
    walk[i] = dist[k] + from.distanceM + s.distanceM;
  });
  const ranked = rankMatches(
    c.rows.map((u, i) => ({ unitId: u.id, walkM: walk[i], straightM: Number(u.straight), i })),
    MATCH_MAX_WALK_M,
    MATCH_LIMIT,
  );
  answer.matches = ranked.map((m) => {
    const u = c.rows[m.i];
    const to = snaps[m.i]!;
    const p = shortestPath(net, from, to, tree);
    const path: Array<[number, number]> = [
      [need.lon, need.lat],
      ...(p?.coords ?? []).map(([x, y]) => [x, y] as [number, number]),
      [Number(u.lon), Number(u.lat)],
    ];
    return {
      unitId: u.id,
      name: u.name,
      kind: u.kind,
      subdistrictId: u.subdistrict_id,
      contact: u.contact,
      phone: u.phone,
      detail: u.detail,
      lon: Number(u.lon),
      lat: Number(u.lat),
      walkM: Math.round(m.walkM),
      walkMinutes: walkMinutes(m.walkM),
      straightM: Math.round(m.straightM),
      path: path.map(([x, y]) => [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6]),
    };
  });
  return answer;
}

export type { ResourceCategory };
