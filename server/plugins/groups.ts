import type { FastifyPluginAsync } from 'fastify';
import type { ArchivedGroupDetail, GroupDetail, LiveGroupDetail } from '../../common/http/groups';
import { auditWrite, actorOf } from '../audit/request';
import { anyObject, errors, groupScope } from '../defense/http';
import { archivedMessage, getArchived, listArchived, type ArchivedGroup } from '../defense/archive';
import { autoGroup, moveShop, previewAutoGroup, responseFor, setLeader, swapShops, type AuditHook, type AutoGroupParams } from '../defense/service';
import { getGroup, listGroups, setVersion } from '../defense/store';
import { loadShops, subdistrictExists } from '../defense/shops';
import { KINDS, RECORD_KINDS, createRecord, deleteRecord, listRecords, recordProblems, updateRecord, type RecordKind } from '../defense/records';
import { BadRequestError, NotFoundError, StaleRowError } from '../defense/errors';
import { WALK_SPEED_MPS } from '../defense/metrics';
import { canSeeShopPhones, redactShopPhones } from '../auth/privacy';
import type { SessionUser } from '../auth/roles';
import { enOf, zhOf } from '../../common/bilingual';

const SUB = { type: 'string', pattern: '^\\d{9}$' } as const;
const GROUP_ID = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z_-]+$' } as const;
const SHOP_ID = { type: 'string', minLength: 1, maxLength: 100 } as const;
const DEFAULT_THRESHOLD_S = 180;

const memberSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    phone: { type: ['string', 'null'] },
    category: { type: ['string', 'null'] },
    lon: { type: 'number' },
    lat: { type: 'number' },
  },
} as const;

const groupSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    subdistrict_id: { type: 'string' },
    grid_code: { type: ['string', 'null'] },
    name: { type: 'string' },
    leader_shop_id: { type: 'string' },
    leader: { type: ['object', 'null'], properties: memberSchema.properties },
    members: { type: 'array', items: memberSchema },
    size: { type: 'integer' },
    diameter_m: { type: ['number', 'null'] },
    mean_pair_m: { type: ['number', 'null'] },
    max_response_s: { type: ['number', 'null'], description: 'slowest member walking to the leader' },
    worst_response_s: { type: ['number', 'null'], description: 'worst alarm: the farthest member walking to the ringing shop (diameter / speed)' },
    slow: { type: 'boolean', description: 'worst_response_s above the threshold (or members not connected)' },
    version: { type: 'integer' },
    synthetic: { type: 'boolean' },
    hull: anyObject,
    equipment: { type: 'object', additionalProperties: { type: 'integer' } },
    drills: { type: 'integer' },
    patrol_logs: { type: 'integer' },
  },
} as const;

const recordSchema = { type: 'object', additionalProperties: true } as const;

type Group = Awaited<ReturnType<typeof listGroups>>[number];
/** Issue 15: shop phones only for the roles that call shops (server/auth/privacy.ts). */
function decorate(g0: Group, threshold: number, user: SessionUser | null) {
  const g = canSeeShopPhones(user) ? g0 : { ...g0, members: redactShopPhones(g0.members, user) };
  const worst = g.diameter_m === null ? null : Math.round((g.diameter_m / WALK_SPEED_MPS) * 10) / 10;
  return {
    ...g,
    size: g.members.length,
    leader: g.members.find((m) => m.id === g.leader_shop_id) ?? null,
    worst_response_s: worst,
    slow: worst === null ? g.members.length > 1 : worst > threshold,
  };
}

/** Body of an automatic regroup (and of its preview, without `wait`). */
const autoBody = (withWait: boolean) => ({
  type: 'object',
  properties: {
    subdistrict: SUB,
    grid: { type: 'string', pattern: '^\\d{15}$' },
    street: { type: 'string', minLength: 1, maxLength: 100 },
    size: { type: 'integer', minimum: 2, maximum: 50 },
    min: { type: 'integer', minimum: 1, maximum: 50 },
    max: { type: 'integer', minimum: 2, maximum: 60 },
    crossGrids: { type: 'boolean' },
    leaders: { type: 'array', items: SHOP_ID, maxItems: 5000 },
    baseVersion: { type: 'integer', minimum: 0 },
    ...(withWait ? { wait: { type: 'boolean' } } : {}),
  },
  required: ['subdistrict'],
  additionalProperties: false,
});

const recordCounts = {
  type: 'object',
  properties: { equipment: { type: 'integer' }, drills: { type: 'integer' }, patrol_logs: { type: 'integer' }, schedule: { type: 'integer' } },
} as const;

const previewSchema = {
  type: 'object',
  properties: {
    subdistrict: { type: 'string' },
    version: { type: 'integer', description: 'grouping version of this preview: send it as baseVersion to regroup exactly this (409 if it changed)' },
    shops: { type: 'integer', description: 'shops to regroup' },
    groups_replaced: {
      type: 'integer',
      description: 'existing groups replaced: archived (still readable) and their records carried to the new group holding most of their shops',
    },
    groups_kept: { type: 'integer', description: 'existing groups that lose some shops and keep the rest, with their records' },
    records: { ...recordCounts, description: 'records of the replaced groups, carried to their successors' },
    routes: { type: 'integer', description: 'saved patrol routes of the replaced groups: they stay with the archived groups' },
  },
} as const;

const archivedSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    subdistrict_id: { type: 'string' },
    grid_code: { type: ['string', 'null'] },
    name: { type: 'string' },
    leader_shop_id: { type: 'string' },
    archived_at: { type: 'string' },
    archived_version: { type: ['integer', 'null'] },
    replaced_by: { type: ['string', 'null'] },
    replaced_by_name: { type: ['string', 'null'] },
    members: { type: 'array', items: { type: 'string' } },
    records: { type: 'integer', description: 'records it held, including those carried on to its successor' },
    routes: { type: 'integer', description: 'saved patrol routes that stay with it' },
  },
} as const;

const editBase = {
  subdistrict: SUB,
  baseVersion: { type: 'integer', minimum: 0 },
} as const;

const editResult = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    groups: { type: 'array', items: { type: 'string' } },
    deleted: { type: 'array', items: { type: 'string' } },
    changes: { type: 'array', items: anyObject },
  },
} as const;

/** Ten-shop joint-defense groups: list, auto-group, move / swap / leader, alarm response, records. */
const groups: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { subdistrict: string; grid?: string; threshold?: number } }>(
    '/groups',
    {
      schema: {
        tags: ['groups'],
        summary: 'Groups of a sub-district (members, leader, hull, equipment summary, worst response, slow flag) and the shops in no group',
        querystring: {
          type: 'object',
          properties: {
            subdistrict: SUB,
            grid: { type: 'string', pattern: '^\\d{15}$' },
            threshold: { type: 'number', minimum: 10, maximum: 3600, default: DEFAULT_THRESHOLD_S },
          },
          required: ['subdistrict'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              subdistrict: { type: 'string' },
              version: { type: 'integer' },
              threshold_s: { type: 'number' },
              speed_mps: { type: 'number' },
              groups: { type: 'array', items: groupSchema },
              ungrouped: { type: 'array', items: memberSchema },
              stats: {
                type: 'object',
                properties: {
                  shops: { type: 'integer' },
                  grouped: { type: 'integer' },
                  groups: { type: 'integer' },
                  slow: { type: 'integer' },
                  ungrouped: { type: 'integer' },
                },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const { subdistrict, grid } = req.query;
      const threshold = req.query.threshold ?? DEFAULT_THRESHOLD_S;
      if (!(await subdistrictExists(app.db, subdistrict))) throw new NotFoundError(`街道 ${subdistrict} 不存在 (sub-district ${subdistrict} does not exist)`);
      const [list, version, shops] = await Promise.all([
        listGroups(app.db, subdistrict, grid),
        setVersion(app.db, subdistrict),
        loadShops(app.db, subdistrict, { grid }),
      ]);
      const grouped = new Set(list.flatMap((g) => g.members.map((m) => m.id)));
      const ungrouped = redactShopPhones(
        shops.filter((s) => !grouped.has(s.id)).map((s) => ({ id: s.id, name: s.name, phone: s.phone, category: s.category, lon: s.lon, lat: s.lat })),
        req.user,
      );
      const out = list.map((g) => decorate(g, threshold, req.user));
      return {
        subdistrict,
        version,
        threshold_s: threshold,
        speed_mps: WALK_SPEED_MPS,
        groups: out,
        ungrouped,
        stats: { shops: shops.length, grouped: grouped.size, groups: out.length, slow: out.filter((g) => g.slow).length, ungrouped: ungrouped.length },
      };
    },
  );

  app.get<{ Querystring: { shop: string; threshold?: number } }>(
    '/groups/response',
    {
      schema: {
        tags: ['groups'],
        summary:
          "Alarm response: walking time for each other member of the shop's group to arrive, their paths, and the isochrone (threshold seconds) around the shop",
        querystring: {
          type: 'object',
          properties: { shop: SHOP_ID, threshold: { type: 'number', minimum: 10, maximum: 3600, default: DEFAULT_THRESHOLD_S } },
          required: ['shop'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              shop: anyObject,
              group: { type: ['string', 'null'] },
              threshold_s: { type: 'number' },
              speed_mps: { type: 'number' },
              members: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    name: { type: 'string' },
                    phone: { type: ['string', 'null'] },
                    leader: { type: 'boolean' },
                    distance_m: { type: ['number', 'null'] },
                    time_s: { type: ['number', 'null'] },
                    within: { type: 'boolean' },
                  },
                },
              },
              worst_s: { type: ['number', 'null'] },
              slow: { type: 'boolean' },
              paths: anyObject,
              isochrone: { type: ['object', 'null'], additionalProperties: true },
              reached: { type: ['object', 'null'], additionalProperties: true, description: 'streets reachable within the limit (MultiLineString)' },
              time_ms: { type: 'number' },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const r = await responseFor(app.db, req.query.shop, req.query.threshold ?? DEFAULT_THRESHOLD_S);
      return canSeeShopPhones(req.user) ? r : { ...r, members: redactShopPhones(r.members, req.user) };
    },
  );

  app.post<{ Body: AutoGroupParams & { wait?: boolean } }>(
    '/groups/auto',
    {
      schema: {
        tags: ['groups'],
        summary:
          'Automatic grouping by walking distance of the shops of a sub-district, one grid or one street (id or name); never across grids unless crossGrids. A job (202) unless wait = true (200 with the result)',
        body: autoBody(true),
        response: {
          200: { type: 'object', properties: { job: { type: ['string', 'null'] }, result: anyObject } },
          202: { type: 'object', properties: { job: { type: 'string' } } },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { wait, ...params } = req.body;
      const size = params.size ?? 10,
        min = params.min ?? Math.min(size, 8),
        max = params.max ?? Math.max(size, 12);
      if (!(min <= size && size <= max)) throw new BadRequestError(`分组人数不合理：须满足 最少(${min}) ≤ 目标(${size}) ≤ 最多(${max})`);
      if (!(await subdistrictExists(app.db, params.subdistrict)))
        throw new NotFoundError(`街道 ${params.subdistrict} 不存在 (sub-district ${params.subdistrict} does not exist)`);
      const shops = await loadShops(app.db, params.subdistrict, params);
      if (shops.length === 0) throw new BadRequestError('所选范围内没有商铺 (there are no shops in the chosen area)');
      const author = typeof actorOf(req) === 'string' ? (actorOf(req) as string) : (actorOf(req) as { username: string }).username;
      if (wait) {
        const result = await autoGroup(app.db, params, { inWorker: true, author, audit: (tx, e) => auditWrite(req, tx, e) });
        return { job: null, result };
      }
      const job = await app.jobs.start('groups', { ...params, author }, req.user?.id ?? null);
      return reply.code(202).send({ job });
    },
  );

  const edit = <B extends { subdistrict: string; baseVersion: number }>(
    path: string,
    summary: string,
    props: Record<string, unknown>,
    required: string[],
    fn: (b: B, author: string, audit: AuditHook) => Promise<unknown>,
  ) =>
    app.post<{ Body: B }>(
      `/groups/${path}`,
      {
        schema: {
          tags: ['groups'],
          summary,
          body: { type: 'object', properties: { ...editBase, ...props }, required: ['subdistrict', 'baseVersion', ...required], additionalProperties: false },
          response: { 200: editResult, ...errors },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const author = typeof actor === 'string' ? actor : actor.username;
        const r = await fn(req.body as B, author, (tx, e) => auditWrite(req, tx, e));
        return r;
      },
    );

  edit<{ subdistrict: string; baseVersion: number; shop: string; to: string | null }>(
    'move',
    'Move a shop to another group (to = null: out of every group); metrics recomputed; stale baseVersion → 409 with what changed',
    { shop: SHOP_ID, to: { type: ['string', 'null'], maxLength: 64 } },
    ['shop', 'to'],
    (b, author, audit) => moveShop(app.db, { ...b, author, audit }),
  );
  edit<{ subdistrict: string; baseVersion: number; a: string; b: string }>(
    'swap',
    'Swap two shops of different groups; stale baseVersion → 409',
    { a: SHOP_ID, b: SHOP_ID },
    ['a', 'b'],
    (b, author, audit) => swapShops(app.db, { ...b, author, audit }),
  );
  edit<{ subdistrict: string; baseVersion: number; group: string; shop: string }>(
    'leader',
    'Pick the leader (联防长) of a group among its members; stale baseVersion → 409',
    { group: GROUP_ID, shop: SHOP_ID },
    ['group', 'shop'],
    (b, author, audit) => setLeader(app.db, { ...b, author, audit }),
  );

  app.post<{ Body: AutoGroupParams }>(
    '/groups/auto/preview',
    {
      schema: {
        tags: ['groups'],
        summary:
          'What an automatic regroup of this selection would do, computing and writing nothing: shops, groups replaced (archived) and kept, their records carried to the new groups, their patrol routes kept',
        body: autoBody(false),
        response: { 200: previewSchema, ...errors },
      },
    },
    async (req) => {
      return await previewAutoGroup(app.db, req.body);
    },
  );

  app.get<{ Querystring: { subdistrict: string } }>(
    '/groups/archived',
    {
      schema: {
        tags: ['groups'],
        summary:
          'Groups of a sub-district replaced by regrouping (newest first): their members, successor, records and patrol routes stay readable at /groups/:id',
        querystring: { type: 'object', properties: { subdistrict: SUB }, required: ['subdistrict'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { subdistrict: { type: 'string' }, groups: { type: 'array', items: archivedSchema } } }, ...errors },
      },
    },
    async (req) => {
      if (!(await subdistrictExists(app.db, req.query.subdistrict)))
        throw new NotFoundError(`街道 ${req.query.subdistrict} 不存在 (sub-district ${req.query.subdistrict} does not exist)`);
      return { subdistrict: req.query.subdistrict, groups: await listArchived(app.db, req.query.subdistrict) };
    },
  );

  /** An archived group answered like a live one: its shops then, its records (carried on included). */
  const archivedDetail = async (a: ArchivedGroup): Promise<ArchivedGroupDetail> => {
    const shops = await loadShops(app.db, a.subdistrict_id, { ids: a.members });
    const members = shops.map((s) => ({ id: s.id, name: s.name, phone: s.phone, category: s.category, lon: s.lon, lat: s.lat }));
    const records = {} as ArchivedGroupDetail['records'];
    for (const k of RECORD_KINDS) records[k] = await listRecords(app.db, k, a.id, { carried: true });
    const equipment: Record<string, number> = {};
    for (const e of records.equipment) equipment[String(e.kind)] = (equipment[String(e.kind)] ?? 0) + Number(e.quantity);
    return {
      id: a.id,
      subdistrict_id: a.subdistrict_id,
      grid_code: a.grid_code,
      name: a.name,
      leader_shop_id: a.leader_shop_id,
      leader: members.find((m) => m.id === a.leader_shop_id) ?? null,
      members,
      size: members.length,
      slow: false,
      hull: null,
      equipment,
      drills: records.drills.length,
      patrol_logs: records['patrol-logs'].length,
      records,
      archived: true as const,
      archived_at: a.archived_at,
      replaced_by: a.replaced_by,
      replaced_by_name: a.replaced_by_name,
    };
  };

  app.get<{ Params: { id: string }; Querystring: { threshold?: number } }>(
    '/groups/:id',
    {
      schema: {
        tags: ['groups'],
        summary: 'One group with its equipment, drills, patrol log entries and weekly patrol schedule',
        params: { type: 'object', properties: { id: GROUP_ID }, required: ['id'] },
        querystring: {
          type: 'object',
          properties: { threshold: { type: 'number', minimum: 10, maximum: 3600, default: DEFAULT_THRESHOLD_S } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              ...groupSchema.properties,
              records: { type: 'object', properties: Object.fromEntries(RECORD_KINDS.map((k) => [k, { type: 'array', items: recordSchema }])) },
              archived: { type: 'boolean', description: 'replaced by a regroup: read-only; records lists those carried on to its successor' },
              archived_at: { type: ['string', 'null'] },
              replaced_by: { type: ['string', 'null'] },
              replaced_by_name: { type: ['string', 'null'] },
            },
          },
          ...errors,
        },
      },
    },
    async (req): Promise<GroupDetail> => {
      const g = await getGroup(app.db, req.params.id);
      if (!g) {
        const a = await getArchived(app.db, req.params.id);
        if (!a) throw new NotFoundError(`联防组 ${req.params.id} 不存在 (joint-defence group ${req.params.id} does not exist)`);
        return archivedDetail(a);
      }
      const records = {} as LiveGroupDetail['records'];
      for (const k of RECORD_KINDS) records[k] = await listRecords(app.db, k, g.id);
      return { ...decorate(g, req.query.threshold ?? DEFAULT_THRESHOLD_S, req.user), records, archived: false };
    },
  );

  app.patch<{ Params: { id: string }; Body: { version: number; name: string } }>(
    '/groups/:id',
    {
      config: { scopeOf: groupScope },
      schema: {
        tags: ['groups'],
        summary: 'Rename a group (row version; stale → 409)',
        params: { type: 'object', properties: { id: GROUP_ID }, required: ['id'] },
        body: {
          type: 'object',
          properties: { version: { type: 'integer', minimum: 1 }, name: { type: 'string', minLength: 1, maxLength: 100 } },
          required: ['version', 'name'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' } } }, ...errors },
      },
    },
    async (req) => {
      return await app.db.transaction(async (tx) => {
        const cur = await tx.query<{ name: string; version: number }>('SELECT name, version FROM defense_groups WHERE id = $1 FOR UPDATE', [req.params.id]);
        if (!cur.rows[0]) throw new NotFoundError(`联防组 ${req.params.id} 不存在 (joint-defence group ${req.params.id} does not exist)`);
        if (Number(cur.rows[0].version) !== req.body.version)
          throw new StaleRowError(
            `该联防组已被他人修改（当前版本 ${cur.rows[0].version}），请刷新后重试。 (this joint-defence group was changed by someone else, current version ${cur.rows[0].version}; refresh and try again)`,
            {
              name: cur.rows[0].name,
              version: Number(cur.rows[0].version),
            },
          );
        await tx.query('UPDATE defense_groups SET name = $2, version = version + 1, updated_at = now() WHERE id = $1', [req.params.id, req.body.name]);
        await auditWrite(req, tx, {
          action: 'group.rename',
          entity: 'defense_group',
          entityId: req.params.id,
          before: { name: cur.rows[0].name },
          after: { name: req.body.name },
        });
        return { id: req.params.id, name: req.body.name, version: Number(cur.rows[0].version) + 1 };
      });
    },
  );

  // ---- records: equipment, drills, patrol-logs, schedule ----
  const kindParams = {
    type: 'object',
    properties: { id: GROUP_ID, kind: { type: 'string', enum: RECORD_KINDS } },
    required: ['id', 'kind'],
  } as const;
  const recordParams = {
    type: 'object',
    properties: { ...kindParams.properties, recordId: { type: 'integer', minimum: 1 } },
    required: ['id', 'kind', 'recordId'],
  } as const;
  /** The group exists; for writes, it is live (an archived group is read-only). */
  const ensureGroup = async (id: string, write = false) => {
    const r = await app.db.query('SELECT 1 FROM defense_groups WHERE id = $1', [id]);
    if (!r.rows.length) throw new NotFoundError(`联防组 ${id} 不存在 (joint-defence group ${id} does not exist)`);
    const archived = write ? await archivedMessage(app.db, id) : null;
    if (archived) throw new BadRequestError(archived);
  };
  const validate = (kind: RecordKind, body: Record<string, unknown>, partial: boolean) => {
    const problems = recordProblems(kind, body, partial);
    if (problems.length)
      throw new BadRequestError(`${KINDS[kind].label}记录不合法：${problems.map(zhOf).join('；')} (invalid ${kind} record: ${problems.map(enOf).join('; ')})`);
  };

  app.get<{ Params: { id: string; kind: RecordKind } }>(
    '/groups/:id/:kind',
    {
      schema: {
        tags: ['groups'],
        summary: 'Records of a group: equipment | drills | patrol-logs | schedule',
        params: kindParams,
        response: { 200: { type: 'array', items: recordSchema }, ...errors },
      },
    },
    async (req) => {
      await ensureGroup(req.params.id);
      const archived = (await archivedMessage(app.db, req.params.id)) !== null;
      return await listRecords(app.db, req.params.kind, req.params.id, { carried: archived });
    },
  );

  app.post<{ Params: { id: string; kind: RecordKind }; Body: Record<string, unknown> }>(
    '/groups/:id/:kind',
    {
      config: { scopeOf: groupScope },
      schema: {
        tags: ['groups'],
        summary:
          'Add a record (equipment: kind, quantity; drills: held_on; patrol-logs: patrolled_at, patrollers; schedule: weekday, start_time, end_time, patrollers)',
        params: kindParams,
        body: { type: 'object', additionalProperties: true },
        response: { 201: recordSchema, ...errors },
      },
    },
    async (req, reply) => {
      await ensureGroup(req.params.id, true);
      validate(req.params.kind, req.body, false);
      const row = await app.db.transaction(async (tx) => {
        const r = await createRecord(tx, req.params.kind, req.params.id, req.body);
        await auditWrite(req, tx, { action: `group.${req.params.kind}.create`, entity: KINDS[req.params.kind].table, entityId: r.id, after: r });
        return r;
      });
      return reply.code(201).send(row);
    },
  );

  app.put<{ Params: { id: string; kind: RecordKind; recordId: number }; Body: Record<string, unknown> & { version: number } }>(
    '/groups/:id/:kind/:recordId',
    {
      config: { scopeOf: groupScope },
      schema: {
        tags: ['groups'],
        summary: 'Change a record (fields to change + its version; stale → 409 with the current row)',
        params: recordParams,
        body: { type: 'object', properties: { version: { type: 'integer', minimum: 1 } }, required: ['version'], additionalProperties: true },
        response: { 200: recordSchema, ...errors },
      },
    },
    async (req) => {
      await ensureGroup(req.params.id, true);
      validate(req.params.kind, req.body, true);
      const { version, ...fields } = req.body;
      return await app.db.transaction(async (tx) => {
        const r = await updateRecord(tx, req.params.kind, req.params.id, req.params.recordId, version, fields);
        await auditWrite(req, tx, {
          action: `group.${req.params.kind}.update`,
          entity: KINDS[req.params.kind].table,
          entityId: req.params.recordId,
          before: r.before,
          after: r.after,
        });
        return r.after;
      });
    },
  );

  app.delete<{ Params: { id: string; kind: RecordKind; recordId: number }; Querystring: { version: number } }>(
    '/groups/:id/:kind/:recordId',
    {
      config: { scopeOf: groupScope },
      schema: {
        tags: ['groups'],
        summary: 'Delete a record (its version in ?version=; stale → 409)',
        params: recordParams,
        querystring: { type: 'object', properties: { version: { type: 'integer', minimum: 1 } }, required: ['version'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { deleted: { type: 'integer' } } }, ...errors },
      },
    },
    async (req) => {
      await ensureGroup(req.params.id, true);
      await app.db.transaction(async (tx) => {
        const before = await deleteRecord(tx, req.params.kind, req.params.id, req.params.recordId, req.query.version);
        await auditWrite(req, tx, { action: `group.${req.params.kind}.delete`, entity: KINDS[req.params.kind].table, entityId: req.params.recordId, before });
      });
      return { deleted: req.params.recordId };
    },
  );
};

export default groups;
