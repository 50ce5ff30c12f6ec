import { changeSchema, conflictSchema, idParams } from '../plans/http';
import type { FastifyPluginAsync } from 'fastify';
import type { UnitTable } from '../../common/http/plans';
import { diffPlans, impactReport } from '../plans/diff';
import { exportCsv, exportGeoJson, exportShapefile } from '../plans/export';
import { importPlan } from '../plans/import';
import { importStaff, planStaff, seedStaff } from '../plans/staff';
import { getPlan, NotFoundError } from '../plans/store';
import { bandOf, copyPlanAsDraft, mergeGridsEdit, newGridEdit, rebalanceProposal, splitGridEdit, suggestFixProposal } from '../plans/tools';
import { unitGraphFor } from '../plans/unit-graph';
import { OutOfScopeError, writableSubdistricts } from '../auth/scope';
import { suppressSmall } from '../auth/privacy';
import { readPrefixes } from '../auth/read-scope';

const code = { type: 'string', pattern: '^\\d{15}$' } as const;
const toolResult = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    changes: { type: 'array', items: changeSchema },
    codes: { type: 'array', items: { type: 'string' } },
    households: { type: 'array', items: { type: 'integer' } },
    street_share: { type: 'number' },
  },
} as const;
const proposal = {
  type: 'object',
  properties: {
    moves: {
      type: 'array',
      items: {
        type: 'object',
        properties: { unit: { type: 'string' }, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] }, households: { type: 'integer' } },
      },
    },
    grids: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, before: { type: 'integer' }, after: { type: 'integer' } } } },
    fixed: { type: 'boolean' },
    message: { type: 'string' },
  },
} as const;
const gridDelta = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    households_before: { type: 'integer' },
    households_after: { type: 'integer' },
    units_before: { type: 'integer' },
    units_after: { type: 'integer' },
    units_in: { type: 'integer' },
    units_out: { type: 'integer' },
  },
} as const;
const fc = {
  type: 'object',
  properties: { type: { type: 'string' }, features: { type: 'array', items: { type: 'object', additionalProperties: true } } },
} as const;
const staffMember = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    role: { type: 'string' },
    phone: { type: ['string', 'null'] },
    grid_code: { type: ['string', 'null'] },
    synthetic: { type: 'boolean' },
  },
} as const;
const gridStaffing = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    leaders: { type: 'integer' },
    members: { type: 'integer' },
    ok: { type: 'boolean' },
    problem: { type: ['string', 'null'] },
  },
} as const;
const baseVersion = { type: 'integer', minimum: 1 } as const;
const planners = { roles: ['planner', 'admin'] as const };
const plannerReaders = { roles: ['planner', 'admin', 'leader'] as const };

const author = (req: { user?: { username?: string } | null }) => req.user?.username ?? 'planner';

/**
 * Planner tools on plans: diff and impact report, exports (GeoJSON, Shapefile zip, CSV), import as
 * a new draft, copy as draft, split / merge / new grid (versioned edits), suggest-fix and rebalance
 * proposals, the unit table for live statistics, and the "1+3" staff roster.
 */
/** The unit polygons of a cached unit graph as JSON (1e-6 degree precision), built once per graph. */
const polygonsCache = new WeakMap<object, string>();
function polygonsJson(pg: Awaited<ReturnType<typeof unitGraphFor>>): string {
  let s = polygonsCache.get(pg);
  if (s === undefined) {
    s = JSON.stringify(
      pg.units.map((u) => u.polygons.map((poly) => poly.map((ring) => ring.map(([x, y]) => [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6])))),
    );
    polygonsCache.set(pg, s);
  }
  return s;
}

const planTools: FastifyPluginAsync = async (app) => {
  // warm the unit table of the current plans' sub-districts in the background once the server is
  // ready (not under vitest: tests open and close many apps and time their own requests)
  let closing = false;
  app.addHook('onClose', async () => {
    closing = true;
  });
  app.addHook('onReady', async () => {
    if (process.env.VITEST || process.env.WANGGE_WARM_UNITS === '0') return;
    void (async () => {
      const r = await app.db.query<{ s: string[] }>("SELECT DISTINCT subdistricts AS s FROM plans WHERE status IN ('published', 'draft') LIMIT 8");
      for (const { s } of r.rows) {
        if (closing) return;
        polygonsJson(await unitGraphFor(app.db, s));
      }
    })().catch(() => undefined);
  });
  app.get<{ Params: { id: number }; Querystring: { against: number; version?: number; againstVersion?: number; geometry?: boolean } }>(
    '/plans/:id/diff',
    {
      schema: {
        tags: ['plans'],
        summary: 'Diff plan `against` (version againstVersion) → this plan (version): units and households moved, grids added/removed/changed, changed area',
        params: idParams,
        querystring: {
          type: 'object',
          properties: { against: { type: 'integer', minimum: 1 }, version: { type: 'integer', minimum: 1 }, againstVersion: { type: 'integer', minimum: 1 } },
          required: ['against'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'object', properties: { plan: { type: 'integer' }, version: { type: 'integer' } } },
              to: { type: 'object', properties: { plan: { type: 'integer' }, version: { type: 'integer' } } },
              units_moved: { type: 'integer' },
              households_moved: { type: 'integer' },
              moves: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    unit: { type: 'string' },
                    from: { type: ['string', 'null'] },
                    to: { type: ['string', 'null'] },
                    households: { type: 'integer' },
                  },
                },
              },
              grids_added: { type: 'array', items: gridDelta },
              grids_removed: { type: 'array', items: gridDelta },
              grids_changed: { type: 'array', items: gridDelta },
              geojson: fc,
            },
          },
        },
      },
      config: { access: plannerReaders },
    },
    async (req) => diffPlans(app.db, req.query.against, req.params.id, req.query.againstVersion, req.query.version),
  );

  app.get<{ Params: { id: number } }>(
    '/plans/:id/impact',
    {
      schema: {
        tags: ['plans'],
        summary: 'Impact report of a draft against the published plan of its sub-districts: households, staff and joint-defense groups that change grid',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              draft: { type: 'integer' },
              published: { type: 'array', items: { type: 'integer' } },
              units_moved: { type: 'integer' },
              households_moved: { type: 'integer' },
              grids_added: { type: 'array', items: { type: 'string' } },
              grids_removed: { type: 'array', items: { type: 'string' } },
              grids_changed: { type: 'array', items: gridDelta },
              flows: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    from: { type: ['string', 'null'] },
                    to: { type: ['string', 'null'] },
                    units: { type: 'integer' },
                    households: { type: 'integer' },
                  },
                },
              },
              staff: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    name: { type: 'string' },
                    role: { type: 'string' },
                    grid_code: { type: 'string' },
                    change: { type: 'string' },
                  },
                },
              },
              groups: {
                type: ['array', 'null'],
                items: {
                  type: 'object',
                  properties: {
                    group_id: { type: 'string' },
                    name: { type: ['string', 'null'] },
                    from: { type: 'array', items: { type: 'string' } },
                    to: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
              geojson: fc,
            },
          },
        },
      },
      config: { access: plannerReaders },
    },
    async (req) => impactReport(app.db, req.params.id, readPrefixes(req.user)),
  );

  app.get<{ Params: { id: number }; Querystring: { format: 'geojson' | 'shp' | 'csv' } }>(
    '/plans/:id/export',
    {
      schema: {
        tags: ['plans'],
        summary:
          "Export a plan: grid polygons as GeoJSON (code, households, staff; staff names only for grids in the caller's scope) or a zipped Shapefile (.prj, UTF-8 .cpg), or a CSV of unit → grid code",
        params: idParams,
        querystring: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['geojson', 'shp', 'csv'] } },
          required: ['format'],
          additionalProperties: false,
        },
      },
      config: { access: plannerReaders },
    },
    async (req, reply) => {
      const p = await getPlan(app.db, req.params.id);
      if (!p) throw new NotFoundError(`方案 ${req.params.id} 不存在 (plan ${req.params.id} does not exist)`);
      const base = `plan-${p.id}-v${p.version}`;
      if (req.query.format === 'geojson') {
        reply.header('content-disposition', `attachment; filename="${base}.geojson"`);
        return reply.type('application/geo+json').send(await exportGeoJson(app.db, p.id, bandOf(p), readPrefixes(req.user)));
      }
      if (req.query.format === 'csv') {
        reply.header('content-disposition', `attachment; filename="${base}.csv"`);
        return reply.type('text/csv; charset=utf-8').send(await exportCsv(app.db, p.id));
      }
      reply.header('content-disposition', `attachment; filename="${base}-shp.zip"`);
      return reply.type('application/zip').send(Buffer.from(await exportShapefile(app.db, p.id, readPrefixes(req.user))));
    },
  );

  app.post<{ Body: { name: string; format: 'csv' | 'geojson'; content: string; min?: number; max?: number } }>(
    '/plans/import',
    {
      schema: {
        tags: ['plans'],
        summary: 'Import an assignment CSV (unit_id,grid_code) or grid polygons (GeoJSON, units by largest overlap) as a new draft; a bad file changes nothing',
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            format: { type: 'string', enum: ['csv', 'geojson'] },
            content: { type: 'string', minLength: 1, maxLength: 15_000_000 },
            min: { type: 'integer', minimum: 1 },
            max: { type: 'integer', minimum: 1 },
          },
          required: ['name', 'format', 'content'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              units: { type: 'integer' },
              assigned: { type: 'integer' },
              grids: { type: 'integer' },
              subdistricts: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
      config: { access: planners },
    },
    async (req) =>
      importPlan(app.db, {
        name: req.body.name,
        author: author(req),
        format: req.body.format,
        content: req.body.content,
        params: { min: req.body.min ?? 300, max: req.body.max ?? 500, imported: req.body.format },
        writable: (s) => writableSubdistricts(req.user, [s]).length === 1,
      }),
  );

  app.post<{ Params: { id: number }; Body: { name?: string; subdistricts?: string[] } }>(
    '/plans/:id/copy',
    {
      schema: {
        tags: ['plans'],
        summary:
          "Copy a plan (e.g. the published one) as a new draft to edit: the part inside the caller's sub-districts " +
          '(`subdistricts` narrows it further); a planner scoped to two sub-districts gets a draft of those two',
        params: idParams,
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            subdistricts: { type: 'array', minItems: 1, maxItems: 200, uniqueItems: true, items: { type: 'string', pattern: '^\\d{9}$' } },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { id: { type: 'integer' }, subdistricts: { type: 'array', items: { type: 'string' } } } } },
      },
      // the source plan may reach outside the caller's scope (the district plan): only the part
      // inside it is copied, so the plan itself is not checked; named sub-districts are
      config: { access: { roles: ['planner', 'admin'], scope: 'subdistrict' }, scopeOf: async () => [] },
    },
    async (req) => {
      const p = await getPlan(app.db, req.params.id);
      if (!p) throw new NotFoundError(`方案 ${req.params.id} 不存在 (plan ${req.params.id} does not exist)`);
      const part = writableSubdistricts(req.user, req.body?.subdistricts ?? p.subdistricts);
      if (!part.length)
        throw new OutOfScopeError(
          `方案 ${req.params.id} 不包含您负责的街道，无法复制 (plan ${req.params.id} contains none of your sub-districts and cannot be copied)`,
        );
      return { id: await copyPlanAsDraft(app.db, p.id, author(req), req.body?.name, part), subdistricts: part };
    },
  );

  app.post<{ Params: { id: number }; Body: { baseVersion: number; code: string } }>(
    '/plans/:id/split',
    {
      schema: {
        tags: ['plans'],
        summary: 'Split a grid in two along streets (bisects its unit graph preferring street edges); the second half gets the next free code',
        params: idParams,
        body: { type: 'object', properties: { baseVersion, code }, required: ['baseVersion', 'code'], additionalProperties: false },
        response: { 200: toolResult, 409: conflictSchema },
      },
    },
    async (req) => {
      return await splitGridEdit(app.db, req.params.id, req.body.baseVersion, req.body.code, author(req));
    },
  );

  app.post<{ Params: { id: number }; Body: { baseVersion: number; codes: [string, string] } }>(
    '/plans/:id/merge',
    {
      schema: {
        tags: ['plans'],
        summary: 'Merge the second grid into the first (neighbours in one sub-district)',
        params: idParams,
        body: {
          type: 'object',
          properties: { baseVersion, codes: { type: 'array', items: code, minItems: 2, maxItems: 2 } },
          required: ['baseVersion', 'codes'],
          additionalProperties: false,
        },
        response: { 200: toolResult, 409: conflictSchema },
      },
    },
    async (req) => {
      return await mergeGridsEdit(app.db, req.params.id, req.body.baseVersion, req.body.codes[0], req.body.codes[1], author(req));
    },
  );

  app.post<{ Params: { id: number }; Body: { baseVersion: number; units: string[] } }>(
    '/plans/:id/new-grid',
    {
      schema: {
        tags: ['plans'],
        summary: 'Create a new grid (next free code of the community most units are in) from the given units',
        params: idParams,
        body: {
          type: 'object',
          properties: { baseVersion, units: { type: 'array', minItems: 1, maxItems: 5000, items: { type: 'string', minLength: 1, maxLength: 100 } } },
          required: ['baseVersion', 'units'],
          additionalProperties: false,
        },
        response: { 200: toolResult, 409: conflictSchema },
      },
    },
    async (req) => {
      return await newGridEdit(app.db, req.params.id, req.body.baseVersion, req.body.units, author(req));
    },
  );

  app.get<{ Params: { id: number }; Querystring: { code: string } }>(
    '/plans/:id/suggest-fix',
    {
      schema: {
        tags: ['plans'],
        summary: 'Proposal for an out-of-band grid: fewest boundary-unit moves with neighbours into the band, keeping contiguity (not applied)',
        params: idParams,
        querystring: { type: 'object', properties: { code }, required: ['code'], additionalProperties: false },
        response: { 200: proposal },
      },
      config: { access: plannerReaders },
    },
    async (req) => suggestFixProposal(app.db, req.params.id, req.query.code),
  );

  app.post<{ Params: { id: number }; Body: { codes: string[]; seed?: number } }>(
    '/plans/:id/rebalance',
    {
      schema: {
        tags: ['plans'],
        summary: '"Rebalance here": re-run the partition on the selected grids only, others untouched; returns a proposal (not applied)',
        params: idParams,
        body: {
          type: 'object',
          properties: { codes: { type: 'array', items: code, minItems: 1, maxItems: 60 }, seed: { type: 'integer', minimum: 1 } },
          required: ['codes'],
          additionalProperties: false,
        },
        response: { 200: proposal },
      },
    },
    async (req) => rebalanceProposal(app.db, req.params.id, req.body.codes, req.body.seed),
  );

  app.get<{ Params: { id: number } }>(
    '/plans/:id/units',
    {
      schema: {
        tags: ['plans'],
        summary:
          'The unit table of a plan for live statistics: per unit households, buildings, party-member households and plaqued ones (null for a unit of fewer than 5 households, except for admins), compound, grid, area, perimeter, adjacency (CSR with shared lengths) and polygons',
        params: idParams,
      },
      config: { access: 'authenticated' },
    },
    async (req, reply) => {
      const p = await getPlan(app.db, req.params.id);
      if (!p) throw new NotFoundError(`方案 ${req.params.id} 不存在 (plan ${req.params.id} does not exist)`);
      const pg = await unitGraphFor(app.db, p.subdistricts);
      const g = pg.graph;
      const extra = await app.db.query<{ id: string; b: number; ph: number; pq: number; blk: string | null; grid: string | null }>(
        `SELECT u.id, u.buildings AS b, u.party_households AS ph, u.plaqued_households AS pq, u.block_id AS blk, a.grid_code AS grid
         FROM units u LEFT JOIN plan_assignments a ON a.unit_id = u.id AND a.plan_id = $2 WHERE u.subdistrict_id = ANY($1::text[])`,
        [p.subdistricts, p.id],
      );
      const byId = new Map(extra.rows.map((r) => [r.id, r]));
      const blocks: string[] = [];
      const blockIdx = new Map<string, number>();
      const r1 = (x: number) => Math.round(x * 10) / 10;
      const out: Omit<UnitTable, 'polygons'> = {
        plan: p.id,
        version: p.version,
        min: bandOf(p).min,
        max: bandOf(p).max,
        ids: g.ids,
        households: Array.from(g.households),
        buildings: g.ids.map((id) => Number(byId.get(id)?.b ?? 0)),
        // small-count suppression (server/auth/privacy.ts): no party-household count for a unit of < 5 households
        party: g.ids.map((id, k) => suppressSmall(Number(byId.get(id)?.ph ?? 0), g.households[k], req.user)),
        plaqued: g.ids.map((id, k) => suppressSmall(Number(byId.get(id)?.pq ?? 0), g.households[k], req.user)),
        grid: g.ids.map((id) => byId.get(id)?.grid ?? null),
        compound: Array.from(g.compound),
        compounds: g.compounds,
        community: Array.from(g.community),
        communities: g.communities,
        block: g.ids.map((id) => {
          const b = byId.get(id)?.blk;
          if (!b) return -1;
          let k = blockIdx.get(b);
          if (k === undefined) blockIdx.set(b, (k = blocks.push(b) - 1));
          return k;
        }),
        blocks,
        area: Array.from(g.area, r1),
        perimeter: Array.from(g.perimeter, r1),
        offsets: Array.from(g.offsets),
        targets: Array.from(g.targets),
        edgeLen: Array.from(g.edgeLen, r1),
        edgeClass: Array.from(g.edgeClass),
      };
      reply.header('x-plan-version', String(p.version));
      // the polygons (most of the bytes) are the same for every plan of these sub-districts: serialised once per cached graph
      const head = JSON.stringify(out);
      return reply.type('application/json').send(`${head.slice(0, -1)},"polygons":${polygonsJson(pg)}}`);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/plans/:id/staff',
    {
      schema: {
        tags: ['plans'],
        summary: '"1+3" staff of the plan\'s grids in the caller\'s scope and the grids that break the rule (1 leader + 3 members)',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              staff: { type: 'array', items: staffMember },
              grids: { type: 'array', items: gridStaffing },
              violations: { type: 'array', items: gridStaffing },
            },
          },
        },
      },
      // leaders view the plan and its "1+3" staffing (privacy: the district leader reads staff); planners edit
      config: { access: plannerReaders },
    },
    async (req) => planStaff(app.db, req.params.id, readPrefixes(req.user)),
  );

  app.post<{ Params: { id: number }; Body: { content: string } }>(
    '/plans/:id/staff/import',
    {
      schema: {
        tags: ['plans'],
        summary: 'Import a staff CSV (name, role leader|member, phone, grid_code); replaces the staff of the grids it names; a bad file changes nothing',
        params: idParams,
        body: {
          type: 'object',
          properties: { content: { type: 'string', minLength: 1, maxLength: 2_000_000 } },
          required: ['content'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { imported: { type: 'integer' }, grids: { type: 'integer' } } } },
      },
    },
    async (req) => importStaff(app.db, req.params.id, req.body.content, author(req)),
  );

  app.post<{ Params: { id: number } }>(
    '/plans/:id/staff/seed',
    {
      schema: {
        tags: ['plans'],
        summary: 'Seed a clearly synthetic "1+3" roster (names 示例…, no phones) for the plan\'s grids without staff',
        params: idParams,
        response: { 200: { type: 'object', properties: { inserted: { type: 'integer' } } } },
      },
    },
    async (req) => {
      const p = await getPlan(app.db, req.params.id);
      if (!p) throw new NotFoundError(`方案 ${req.params.id} 不存在 (plan ${req.params.id} does not exist)`);
      return seedStaff(app.db, p.id);
    },
  );
};

export default planTools;
