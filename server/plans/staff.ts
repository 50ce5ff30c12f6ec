/**
 * The "1+3" staff roster: one grid leader and three grid members per grid. Staff are attached to
 * grid codes (table staff, migration 040). Reads the roster of a plan's grids with the grids that
 * break the rule, imports a roster CSV (name, role, phone, grid_code) replacing the staff of the
 * grids it names, and seeds a clearly synthetic roster for a demo plan.
 */
import type { GridStaffing, PlanStaff, StaffMember } from '../../common/http/plans';
import { parse } from 'csv-parse/sync';
import type { Db, Queryable } from '../db';
import { inReadScope } from '../auth/read-scope';
import { audit } from '../audit/log';
import { ImportFileError } from './import';
import { NotFoundError } from './store';
import { enOf, zhOf } from '../../common/bilingual';

export type { GridStaffing, PlanStaff, StaffMember };

export function staffingProblem(leaders: number, members: number): string | null {
  const p: string[] = [];
  if (leaders === 0) p.push('缺网格长 (no grid leader)');
  if (leaders > 1) p.push(`网格长 ${leaders} 名（应为 1 名） (${leaders} grid leaders, should be 1)`);
  if (members < 3) p.push(`网格员 ${members} 名（少 ${3 - members} 名） (${members} grid members, ${3 - members} missing)`);
  if (members > 3) p.push(`网格员 ${members} 名（多 ${members - 3} 名） (${members} grid members, ${members - 3} too many)`);
  return p.length ? `${p.map(zhOf).join('；')} (${p.map(enOf).join('; ')})` : null;
}

/**
 * The roster of a plan's grids. `readScope`: the code prefixes the reader covers (null: all); staff
 * and grids outside them are left out in the query (issue 15: names and phones of other
 * sub-districts' staff are not the reader's to see).
 */
export async function planStaff(db: Queryable, planId: number, readScope: string[] | null = null): Promise<PlanStaff> {
  const p = await db.query('SELECT 1 FROM plans WHERE id = $1', [planId]);
  if (!p.rows[0]) throw new NotFoundError(`方案 ${planId} 不存在 (plan ${planId} does not exist)`);
  const staff = (
    await db.query<StaffMember>(
      `SELECT s.id::int AS id, s.name, s.role, s.phone, s.grid_code, s.synthetic FROM staff s
       WHERE s.grid_code IN (SELECT code FROM grids WHERE plan_id = $1) AND ${inReadScope('s.grid_code', '$2')} ORDER BY s.grid_code, s.role, s.id`,
      [planId, readScope],
    )
  ).rows.map((s) => ({ ...s, id: Number(s.id) }));
  const codes = (
    await db.query<{ code: string }>(`SELECT code FROM grids WHERE plan_id = $1 AND ${inReadScope('code', '$2')} ORDER BY code`, [planId, readScope])
  ).rows.map((r) => r.code);
  const count = new Map<string, { l: number; m: number }>();
  for (const s of staff) {
    const c = count.get(s.grid_code!) ?? { l: 0, m: 0 };
    if (s.role === 'leader') c.l++;
    else c.m++;
    count.set(s.grid_code!, c);
  }
  const grids = codes.map((code) => {
    const c = count.get(code) ?? { l: 0, m: 0 };
    const problem = staffingProblem(c.l, c.m);
    return { code, leaders: c.l, members: c.m, ok: problem === null, problem };
  });
  return { staff, grids, violations: grids.filter((g) => !g.ok) };
}

const ROLE: Record<string, 'leader' | 'member'> = { leader: 'leader', member: 'member', 网格长: 'leader', 网格员: 'member' };
const HEAD: Record<string, string> = {
  name: 'name',
  姓名: 'name',
  role: 'role',
  角色: 'role',
  职务: 'role',
  phone: 'phone',
  电话: 'phone',
  手机: 'phone',
  grid_code: 'grid_code',
  grid: 'grid_code',
  网格编码: 'grid_code',
  网格: 'grid_code',
};

export interface StaffCsvRow {
  line: number;
  name: string;
  role: 'leader' | 'member';
  phone: string | null;
  grid_code: string;
}

export function parseStaffCsv(text: string): StaffCsvRow[] {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    const m = /line (\d+)/i.exec(String((e as Error).message));
    throw new ImportFileError(
      `CSV 格式错误${m ? `（第 ${m[1]} 行）` : ''}：${(e as Error).message} (CSV format error${m ? ` on line ${m[1]}` : ''}: ${(e as Error).message})`,
    );
  }
  if (records.length < 2)
    throw new ImportFileError(
      '名单为空：需要表头 name,role,phone,grid_code 和至少一行 (the roster is empty: it needs the header name,role,phone,grid_code and at least one row)',
    );
  const cols = records[0].map((h) => HEAD[h.toLowerCase()] ?? HEAD[h]);
  const idx = (k: string) => cols.indexOf(k);
  for (const k of ['name', 'role', 'grid_code'])
    if (idx(k) < 0)
      throw new ImportFileError(
        `第 1 行：表头缺少 ${k} 列（须为 name,role,phone,grid_code） (line 1: the header lacks the column ${k}; it must be name,role,phone,grid_code)`,
      );
  return records.slice(1).map((row, i) => {
    const line = i + 2;
    const name = row[idx('name')] ?? '';
    const roleRaw = row[idx('role')] ?? '';
    const role = ROLE[roleRaw.toLowerCase()] ?? ROLE[roleRaw];
    const phone = idx('phone') >= 0 ? (row[idx('phone')] ?? '').trim() || null : null;
    const grid = row[idx('grid_code')] ?? '';
    if (!name || name.length > 100) throw new ImportFileError(`第 ${line} 行：姓名为空或过长 (line ${line}: the name is empty or too long)`);
    if (!role)
      throw new ImportFileError(
        `第 ${line} 行：角色“${roleRaw}”无效（须为 leader/网格长 或 member/网格员） (line ${line}: invalid role ${roleRaw}; it must be leader or member)`,
      );
    if (phone && !/^[0-9+\- ]{5,20}$/.test(phone))
      throw new ImportFileError(`第 ${line} 行：电话“${phone}”格式无效 (line ${line}: the phone number ${phone} has an invalid format)`);
    if (!/^\d{15}$/.test(grid)) throw new ImportFileError(`第 ${line} 行：网格编码“${grid}”不是 15 位数字 (line ${line}: grid code ${grid} is not 15 digits)`);
    return { line, name, role, phone, grid_code: grid };
  });
}

/** Replaces the staff of the grids named in the CSV (grids must exist in the plan); one transaction. */
export async function importStaff(db: Db, planId: number, text: string, actor: string): Promise<{ imported: number; grids: number }> {
  const rows = parseStaffCsv(text);
  const codes = [...new Set(rows.map((r) => r.grid_code))];
  const known = new Set(
    (await db.query<{ code: string }>('SELECT code FROM grids WHERE plan_id = $1 AND code = ANY($2::text[])', [planId, codes])).rows.map((r) => r.code),
  );
  const bad = rows.find((r) => !known.has(r.grid_code));
  if (bad)
    throw new ImportFileError(
      `第 ${bad.line} 行：网格 ${bad.grid_code} 不在方案 ${planId} 中 (line ${bad.line}: grid ${bad.grid_code} is not in plan ${planId})`,
    );
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM staff WHERE grid_code = ANY($1::text[])', [codes]);
    await tx.query(
      `INSERT INTO staff (name, role, phone, grid_code) SELECT x.name, x.role, x.phone, x.grid_code
       FROM jsonb_to_recordset($1::jsonb) AS x(name text, role text, phone text, grid_code text)`,
      [JSON.stringify(rows)],
    );
    await audit(tx, { actor, action: 'staff.import', entity: 'plan', entityId: planId, after: { rows: rows.length, grids: codes.length } });
  });
  return { imported: rows.length, grids: codes.length };
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚';

/**
 * Seeds a synthetic roster (names prefixed 示例, no phone numbers, synthetic = true) for the plan's
 * grids that have no staff yet: 1 leader + 3 members, except every 17th grid, which deliberately
 * gets 2 members so the "1+3" check has something to show. Deterministic.
 */
export async function seedStaff(db: Db, planId: number): Promise<{ inserted: number }> {
  return db.transaction(async (tx) => {
    const r = await tx.query<{ code: string }>(
      'SELECT code FROM grids g WHERE plan_id = $1 AND NOT EXISTS (SELECT 1 FROM staff s WHERE s.grid_code = g.code) ORDER BY code',
      [planId],
    );
    const rows: Array<{ name: string; role: string; grid_code: string }> = [];
    r.rows.forEach(({ code }, i) => {
      const nm = (k: number) => `示例${SURNAMES[(i * 7 + k * 3) % SURNAMES.length]}${GIVEN[(i * 11 + k * 5) % GIVEN.length]}`;
      rows.push({ name: nm(0), role: 'leader', grid_code: code });
      const members = i % 17 === 16 ? 2 : 3;
      for (let k = 1; k <= members; k++) rows.push({ name: nm(k), role: 'member', grid_code: code });
    });
    if (rows.length)
      await tx.query(
        `INSERT INTO staff (name, role, grid_code, synthetic) SELECT x.name, x.role, x.grid_code, true
         FROM jsonb_to_recordset($1::jsonb) AS x(name text, role text, grid_code text)`,
        [JSON.stringify(rows)],
      );
    await audit(tx, { actor: 'system', action: 'staff.seed', entity: 'plan', entityId: planId, after: { inserted: rows.length } });
    return { inserted: rows.length };
  });
}
