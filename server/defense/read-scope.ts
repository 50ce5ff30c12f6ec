/**
 * Read scope of the joint-defense routes (issue 15): the sub-districts a GET under /api/groups
 * names through a group id (:id, ?group=) or a shop (?shop=), for the scope check of the access
 * policy (server/auth/policy.ts). ?subdistrict= and ?grid= are found by the policy itself
 * (targetCodes). An unknown group or shop resolves to nothing: the route answers 404.
 */
import type { ScopeResolver } from '../auth/policy';
import { DISTRICT_ADCODE } from '../auth/scope';

export const defenseReadScope: ScopeResolver = async (req, db) => {
  const params = (req.params ?? {}) as Record<string, unknown>;
  const query = (req.query ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  const group =
    typeof params.id === 'string' && req.routeOptions.url?.startsWith('/api/groups/') ? params.id : typeof query.group === 'string' ? query.group : null;
  if (group) {
    const r = await db.query<{ subdistrict_id: string }>('SELECT subdistrict_id FROM defense_groups WHERE id = $1', [group]);
    if (r.rows[0]) out.push(r.rows[0].subdistrict_id);
  }
  if (typeof query.shop === 'string') {
    const r = await db.query<{ subdistrict_id: string | null }>(
      `SELECT COALESCE(s.subdistrict_id, (SELECT d.id FROM subdistricts d WHERE ST_Within(s.geom, d.geom) LIMIT 1)) AS subdistrict_id FROM shops s WHERE s.id = $1`,
      [query.shop],
    );
    // a shop of no sub-district is nobody's but the district's: out of every sub-district scope
    if (r.rows[0]) out.push(r.rows[0].subdistrict_id ?? DISTRICT_ADCODE);
  }
  return out;
};
