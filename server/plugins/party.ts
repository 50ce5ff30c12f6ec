/**
 * Party building (党建引领) under /api/party: per-grid party-member households and the plaque rule,
 * branches per community, the branch layer, community party work teams, the serving members of a
 * grid and their quarterly visits (a visit is recorded by the grid's staff). Reads are filtered by
 * the reader's scope; the names of serving party members (party membership is personal data) are
 * shown to admins and the grid's own staff only.
 */
import type { PartyVisitBody } from '../../common/http/party';
import type { FastifyPluginAsync } from 'fastify';
import { auditWrite } from '../audit/request';
import { canSeePersonalData } from '../auth/privacy';
import { ROLES } from '../auth/roles';
import { branchesByCommunity, branchLayer, gridMembers, PartyError, partyGrids, recordVisit, workTeams } from '../party/queries';
import { branchCommunity, memberCommunity, setBranchGrids, setMemberGrids, teamMembers } from '../party/manage';
import type { ScopeResolver } from '../auth/policy';
import { shanghaiQuarter, shanghaiToday } from '../party/today';
import { PLAQUE_MIN_SHARE } from '../party/rules';
import { errorSchema } from '../http/schemas';
import { partyListRoute, QUARTER } from './party-read';

const GRID = { type: 'string', pattern: '^\\d{15}$' } as const;
const num = { type: ['number', 'null'] } as const;

const gridProps = {
  code: { type: 'string' },
  communityId: { type: ['string', 'null'] },
  subdistrictId: { type: 'string' },
  households: { type: 'integer' },
  partyHouseholds: { type: 'integer' },
  plaqued: { type: ['integer', 'null'], description: 'null: fewer than 5 party-member households (suppressed)' },
  share: { ...num, description: 'plaqued / party-member households' },
  meets: { type: ['boolean', 'null'], description: 'share ≥ 20%' },
  branchId: { type: ['string', 'null'] },
  servingMembers: { type: 'integer' },
  visits: { type: 'integer' },
  membersVisited: { type: 'integer' },
} as const;
const gridSchema = { type: 'object', properties: gridProps } as const;
const totalsProps = { partyHouseholds: { type: 'integer' }, plaqued: { type: ['integer', 'null'] }, share: num, meets: { type: ['boolean', 'null'] } } as const;

const partyPlugin: FastifyPluginAsync = async (app) => {
  partyListRoute(
    app,
    '/party/grids',
    {
      summary:
        'Per grid in force: party-member households, plaqued, plaqued share against 20% (of party-member households), branch, serving party members and their visits in the quarter',
      response: { type: 'object', properties: { quarter: { type: 'string' }, minShare: { type: 'number' }, grids: { type: 'array', items: gridSchema } } },
    },
    async (f) => ({ quarter: f.quarter, minShare: PLAQUE_MIN_SHARE, grids: await partyGrids(app.db, f) }),
  );

  partyListRoute(
    app,
    '/party/branches',
    {
      summary: 'Community party committees → compound / grid party branches → grids, with party-member households, plaqued and the 20% rule',
      response: {
        type: 'object',
        properties: {
          quarter: { type: 'string' },
          minShare: { type: 'number' },
          communities: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                name: { type: 'string' },
                subdistrictId: { type: 'string' },
                subdistrictName: { type: 'string' },
                committee: { type: 'string' },
                teams: { type: 'integer' },
                ...totalsProps,
                branches: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      id: { type: 'string' },
                      name: { type: 'string' },
                      kind: { type: 'string' },
                      secretary: { type: ['string', 'null'] },
                      ...totalsProps,
                      grids: { type: 'array', items: gridSchema },
                    },
                  },
                },
                unattached: { type: 'array', items: gridSchema },
              },
            },
          },
        },
      },
    },
    async (f) => ({ quarter: f.quarter, minShare: PLAQUE_MIN_SHARE, communities: await branchesByCommunity(app.db, f) }),
  );

  partyListRoute(
    app,
    '/party/branches/geojson',
    {
      summary:
        'The branch layer: one polygon per party branch (the union of its grids in force) with party-member households, plaqued, share, meets (≥ 20%) and visits',
      response: { type: 'object', additionalProperties: true },
    },
    (f) => branchLayer(app.db, f),
  );

  partyListRoute(
    app,
    '/party/teams',
    {
      summary: 'Community party work teams: serving members, the grids they link, visits in the quarter and members who visited all their grids',
      response: {
        type: 'object',
        properties: {
          quarter: { type: 'string' },
          teams: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'integer' },
                name: { type: 'string' },
                communityId: { type: 'string' },
                communityName: { type: 'string' },
                members: { type: 'integer' },
                grids: { type: 'array', items: { type: 'string' } },
                visits: { type: 'integer' },
                membersDone: { type: 'integer' },
              },
            },
          },
        },
      },
    },
    async (f) => ({ quarter: f.quarter, teams: await workTeams(app.db, f) }),
  );

  app.get<{ Params: { grid: string }; Querystring: { quarter?: string } }>(
    '/party/grids/:grid/members',
    {
      config: { access: { roles: ROLES, scope: 'subdistrict' } },
      schema: {
        tags: ['party'],
        summary: "The serving party members linked to a grid and their visits in the quarter (names for admins and the grid's own staff only)",
        params: { type: 'object', properties: { grid: GRID }, required: ['grid'] },
        querystring: { type: 'object', properties: { quarter: QUARTER }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              quarter: { type: 'string' },
              members: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    name: { type: ['string', 'null'] },
                    teamId: { type: 'integer' },
                    teamName: { type: 'string' },
                    grids: { type: 'array', items: { type: 'string' } },
                    visits: { type: 'integer' },
                    lastVisit: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          400: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (req) => {
      const quarter = req.query.quarter ?? shanghaiQuarter();
      const names = !req.user || canSeePersonalData(req.user, req.params.grid);
      return { quarter, members: await gridMembers(app.db, req.params.grid, quarter, names) };
    },
  );

  app.post<{ Body: PartyVisitBody }>(
    '/party/visits',
    {
      config: { access: { roles: ['grid_member', 'admin'], scope: 'subdistrict' } },
      schema: {
        tags: ['party'],
        summary: "Records a serving party member's visit to one of their linked grids (the grid's staff or an admin)",
        body: {
          type: 'object',
          properties: {
            memberId: { type: 'integer', minimum: 1, maximum: 2147483647 },
            grid: GRID,
            visitedOn: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' },
            note: { type: 'string', maxLength: 500 },
          },
          required: ['memberId', 'grid', 'visitedOn'],
          additionalProperties: false,
        },
        response: { 201: { type: 'object', properties: { id: { type: 'integer' } } }, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const id = await app.db.transaction(async (tx) => {
        const by = req.user ? req.user.username : 'anonymous';
        const visit = await recordVisit(
          tx,
          { memberId: req.body.memberId, grid: req.body.grid, visitedOn: req.body.visitedOn, note: req.body.note ?? null },
          by,
          shanghaiToday(),
        );
        await auditWrite(req, tx, { action: 'party.visit', entity: 'party_visit', entityId: visit, after: { ...req.body } });
        return visit;
      });
      return reply.code(201).send({ id });
    },
  );
};

/** Community (for scope) of the branch named by :id. */
const branchScope: ScopeResolver = async (req, db) => {
  const id = (req.params as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string') return null;
  const c = await branchCommunity(db, id);
  return c ? [c] : null;
};
/** Community (for scope) of the serving member or team named by :id. */
const memberScope: ScopeResolver = async (req, db) => {
  const id = Number((req.params as { id?: unknown } | undefined)?.id);
  if (!Number.isInteger(id) || id < 1 || id > 2147483647) return null;
  const c = req.url.includes('/party/teams/')
    ? ((await db.query<{ community_id: string }>('SELECT community_id FROM party_work_teams WHERE id = $1', [id])).rows[0]?.community_id ?? null)
    : await memberCommunity(db, id);
  return c ? [c] : null;
};
const GRIDS_BODY = (min: number, max: number) =>
  ({
    type: 'object',
    properties: { grids: { type: 'array', items: GRID, minItems: min, maxItems: max } },
    required: ['grids'],
    additionalProperties: false,
  }) as const;

/** Management (leaders of the area, admins): branch ↔ grids, serving member ↔ 1-2 grids; audited. */
export const partyManagePlugin: FastifyPluginAsync = async (app) => {
  app.put<{ Params: { id: string }; Body: { grids: string[] } }>(
    '/party/branches/:id/grids',
    {
      config: { access: { roles: ['leader', 'admin'], scope: 'subdistrict' }, scopeOf: branchScope },
      schema: {
        tags: ['party'],
        summary: 'Attaches a party branch to grids of its community (replacing its grids; a grid attached to another branch moves here), audited',
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' } }, required: ['id'] },
        body: GRIDS_BODY(0, 50),
        response: {
          200: { type: 'object', properties: { id: { type: 'string' }, grids: { type: 'array', items: { type: 'string' } } } },
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req) =>
      app.db.transaction(async (tx) => {
        const r = await setBranchGrids(tx, req.params.id, req.body.grids);
        await auditWrite(req, tx, {
          action: 'party.branch.grids',
          entity: 'party_branch',
          entityId: req.params.id,
          before: { grids: r.before },
          after: { grids: r.after, movedFrom: r.movedFrom },
        });
        return { id: req.params.id, grids: r.after };
      }),
  );

  app.get<{ Params: { id: number } }>(
    '/party/teams/:id/members',
    {
      config: { access: { roles: ['leader', 'admin'], scope: 'subdistrict' }, scopeOf: memberScope },
      schema: {
        tags: ['party'],
        summary: "A work team's serving party members and the grids each links (names for admins only)",
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } }, required: ['id'] },
        response: {
          200: {
            type: 'object',
            properties: {
              communityId: { type: 'string' },
              members: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: { type: 'integer' }, name: { type: ['string', 'null'] }, grids: { type: 'array', items: { type: 'string' } } },
                },
              },
            },
          },
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const r = await teamMembers(app.db, req.params.id, !req.user || req.user.role === 'admin');
      if (!r) throw new PartyError(404, `党建工作队 ${req.params.id} 不存在 (party work team ${req.params.id} does not exist)`);
      return r;
    },
  );

  app.put<{ Params: { id: number }; Body: { grids: string[] } }>(
    '/party/members/:id/grids',
    {
      config: { access: { roles: ['leader', 'admin'], scope: 'subdistrict' }, scopeOf: memberScope },
      schema: {
        tags: ['party'],
        summary: "Links a serving party member to 1-2 grids of their team's community (replacing the links), audited",
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } }, required: ['id'] },
        body: GRIDS_BODY(1, 2),
        response: {
          200: { type: 'object', properties: { id: { type: 'integer' }, grids: { type: 'array', items: { type: 'string' } } } },
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req) =>
      app.db.transaction(async (tx) => {
        const r = await setMemberGrids(tx, req.params.id, req.body.grids);
        await auditWrite(req, tx, {
          action: 'party.member.grids',
          entity: 'party_team_member',
          entityId: req.params.id,
          before: { grids: r.before },
          after: { grids: r.after },
        });
        return { id: req.params.id, grids: r.after };
      }),
  );
};

export default partyPlugin;
