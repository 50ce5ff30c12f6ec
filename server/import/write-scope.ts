/**
 * The sub-districts an import writes, checked against the caller's: a planner scoped to some
 * sub-districts imports buildings, shops, incidents, household register rows and boundaries
 * (sub-district and community outlines, by their codes) of those only. Street pieces may run a
 * little outside: a piece is accepted when it lies within STREET_MARGIN_M of the planner's
 * sub-districts or carries the name of a street of the same file that reaches into them. Rows in
 * no sub-district at all need a county-level scope (a 6-digit adcode prefix such as '340802').
 * No district is hard-coded: scope is the user's code prefixes. Run inside the import's
 * transaction after the rows are written (dry runs too), so a refusal leaves nothing behind.
 */
import type { Queryable } from '../db';
import type { SessionUser } from '../auth/roles';
import { covers, OutOfScopeError } from '../auth/scope';
import type { WritePlan } from './write';

const LOCATED_TABLES = [
  ['buildings', 'buildings', '栋建筑'],
  ['shops', 'shops', '个商铺'],
  ['incidents', 'incidents', '起事件'],
] as const;

/** How far (metres) a street piece may run outside the planner's sub-districts and still be theirs. */
export const STREET_MARGIN_M = 100;

/** True when the user may write anywhere (admins, sign-in off). */
export function districtWide(user: SessionUser | null | undefined): boolean {
  return !user || user.role === 'admin';
}

/** True when the user holds a county-level prefix (≤ 6 digits, e.g. the district adcode): rows in no sub-district are theirs too. */
export function countyWide(user: SessionUser): boolean {
  return user.subdistricts.some((s) => s.length <= 6);
}

/**
 * Before the write: rows of an earlier import of the same file are replaced by this one, so they
 * must be the caller's too.
 */
export async function checkReplacedInScope(db: Queryable, user: SessionUser | null | undefined, plan: WritePlan): Promise<void> {
  if (districtWide(user)) return;
  for (const [key, table, noun] of LOCATED_TABLES) {
    if (!plan[key]?.length) continue;
    const foreign = await rowsOutside(db, table, plan.prefix, user!);
    if (foreign.length) {
      const n = foreign.reduce((a, x) => a + x.n, 0);
      throw new OutOfScopeError(
        `同名文件 ${plan.source} 的早先导入中有 ${n} ${noun}不在您负责的街道内，本次导入会替换它们：请改用其他文件名或请管理员导入 (the earlier import of a file with the same name, ${plan.source}, has ${n} ${key} outside your sub-districts, and this import would replace them: use another file name or ask an administrator to import)`,
      );
    }
  }
}

/** Rows of this import's id prefix, by sub-district, that lie outside the user's sub-districts (null: in none). */
async function rowsOutside(db: Queryable, table: string, prefix: string, user: SessionUser): Promise<Array<{ sd: string | null; n: number }>> {
  const r = await db.query<{ sd: string | null; n: number }>(
    `SELECT subdistrict_id AS sd, count(*)::int AS n FROM ${table} WHERE left(id, length($1)) = $1 GROUP BY 1`,
    [`${prefix}:`],
  );
  return r.rows.filter((x) => (x.sd === null ? !countyWide(user) : !covers(user, x.sd)));
}

/** After the write, inside the transaction: every row written lies in the caller's sub-districts. */
export async function checkWrittenInScope(tx: Queryable, user: SessionUser | null | undefined, plan: WritePlan): Promise<void> {
  if (districtWide(user)) return;
  if (plan.boundaries?.length) {
    const foreign = plan.boundaries.filter((b) => !covers(user!, b.id));
    if (foreign.length) {
      const list =
        foreign
          .slice(0, 5)
          .map((b) => `${b.name}（${b.id}）`)
          .join('、') + (foreign.length > 5 ? ` 等 ${foreign.length} 个` : '');
      throw new OutOfScopeError(
        `文件中的边界 ${list} 不在您负责的街道内（您负责：${user!.subdistricts.join('、')}），未写入任何数据 (the boundaries ${foreign
          .slice(0, 5)
          .map((b) => b.id)
          .join(
            ', ',
          )}${foreign.length > 5 ? `, ${foreign.length} in all,` : ''} in the file are outside your sub-districts, yours: ${user!.subdistricts.join(', ')}; nothing was written)`,
      );
    }
  }
  for (const [key, table, noun] of LOCATED_TABLES) {
    if (!plan[key]?.length) continue;
    const foreign = await rowsOutside(tx, table, plan.prefix, user!);
    if (foreign.length) {
      const where = foreign.map((x) => (x.sd ? `${x.sd}：${x.n}` : `不在任何街道内：${x.n}`)).join('，');
      throw new OutOfScopeError(
        `文件中有 ${foreign.reduce((a, x) => a + x.n, 0)} ${noun}不在您负责的街道内（${where}），未写入任何数据 (the file has ${foreign.reduce((a, x) => a + x.n, 0)} ${key} outside your sub-districts, ${foreign.map((x) => `${x.sd ?? 'no sub-district'}: ${x.n}`).join(', ')}; nothing was written)`,
      );
    }
  }
  if (plan.register?.length) {
    // register rows are placed in a sub-district or rejected; the rows they replace are of the same sub-districts
    const r = await tx.query<{ sd: string; n: number }>(
      'SELECT subdistrict_id AS sd, count(*)::int AS n FROM household_register WHERE import_id = $1 GROUP BY 1 ORDER BY 1',
      [plan.registerImportId ?? plan.prefix],
    );
    const foreign = r.rows.filter((x) => !covers(user!, x.sd));
    if (foreign.length) {
      const where = foreign.map((x) => `${x.sd}：${x.n}`).join('，');
      throw new OutOfScopeError(
        `文件中有 ${foreign.reduce((a, x) => a + x.n, 0)} 条住户登记不在您负责的街道内（${where}），未写入任何数据 (the file has ${foreign.reduce((a, x) => a + x.n, 0)} register rows outside your sub-districts, ${foreign.map((x) => `${x.sd ?? 'no sub-district'}: ${x.n}`).join(', ')}; nothing was written)`,
      );
    }
  }
  if (plan.water?.length) {
    // a river or lake is the planner's when it reaches within the margin of their sub-districts
    const r = await tx.query<{ n: number; none: boolean }>(
      `WITH mine AS (SELECT ST_Union(d.geom) AS g FROM subdistricts d WHERE EXISTS (SELECT 1 FROM unnest($2::text[]) p WHERE left(d.id, length(p)) = p))
       SELECT (SELECT count(*)::int FROM water w, mine m WHERE left(w.id, length($1)) = $1 AND (m.g IS NULL OR NOT ST_DWithin(w.geom::geography, m.g::geography, $3))) AS n,
              (SELECT g IS NULL FROM mine) AS none`,
      [`${plan.prefix}:`, user!.subdistricts, STREET_MARGIN_M],
    );
    if (r.rows[0].none)
      throw new OutOfScopeError(
        `您负责的街道（${user!.subdistricts.join('、')}）还没有边界：请先导入街道和社区边界，再导入水系；未写入任何数据 (your sub-districts, ${user!.subdistricts.join(', ')}, have no boundaries yet: import the sub-district and community boundaries first, then the water; nothing was written)`,
      );
    if (r.rows[0].n > 0)
      throw new OutOfScopeError(
        `文件中有 ${r.rows[0].n} 处水域在您负责的街道 ${STREET_MARGIN_M} 米以外，未写入任何数据 (the file has ${r.rows[0].n} water features more than ${STREET_MARGIN_M} m outside your sub-districts; nothing was written)`,
      );
  }
  if (plan.streets?.length) {
    // a piece is the planner's when it lies within the margin of their sub-districts, or when a
    // piece of the same name in this file reaches into them (the rest of that street)
    const r = await tx.query<{ n: number; ids: string[] }>(
      `WITH mine AS (SELECT ST_Union(d.geom) AS g FROM subdistricts d WHERE EXISTS (SELECT 1 FROM unnest($2::text[]) p WHERE left(d.id, length(p)) = p)),
            piece AS (SELECT s.id, s.name, s.geom FROM streets s WHERE left(s.id, length($1)) = $1),
            near AS (SELECT p.id, p.name FROM piece p, mine m WHERE m.g IS NOT NULL AND ST_DWithin(p.geom::geography, m.g::geography, $3)),
            named AS (SELECT DISTINCT name FROM near WHERE name IS NOT NULL AND name <> ''),
            far AS (SELECT p.id, p.name FROM piece p WHERE p.id NOT IN (SELECT id FROM near) AND (p.name IS NULL OR p.name NOT IN (SELECT name FROM named)))
       SELECT (SELECT count(*)::int FROM far) AS n, ARRAY(SELECT COALESCE(NULLIF(name, '') || '（' || substr(id, length($1) + 1) || '）', substr(id, length($1) + 1)) FROM far ORDER BY id LIMIT 3) AS ids`,
      [`${plan.prefix}:`, user!.subdistricts, STREET_MARGIN_M],
    );
    const { n, ids } = r.rows[0];
    if (n > 0) {
      const none =
        (
          await tx.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM subdistricts d WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) p WHERE left(d.id, length(p)) = p)',
            [user!.subdistricts],
          )
        ).rows[0].n === 0;
      if (none)
        throw new OutOfScopeError(
          `您负责的街道（${user!.subdistricts.join('、')}）还没有边界：请先导入街道和社区边界，再导入道路；未写入任何数据 (your sub-districts, ${user!.subdistricts.join(', ')}, have no boundaries yet: import the sub-district and community boundaries first, then the streets; nothing was written)`,
        );
      throw new OutOfScopeError(
        `文件中有 ${n} 段道路在您负责的街道 ${STREET_MARGIN_M} 米以外，且不属于伸入您街道的同名道路（如 ${ids.join('、')}），未写入任何数据 (the file has ${n} street segments more than ${STREET_MARGIN_M} m outside your sub-districts that are not part of same-named streets reaching into them, e.g. ${ids.join(', ')}; nothing was written)`,
      );
    }
  }
}
