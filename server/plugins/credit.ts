/**
 * Credit community (信用社区) under /api/credit: the rules (categories, points, grades), per-grid
 * aggregates for leaders and the map (counts and shares, small counts suppressed), the households of
 * a grid with names and scores (the grid's own staff and admins), entries (a merit a resident
 * declares, a demerit the grid's staff record) and the review step (merits: the grid's staff;
 * demerits: the community, i.e. a leader covering the grid). Every step writes an audit row in its
 * transaction; a review that changes a household's grade writes a second one for the household.
 */
import type { NewCreditEntry, ReviewBody } from '../../common/http/credit';
import type { FastifyPluginAsync } from 'fastify';
import { audit } from '../audit/log';
import { actorOf, auditWrite } from '../audit/request';
import type { ScopeResolver } from '../auth/policy';
import { canSeePersonalData } from '../auth/privacy';
import { readPrefixes } from '../auth/read-scope';
import { createEntry, creditGrids, gridHouseholds, householdPlace, listEntries, reviewEntry } from '../credit/store';
import { DEMERIT_CATEGORIES, MERIT_CATEGORIES, RATING_THRESHOLDS, STATUS_LABEL, type EntryStatus } from '../credit/rules';
import { shanghaiToday } from '../party/today';
import { errorProperties, errorSchema } from '../http/schemas';

const GRID = { type: 'string', pattern: '^\\d{15}$' } as const;
const HOUSEHOLD = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' } as const;
const STATUSES: EntryStatus[] = ['declared', 'approved', 'rejected', 'recorded', 'confirmed', 'dismissed'];
const nint = { type: ['integer', 'null'] } as const;

const entrySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    householdId: { type: 'string' },
    headName: { type: ['string', 'null'], description: "null unless the reader is an admin or the household's grid staff" },
    gridCode: { type: ['string', 'null'] },
    kind: { type: 'string', enum: ['merit', 'demerit'] },
    category: { type: 'string' },
    points: { type: 'integer' },
    status: { type: 'string', enum: STATUSES },
    note: { type: ['string', 'null'] },
    occurredOn: { type: 'string' },
    createdBy: nint,
    reviewedBy: nint,
    reviewedAt: { type: ['string', 'null'] },
    reviewNote: { type: ['string', 'null'] },
    version: { type: 'integer' },
  },
} as const;

/** The grid (else community / sub-district) of the household named in the body or query. */
const householdScope: ScopeResolver = async (req, db) => {
  const src = (req.method === 'GET' ? req.query : req.body) as { household?: unknown } | undefined;
  if (typeof src?.household !== 'string') return null;
  const p = await householdPlace(db, src.household);
  if (!p) return null;
  const code = p.grid ?? p.community ?? p.subdistrict;
  // a household placed nowhere is nobody's but an admin's: name a code no user covers
  return [code ?? '000000000'];
};

/** The grid of the entry named by :id. */
const entryScope: ScopeResolver = async (req, db) => {
  const id = Number((req.params as { id?: unknown } | undefined)?.id);
  if (!Number.isInteger(id) || id < 1) return null;
  const r = await db.query<{ grid_code: string | null }>('SELECT grid_code FROM credit_entries WHERE id = $1', [id]);
  if (!r.rows[0]) return null;
  return [r.rows[0].grid_code ?? '000000000'];
};

const creditPlugin: FastifyPluginAsync = async (app) => {
  app.get(
    '/credit/rules',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['credit'],
        summary: 'Merit and demerit categories with their points, the grade thresholds and the entry statuses',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async () => ({
      merits: MERIT_CATEGORIES,
      demerits: DEMERIT_CATEGORIES,
      thresholds: Object.fromEntries(RATING_THRESHOLDS),
      demeritCap: '2A',
      statuses: STATUS_LABEL,
    }),
  );

  app.get<{ Querystring: { prefix?: string } }>(
    '/credit/grids',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['credit'],
        summary:
          'Per grid in force: rated households by grade (A / 2A / 3A), rated share, pending reviews. Counts of 1-4 are suppressed (null) except for admins',
        querystring: { type: 'object', properties: { prefix: { type: 'string', pattern: '^\\d{9,15}$' } }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              grids: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string' },
                    subdistrictId: { type: 'string' },
                    communityId: { type: ['string', 'null'] },
                    households: { type: 'integer' },
                    rated: nint,
                    a: nint,
                    aa: nint,
                    aaa: nint,
                    ratedShare: { type: ['number', 'null'] },
                    pendingMerits: { type: 'integer' },
                    pendingDemerits: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req) => ({ grids: await creditGrids(app.db, readPrefixes(req.user), req.query.prefix ?? null, !req.user || req.user.role === 'admin') }),
  );

  app.get<{ Params: { grid: string } }>(
    '/credit/grids/:grid/households',
    {
      config: { access: { roles: ['grid_member', 'admin'], scope: 'subdistrict' } },
      schema: {
        tags: ['credit'],
        summary: "The households of a grid with name, grade, score and pending entries (personal data: the grid's own staff and admins)",
        params: { type: 'object', properties: { grid: GRID }, required: ['grid'] },
        response: {
          200: {
            type: 'object',
            properties: {
              households: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    headName: { type: ['string', 'null'] },
                    rating: { type: ['string', 'null'] },
                    score: { type: 'integer' },
                    pending: { type: 'integer' },
                  },
                },
              },
            },
          },
          403: errorSchema,
        },
      },
    },
    async (req) => ({ households: await gridHouseholds(app.db, req.params.grid) }),
  );

  app.get<{ Querystring: { grid?: string; household?: string; status?: EntryStatus[]; limit?: number } }>(
    '/credit/entries',
    {
      config: { access: { roles: ['grid_member', 'leader', 'admin'], scope: 'subdistrict' }, scopeOf: householdScope },
      schema: {
        tags: ['credit'],
        summary: "Merit declarations and demerit records, newest first (the household's name only for its grid's staff and admins)",
        querystring: {
          type: 'object',
          properties: {
            grid: { type: 'string', pattern: '^\\d{9,15}$', description: 'grid code or prefix' },
            household: HOUSEHOLD,
            status: { type: 'array', items: { type: 'string', enum: STATUSES } },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: entrySchema } } }, 403: errorSchema },
      },
    },
    async (req) =>
      listEntries(
        app.db,
        { readScope: readPrefixes(req.user), grid: req.query.grid, household: req.query.household, status: req.query.status, limit: req.query.limit ?? 100 },
        (grid) => !req.user || canSeePersonalData(req.user, grid),
      ),
  );

  app.post<{ Body: NewCreditEntry }>(
    '/credit/entries',
    {
      config: { access: { roles: ['grid_member', 'admin'], scope: 'subdistrict' }, scopeOf: householdScope },
      schema: {
        tags: ['credit'],
        summary: "Enters a resident's merit declaration (status declared) or records a demerit (status recorded) for a household of the caller's grid",
        body: {
          type: 'object',
          properties: {
            household: HOUSEHOLD,
            kind: { type: 'string', enum: ['merit', 'demerit'] },
            category: { type: 'string', enum: [...Object.keys(MERIT_CATEGORIES), ...Object.keys(DEMERIT_CATEGORIES)] },
            occurredOn: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' },
            note: { type: 'string', maxLength: 500 },
          },
          required: ['household', 'kind', 'category', 'occurredOn'],
          additionalProperties: false,
        },
        response: { 201: entrySchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      // an unknown category or household, a future date: CreditError (400/404), formatted by the error handler
      const e = await app.db.transaction(async (tx) => {
        const created = await createEntry(tx, req.body, req.user?.id ?? null, shanghaiToday());
        await auditWrite(req, tx, {
          action: created.kind === 'merit' ? 'credit.declare' : 'credit.record',
          entity: 'credit_entry',
          entityId: created.id,
          after: created,
        });
        return created;
      });
      return reply.code(201).send(e);
    },
  );

  app.post<{ Params: { id: number }; Body: ReviewBody }>(
    '/credit/entries/:id/review',
    {
      config: { access: { roles: ['grid_member', 'leader', 'admin'], scope: 'subdistrict' }, scopeOf: entryScope },
      schema: {
        tags: ['credit'],
        summary:
          "Reviews an entry: a declared merit by the grid's staff (approve / reject), a recorded demerit by the community (confirm / dismiss); never by the one who entered it. Recomputes the household's grade",
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } }, required: ['id'] },
        body: {
          type: 'object',
          properties: {
            decision: { type: 'string', enum: ['approve', 'reject'] },
            version: { type: 'integer', minimum: 1, maximum: 2147483647 },
            note: { type: 'string', maxLength: 500 },
          },
          required: ['decision', 'version'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              entry: entrySchema,
              rating: { type: 'object', properties: { before: { type: ['string', 'null'] }, after: { type: ['string', 'null'] }, score: { type: 'integer' } } },
            },
          },
          403: errorSchema,
          404: errorSchema,
          409: { type: 'object', properties: { ...errorProperties, current: entrySchema } },
        },
      },
    },
    async (req) => {
      // unknown entry 404, stale version 409 (with the current entry), a reviewer the step does not allow 403/422: CreditError
      const out = await app.db.transaction(async (tx) => {
        const o = await reviewEntry(
          tx,
          req.params.id,
          req.body.version,
          req.body.decision,
          { id: req.user?.id ?? null, role: req.user?.role ?? null },
          req.body.note ?? null,
        );
        await auditWrite(req, tx, { action: `credit.${o.after.status}`, entity: 'credit_entry', entityId: o.after.id, before: o.before, after: o.after });
        if (o.rating.before !== o.rating.after) {
          await audit(tx, {
            actor: actorOf(req),
            action: 'credit.rating',
            entity: 'household',
            entityId: o.after.householdId,
            before: { rating: o.rating.before },
            after: { rating: o.rating.after, score: o.rating.score },
            method: req.method,
            url: req.url,
            ip: req.ip,
          });
        }
        return o;
      });
      const showName = !req.user || canSeePersonalData(req.user, out.after.gridCode);
      return { entry: { ...out.after, headName: showName ? out.after.headName : null }, rating: out.rating };
    },
  );
};

export default creditPlugin;
