/**
 * The coordinator's operations on groups: automatic grouping (in a worker or in-process), manual
 * move / swap / leader with version checks, alarm-response times. Walking metrics are computed
 * before the write transaction from the cached network; the transaction re-checks the version.
 */
import type { AutoPreview, AutoResult, GroupEditAnswer, ResponseAnswer } from '../../common/http/groups';
import type { Db, Queryable } from '../db';
import type { GroupingOptions, ShopGroupingResult, ShopInput } from '../algorithms/grouping';
import { runInWorker } from '../workers/run-in-worker';
import { networkFor, loadStreetLines } from './network-cache';
import { loadShops, subdistrictExists, type ShopRow, type ShopFilter } from './shops';
import { alarmResponse, groupMetrics, WALK_SPEED_MPS, type GroupingJobInput } from './metrics';
import { archiveGroups, archivedMessage, carryRecords, recordsOf, successorOf } from './archive';
import { clearStaleGroups, setVersion, groupSubdistrict, lockAndCheck, membersOf, membership, nextSeq, recordEdit, writeGroup, type GroupWrite } from './store';
import { BadRequestError, NotFoundError, type MemberChange } from './errors';
import { nameGroups } from './names';

export interface AutoGroupParams extends ShopFilter {
  subdistrict: string;
  size?: number;
  min?: number;
  max?: number;
  /** Let groups cross grid boundaries. */
  crossGrids?: boolean;
  /** Shops that should lead their group. */
  leaders?: string[];
  baseVersion?: number;
  synthetic?: boolean;
}

/** The result of an automatic regroup (common/http/groups.ts). */
export type AutoGroupResult = AutoResult;

/** Selections at least this big are grouped in a worker thread when the caller allows it. */
export const WORKER_MIN_SHOPS = 250;

export type Progress = (fraction: number, message: string) => void;

function validateSizes(p: AutoGroupParams): void {
  const size = p.size ?? 10,
    min = p.min ?? Math.min(size, 8),
    max = p.max ?? Math.max(size, 12);
  if (!(min >= 1 && min <= size && size <= max)) throw new BadRequestError(`分组人数不合理：须满足 1 ≤ 最少(${min}) ≤ 目标(${size}) ≤ 最多(${max})`);
}

/** What regrouping a selection does to the existing groups (before any new group is computed). */
interface OldGroupsPlan {
  /** Shop → its current group, for the selected shops. */
  old: Map<string, string>;
  /** Groups all of whose (existing) shops are selected: archived, records carried to successors. */
  drop: string[];
  /** Member shops of each dropped group (for the successor). */
  dropMembers: Map<string, string[]>;
  /** Groups that lose some shops and keep the rest (their records stay). */
  keep: { id: string; name: string; grid_code: string | null; leader_shop_id: string; synthetic: boolean; left: ShopRow[] }[];
}

async function planOldGroups(db: Queryable, subdistrict: string, selected: string[]): Promise<OldGroupsPlan> {
  const old = await membership(db, selected);
  const touched = [...new Set(old.values())];
  const remaining = await membersOf(db, touched);
  const sel = new Set(selected);
  const plan: OldGroupsPlan = { old, drop: [], dropMembers: new Map(), keep: [] };
  if (!touched.length) return plan;
  const info = await db.query<{ id: string; name: string; grid_code: string | null; leader_shop_id: string; synthetic: boolean }>(
    'SELECT id, name, grid_code, leader_shop_id, synthetic FROM defense_groups WHERE id = ANY($1::text[]) ORDER BY id',
    [touched],
  );
  const rest = await loadShops(db, subdistrict, { ids: [...remaining.values()].flat().filter((s) => !sel.has(s)) });
  const restById = new Map(rest.map((s) => [s.id, s]));
  for (const g of info.rows) {
    const left = (remaining.get(g.id) ?? []).filter((s) => !sel.has(s) && restById.has(s));
    if (left.length === 0) {
      plan.drop.push(g.id);
      plan.dropMembers.set(g.id, remaining.get(g.id) ?? []);
    } else plan.keep.push({ ...g, left: left.map((s) => restById.get(s)!) });
  }
  return plan;
}

/** What an automatic regroup would do (common/http/groups.ts). */
export type AutoGroupPreview = AutoPreview;

/** What an automatic regroup of this selection would do, without computing or writing anything. */
export async function previewAutoGroup(db: Db, p: AutoGroupParams): Promise<AutoGroupPreview> {
  validateSizes(p);
  if (!(await subdistrictExists(db, p.subdistrict))) throw new NotFoundError(`街道 ${p.subdistrict} 不存在 (sub-district ${p.subdistrict} does not exist)`);
  const version = await setVersion(db, p.subdistrict);
  const shops = await loadShops(db, p.subdistrict, p);
  if (shops.length === 0) throw new BadRequestError('所选范围内没有商铺 (there are no shops in the chosen area)');
  const plan = await planOldGroups(
    db,
    p.subdistrict,
    shops.map((s) => s.id),
  );
  const { records, routes } = await recordsOf(db, plan.drop);
  return { subdistrict: p.subdistrict, version, shops: shops.length, groups_replaced: plan.drop.length, groups_kept: plan.keep.length, records, routes };
}

/**
 * Groups the shops of a sub-district (or of one grid / street of it) into groups of ~10 by walking
 * distance. Those shops leave their old groups: a group left empty is archived (kept, readable) and
 * its records are carried to the new group holding most of its shops (./archive); the others keep
 * their remaining members, metrics recomputed. One transaction, checked against the grouping version
 * read before computing (or the caller's baseVersion): a concurrent edit gets 409, not a mix.
 */
export async function autoGroup(
  db: Db,
  p: AutoGroupParams,
  opts: { inWorker?: boolean; author?: string; progress?: Progress; audit?: AuditHook } = {},
): Promise<AutoGroupResult> {
  const t0 = Date.now();
  const progress = opts.progress ?? (() => undefined);
  validateSizes(p);
  if (!(await subdistrictExists(db, p.subdistrict))) throw new NotFoundError(`街道 ${p.subdistrict} 不存在 (sub-district ${p.subdistrict} does not exist)`);
  const baseVersion = p.baseVersion ?? (await setVersion(db, p.subdistrict));
  const shops = await loadShops(db, p.subdistrict, p);
  if (shops.length === 0) throw new BadRequestError('所选范围内没有商铺 (there are no shops in the chosen area)');
  const leaders = new Set(p.leaders ?? []);
  const unknownLeader = [...leaders].find((l) => !shops.some((s) => s.id === l));
  if (unknownLeader)
    throw new BadRequestError(`指定的联防长 ${unknownLeader} 不在所选商铺中 (the chosen leader ${unknownLeader} is not among the chosen shops)`);
  progress(0.05, `${shops.length} shops`);
  const cached = await networkFor(db, [p.subdistrict]);
  progress(0.15, 'network');
  const input: GroupingJobInput = {
    lines: [],
    shops: shops.map((s): ShopInput => ({ id: s.id, lon: s.lon, lat: s.lat, grid: s.grid_code, leader: leaders.has(s.id) })),
    opts: { size: p.size, min: p.min, max: p.max, crossPartitions: p.crossGrids ?? false } satisfies GroupingOptions,
  };
  let result: ShopGroupingResult;
  // A worker thread costs ~2 s to start (tsx): only worth it for big selections.
  if (opts.inWorker && shops.length >= WORKER_MIN_SHOPS) {
    input.lines = await loadStreetLines(db, [p.subdistrict]);
    result = await runInWorker<GroupingJobInput, ShopGroupingResult>(new URL('./grouping-worker.ts', import.meta.url), input, (f, m) =>
      progress(0.15 + 0.7 * f, m),
    );
  } else {
    const { groupShopsOnNetwork } = await import('../algorithms/grouping');
    result = groupShopsOnNetwork(cached.net, input.shops, input.opts);
  }
  progress(0.85, 'writing');
  const byId = new Map(shops.map((s) => [s.id, s]));
  // Old groups touched by the selection, and what remains of them.
  const plan = await planOldGroups(
    db,
    p.subdistrict,
    shops.map((s) => s.id),
  );
  const keep: GroupWrite[] = plan.keep.map((g) => {
    const li = g.left.findIndex((s) => s.id === g.leader_shop_id);
    const m = groupMetrics(cached, g.left, li >= 0 ? li : undefined);
    const members = g.left.map((s) => s.id);
    return {
      id: g.id,
      name: g.name,
      grid_code: g.grid_code,
      synthetic: g.synthetic,
      members,
      leader_shop_id: members[m.leaderIndex],
      diameter_m: m.diameter_m,
      mean_pair_m: m.mean_pair_m,
      max_response_s: m.max_response_s,
    };
  });
  const { version, carried, successors, routes } = await db.transaction(async (tx) => {
    const current = await lockAndCheck(tx, p.subdistrict, baseVersion);
    const { routes } = await recordsOf(tx, plan.drop);
    await archiveGroups(tx, plan.drop, current + 1);
    for (const g of keep) await writeGroup(tx, p.subdistrict, g);
    const seqs = new Map<string, number>();
    const changes: MemberChange[] = [];
    const written: { id: string; members: string[] }[] = [];
    // names: each group's own main street, a landmark cross street, a number if still taken
    const takenNames = (
      await tx.query<{ name: string }>('SELECT name FROM defense_groups WHERE subdistrict_id = $1 AND archived_at IS NULL', [p.subdistrict])
    ).rows.map((r) => r.name);
    const names = await nameGroups(
      tx,
      result.groups.map((g) => g.members.map((m) => byId.get(m)!)),
      takenNames,
    );
    for (const [gi, g] of result.groups.entries()) {
      const prefix = g.grid ?? p.subdistrict;
      const seq = seqs.get(prefix) ?? (await nextSeq(tx, prefix));
      seqs.set(prefix, seq + 1);
      const id = `${prefix}-${String(seq).padStart(3, '0')}`;
      await writeGroup(tx, p.subdistrict, {
        id,
        grid_code: g.grid,
        name: names[gi]!,
        leader_shop_id: g.leader,
        members: g.members,
        diameter_m: g.diameter_m,
        mean_pair_m: g.mean_pair_m,
        max_response_s: g.max_response_s,
        synthetic: p.synthetic ?? false,
      });
      written.push({ id, members: g.members });
      for (const m of g.members) changes.push({ shop: m, from: plan.old.get(m) ?? null, to: id });
    }
    const successors = new Map(plan.drop.map((d) => [d, successorOf(plan.dropMembers.get(d) ?? [], written)]));
    const carried = await carryRecords(tx, successors);
    const v = await recordEdit(tx, p.subdistrict, current, 'auto', opts.author ?? 'system', changes);
    const replaced = [...successors].map(([from, to]) => ({ from, to }));
    await opts.audit?.(tx, {
      action: 'groups.auto',
      entity: 'defense_set',
      entityId: p.subdistrict,
      after: { version: v, groups: result.groups.length, archived: replaced, carried, routes_kept: routes, params: p },
    });
    return { version: v, carried, successors: replaced, routes };
  });
  progress(1, 'done');
  return {
    subdistrict: p.subdistrict,
    version,
    shops: shops.length,
    groups: result.groups.length,
    removed_groups: plan.drop.length,
    archived_groups: plan.drop.length,
    replaced: successors,
    carried,
    routes_kept: routes,
    warnings: result.warnings,
    mean_diameter_m: result.stats.mean_diameter_m,
    max_diameter_m: result.stats.max_diameter_m,
    time_ms: Date.now() - t0,
  };
}

/**
 * `npm start`: when no group exists (or only groups of shops that are gone), groups every
 * sub-district's shops in-process and seeds the synthetic demo records. Returns the groups made.
 */
export async function autoGroupAll(db: Db, log: (msg: string) => void = () => undefined, opts: { seed?: boolean } = {}): Promise<number> {
  const stale = await clearStaleGroups(db);
  if (stale) log(`removed ${stale} groups whose shops are gone`);
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM defense_groups WHERE archived_at IS NULL');
  if (Number(existing.rows[0].n) > 0) {
    log(`${existing.rows[0].n} joint-defense groups already formed`);
    return 0;
  }
  const subs = await db.query<{ id: string; synthetic: boolean }>(
    'SELECT d.id, d.synthetic FROM subdistricts d WHERE EXISTS (SELECT 1 FROM shops s WHERE s.subdistrict_id = d.id) ORDER BY d.id',
  );
  let total = 0;
  const t0 = Date.now();
  for (const [k, s] of subs.rows.entries()) {
    const r = await autoGroup(db, { subdistrict: s.id, synthetic: s.synthetic });
    total += r.groups;
    log(`${Math.round(((k + 1) / subs.rows.length) * 100)}% ${s.id}: ${r.shops} shops → ${r.groups} groups in ${(r.time_ms / 1000).toFixed(1)} s`);
  }
  if (opts.seed !== false && subs.rows.some((s) => s.synthetic)) {
    const { seedDemoRecords } = await import('./seed');
    const n = await seedDemoRecords(db);
    log(`seeded synthetic equipment / drills / patrol logs for ${n} pilot groups`);
  }
  log(`${total} groups formed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return total;
}

// ---- manual edits ---------------------------------------------------------------------------

/** Writes the audit row inside the edit's transaction. */
export type AuditHook = (tx: Queryable, e: { action: string; entity: string; entityId: string; after: unknown }) => Promise<void>;

interface EditContext {
  subdistrict: string;
  baseVersion: number;
  author: string;
  audit?: AuditHook;
}

/** New state of the changed groups: members → metrics (leader kept when still a member and wanted). */
async function rebuild(
  db: Queryable,
  subdistrict: string,
  groups: Map<string, { members: string[]; leader: string | null }>,
): Promise<{ writes: GroupWrite[]; drops: string[] }> {
  const ids = [...groups.values()].flatMap((g) => g.members);
  const shops = new Map((await loadShops(db, subdistrict, { ids })).map((s) => [s.id, s]));
  const info = new Map(
    (
      await db.query<{ id: string; name: string; grid_code: string | null; synthetic: boolean }>(
        'SELECT id, name, grid_code, synthetic FROM defense_groups WHERE id = ANY($1::text[])',
        [[...groups.keys()]],
      )
    ).rows.map((r) => [r.id, r]),
  );
  const cached = await networkFor(db, [subdistrict]);
  const writes: GroupWrite[] = [];
  const drops: string[] = [];
  for (const [id, g] of groups) {
    const members = g.members.filter((m) => shops.has(m));
    if (members.length === 0) {
      drops.push(id);
      continue;
    }
    const li = g.leader ? members.indexOf(g.leader) : -1;
    const m = groupMetrics(
      cached,
      members.map((x) => shops.get(x)!),
      li >= 0 ? li : undefined,
    );
    const row = info.get(id)!;
    writes.push({
      id,
      grid_code: row.grid_code,
      name: row.name,
      synthetic: row.synthetic,
      leader_shop_id: members[m.leaderIndex],
      members,
      diameter_m: m.diameter_m,
      mean_pair_m: m.mean_pair_m,
      max_response_s: m.max_response_s,
    });
  }
  return { writes, drops };
}

async function groupsOfSub(db: Queryable, subdistrict: string, ids: string[]): Promise<Map<string, { members: string[]; leader: string | null }>> {
  const r = await db.query<{ id: string; subdistrict_id: string; leader_shop_id: string; archived: boolean }>(
    'SELECT id, subdistrict_id, leader_shop_id, archived_at IS NOT NULL AS archived FROM defense_groups WHERE id = ANY($1::text[])',
    [ids],
  );
  for (const id of ids) {
    const row = r.rows.find((x) => x.id === id);
    if (!row) throw new NotFoundError(`联防组 ${id} 不存在 (joint-defence group ${id} does not exist)`);
    if (row.subdistrict_id !== subdistrict)
      throw new BadRequestError(`联防组 ${id} 不属于街道 ${subdistrict} (joint-defence group ${id} does not belong to sub-district ${subdistrict})`);
    if (row.archived) throw new BadRequestError((await archivedMessage(db, id))!);
  }
  const members = await membersOf(db, ids);
  return new Map(r.rows.map((x) => [x.id, { members: members.get(x.id) ?? [], leader: x.leader_shop_id }]));
}

async function shopInSub(db: Queryable, subdistrict: string, shop: string): Promise<ShopRow> {
  const rows = await loadShops(db, subdistrict, { ids: [shop] });
  if (!rows[0]) throw new NotFoundError(`商铺 ${shop} 不存在或不在街道 ${subdistrict} (shop ${shop} does not exist or is not in sub-district ${subdistrict})`);
  return rows[0];
}

/**
 * Writes a manual edit in one transaction. A group the edit empties is archived (./archive), its
 * records carried to `successor` (the group its last shop went to; none: they stay with it).
 */
async function commit(
  db: Db,
  c: EditContext,
  kind: 'move' | 'swap' | 'leader',
  plan: { writes: GroupWrite[]; drops: string[] },
  changes: MemberChange[],
  release: string[] = [],
  successor: string | null = null,
) {
  return db.transaction(async (tx) => {
    const current = await lockAndCheck(tx, c.subdistrict, c.baseVersion);
    await archiveGroups(tx, plan.drops, current + 1);
    if (release.length) await tx.query('DELETE FROM defense_members WHERE shop_id = ANY($1::text[])', [release]);
    for (const g of plan.writes) await writeGroup(tx, c.subdistrict, g);
    const carried = await carryRecords(tx, new Map(plan.drops.map((d) => [d, successor])));
    const version = await recordEdit(tx, c.subdistrict, current, kind, c.author, changes);
    await c.audit?.(tx, {
      action: `groups.${kind}`,
      entity: 'defense_set',
      entityId: c.subdistrict,
      after: { version, changes, ...(plan.drops.length ? { archived: plan.drops, replaced_by: successor, carried } : {}) },
    });
    return { version, groups: plan.writes.map((g) => g.id), deleted: plan.drops, changes };
  });
}

/** Answer of a hand edit (common/http/groups.ts). */
export type EditResult = GroupEditAnswer;

/** Moves a shop to another group (to = null: out of every group). */
export async function moveShop(db: Db, c: EditContext & { shop: string; to: string | null }): Promise<EditResult> {
  await shopInSub(db, c.subdistrict, c.shop);
  const from = (await membership(db, [c.shop])).get(c.shop) ?? null;
  if (from === c.to) throw new BadRequestError(`商铺 ${c.shop} 已在该组 (shop ${c.shop} is already in this group)`);
  const ids = [from, c.to].filter((x): x is string => x !== null);
  const groups = await groupsOfSub(db, c.subdistrict, ids);
  if (from) groups.get(from)!.members = groups.get(from)!.members.filter((m) => m !== c.shop);
  if (c.to) groups.get(c.to)!.members.push(c.shop);
  const plan = await rebuild(db, c.subdistrict, groups);
  return commit(db, c, 'move', plan, [{ shop: c.shop, from, to: c.to }], c.to ? [] : [c.shop], c.to);
}

/** Swaps two shops of different groups. */
export async function swapShops(db: Db, c: EditContext & { a: string; b: string }): Promise<EditResult> {
  await shopInSub(db, c.subdistrict, c.a);
  await shopInSub(db, c.subdistrict, c.b);
  const mem = await membership(db, [c.a, c.b]);
  const ga = mem.get(c.a),
    gb = mem.get(c.b);
  if (!ga || !gb) throw new BadRequestError('交换的两个商铺都必须已在联防组中 (both shops of a swap must already be in joint-defence groups)');
  if (ga === gb) throw new BadRequestError('两个商铺在同一个联防组，无需交换 (the two shops are in the same joint-defence group; nothing to swap)');
  const groups = await groupsOfSub(db, c.subdistrict, [ga, gb]);
  const A = groups.get(ga)!,
    B = groups.get(gb)!;
  A.members = A.members.map((m) => (m === c.a ? c.b : m));
  B.members = B.members.map((m) => (m === c.b ? c.a : m));
  if (A.leader === c.a) A.leader = null;
  if (B.leader === c.b) B.leader = null;
  const plan = await rebuild(db, c.subdistrict, groups);
  return commit(db, c, 'swap', plan, [
    { shop: c.a, from: ga, to: gb },
    { shop: c.b, from: gb, to: ga },
  ]);
}

/** Makes a member the group's leader (联防长). */
export async function setLeader(db: Db, c: EditContext & { group: string; shop: string }): Promise<EditResult> {
  const groups = await groupsOfSub(db, c.subdistrict, [c.group]);
  const g = groups.get(c.group)!;
  if (!g.members.includes(c.shop))
    throw new BadRequestError(`商铺 ${c.shop} 不是联防组 ${c.group} 的成员 (shop ${c.shop} is not a member of joint-defence group ${c.group})`);
  const before = g.leader;
  g.leader = c.shop;
  const plan = await rebuild(db, c.subdistrict, groups);
  return commit(db, c, 'leader', plan, [{ group: c.group, leader_from: before, leader_to: c.shop }]);
}

// ---- alarm response ------------------------------------------------------------------------

export type { ResponseAnswer };

/** Walking time for every other member of the shop's group to arrive, paths, and the isochrone. */
export async function responseFor(db: Db, shopId: string, thresholdS: number): Promise<ResponseAnswer> {
  const t0 = Date.now();
  const r = await db.query<{ subdistrict_id: string | null; group_id: string | null }>(
    `SELECT COALESCE(s.subdistrict_id, (SELECT d.id FROM subdistricts d WHERE ST_Within(s.geom, d.geom) LIMIT 1)) AS subdistrict_id, m.group_id
       FROM shops s LEFT JOIN defense_members m ON m.shop_id = s.id WHERE s.id = $1`,
    [shopId],
  );
  if (!r.rows[0]) throw new NotFoundError(`商铺 ${shopId} 不存在 (shop ${shopId} does not exist)`);
  const { subdistrict_id: sub, group_id: group } = r.rows[0];
  if (!sub) throw new BadRequestError(`商铺 ${shopId} 不在任何街道内 (shop ${shopId} is not in any sub-district)`);
  const memberIds = group ? ((await membersOf(db, [group])).get(group) ?? []) : [];
  const leader = group
    ? (await db.query<{ leader_shop_id: string }>('SELECT leader_shop_id FROM defense_groups WHERE id = $1', [group])).rows[0]?.leader_shop_id
    : null;
  const shops = new Map((await loadShops(db, sub, { ids: [shopId, ...memberIds] })).map((s) => [s.id, s]));
  const alarm = shops.get(shopId)!;
  const others = memberIds.filter((m) => m !== shopId && shops.has(m)).map((m) => shops.get(m)!);
  const cached = await networkFor(db, [sub]);
  const res = alarmResponse(cached, alarm, others, thresholdS);
  const members = others.map((o, i) => {
    const leg = res.legs[i];
    return {
      id: o.id,
      name: o.name,
      phone: o.phone,
      leader: o.id === leader,
      distance_m: leg.distance_m,
      time_s: leg.time_s,
      within: leg.time_s !== null && leg.time_s <= thresholdS,
    };
  });
  members.sort((a, b) => (a.time_s ?? Infinity) - (b.time_s ?? Infinity));
  const worst = members.length ? members.reduce((w, m) => (m.time_s === null ? Infinity : Math.max(w, m.time_s)), 0) : null;
  return {
    shop: { id: alarm.id, name: alarm.name, lon: alarm.lon, lat: alarm.lat },
    group: group ?? null,
    threshold_s: thresholdS,
    speed_mps: WALK_SPEED_MPS,
    members,
    worst_s: worst === null || Number.isFinite(worst) ? worst : null,
    slow: worst !== null && worst > thresholdS,
    paths: {
      type: 'FeatureCollection',
      features: res.legs.flatMap((leg) =>
        leg.path
          ? [
              {
                type: 'Feature' as const,
                properties: { from: others[leg.index].id, time_s: leg.time_s, distance_m: leg.distance_m },
                geometry: { type: 'LineString' as const, coordinates: leg.path },
              },
            ]
          : [],
      ),
    },
    isochrone: res.isochrone ? { ...res.isochrone, properties: { seconds: thresholdS } } : null,
    reached: res.reached,
    time_ms: Date.now() - t0,
  };
}

export { groupSubdistrict };
