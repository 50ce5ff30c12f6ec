import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { CaseWorkflow, NewCaseBody } from '../../common/http/cases';
import { auditWrite } from '../audit/request';
import type { ScopeResolver } from '../auth/policy';
import { readPrefixes } from '../auth/read-scope';
import {
  createCase,
  getCase,
  listDepartments,
  loadCases,
  loadSlaRules,
  transitionCase,
  type CaseFilter,
  type CaseReadScope,
  type CaseRecord,
} from '../cases/store';
import { caseStats } from '../cases/stats';
import { KINDS, STATUSES, TRANSITIONS, STATUS_LABEL, KIND_LABEL, allowedNextFor } from '../cases/workflow';
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../errors';
import { errorProperties, errorSchema } from '../http/schemas';

const eventSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, at: { type: 'string' }, actor: { type: 'string' }, note: { type: ['string', 'null'] } },
} as const;

const conflictSchema = {
  type: 'object',
  properties: {
    ...errorProperties,
    current: { type: 'object', properties: { version: { type: 'integer' }, status: { type: 'string' }, updatedAt: { type: 'string' } } },
    changes: { type: 'array', items: eventSchema, description: 'events since the base version' },
  },
} as const;

const nullableTime = { type: ['number', 'null'] } as const;
const slaSchema = {
  type: 'object',
  description: 'level: ok (green), due (amber), overdue (red), none (no clock running)',
  properties: {
    level: { type: 'string', enum: ['none', 'ok', 'due', 'overdue'] },
    stage: { type: ['string', 'null'], enum: ['triage', 'accept', 'feedback', null] },
    deadline: { type: ['string', 'null'] },
    hoursLeft: nullableTime,
    late: { type: 'boolean' },
  },
} as const;

const milestonesSchema = {
  type: 'object',
  description: 'ISO times (null: not reached)',
  properties: Object.fromEntries(
    ['reportedAt', 'firstDispatchedAt', 'dispatchedAt', 'acceptedAt', 'feedbackAt', 'solvedAt', 'evaluatedAt', 'closedAt', 'statusSince'].map((k) => [
      k,
      { type: ['string', 'null'] },
    ]),
  ),
} as const;

const caseItemProps = {
  id: { type: 'string' },
  title: { type: 'string' },
  kind: { type: ['string', 'null'] },
  department: { type: ['string', 'null'] },
  status: { type: 'string' },
  whistled: { type: 'boolean' },
  subdistrictId: { type: ['string', 'null'] },
  subdistrictName: { type: ['string', 'null'] },
  gridCode: { type: ['string', 'null'] },
  lon: { type: 'number' },
  lat: { type: 'number' },
  version: { type: 'integer' },
  reportedAt: { type: 'string' },
  updatedAt: { type: 'string' },
  milestones: milestonesSchema,
  sla: slaSchema,
} as const;
const caseItemSchema = { type: 'object', properties: caseItemProps } as const;
const caseDetailSchema = {
  type: 'object',
  properties: {
    ...caseItemProps,
    incidentId: { type: ['string', 'null'] },
    events: { type: 'array', items: eventSchema },
    allowedNext: { type: 'array', items: { type: 'string' } },
  },
} as const;

const DATE = '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$';
const filterProps = {
  status: { type: 'array', items: { type: 'string', enum: [...STATUSES] }, description: 'one or more (repeat the parameter)' },
  kind: { type: 'array', items: { type: 'string', enum: [...KINDS] } },
  department: { type: 'string', minLength: 1, maxLength: 100 },
  subdistrict: { type: 'string', pattern: '^\\d{6,9}$', description: 'sub-district id (or prefix)' },
  grid: { type: 'string', pattern: '^\\d{9,15}$', description: 'grid code or prefix (community id)' },
  from: { type: 'string', pattern: DATE, description: 'reported at or after (ISO date/time; a bare date is UTC midnight)' },
  to: { type: 'string', pattern: DATE, description: 'reported before' },
  open: { type: 'boolean', description: 'only cases not yet solved or closed' },
  overdue: { type: 'boolean', description: 'true: only overdue (red) cases; false: only not overdue' },
  q: { type: 'string', minLength: 1, maxLength: 100, description: 'title contains' },
  asOf: { type: 'string', pattern: DATE, description: 'SLA reference time (default: now)' },
} as const;

interface FilterQuery extends CaseFilter {
  asOf?: string;
  limit?: number;
  offset?: number;
}

/** Checks asOf/from/to and answers the reference time; a date that is impossible (e.g. 2025-02-30) or a from after to: 400. */
function parseTimes(q: FilterQuery): number {
  for (const k of ['from', 'to', 'asOf'] as const) {
    const v = q[k];
    if (v !== undefined && (Number.isNaN(Date.parse(v)) || !validCalendarDate(v)))
      throw new InvalidRequestError(`日期无效：${k}=${v} (invalid date: ${k}=${v})`);
  }
  if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to))
    throw new InvalidRequestError('起始日期须早于结束日期（from < to） (the start date must be before the end date: from < to)');
  return q.asOf ? Date.parse(q.asOf) : Date.now();
}

function validCalendarDate(v: string): boolean {
  const [y, m, d] = v.slice(0, 10).split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

const toIso = (v: number | null) => (v === null ? null : new Date(v).toISOString());
function out(c: CaseRecord, role?: string | null) {
  const m = c.milestones;
  return {
    ...c,
    allowedNext: [...allowedNextFor(c.status, role)],
    milestones: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, toIso(v as number | null)])),
    sla: { ...c.sla, deadline: toIso(c.sla.deadline), hoursLeft: c.sla.hoursLeft === null ? null : Math.round(c.sla.hoursLeft * 100) / 100 },
  };
}

/** What the caller may read (issue 15): their grids or sub-districts, and the cases they reported. */
function readScope(req: FastifyRequest): CaseReadScope {
  return { prefixes: readPrefixes(req.user), reporter: req.user?.id ?? null };
}

function actorName(req: FastifyRequest): string {
  return req.user ? req.user.displayName || req.user.username : 'anonymous';
}

/** The sub-district and grid of the case named by :id (transitions are scoped to them). */
const caseScope: ScopeResolver = async (req, db) => {
  const id = (req.params as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string') return null;
  const r = await db.query<{ subdistrict_id: string | null; grid: string | null }>(
    'SELECT c.subdistrict_id, COALESCE(c.grid_code, i.grid_code) AS grid FROM cases c LEFT JOIN incidents i ON i.id = c.incident_id WHERE c.id = $1',
    [id],
  );
  const row = r.rows[0];
  if (!row) return null;
  return [row.grid ?? row.subdistrict_id].filter((x): x is string => Boolean(x));
};

/** The sub-district (and grid) a reported location falls in. */
const reportScope: ScopeResolver = async (req, db) => {
  const b = req.body as { lon?: unknown; lat?: unknown; grid?: unknown } | undefined;
  if (typeof b?.lon !== 'number' || typeof b?.lat !== 'number') return null;
  if (typeof b.grid === 'string') return [b.grid];
  const r = await db.query<{ code: string }>(
    `SELECT code FROM current_grids WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
     UNION ALL (SELECT id FROM subdistricts WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1) LIMIT 1`,
    [b.lon, b.lat],
  );
  return r.rows.map((x) => x.code);
};

/** Whistle cases (街居吹哨、部门报到): list, detail, report, transitions, statistics. */
const casesPlugin: FastifyPluginAsync = async (app) => {
  app.get(
    '/cases/workflow',
    {
      schema: {
        tags: ['cases'],
        summary: 'The workflow: statuses, allowed transitions, kinds, SLA per kind, departments',
        response: {
          200: {
            type: 'object',
            properties: {
              statuses: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: { type: 'string' }, label: { type: 'string' }, next: { type: 'array', items: { type: 'string' } } },
                },
              },
              kinds: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: { type: 'string' }, label: { type: 'string' }, acceptHours: { type: 'number' }, feedbackHours: { type: 'number' } },
                },
              },
              triageHours: { type: 'number' },
              warnFraction: { type: 'number' },
              departments: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
    async (): Promise<CaseWorkflow> => {
      const rules = await loadSlaRules(app.db);
      return {
        statuses: STATUSES.map((s) => ({ id: s, label: STATUS_LABEL[s], next: [...TRANSITIONS[s]] })),
        kinds: KINDS.map((k) => ({ id: k, label: KIND_LABEL[k], ...rules.kinds[k] })),
        triageHours: rules.triageHours,
        warnFraction: rules.warnFraction,
        departments: await listDepartments(app.db),
      };
    },
  );

  app.get<{ Querystring: FilterQuery }>(
    '/cases',
    {
      config: { readCache: { ttlMs: 5000 } },
      schema: {
        tags: ['cases'],
        summary: 'Cases with filters and paging, newest report first, each with its SLA state',
        querystring: {
          type: 'object',
          properties: {
            ...filterProps,
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              total: { type: 'integer' },
              limit: { type: 'integer' },
              offset: { type: 'integer' },
              asOf: { type: 'string' },
              items: { type: 'array', items: caseItemSchema },
            },
          },
          400: errorSchema,
        },
      },
    },
    async (req) => {
      const now = parseTimes(req.query);
      const rules = await loadSlaRules(app.db);
      const all = await loadCases(app.db, req.query, now, rules, readScope(req));
      const limit = req.query.limit ?? 50;
      const offset = req.query.offset ?? 0;
      return {
        total: all.length,
        limit,
        offset,
        asOf: new Date(now).toISOString(),
        items: all.slice(offset, offset + limit).map((c) => out(c, req.user?.role)),
      };
    },
  );

  const medianRow = { type: 'object', properties: { key: { type: 'string' }, n: { type: 'integer' }, medianHours: { type: 'number' } } } as const;
  app.get<{ Querystring: FilterQuery }>(
    '/cases/stats',
    {
      config: { readCache: { ttlMs: 5000 } },
      schema: {
        tags: ['cases'],
        summary: 'Funnel, median hours from whistle to solved by department and kind, overdue list, trend by month',
        querystring: { type: 'object', properties: { ...filterProps }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              asOf: { type: 'string' },
              total: { type: 'integer' },
              funnel: {
                type: 'object',
                properties: { reported: { type: 'integer' }, whistled: { type: 'integer' }, accepted: { type: 'integer' }, solved: { type: 'integer' } },
              },
              onTimeRate: { type: ['number', 'null'] },
              open: { type: 'integer' },
              medianHoursByDepartment: { type: 'array', items: medianRow },
              medianHoursByKind: { type: 'array', items: medianRow },
              medianHoursByDepartmentKind: {
                type: 'array',
                items: { type: 'object', properties: { ...medianRow.properties, department: { type: 'string' }, kind: { type: 'string' } } },
              },
              overdue: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    title: { type: 'string' },
                    kind: { type: ['string', 'null'] },
                    department: { type: ['string', 'null'] },
                    status: { type: 'string' },
                    stage: { type: ['string', 'null'] },
                    deadline: { type: 'string' },
                    overdueHours: { type: 'number' },
                    lon: { type: 'number' },
                    lat: { type: 'number' },
                  },
                },
              },
              trend: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { month: { type: 'string' }, reported: { type: 'integer' }, whistled: { type: 'integer' }, solved: { type: 'integer' } },
                },
              },
            },
          },
          400: errorSchema,
        },
      },
    },
    async (req) => {
      const now = parseTimes(req.query);
      const rules = await loadSlaRules(app.db);
      const cases = await loadCases(app.db, req.query, now, rules, readScope(req));
      return { asOf: new Date(now).toISOString(), ...caseStats(cases) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { asOf?: string } }>(
    '/cases/:id',
    {
      schema: {
        tags: ['cases'],
        summary: 'One case with its timeline (events) and the transitions allowed now',
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' } }, required: ['id'] },
        querystring: { type: 'object', properties: { asOf: filterProps.asOf }, additionalProperties: false },
        response: { 200: caseDetailSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const now = parseTimes(req.query);
      const c = await getCase(app.db, req.params.id, now, await loadSlaRules(app.db), readScope(req));
      if (!c) throw new NotFoundError(`没有编号为 ${req.params.id} 的案件 (no case numbered ${req.params.id})`);
      return out(c, req.user?.role);
    },
  );

  app.post<{ Body: NewCaseBody }>(
    '/cases',
    {
      config: { access: { roles: ['grid_member', 'leader', 'admin'], scope: 'subdistrict' }, scopeOf: reportScope },
      schema: {
        tags: ['cases'],
        summary: 'A grid member reports a matter (status reported); the sub-district (and grid, when not given) come from the location',
        body: {
          type: 'object',
          properties: {
            title: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
            lon: { type: 'number', minimum: -180, maximum: 180 },
            lat: { type: 'number', minimum: -90, maximum: 90 },
            grid: { type: 'string', pattern: '^\\d{15}$' },
            note: { type: 'string', maxLength: 2000 },
            incidentId: { type: 'string', minLength: 1, maxLength: 40 },
          },
          required: ['title', 'lon', 'lat'],
          additionalProperties: false,
        },
        response: { 201: caseDetailSchema, 400: errorSchema, 422: errorSchema },
      },
    },
    async (req, reply) => {
      // a location outside every sub-district, an unknown incident: CaseError (422), formatted by the error handler
      const now = Date.now();
      const id = await app.db.transaction(async (tx) => {
        const newId = await createCase(tx, { ...req.body, actor: actorName(req), reporterId: req.user?.id ?? null, now });
        await auditWrite(req, tx, {
          action: 'case.report',
          entity: 'case',
          entityId: newId,
          after: { title: req.body.title, lon: req.body.lon, lat: req.body.lat, grid: req.body.grid ?? null },
        });
        return newId;
      });
      const c = await getCase(app.db, id, now, await loadSlaRules(app.db));
      return reply.code(201).send(out(c!, req.user?.role));
    },
  );

  app.post<{ Params: { id: string }; Body: { to: string; note?: string; baseVersion: number; kind?: string; department?: string } }>(
    '/cases/:id/transitions',
    {
      config: { access: { roles: ['grid_member', 'leader', 'admin'], scope: 'subdistrict' }, scopeOf: caseScope },
      schema: {
        tags: ['cases'],
        summary: 'Moves a case along the workflow; whistling (to=dispatched) needs kind and department',
        description: 'Illegal transition: 422 with a plain message. baseVersion not current: 409 with the current version and the events since.',
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' } }, required: ['id'] },
        body: {
          type: 'object',
          properties: {
            to: { type: 'string', minLength: 1, maxLength: 40 },
            note: { type: 'string', maxLength: 2000 },
            baseVersion: { type: 'integer', minimum: 1 },
            kind: { type: 'string', enum: [...KINDS] },
            department: { type: 'string', minLength: 1, maxLength: 100 },
          },
          required: ['to', 'baseVersion'],
          additionalProperties: false,
        },
        response: { 200: caseDetailSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: conflictSchema, 422: errorSchema },
      },
    },
    async (req) => {
      const now = Date.now();
      if (req.user?.role === 'grid_member' && req.body.to !== 'closed') {
        throw new ForbiddenError(
          '网格员可以上报事项并在网格内办结；吹哨派单、部门报到和核查由街道办理 (grid workers can report matters and close them within the grid; dispatching, department check-in and review are done by the sub-district)',
        );
      }
      // unknown case 404, stale baseVersion 409 (with the current version and the events since), illegal step 422: CaseError
      await app.db.transaction(async (tx) => {
        const r = await transitionCase(tx, req.params.id, { ...req.body, actor: actorName(req), now });
        await auditWrite(req, tx, {
          action: 'case.transition',
          entity: 'case',
          entityId: req.params.id,
          before: r.before,
          after: { ...r.after, note: req.body.note ?? null },
        });
      });
      const c = await getCase(app.db, req.params.id, now, await loadSlaRules(app.db));
      return out(c!, req.user?.role);
    },
  );
};

export default casesPlugin;
