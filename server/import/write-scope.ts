/**
 * The sub-districts an import writes, checked against the caller's: a planner scoped to some
 * sub-districts imports buildings, shops, incidents, streets and household register rows of those only; boundaries change
 * the whole district's geography and need district-wide scope. Run inside the import's
 * transaction after the rows are written (dry runs too), so a refusal leaves nothing behind.
 */
import type { Queryable } from '../db';
import type { SessionUser } from '../auth/roles';
import { covers, DISTRICT_ADCODE, OutOfScopeError } from '../auth/scope';
import type { WritePlan } from './write';

const LOCATED_TABLES = [
  ['buildings', 'buildings', '栋建筑'],
  ['shops', 'shops', '个商铺'],
  ['incidents', 'incidents', '起事件'],
] as const;

/** True when the user may write anywhere in the district (admins, district-wide users, sign-in off). */
export function districtWide(user: SessionUser | null | undefined): boolean {
  return !user || user.role === 'admin' || covers(user, DISTRICT_ADCODE);
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
      throw new OutOfScopeError(`同名文件 ${plan.source} 的早先导入中有 ${n} ${noun}不在您负责的街道内，本次导入会替换它们：请改用其他文件名或请管理员导入`);
    }
  }
}

/** Rows of this import's id prefix, by sub-district, that lie outside the user's sub-districts (null: in none). */
async function rowsOutside(db: Queryable, table: string, prefix: string, user: SessionUser): Promise<Array<{ sd: string | null; n: number }>> {
  const r = await db.query<{ sd: string | null; n: number }>(
    `SELECT subdistrict_id AS sd, count(*)::int AS n FROM ${table} WHERE left(id, length($1)) = $1 GROUP BY 1`,
    [`${prefix}:`],
  );
  return r.rows.filter((x) => x.sd === null || !covers(user, x.sd));
}

/** After the write, inside the transaction: every row written lies in the caller's sub-districts. */
export async function checkWrittenInScope(tx: Queryable, user: SessionUser | null | undefined, plan: WritePlan): Promise<void> {
  if (districtWide(user)) return;
  if (plan.boundaries?.length) throw new OutOfScopeError('边界（街道、社区轮廓）影响全区，只有管理员或全区用户可以导入');
  for (const [key, table, noun] of LOCATED_TABLES) {
    if (!plan[key]?.length) continue;
    const foreign = await rowsOutside(tx, table, plan.prefix, user!);
    if (foreign.length) {
      const where = foreign.map((x) => (x.sd ? `${x.sd}：${x.n}` : `不在任何街道内：${x.n}`)).join('，');
      throw new OutOfScopeError(`文件中有 ${foreign.reduce((a, x) => a + x.n, 0)} ${noun}不在您负责的街道内（${where}），未写入任何数据`);
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
      throw new OutOfScopeError(`文件中有 ${foreign.reduce((a, x) => a + x.n, 0)} 条住户登记不在您负责的街道内（${where}），未写入任何数据`);
    }
  }
  if (plan.streets?.length) {
    const r = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM streets s WHERE left(s.id, length($1)) = $1
         AND NOT EXISTS (SELECT 1 FROM subdistricts d, unnest($2::text[]) p WHERE left(d.id, length(p)) = p AND ST_Intersects(d.geom, s.geom))`,
      [`${plan.prefix}:`, user!.subdistricts],
    );
    if (r.rows[0].n > 0) throw new OutOfScopeError(`文件中有 ${r.rows[0].n} 条道路完全在您负责的街道以外，未写入任何数据`);
  }
}
