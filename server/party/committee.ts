/**
 * Big party committee (大党委) storage: member units and their resources, the grid-needs list, the
 * service projects and practical matters, and the quarterly meeting's list of changes. Every read is
 * filtered in the query by the reader's code prefixes (null: everything); a unit or a sub-district
 * project is in a grid member's scope when it lies in their grid's sub-district.
 */
import type { CommitteeUnit, Need, Project, QuarterChanges } from '../../common/http/committee';
import type { Queryable } from '../db';
import { inReadScope } from '../auth/read-scope';
import { communityInScope, PartyError } from './queries';
import { quarterRange } from './rules';
import { projectMoveProblem, type NeedStatus, type ProjectKind, type ProjectStatus, type ResourceCategory, type UnitKind } from './committee-rules';

/** The Shanghai-time instants [start, end) of a quarter ('2026Q4'); 400 when malformed. */
export function quarterInstants(quarter: string): [string, string] {
  const r = quarterRange(quarter);
  if (!r) throw new PartyError(400, `季度格式应为 2026Q4（收到 ${quarter}） (the quarter must look like 2026Q4, received ${quarter})`);
  return [`${r[0]}T00:00:00+08:00`, `${r[1]}T00:00:00+08:00`];
}

export type { CommitteeUnit, Need, Project, QuarterChanges };

export interface UnitFilter {
  readScope: string[] | null;
  prefix?: string | null;
  category?: ResourceCategory | null;
}

export async function listUnits(db: Queryable, f: UnitFilter): Promise<CommitteeUnit[]> {
  const r = await db.query<{
    id: string;
    subdistrict_id: string;
    name: string;
    kind: UnitKind;
    contact: string | null;
    phone: string | null;
    joined_on: string;
    lon: number;
    lat: number;
    resources: Array<{ category: ResourceCategory; detail: string | null }> | null;
    projects: number;
    done: number;
    synthetic: boolean;
  }>(
    `SELECT u.id, u.subdistrict_id, u.name, u.kind, u.contact, u.phone, to_char(u.joined_on, 'YYYY-MM-DD') AS joined_on, ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat, u.synthetic,
            (SELECT json_agg(json_build_object('category', r.category, 'detail', r.detail) ORDER BY r.category) FROM committee_resources r WHERE r.unit_id = u.id) AS resources,
            (SELECT count(*)::int FROM committee_projects p WHERE p.unit_id = u.id) AS projects,
            (SELECT count(*)::int FROM committee_projects p WHERE p.unit_id = u.id AND p.status = 'done') AS done
       FROM committee_units u
      WHERE ${communityInScope('u.subdistrict_id', '$1')}
        AND ($2::text IS NULL OR starts_with(u.subdistrict_id, $2::text) OR starts_with($2::text, u.subdistrict_id))
        AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM committee_resources r WHERE r.unit_id = u.id AND r.category = $3::text))
      ORDER BY u.subdistrict_id, u.id`,
    [f.readScope, f.prefix ?? null, f.category ?? null],
  );
  return r.rows.map((u) => ({
    id: u.id,
    subdistrictId: u.subdistrict_id,
    name: u.name,
    kind: u.kind,
    contact: u.contact,
    phone: u.phone,
    joinedOn: u.joined_on,
    lon: Number(u.lon),
    lat: Number(u.lat),
    resources: u.resources ?? [],
    projects: Number(u.projects),
    projectsDone: Number(u.done),
    synthetic: Boolean(u.synthetic),
  }));
}

/** The resource list: per category, the units offering it (ids and names) and the open needs for it. */
export async function resourceList(
  db: Queryable,
  f: UnitFilter,
): Promise<Array<{ category: ResourceCategory; units: Array<{ id: string; name: string; detail: string | null }>; openNeeds: number }>> {
  const units = await listUnits(db, { ...f, category: null });
  const needs = await db.query<{ category: ResourceCategory; n: number }>(
    `SELECT category, count(*)::int AS n FROM committee_needs WHERE status = 'open' AND ${inReadScope('grid_code', '$1')} AND ($2::text IS NULL OR starts_with(grid_code, $2::text)) GROUP BY category`,
    [f.readScope, f.prefix ?? null],
  );
  const open = new Map(needs.rows.map((x) => [x.category, Number(x.n)]));
  const by = new Map<ResourceCategory, Array<{ id: string; name: string; detail: string | null }>>();
  for (const u of units) for (const r of u.resources) by.set(r.category, [...(by.get(r.category) ?? []), { id: u.id, name: u.name, detail: r.detail }]);
  const cats = [...new Set([...by.keys(), ...open.keys()])].sort();
  return cats
    .filter((c) => !f.category || c === f.category)
    .map((category) => ({ category, units: by.get(category) ?? [], openNeeds: open.get(category) ?? 0 }));
}

const NEED_SELECT = `SELECT n.id, n.grid_code, n.category, n.title, n.detail, n.status, ST_X(n.geom) AS lon, ST_Y(n.geom) AS lat, n.created_at, n.closed_at, n.version,
        p.id AS project_id, p.unit_id, cu.name AS unit_name
   FROM committee_needs n
   LEFT JOIN LATERAL (SELECT id, unit_id FROM committee_projects WHERE need_id = n.id ORDER BY id DESC LIMIT 1) p ON true
   LEFT JOIN committee_units cu ON cu.id = p.unit_id`;

type NeedRow = {
  id: string;
  grid_code: string;
  category: ResourceCategory;
  title: string;
  detail: string | null;
  status: NeedStatus;
  lon: number;
  lat: number;
  created_at: Date | string;
  closed_at: Date | string | null;
  version: number;
  project_id: string | null;
  unit_id: string | null;
  unit_name: string | null;
};
const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const needOf = (n: NeedRow): Need => ({
  id: Number(n.id),
  gridCode: n.grid_code,
  category: n.category,
  title: n.title,
  detail: n.detail,
  status: n.status,
  lon: Number(n.lon),
  lat: Number(n.lat),
  createdAt: iso(n.created_at)!,
  closedAt: iso(n.closed_at),
  version: Number(n.version),
  projectId: n.project_id === null ? null : Number(n.project_id),
  unitId: n.unit_id,
  unitName: n.unit_name,
});

export async function listNeeds(db: Queryable, f: { readScope: string[] | null; prefix?: string | null; status?: NeedStatus | null }): Promise<Need[]> {
  const r = await db.query<NeedRow>(
    `${NEED_SELECT}
      WHERE ${inReadScope('n.grid_code', '$1')} AND ($2::text IS NULL OR starts_with(n.grid_code, $2::text)) AND ($3::text IS NULL OR n.status = $3::text)
      ORDER BY (n.status = 'open') DESC, n.created_at DESC, n.id DESC LIMIT 500`,
    [f.readScope, f.prefix ?? null, f.status ?? null],
  );
  return r.rows.map(needOf);
}

export async function getNeed(db: Queryable, id: number, readScope: string[] | null): Promise<Need> {
  const r = await db.query<NeedRow>(`${NEED_SELECT} WHERE n.id = $1 AND ${inReadScope('n.grid_code', '$2')}`, [id, readScope]);
  if (!r.rows[0]) throw new PartyError(404, `需求 ${id} 不存在 (need ${id} does not exist)`);
  return needOf(r.rows[0]);
}

/** The grid (for scope checks) of a need; null when there is no such need. */
export async function needGrid(db: Queryable, id: number): Promise<string | null> {
  const r = await db.query<{ grid_code: string }>('SELECT grid_code FROM committee_needs WHERE id = $1', [id]);
  return r.rows[0]?.grid_code ?? null;
}

export interface NeedInput {
  grid: string;
  category: ResourceCategory;
  title: string;
  detail?: string | null;
  lon?: number;
  lat?: number;
}

/** A grid raises a need: at the given point (within 200 m of the grid) or at the grid's centre. */
export async function raiseNeed(tx: Queryable, n: NeedInput, who: { userId: number | null; name: string }): Promise<number> {
  const g = await tx.query<{ near: boolean | null }>(
    `SELECT CASE WHEN $2::float8 IS NULL THEN true
                 ELSE ST_DWithin(ST_Transform(g.geom, 4548), ST_Transform(ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326), 4548), 200) END AS near
       FROM current_grids g WHERE g.code = $1 LIMIT 1`,
    [n.grid, n.lon ?? null, n.lat ?? null],
  );
  if (!g.rows[0]) throw new PartyError(404, `网格 ${n.grid} 不在现行方案中 (grid ${n.grid} is not in the current plan)`);
  if (!g.rows[0].near)
    throw new PartyError(400, `需求位置不在网格 ${n.grid} 内（或 200 米内） (the need location is not in grid ${n.grid} or within 200 m of it)`);
  const r = await tx.query<{ id: string }>(
    `INSERT INTO committee_needs (grid_code, category, title, detail, raised_by, user_id, geom)
     SELECT $1, $2, $3, $4, $5, $6,
            CASE WHEN $7::float8 IS NULL THEN ST_PointOnSurface(g.geom) ELSE ST_SetSRID(ST_MakePoint($7::float8, $8::float8), 4326) END
       FROM current_grids g WHERE g.code = $1 LIMIT 1
     RETURNING id`,
    [n.grid, n.category, n.title, n.detail ?? null, who.name, who.userId, n.lon ?? null, n.lat ?? null],
  );
  return Number(r.rows[0].id);
}

type ProjectRow = {
  id: string;
  kind: ProjectKind;
  subdistrict_id: string;
  grid_code: string | null;
  title: string;
  detail: string | null;
  unit_id: string | null;
  unit_name: string | null;
  need_id: string | null;
  status: ProjectStatus;
  version: number;
  created_at: Date | string;
  started_at: Date | string | null;
  done_at: Date | string | null;
};
const projectOf = (p: ProjectRow): Project => ({
  id: Number(p.id),
  kind: p.kind,
  subdistrictId: p.subdistrict_id,
  gridCode: p.grid_code,
  title: p.title,
  detail: p.detail,
  unitId: p.unit_id,
  unitName: p.unit_name,
  needId: p.need_id === null ? null : Number(p.need_id),
  status: p.status,
  version: Number(p.version),
  createdAt: iso(p.created_at)!,
  startedAt: iso(p.started_at),
  doneAt: iso(p.done_at),
});
const PROJECT_SELECT = `SELECT p.id, p.kind, p.subdistrict_id, p.grid_code, p.title, p.detail, p.unit_id, u.name AS unit_name, p.need_id, p.status, p.version, p.created_at, p.started_at, p.done_at
   FROM committee_projects p LEFT JOIN committee_units u ON u.id = p.unit_id`;
const PROJECT_SCOPE = (param: string) => communityInScope('COALESCE(p.grid_code, p.subdistrict_id)', param);

export async function listProjects(
  db: Queryable,
  f: { readScope: string[] | null; prefix?: string | null; kind?: ProjectKind | null; status?: ProjectStatus | null },
): Promise<Project[]> {
  const r = await db.query<ProjectRow>(
    `${PROJECT_SELECT}
      WHERE ${PROJECT_SCOPE('$1')} AND ($2::text IS NULL OR starts_with(COALESCE(p.grid_code, p.subdistrict_id), $2::text) OR starts_with($2::text, COALESCE(p.grid_code, p.subdistrict_id)))
        AND ($3::text IS NULL OR p.kind = $3::text) AND ($4::text IS NULL OR p.status = $4::text)
      ORDER BY (p.status = 'done'), p.created_at DESC, p.id DESC LIMIT 500`,
    [f.readScope, f.prefix ?? null, f.kind ?? null, f.status ?? null],
  );
  return r.rows.map(projectOf);
}

/** The grid, else sub-district, of a project (for scope checks); null when there is no such project. */
export async function projectPlace(db: Queryable, id: number): Promise<string | null> {
  const r = await db.query<{ code: string }>('SELECT COALESCE(grid_code, subdistrict_id) AS code FROM committee_projects WHERE id = $1', [id]);
  return r.rows[0]?.code ?? null;
}

export interface ProjectInput {
  kind: ProjectKind;
  title: string;
  detail?: string | null;
  subdistrict?: string;
  grid?: string;
  unitId?: string;
  needId?: number;
}

/**
 * A project or practical matter. Taking on a need: the need's grid is the project's, the need must be
 * open and becomes matched (in the same transaction). A grid must be in force; a unit must exist.
 */
export async function createProject(tx: Queryable, p: ProjectInput): Promise<number> {
  let grid = p.grid ?? null;
  if (p.needId !== undefined) {
    const n = await tx.query<{ grid_code: string; status: NeedStatus }>('SELECT grid_code, status FROM committee_needs WHERE id = $1 FOR UPDATE', [p.needId]);
    if (!n.rows[0]) throw new PartyError(404, `需求 ${p.needId} 不存在 (need ${p.needId} does not exist)`);
    if (n.rows[0].status !== 'open')
      throw new PartyError(
        409,
        `需求 ${p.needId} 已${n.rows[0].status === 'matched' ? '对接' : '关闭'}，不能再立项 (need ${p.needId} is already ${n.rows[0].status === 'matched' ? 'matched' : 'closed'} and cannot become a project)`,
      );
    if (grid && grid !== n.rows[0].grid_code)
      throw new PartyError(400, `需求属于网格 ${n.rows[0].grid_code}，不是 ${grid} (the need belongs to grid ${n.rows[0].grid_code}, not ${grid})`);
    grid = n.rows[0].grid_code;
  }
  const subdistrict = grid ? grid.slice(0, 9) : (p.subdistrict ?? null);
  if (!subdistrict) throw new PartyError(400, '请指定街道、网格或需求 (name a sub-district, a grid or a need)');
  if (p.subdistrict && p.subdistrict !== subdistrict)
    throw new PartyError(400, `网格 ${grid} 不属于街道 ${p.subdistrict} (grid ${grid} does not belong to sub-district ${p.subdistrict})`);
  const sd = await tx.query('SELECT 1 FROM subdistricts WHERE id = $1', [subdistrict]);
  if (!sd.rows[0]) throw new PartyError(404, `街道 ${subdistrict} 不存在 (sub-district ${subdistrict} does not exist)`);
  if (grid && p.needId === undefined) {
    const g = await tx.query('SELECT 1 FROM current_grids WHERE code = $1', [grid]);
    if (!g.rows[0]) throw new PartyError(404, `网格 ${grid} 不在现行方案中 (grid ${grid} is not in the current plan)`);
  }
  if (p.unitId !== undefined) {
    const u = await tx.query('SELECT 1 FROM committee_units WHERE id = $1', [p.unitId]);
    if (!u.rows[0]) throw new PartyError(404, `成员单位 ${p.unitId} 不存在 (member unit ${p.unitId} does not exist)`);
  }
  const r = await tx.query<{ id: string }>(
    `INSERT INTO committee_projects (kind, subdistrict_id, grid_code, title, detail, unit_id, need_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [p.kind, subdistrict, grid, p.title, p.detail ?? null, p.unitId ?? null, p.needId ?? null],
  );
  if (p.needId !== undefined) await tx.query(`UPDATE committee_needs SET status = 'matched', version = version + 1 WHERE id = $1`, [p.needId]);
  return Number(r.rows[0].id);
}

/**
 * Moves a project forward (checked against its version). Done: a need it took on is done too.
 * Returns the project before and after (for the audit row).
 */
export async function moveProject(tx: Queryable, id: number, to: ProjectStatus, version: number): Promise<{ before: Project; after: Project }> {
  const cur = await tx.query<ProjectRow>(`${PROJECT_SELECT} WHERE p.id = $1 FOR UPDATE OF p`, [id]);
  if (!cur.rows[0]) throw new PartyError(404, `项目 ${id} 不存在 (project ${id} does not exist)`);
  const before = projectOf(cur.rows[0]);
  if (before.version !== version)
    throw new PartyError(
      409,
      `项目 ${id} 已被他人修改（版本 ${before.version}，请求的是 ${version}），请刷新 (project ${id} was changed by someone else: version ${before.version}, the request has ${version}; refresh)`,
    );
  const problem = projectMoveProblem(before.status, to);
  if (problem) throw new PartyError(409, problem);
  await tx.query(
    `UPDATE committee_projects SET status = $2, version = version + 1,
            started_at = CASE WHEN $2 = 'in_progress' OR started_at IS NULL AND $2 = 'done' THEN COALESCE(started_at, now()) ELSE started_at END,
            done_at = CASE WHEN $2 = 'done' THEN now() ELSE NULL END
      WHERE id = $1`,
    [id, to],
  );
  if (to === 'done' && before.needId !== null) {
    await tx.query(`UPDATE committee_needs SET status = 'done', closed_at = now(), version = version + 1 WHERE id = $1 AND status = 'matched'`, [
      before.needId,
    ]);
  }
  const after = await tx.query<ProjectRow>(`${PROJECT_SELECT} WHERE p.id = $1`, [id]);
  return { before, after: projectOf(after.rows[0]) };
}

/** What changed in the quarter, for the quarterly joint meeting (lists at most 200 rows each). */
export async function quarterChanges(db: Queryable, readScope: string[] | null, quarter: string, prefix: string | null = null): Promise<QuarterChanges> {
  const [from, to] = quarterInstants(quarter);
  const [day0, day1] = quarterRange(quarter)!;
  const units = await db.query<{ id: string; name: string; joined_on: string }>(
    `SELECT u.id, u.name, to_char(u.joined_on, 'YYYY-MM-DD') AS joined_on FROM committee_units u
      WHERE ${communityInScope('u.subdistrict_id', '$1')} AND ($4::text IS NULL OR starts_with(u.subdistrict_id, $4::text) OR starts_with($4::text, u.subdistrict_id))
        AND u.joined_on >= $2::date AND u.joined_on < $3::date
      ORDER BY u.joined_on, u.id`,
    [readScope, day0, day1, prefix],
  );
  const needScope = `${inReadScope('n.grid_code', '$1')} AND ($4::text IS NULL OR starts_with(n.grid_code, $4::text))`;
  const raised = await db.query<NeedRow>(`${NEED_SELECT} WHERE ${needScope} AND n.created_at >= $2 AND n.created_at < $3 ORDER BY n.created_at, n.id`, [
    readScope,
    from,
    to,
    prefix,
  ]);
  const closed = await db.query<NeedRow>(
    `${NEED_SELECT} WHERE ${needScope} AND n.status = 'done' AND n.closed_at >= $2 AND n.closed_at < $3 ORDER BY n.closed_at, n.id`,
    [readScope, from, to, prefix],
  );
  const projScope = `${PROJECT_SCOPE('$1')} AND ($4::text IS NULL OR starts_with(COALESCE(p.grid_code, p.subdistrict_id), $4::text) OR starts_with($4::text, COALESCE(p.grid_code, p.subdistrict_id)))`;
  const started = await db.query<ProjectRow>(`${PROJECT_SELECT} WHERE ${projScope} AND p.created_at >= $2 AND p.created_at < $3 ORDER BY p.created_at, p.id`, [
    readScope,
    from,
    to,
    prefix,
  ]);
  const done = await db.query<ProjectRow>(`${PROJECT_SELECT} WHERE ${projScope} AND p.done_at >= $2 AND p.done_at < $3 ORDER BY p.done_at, p.id`, [
    readScope,
    from,
    to,
    prefix,
  ]);
  const open = await db.query<{ needs: number; projects: number }>(
    `SELECT (SELECT count(*)::int FROM committee_needs n WHERE ${needScope.replace(/\$4/g, '$2')} AND n.status = 'open') AS needs,
            (SELECT count(*)::int FROM committee_projects p WHERE ${projScope.replace(/\$4/g, '$2')} AND p.status <> 'done') AS projects`,
    [readScope, prefix],
  );
  const s = started.rows.map(projectOf);
  const d = done.rows.map(projectOf);
  const cap = <T>(xs: T[]) => xs.slice(0, 200);
  return {
    quarter,
    counts: {
      unitsJoined: units.rows.length,
      needsRaised: raised.rows.length,
      needsDone: closed.rows.length,
      projectsStarted: s.filter((p) => p.kind === 'project').length,
      projectsDone: d.filter((p) => p.kind === 'project').length,
      mattersStarted: s.filter((p) => p.kind === 'matter').length,
      mattersDone: d.filter((p) => p.kind === 'matter').length,
      needsOpen: Number(open.rows[0].needs),
      projectsOpen: Number(open.rows[0].projects),
    },
    unitsJoined: cap(units.rows.map((u) => ({ id: u.id, name: u.name, joinedOn: u.joined_on }))),
    needsRaised: cap(raised.rows.map(needOf)),
    needsDone: cap(closed.rows.map(needOf)),
    started: cap(s),
    done: cap(d),
  };
}
