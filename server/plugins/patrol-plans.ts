/**
 * Weekly patrol plans from the hot spots (issue J), under /api/patrols/plans (the patrols policy:
 * coordinators and admins of the sub-district write; coordinators, admins and leaders read):
 * generate (a `patrol-plan` job with progress, run by any queue worker; or wait = true), list, read (with planned vs done per group),
 * evaluate an edit (re-route + live coverage, nothing saved), save edits, publish, GPX per patrol.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ScopeResolver } from '../auth/policy';
import { readPrefixes, codeInReadScope } from '../auth/read-scope';
import { auditWrite } from '../audit/request';
import { actorOf } from '../audit/request';
import { toGpx } from '../algorithms/patrol';
import { anyObject, errors } from '../defense/http';
import { BadRequestError, NotFoundError } from '../defense/errors';
import { planParams, type PlanRequest } from '../patrol-plans/generate';
import { generateAndSavePlan } from '../patrol-plans/service';
import { evaluateEdit, type PatrolEdit } from '../patrol-plans/edit';
import { getPlan, listPlans, planRow, plannedPatrol, publishPlan, replacePatrols } from '../patrol-plans/store';

const WEEKDAY = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** Scope of a request naming a plan (:id): the plan's sub-district. */
const planScope: ScopeResolver = async (req, db) => {
  const id = Number((req.params as Record<string, unknown> | undefined)?.id);
  if (!Number.isInteger(id) || id < 1) return null;
  const r = await db.query<{ subdistrict_id: string }>('SELECT subdistrict_id FROM patrol_plans WHERE id = $1', [id]);
  return r.rows[0] ? [r.rows[0].subdistrict_id] : null;
};

const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;
const stopSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 100 },
    lon: { type: 'number', minimum: -180, maximum: 180 },
    lat: { type: 'number', minimum: -90, maximum: 90 },
  },
  required: ['id', 'lon', 'lat'],
  additionalProperties: false,
} as const;
const patrolEditSchema = {
  type: 'object',
  properties: {
    group: { type: 'string', minLength: 1, maxLength: 64 },
    weekday: { type: 'integer', minimum: 1, maximum: 7 },
    start_hour: { type: 'integer', minimum: 0, maximum: 23 },
    hours: { type: 'integer', minimum: 1, maximum: 12 },
    stops: { type: 'array', minItems: 2, maxItems: 12, items: stopSchema },
  },
  required: ['group', 'weekday', 'start_hour', 'hours', 'stops'],
  additionalProperties: false,
} as const;
const patrolsSchema = { type: 'array', maxItems: 600, items: patrolEditSchema } as const;

const generateBody = {
  type: 'object',
  properties: {
    subdistrict: { type: 'string', pattern: '^\\d{9}$' },
    week: { type: 'string', format: 'date', description: 'the Monday of the planned week (default: the coming Monday)' },
    weeks: { type: 'integer', minimum: 4, maximum: 52, description: 'weeks of incidents planned from (default 12)' },
    holdoutWeeks: { type: 'integer', minimum: 0, maximum: 12, description: 'most recent weeks held out of planning for the coverage figure (default 4)' },
    until: { type: 'string', format: 'date', description: 'end of the incident data considered (default: the newest incident)' },
    walkMinutes: { type: 'number', minimum: 1, maximum: 30, description: "walking time from a group's shops to a hot zone (default 5)" },
    maxLengthM: { type: 'number', minimum: 200, maximum: 10000, description: 'length limit of one patrol (default 2000 m)' },
    minLengthM: {
      type: 'number',
      minimum: 0,
      maximum: 10000,
      description: "length a patrol should at least walk, through more of the group's hot zones and shops (default 600 m; capped at maxLengthM)",
    },
    perGroup: { type: 'integer', minimum: 1, maximum: 14, description: 'patrols per group per week (default 3)' },
    slotHours: { type: 'integer', minimum: 1, maximum: 6, description: 'hours per patrol slot (default 2)' },
    zones: { type: 'string', enum: ['hex', 'grids'] },
    cellM: { type: 'integer', minimum: 100, maximum: 2000 },
    types: { type: 'string', maxLength: 200 },
    hours: { type: 'string', maxLength: 100 },
    weekdays: { type: 'string', maxLength: 40 },
    wait: { type: 'boolean', description: 'answer with the plan instead of a job' },
  },
  required: ['subdistrict'],
  additionalProperties: false,
} as const;

const planAnswer = { type: 'object', additionalProperties: true } as const;

const patrolPlans: FastifyPluginAsync = async (app) => {
  const author = (req: Parameters<typeof actorOf>[0]) => {
    const a = actorOf(req);
    return typeof a === 'string' ? a : a.username;
  };

  app.post<{ Body: PlanRequest & { wait?: boolean } }>(
    '/patrols/plans',
    {
      schema: {
        tags: ['patrols'],
        summary: "Generate a week's patrol plan for a sub-district from its hot spots (saved as a draft): a job with progress, or the plan when wait = true",
        body: generateBody,
        response: {
          200: { type: 'object', properties: { job: { type: ['string', 'null'] }, plan: planAnswer } },
          202: { type: 'object', properties: { job: { type: 'string' } } },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { wait, ...rq } = req.body;
      const who = author(req);
      const exists = await app.db.query('SELECT 1 FROM subdistricts WHERE id = $1', [rq.subdistrict]);
      if (!exists.rows[0]) throw new NotFoundError(`街道 ${rq.subdistrict} 不存在 (sub-district ${rq.subdistrict} does not exist)`);
      planParams(rq); // bad parameters (and incident filter) answer 4xx now, not as a failed job
      if (wait) {
        const r = await generateAndSavePlan(app.db, rq, { author: who, audit: (tx, e) => auditWrite(req, tx, e) });
        return { job: null, plan: await getPlan(app.db, r.planId) };
      }
      // a handler job: run by this server (embedded database) or by any queue worker (PostGIS server)
      const a = actorOf(req);
      const job = await app.jobs.start('patrol-plan', { ...rq, author: who, ...(typeof a === 'string' ? {} : { actor: a }) }, req.user?.id ?? null);
      return reply.code(202).send({ job });
    },
  );

  app.get<{ Querystring: { subdistrict?: string; status?: string; week?: string } }>(
    '/patrols/plans',
    {
      schema: {
        tags: ['patrols'],
        summary: 'Weekly patrol plans (newest first) with their coverage figures and planned vs done',
        querystring: {
          type: 'object',
          properties: {
            subdistrict: { type: 'string', pattern: '^\\d{9}$' },
            status: { type: 'string', enum: ['draft', 'published', 'archived'] },
            week: { type: 'string', format: 'date' },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { plans: { type: 'array', items: anyObject } } } },
      },
    },
    async (req) => ({ plans: await listPlans(app.db, req.query, readPrefixes(req.user)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/patrols/plans/:id',
    {
      config: { scopeOf: planScope },
      schema: {
        tags: ['patrols'],
        summary: 'One weekly patrol plan: zones, patrols (routes), coverage, planned vs done per group',
        params: idParams,
        response: { 200: planAnswer, ...errors },
      },
    },
    async (req) => {
      const p = await getPlan(app.db, req.params.id);
      if (!p || !codeInReadScope(readPrefixes(req.user), p.subdistrict))
        throw new NotFoundError(`巡逻计划 ${req.params.id} 不存在 (patrol plan ${req.params.id} does not exist)`);
      return p;
    },
  );

  app.post<{ Params: { id: number }; Body: { patrols: PatrolEdit[] } }>(
    '/patrols/plans/:id/evaluate',
    {
      config: { scopeOf: planScope },
      schema: {
        tags: ['patrols'],
        summary: "Re-route a draft's patrols as edited (a stop dropped, a slot moved) and give their held-out coverage; nothing is saved",
        params: idParams,
        body: { type: 'object', properties: { patrols: patrolsSchema }, required: ['patrols'], additionalProperties: false },
        response: { 200: planAnswer, ...errors },
      },
    },
    async (req) => {
      const row = await planRow(app.db, req.params.id);
      if (!row) throw new NotFoundError(`巡逻计划 ${req.params.id} 不存在 (patrol plan ${req.params.id} does not exist)`);
      return await evaluateEdit(app.db, row, req.body.patrols);
    },
  );

  app.put<{ Params: { id: number }; Body: { version: number; patrols: PatrolEdit[] } }>(
    '/patrols/plans/:id',
    {
      config: { scopeOf: planScope },
      schema: {
        tags: ['patrols'],
        summary: "Save a draft's edited patrols (re-routed and checked: length limit, patrols per group per week; stale version → 409)",
        params: idParams,
        body: {
          type: 'object',
          properties: { version: { type: 'integer', minimum: 1 }, patrols: patrolsSchema },
          required: ['version', 'patrols'],
          additionalProperties: false,
        },
        response: { 200: planAnswer, ...errors },
      },
    },
    async (req) => {
      const row = await planRow(app.db, req.params.id);
      if (!row) throw new NotFoundError(`巡逻计划 ${req.params.id} 不存在 (patrol plan ${req.params.id} does not exist)`);
      const ev = await evaluateEdit(app.db, row, req.body.patrols);
      if (ev.problems.length) throw new BadRequestError(ev.problems.join('；'));
      await app.db.transaction(async (tx) => {
        const version = await replacePatrols(tx, req.params.id, req.body.version, ev.patrols, ev.coverage);
        await auditWrite(req, tx, {
          action: 'patrol.plan.edit',
          entity: 'patrol_plan',
          entityId: req.params.id,
          after: { version, patrols: ev.patrols.length, coverage: ev.coverage.share },
        });
      });
      return await getPlan(app.db, req.params.id);
    },
  );

  app.post<{ Params: { id: number }; Body: { version: number } }>(
    '/patrols/plans/:id/publish',
    {
      config: { scopeOf: planScope },
      schema: {
        tags: ['patrols'],
        summary: "Publish a draft as the week's plan of its sub-district (the week's earlier published plan is archived; stale version → 409)",
        params: idParams,
        body: { type: 'object', properties: { version: { type: 'integer', minimum: 1 } }, required: ['version'], additionalProperties: false },
        response: { 200: planAnswer, ...errors },
      },
    },
    async (req) => {
      await app.db.transaction(async (tx) => {
        const r = await publishPlan(tx, req.params.id, req.body.version);
        await auditWrite(req, tx, { action: 'patrol.plan.publish', entity: 'patrol_plan', entityId: req.params.id, after: r });
      });
      return await getPlan(app.db, req.params.id);
    },
  );

  app.get<{ Params: { id: number; patrol: number } }>(
    '/patrols/plans/:id/patrols/:patrol/gpx',
    {
      config: { scopeOf: planScope },
      schema: {
        tags: ['patrols'],
        summary: 'Download one planned patrol as GPX 1.1',
        params: {
          type: 'object',
          properties: { id: { type: 'integer', minimum: 1 }, patrol: { type: 'integer', minimum: 1 } },
          required: ['id', 'patrol'],
          additionalProperties: false,
        },
        response: { 404: errors[404] },
      },
    },
    async (req, reply) => {
      const p = await plannedPatrol(app.db, req.params.id, req.params.patrol);
      if (!p)
        throw new NotFoundError(`巡逻计划 ${req.params.id} 没有巡逻 ${req.params.patrol} (patrol plan ${req.params.id} has no patrol ${req.params.patrol})`);
      const name = `${p.name} ${WEEKDAY[p.weekday]} ${String(p.start_hour).padStart(2, '0')}:00`;
      reply.header('content-disposition', `attachment; filename="patrol-${req.params.id}-${req.params.patrol}.gpx"`);
      return reply
        .type('application/gpx+xml; charset=utf-8')
        .send(toGpx({ type: 'Feature', properties: { name }, geometry: { type: 'LineString', coordinates: p.coordinates } }, { name }));
    },
  );
};

export default patrolPlans;
