/**
 * Routes of the grid members' field work and the grid ledger (issue H):
 *   /api/field/*  the member's grid, buildings and today's plan, households (masked), visits (with a
 *                 photo), photos, weekly hours;
 *   /api/ledger/* the ledger list (search), entries (basic information, disputes, volunteering),
 *                 dispute outcomes, counts per grid / community / sub-district, exports.
 * A grid member writes only in their grid (scope 'subdistrict' checks the 15-digit grid a write
 * names); household data is for the grid's members and admins; leaders read counts and hours.
 * Writes from devices are idempotent by clientKey (an offline queue may send an entry twice).
 */
import type { FieldGrid } from '../../common/http/field';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { auditWrite } from '../audit/request';
import type { ScopeResolver } from '../auth/policy';
import { readPrefixes } from '../auth/read-scope';
import { errorSchema } from '../http/schemas';
import { ledgerTable, summaryTable, toCsv, toXlsx } from './export';
import {
  ENTRY_KINDS,
  FieldError,
  LEDGER_TYPES,
  OUTCOMES,
  getPhoto,
  gridBuildings,
  gridHouseholds,
  gridInfo,
  gridPlan,
  hoursOf,
  ledgerItems,
  ledgerSummary,
  saveEntry,
  saveVisit,
  settleDispute,
  type EntryInput,
  type LedgerFilter,
  type SummaryLevel,
  type VisitInput,
} from './store';
import { weekOf, weekLabel, WEEKLY_RULE_MINUTES } from './week';

const GRID = { type: 'string', pattern: '^\\d{15}$', description: '15-digit grid code' } as const;
const PREFIX = { type: 'string', pattern: '^\\d{9,15}$', description: 'grid code, community id or sub-district id' } as const;
const KEY = { type: 'string', pattern: '^[A-Za-z0-9-]{8,64}$', description: 'idempotency key made on the device (UUID)' } as const;
const TIME = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})$',
  description: 'ISO time with offset',
} as const;
const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const err = { 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 413: errorSchema };

const MEMBER_ONLY = { roles: ['grid_member', 'admin'] as const, scope: 'subdistrict' as const };
const READERS = { roles: ['grid_member', 'leader', 'admin'] as const, scope: 'subdistrict' as const };

const who = (req: FastifyRequest) => ({ userId: req.user?.id ?? null, name: req.user ? req.user.displayName || req.user.username : '未登录用户' });

/** The grid of the ledger entry named by :id (a dispute outcome is written in that grid). */
const entryScope: ScopeResolver = async (req, db) => {
  const id = Number((req.params as { id?: unknown } | undefined)?.id);
  if (!Number.isInteger(id) || id < 1 || id > 2 ** 53) return null;
  const r = await db.query<{ grid_code: string }>('SELECT grid_code FROM ledger_entries WHERE id = $1', [id]);
  return r.rows.map((x) => x.grid_code);
};

function validDate(d: string): boolean {
  const [y, m, day] = d.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, day));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === day;
}

const ledgerItemSchema = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: [...LEDGER_TYPES] },
    id: { type: 'string' },
    grid: { type: 'string' },
    at: { type: 'string' },
    title: { type: 'string' },
    detail: { type: ['string', 'null'] },
    outcome: { type: ['string', 'null'] },
    minutes: { type: ['integer', 'null'] },
    households: { type: ['integer', 'null'] },
    changes: { type: ['integer', 'null'] },
    author: { type: ['string', 'null'] },
    photoId: { type: ['integer', 'null'] },
  },
} as const;

const summaryRowSchema = {
  type: 'object',
  properties: Object.fromEntries(
    [
      'code',
      'name',
      'grids',
      'basicInfo',
      'householdsChecked',
      'changes',
      'visits4w',
      'visitHours4w',
      'disputes',
      'disputesOpen',
      'matters',
      'mattersOpen',
      'volunteer',
    ].map((k) => [k, k === 'code' ? { type: 'string' } : k === 'name' ? { type: ['string', 'null'] } : { type: 'number' }]),
  ),
} as const;

const ledgerQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    grid: PREFIX,
    type: { type: 'string', enum: [...LEDGER_TYPES] },
    q: { type: 'string', minLength: 1, maxLength: 100, description: 'title, content or author contains' },
    from: DATE,
    to: DATE,
    open: { type: 'boolean', description: 'only open disputes and unfinished matters' },
  },
} as const;

function filterOf(q: LedgerFilter & { from?: string; to?: string }): LedgerFilter {
  for (const k of ['from', 'to'] as const) if (q[k] && !validDate(q[k]!)) throw new FieldError(400, `日期无效：${k}=${q[k]} (invalid date: ${k}=${q[k]})`);
  // dates are Shanghai calendar days
  return { ...q, from: q.from ? `${q.from}T00:00:00+08:00` : undefined, to: q.to ? `${q.to}T00:00:00+08:00` : undefined };
}

const fieldPlugin: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { grid: string } }>(
    '/field/grid',
    {
      config: { access: MEMBER_ONLY },
      schema: {
        tags: ['field'],
        summary: "The member's grid: names, households, buildings with their last visit, today's visit plan, 4-week coverage",
        querystring: { type: 'object', required: ['grid'], additionalProperties: false, properties: { grid: GRID } },
        response: {
          200: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              subdistrictId: { type: 'string' },
              subdistrictName: { type: ['string', 'null'] },
              communityId: { type: ['string', 'null'] },
              communityName: { type: ['string', 'null'] },
              households: { type: 'integer' },
              bbox: { type: 'array', items: { type: 'number' } },
              coverage4w: { type: 'number', description: 'share of households in buildings visited in the last 28 days' },
              buildings: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    label: { type: ['string', 'null'] },
                    compound: { type: ['string', 'null'] },
                    households: { type: 'integer' },
                    lon: { type: 'number' },
                    lat: { type: 'number' },
                    lastVisit: { type: ['string', 'null'] },
                    planned: { type: 'boolean' },
                  },
                },
              },
            },
          },
          ...err,
        },
      },
    },
    async (req): Promise<FieldGrid> => {
      const info = await gridInfo(app.db, req.query.grid);
      const [buildings, plan] = await Promise.all([gridBuildings(app.db, info.code), gridPlan(app.db, info.code, Date.now())]);
      const planned = new Set(plan.plan.map((b) => b.id));
      return {
        ...info,
        coverage4w: plan.coverage4w,
        buildings: buildings.map((b) => ({ ...b, lastVisit: b.lastVisit === null ? null : new Date(b.lastVisit).toISOString(), planned: planned.has(b.id) })),
      };
    },
  );

  app.get<{ Querystring: { grid: string } }>(
    '/field/households',
    {
      config: { access: MEMBER_ONLY },
      schema: {
        tags: ['field'],
        summary: "Households with personal data in the member's grid (party members, credit ratings); names and phones masked",
        querystring: { type: 'object', required: ['grid'], additionalProperties: false, properties: { grid: GRID } },
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                buildingId: { type: ['string', 'null'] },
                headName: { type: ['string', 'null'] },
                phone: { type: ['string', 'null'] },
                partyMember: { type: 'boolean' },
                plaqued: { type: 'boolean' },
                creditRating: { type: ['string', 'null'] },
              },
            },
          },
          ...err,
        },
      },
    },
    async (req) => {
      await gridInfo(app.db, req.query.grid);
      return gridHouseholds(app.db, req.query.grid);
    },
  );

  app.post<{ Body: VisitInput }>(
    '/field/visits',
    {
      config: { access: MEMBER_ONLY },
      schema: {
        tags: ['field'],
        summary: 'Record a visit (start/end, point, building or household, note, optional photo); the same clientKey twice stores it once',
        body: {
          type: 'object',
          required: ['clientKey', 'grid', 'startedAt', 'endedAt', 'lon', 'lat'],
          additionalProperties: false,
          properties: {
            clientKey: KEY,
            grid: GRID,
            startedAt: TIME,
            endedAt: TIME,
            lon: { type: 'number', minimum: -180, maximum: 180 },
            lat: { type: 'number', minimum: -90, maximum: 90 },
            buildingId: { type: 'string', minLength: 1, maxLength: 64 },
            householdId: { type: 'string', minLength: 1, maxLength: 64 },
            place: { type: 'string', minLength: 1, maxLength: 200 },
            note: { type: 'string', maxLength: 2000 },
            photo: {
              type: 'object',
              required: ['mime', 'data'],
              additionalProperties: false,
              properties: {
                mime: { type: 'string', enum: ['image/jpeg', 'image/png', 'image/webp'] },
                data: { type: 'string', maxLength: 560_000, pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'base64, at most 400 KB decoded' },
              },
            },
          },
        },
        response: {
          200: { type: 'object', properties: { id: { type: 'integer' }, duplicate: { type: 'boolean' }, photoId: { type: ['integer', 'null'] } } },
          201: { type: 'object', properties: { id: { type: 'integer' }, duplicate: { type: 'boolean' }, photoId: { type: ['integer', 'null'] } } },
          ...err,
        },
      },
    },
    async (req, reply) => {
      const saved = await app.db.transaction(async (tx) => {
        const s = await saveVisit(tx, req.body, who(req));
        if (!s.duplicate) {
          const { photo, ...rest } = req.body;
          await auditWrite(req, tx, {
            action: 'field.visit',
            entity: 'field_visit',
            entityId: s.id,
            after: { ...rest, photo: photo ? `${photo.mime}, ${Math.round((photo.data.length * 3) / 4 / 1024)} KB` : null },
          });
        }
        return s;
      });
      return reply.code(saved.duplicate ? 200 : 201).send(saved);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/field/photos/:id',
    {
      config: { access: { roles: ['grid_member', 'admin'] } },
      schema: {
        tags: ['field'],
        summary: 'A visit photo (the reader must cover its grid)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: 2 ** 53 } } },
        response: { ...err },
      },
    },
    async (req, reply) => {
      const p = await getPhoto(app.db, req.params.id, readPrefixes(req.user));
      return reply.type(p.mime).header('cache-control', 'private, max-age=86400').send(p.bytes);
    },
  );

  app.get<{ Querystring: { grid?: string; week?: string } }>(
    '/field/hours',
    {
      config: { access: READERS },
      schema: {
        tags: ['field'],
        summary: 'Visiting minutes per person in a Shanghai week (Monday to Sunday) against the ≥ 5 hours rule',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { grid: PREFIX, week: { ...DATE, description: 'any day of the week (default: this week)' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              weekStart: { type: 'string' },
              weekEnd: { type: 'string' },
              ruleMinutes: { type: 'integer' },
              members: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    visitor: { type: 'string' },
                    grid: { type: 'string' },
                    role: { type: ['string', 'null'] },
                    minutes: { type: 'integer' },
                    visits: { type: 'integer' },
                    ok: { type: 'boolean' },
                  },
                },
              },
              grids: {
                type: 'array',
                items: { type: 'object', properties: { grid: { type: 'string' }, members: { type: 'integer' }, under: { type: 'integer' } } },
              },
            },
          },
          ...err,
        },
      },
    },
    async (req) => {
      if (req.query.week && !validDate(req.query.week)) throw new FieldError(400, `日期无效：week=${req.query.week} (invalid date: week=${req.query.week})`);
      const at = req.query.week ? Date.parse(`${req.query.week}T12:00:00+08:00`) : Date.now();
      const [from, to] = weekOf(at);
      const h = await hoursOf(app.db, req.query.grid ?? null, readPrefixes(req.user), from, to, WEEKLY_RULE_MINUTES);
      return { weekStart: weekLabel(from), weekEnd: weekLabel(to - 1), ruleMinutes: WEEKLY_RULE_MINUTES, ...h };
    },
  );

  app.get<{ Querystring: LedgerFilter & { limit?: number; offset?: number } }>(
    '/ledger',
    {
      config: { access: MEMBER_ONLY },
      schema: {
        tags: ['ledger'],
        summary: 'The grid ledger (一格一账本): visits, matters reported, basic-information records, disputes, volunteer activities; newest first',
        querystring: {
          ...ledgerQuery,
          properties: {
            ...ledgerQuery.properties,
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
          },
        },
        response: { 200: { type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: ledgerItemSchema } } }, ...err },
      },
    },
    async (req) => {
      const { limit = 100, offset = 0, ...q } = req.query;
      return ledgerItems(app.db, filterOf(q), readPrefixes(req.user), limit, offset);
    },
  );

  app.get<{ Querystring: LedgerFilter & { format?: 'csv' | 'xlsx' } }>(
    '/ledger/export',
    {
      config: { access: MEMBER_ONLY },
      schema: {
        tags: ['ledger'],
        summary: 'The ledger (same filters) as CSV or XLSX, up to 100,000 rows',
        querystring: { ...ledgerQuery, properties: { ...ledgerQuery.properties, format: { type: 'string', enum: ['csv', 'xlsx'], default: 'xlsx' } } },
        response: { ...err },
      },
    },
    async (req, reply) => {
      const { format = 'xlsx', ...q } = req.query;
      const { items } = await ledgerItems(app.db, filterOf(q), readPrefixes(req.user), 100_000, 0);
      const table = ledgerTable(items);
      const name = `ledger-${q.grid ?? 'all'}`;
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(toCsv(table));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await toXlsx(table, '网格台账'));
    },
  );

  app.post<{ Body: EntryInput }>(
    '/ledger/entries',
    {
      config: { access: MEMBER_ONLY },
      schema: {
        tags: ['ledger'],
        summary:
          'Add a ledger entry: basic-information record (households checked, changes found), dispute (with its outcome once settled) or volunteer activity',
        body: {
          type: 'object',
          required: ['clientKey', 'grid', 'kind', 'title'],
          additionalProperties: false,
          properties: {
            clientKey: KEY,
            grid: GRID,
            kind: { type: 'string', enum: [...ENTRY_KINDS] },
            title: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
            detail: { type: 'string', maxLength: 2000 },
            outcome: { type: ['string', 'null'], enum: [...OUTCOMES, null] },
            households: { type: 'integer', minimum: 0, maximum: 10000 },
            changes: { type: 'integer', minimum: 0, maximum: 10000 },
            occurredAt: TIME,
          },
        },
        response: {
          200: { type: 'object', properties: { id: { type: 'integer' }, duplicate: { type: 'boolean' } } },
          201: { type: 'object', properties: { id: { type: 'integer' }, duplicate: { type: 'boolean' } } },
          ...err,
        },
      },
    },
    async (req, reply) => {
      const saved = await app.db.transaction(async (tx) => {
        const s = await saveEntry(tx, req.body, who(req));
        if (!s.duplicate) await auditWrite(req, tx, { action: 'ledger.entry', entity: 'ledger_entry', entityId: s.id, after: req.body });
        return s;
      });
      return reply.code(saved.duplicate ? 200 : 201).send(saved);
    },
  );

  app.patch<{ Params: { id: number }; Body: { outcome: (typeof OUTCOMES)[number] } }>(
    '/ledger/entries/:id',
    {
      config: { access: MEMBER_ONLY, scopeOf: entryScope },
      schema: {
        tags: ['ledger'],
        summary: "Record a dispute's outcome (409 when it already has one)",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: 2 ** 53 } } },
        body: { type: 'object', required: ['outcome'], additionalProperties: false, properties: { outcome: { type: 'string', enum: [...OUTCOMES] } } },
        response: { 200: { type: 'object', properties: { id: { type: 'integer' }, outcome: { type: 'string' }, version: { type: 'integer' } } }, ...err },
      },
    },
    async (req) =>
      app.db.transaction(async (tx) => {
        const r = await settleDispute(tx, req.params.id, req.body.outcome, readPrefixes(req.user));
        await auditWrite(req, tx, { action: 'ledger.dispute.outcome', entity: 'ledger_entry', entityId: r.id, after: r });
        return r;
      }),
  );

  const summarySchema = {
    type: 'object',
    additionalProperties: false,
    properties: { level: { type: 'string', enum: ['subdistrict', 'community', 'grid'], default: 'subdistrict' }, within: PREFIX },
  } as const;

  app.get<{ Querystring: { level?: SummaryLevel; within?: string } }>(
    '/ledger/summary',
    {
      config: { access: READERS },
      schema: {
        tags: ['ledger'],
        summary:
          'Ledger counts per sub-district, community or grid (within a prefix): records, households checked, visits and hours (4 weeks), disputes, matters, volunteering',
        querystring: summarySchema,
        response: { 200: { type: 'object', properties: { rows: { type: 'array', items: summaryRowSchema }, total: summaryRowSchema } }, ...err },
      },
    },
    async (req) => ledgerSummary(app.db, req.query.level ?? 'subdistrict', req.query.within ?? null, readPrefixes(req.user), Date.now()),
  );

  app.get<{ Querystring: { level?: SummaryLevel; within?: string; format?: 'csv' | 'xlsx' } }>(
    '/ledger/summary/export',
    {
      config: { access: READERS },
      schema: {
        tags: ['ledger'],
        summary: 'The ledger counts as CSV or XLSX',
        querystring: { ...summarySchema, properties: { ...summarySchema.properties, format: { type: 'string', enum: ['csv', 'xlsx'], default: 'xlsx' } } },
        response: { ...err },
      },
    },
    async (req, reply) => {
      const level = req.query.level ?? 'subdistrict';
      const { rows, total } = await ledgerSummary(app.db, level, req.query.within ?? null, readPrefixes(req.user), Date.now());
      const table = summaryTable([...rows, { ...total, code: '合计' }]);
      const name = `ledger-summary-${level}`;
      if (req.query.format === 'csv')
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(toCsv(table));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await toXlsx(table, '台账统计'));
    },
  );
};

export default fieldPlugin;
