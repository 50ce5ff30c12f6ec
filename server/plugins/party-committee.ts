/**
 * The big party committee (大党委) under /api/party/committee: member units with location, contact
 * and resources; the resource list; the grid-needs list (a grid's staff, its leader or an admin raise
 * a need); the units that offer a need's resource nearby by walking distance over the street network;
 * service projects and practical matters (leaders of the area and admins take a need on or start a
 * project, and move it to done); and the quarterly joint meeting's list of what changed. Reads are
 * filtered by the reader's scope in the query; writes are scoped and audited in their transaction.
 */
import type { FastifyPluginAsync } from 'fastify';
import { auditWrite } from '../audit/request';
import type { ScopeResolver } from '../auth/policy';
import { readPrefixes } from '../auth/read-scope';
import { ROLES } from '../auth/roles';
import {
  createProject,
  listNeeds,
  listProjects,
  listUnits,
  moveProject,
  needGrid,
  projectPlace,
  quarterChanges,
  raiseNeed,
  resourceList,
} from '../party/committee';
import { matchNeed } from '../party/committee-match';
import {
  NEED_STATUSES,
  PROJECT_KINDS,
  PROJECT_STATUSES,
  RESOURCE_CATEGORIES,
  UNIT_KINDS,
  type NeedStatus,
  type ProjectKind,
  type ProjectStatus,
  type ResourceCategory,
} from '../party/committee-rules';
import { errorSchema } from '../http/schemas';
import { partyListRoute, type PartyListQuery } from './party-read';

const GRID = { type: 'string', pattern: '^\\d{15}$' } as const;
const SUBDISTRICT = { type: 'string', pattern: '^\\d{9}$' } as const;
const ID = { type: 'integer', minimum: 1, maximum: 2147483647 } as const;
const CATEGORY = { type: 'string', enum: RESOURCE_CATEGORIES } as const;
const nstr = { type: ['string', 'null'] } as const;

const unitSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    subdistrictId: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: UNIT_KINDS },
    contact: nstr,
    phone: nstr,
    joinedOn: { type: 'string' },
    lon: { type: 'number' },
    lat: { type: 'number' },
    resources: { type: 'array', items: { type: 'object', properties: { category: CATEGORY, detail: nstr } } },
    projects: { type: 'integer' },
    projectsDone: { type: 'integer' },
    synthetic: { type: 'boolean' },
  },
} as const;
const needSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    gridCode: { type: 'string' },
    category: CATEGORY,
    title: { type: 'string' },
    detail: nstr,
    status: { type: 'string', enum: NEED_STATUSES },
    lon: { type: 'number' },
    lat: { type: 'number' },
    createdAt: { type: 'string' },
    closedAt: nstr,
    version: { type: 'integer' },
    projectId: { type: ['integer', 'null'] },
    unitId: nstr,
    unitName: nstr,
  },
} as const;
const projectSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: PROJECT_KINDS },
    subdistrictId: { type: 'string' },
    gridCode: nstr,
    title: { type: 'string' },
    detail: nstr,
    unitId: nstr,
    unitName: nstr,
    needId: { type: ['integer', 'null'] },
    status: { type: 'string', enum: PROJECT_STATUSES },
    version: { type: 'integer' },
    createdAt: { type: 'string' },
    startedAt: nstr,
    doneAt: nstr,
  },
} as const;

const idOf = (req: { params?: unknown }): number | null => {
  const id = Number((req.params as { id?: unknown } | undefined)?.id);
  return Number.isInteger(id) && id >= 1 && id <= 2147483647 ? id : null;
};
/** The grid of the need named by :id (or by needId in the body). */
const needScope: ScopeResolver = async (req, db) => {
  const body = req.body as { needId?: unknown } | undefined;
  const id = req.method === 'GET' ? idOf(req) : typeof body?.needId === 'number' ? body.needId : null;
  if (id === null) return null;
  const g = await needGrid(db, id);
  return g ? [g] : null;
};
/** The grid, else sub-district, of the project named by :id. */
const projectScope: ScopeResolver = async (req, db) => {
  const id = idOf(req);
  if (id === null) return null;
  const p = await projectPlace(db, id);
  return p ? [p] : null;
};

const committeePlugin: FastifyPluginAsync = async (app) => {
  partyListRoute<PartyListQuery & { category?: ResourceCategory }>(
    app,
    '/party/committee/units',
    {
      summary: 'Big party committee member units in scope: location, contact office and line, resources offered, projects carried',
      extraQuery: { category: CATEGORY },
      response: { type: 'object', properties: { units: { type: 'array', items: unitSchema } } },
    },
    async (f, q) => ({ units: await listUnits(app.db, { readScope: f.readScope, prefix: f.prefix, category: q.category ?? null }) }),
  );

  partyListRoute<PartyListQuery & { category?: ResourceCategory }>(
    app,
    '/party/committee/resources',
    {
      summary: 'The resource list: per category, the member units offering it and the open grid needs for it',
      extraQuery: { category: CATEGORY },
      response: {
        type: 'object',
        properties: {
          resources: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                category: CATEGORY,
                openNeeds: { type: 'integer' },
                units: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, detail: nstr } } },
              },
            },
          },
        },
      },
    },
    async (f, q) => ({ resources: await resourceList(app.db, { readScope: f.readScope, prefix: f.prefix, category: q.category ?? null }) }),
  );

  partyListRoute<PartyListQuery & { status?: NeedStatus }>(
    app,
    '/party/committee/needs',
    {
      summary: 'The grid-needs list (open first), with the unit and matter that took each on',
      extraQuery: { status: { type: 'string', enum: NEED_STATUSES } },
      response: { type: 'object', properties: { needs: { type: 'array', items: needSchema } } },
    },
    async (f, q) => ({ needs: await listNeeds(app.db, { readScope: f.readScope, prefix: f.prefix, status: q.status ?? null }) }),
  );

  partyListRoute<PartyListQuery & { kind?: ProjectKind; status?: ProjectStatus }>(
    app,
    '/party/committee/projects',
    {
      summary: 'Service projects (kind project) and practical matters (kind matter) in scope, open first',
      extraQuery: { kind: { type: 'string', enum: PROJECT_KINDS }, status: { type: 'string', enum: PROJECT_STATUSES } },
      response: { type: 'object', properties: { projects: { type: 'array', items: projectSchema } } },
    },
    async (f, q) => ({ projects: await listProjects(app.db, { readScope: f.readScope, prefix: f.prefix, kind: q.kind ?? null, status: q.status ?? null }) }),
  );

  partyListRoute(
    app,
    '/party/committee/quarter',
    {
      summary:
        'The quarterly joint meeting: units that joined, needs raised and met, projects and practical matters started and done in the quarter, and what is still open',
      response: {
        type: 'object',
        properties: {
          quarter: { type: 'string' },
          counts: { type: 'object', additionalProperties: { type: 'integer' } },
          unitsJoined: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, joinedOn: { type: 'string' } } },
          },
          needsRaised: { type: 'array', items: needSchema },
          needsDone: { type: 'array', items: needSchema },
          started: { type: 'array', items: projectSchema },
          done: { type: 'array', items: projectSchema },
        },
      },
    },
    (f) => quarterChanges(app.db, f.readScope, f.quarter, f.prefix ?? null),
  );

  app.post<{ Body: { grid: string; category: ResourceCategory; title: string; detail?: string; lon?: number; lat?: number } }>(
    '/party/committee/needs',
    {
      config: { access: { roles: ['grid_member', 'leader', 'admin'], scope: 'subdistrict' } },
      schema: {
        tags: ['party'],
        summary: "A grid raises a need (the grid's staff, a leader covering it, an admin): at a point within 200 m of the grid, or at its centre",
        body: {
          type: 'object',
          properties: {
            grid: GRID,
            category: CATEGORY,
            title: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
            detail: { type: 'string', maxLength: 1000 },
            lon: { type: 'number', minimum: -180, maximum: 180 },
            lat: { type: 'number', minimum: -90, maximum: 90 },
          },
          required: ['grid', 'category', 'title'],
          additionalProperties: false,
          dependencies: { lon: ['lat'], lat: ['lon'] },
        },
        response: { 201: { type: 'object', properties: { id: { type: 'integer' } } }, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const id = await app.db.transaction(async (tx) => {
        const who = { userId: req.user?.id ?? null, name: req.user ? (req.user.displayName ?? req.user.username) : 'anonymous' };
        const need = await raiseNeed(tx, { ...req.body, title: req.body.title.trim() }, who);
        await auditWrite(req, tx, { action: 'committee.need', entity: 'committee_need', entityId: need, after: { ...req.body } });
        return need;
      });
      return reply.code(201).send({ id });
    },
  );

  app.get<{ Params: { id: number } }>(
    '/party/committee/needs/:id/matches',
    {
      config: { access: { roles: ROLES, scope: 'subdistrict' }, scopeOf: needScope },
      schema: {
        tags: ['party'],
        summary:
          "Member units offering the need's resource nearby, by walking distance over the street network (nearest first, within 3 km on foot), with the walk",
        params: { type: 'object', properties: { id: ID }, required: ['id'] },
        response: {
          200: {
            type: 'object',
            properties: {
              need: needSchema,
              maxWalkM: { type: 'number' },
              candidates: { type: 'integer' },
              matches: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    unitId: { type: 'string' },
                    name: { type: 'string' },
                    kind: { type: 'string' },
                    subdistrictId: { type: 'string' },
                    contact: nstr,
                    phone: nstr,
                    detail: nstr,
                    lon: { type: 'number' },
                    lat: { type: 'number' },
                    walkM: { type: 'number' },
                    walkMinutes: { type: 'integer' },
                    straightM: { type: 'number' },
                    path: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
                  },
                },
              },
            },
          },
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          422: errorSchema,
        },
      },
    },
    async (req) => matchNeed(app.db, req.params.id, readPrefixes(req.user)),
  );

  app.post<{ Body: { kind: ProjectKind; title: string; detail?: string; subdistrict?: string; grid?: string; unitId?: string; needId?: number } }>(
    '/party/committee/projects',
    {
      config: { access: { roles: ['leader', 'admin'], scope: 'subdistrict' }, scopeOf: needScope },
      schema: {
        tags: ['party'],
        summary:
          'Starts a service project or a practical matter (leaders of the area, admins); with needId it takes that open need on (the need becomes matched)',
        body: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: PROJECT_KINDS },
            title: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
            detail: { type: 'string', maxLength: 1000 },
            subdistrict: SUBDISTRICT,
            grid: GRID,
            unitId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
            needId: ID,
          },
          required: ['kind', 'title'],
          additionalProperties: false,
        },
        response: { 201: { type: 'object', properties: { id: { type: 'integer' } } }, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const id = await app.db.transaction(async (tx) => {
        const project = await createProject(tx, { ...req.body, title: req.body.title.trim() });
        await auditWrite(req, tx, { action: 'committee.project', entity: 'committee_project', entityId: project, after: { ...req.body } });
        return project;
      });
      return reply.code(201).send({ id });
    },
  );

  app.patch<{ Params: { id: number }; Body: { status: ProjectStatus; version: number } }>(
    '/party/committee/projects/:id',
    {
      config: { access: { roles: ['leader', 'admin'], scope: 'subdistrict' }, scopeOf: projectScope },
      schema: {
        tags: ['party'],
        summary: 'Moves a project or practical matter forward (planned → in progress → done), checked against its version; done closes the need it took on',
        params: { type: 'object', properties: { id: ID }, required: ['id'] },
        body: {
          type: 'object',
          properties: { status: { type: 'string', enum: PROJECT_STATUSES }, version: ID },
          required: ['status', 'version'],
          additionalProperties: false,
        },
        response: { 200: projectSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) =>
      app.db.transaction(async (tx) => {
        const { before, after } = await moveProject(tx, req.params.id, req.body.status, req.body.version);
        await auditWrite(req, tx, {
          action: `committee.project.${req.body.status}`,
          entity: 'committee_project',
          entityId: req.params.id,
          before: { status: before.status, version: before.version },
          after: { status: after.status, version: after.version },
        });
        return after;
      }),
  );
};

export default committeePlugin;
