import type { FastifyPluginAsync } from 'fastify';
import { changeSchema, conflictSchema, idParams } from '../plans/http';
import { applyEdit, getPlan, listPlans, publishEffect, publishPlan, redo, setLocked, undo, type UnitChange } from '../plans/store';
import type { Queryable } from '../db';
import { PLAN_LIST_ITEM } from '../plans/queries';
import { NotFoundError } from '../errors';

const planSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    author: { type: 'string' },
    status: { type: 'string', enum: ['draft', 'published', 'archived'] },
    version: { type: 'integer' },
    subdistricts: { type: 'array', items: { type: 'string' } },
    params: { type: 'object', additionalProperties: true },
    warnings: {
      type: 'array',
      items: {},
      description: 'Partition warnings (infeasible bands, split compounds …) naming units and the fix; only on GET /plans/:id',
    },
    warning_count: { type: 'integer' },
    grids: { type: 'integer' },
    households: { type: 'integer' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    published_at: { type: ['string', 'null'] },
    archived_at: { type: ['string', 'null'] },
  },
} as const;

const editResult = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    changes: { type: 'array', items: changeSchema },
    grids: {
      type: 'object',
      description:
        'The touched grids after the edit (GeoJSON FeatureCollection, same properties as GET /plans/:id/grids); a touched code missing here no longer exists',
      additionalProperties: true,
    },
  },
} as const;

const baseVersionBody = {
  type: 'object',
  properties: { baseVersion: { type: 'integer', minimum: 1 } },
  required: ['baseVersion'],
  additionalProperties: false,
} as const;

/**
 * The grid layer for the map: dissolved grids with their figures. Geometry is for display: vertices
 * within about 0.1 m (1e-6°) of the straight line through their neighbours are dropped (the
 * tessellation leaves a vertex on a grid's edge wherever a unit boundary meets it: about 80 % of
 * them), which makes the layer several times smaller; exports and all computations use the stored
 * geometry.
 */
const GRIDS_GEOJSON = `
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
  'type', 'Feature', 'id', g.code,
  'properties', json_build_object('code', g.code, 'subdistrict_id', g.subdistrict_id, 'community_id', g.community_id,
     'households', g.households, 'units', g.units, 'polsby_popper', g.polsby_popper, 'contiguous', g.contiguous,
     'locked', g.locked, 'in_band', g.households BETWEEN $2 AND $3),
  'geometry', ST_AsGeoJSON(ST_Simplify(g.geom, 1e-6, true), 6)::json) ORDER BY g.code), '[]'::json)) AS fc
FROM grids g WHERE g.plan_id = $1 AND ($4::text[] IS NULL OR g.code = ANY($4::text[]))`;

/** The touched grids of an edit (band from the plan's params), so the editor updates only those. */
async function touchedGrids(db: Queryable, planId: number, changes: UnitChange[]): Promise<unknown> {
  const codes = [...new Set(changes.flatMap((c) => [c.from, c.to]).filter((x): x is string => x !== null))];
  const b = await db.query<{ min: number; max: number }>(
    "SELECT COALESCE((params->>'min')::numeric, 300) AS min, COALESCE((params->>'max')::numeric, 500) AS max FROM plans WHERE id = $1",
    [planId],
  );
  const r = await db.query<{ fc: unknown }>(GRIDS_GEOJSON, [planId, b.rows[0]?.min ?? 300, b.rows[0]?.max ?? 500, codes]);
  const fc = r.rows[0].fc;
  return typeof fc === 'string' ? JSON.parse(fc) : fc;
}

/** `?grids=true`: the answer also carries the touched grids (the editor then needs no refetch). */
const withGrids = async (db: Queryable, planId: number, res: { version: number; changes: UnitChange[] }, want?: boolean) =>
  want ? { ...res, grids: await touchedGrids(db, planId, res.changes) } : res;

const gridsQuery = {
  type: 'object',
  properties: { grids: { type: 'boolean', description: 'also return the touched grids as GeoJSON (`grids`)' } },
  additionalProperties: false,
} as const;

/** Grid plans: list, read grids and assignments, edit with version checks, undo/redo, lock, publish. */
const plans: FastifyPluginAsync = async (app) => {
  app.get(
    '/plans',
    {
      schema: {
        tags: ['plans'],
        summary: 'All plans, newest first (without their warnings: read one plan for those)',
        response: { 200: { type: 'array', items: planSchema } },
      },
    },
    async () => listPlans(app.db),
  );

  app.get<{ Querystring: { at?: string; subdistrict?: string } }>(
    '/plans/published',
    {
      schema: {
        tags: ['plans'],
        summary: 'The published plans in force at a date (default now): "the grids as of date D" (without their warnings)',
        querystring: {
          type: 'object',
          properties: { at: { type: 'string', format: 'date-time' }, subdistrict: { type: 'string', pattern: '^\\d{9}$' } },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: planSchema } },
      },
    },
    async (req) => {
      const at = req.query.at ?? new Date().toISOString();
      const r = await app.db.query<{ id: number }>(
        `SELECT id FROM plans WHERE published_at IS NOT NULL AND published_at <= $1::timestamptz
           AND (archived_at IS NULL OR archived_at > $1::timestamptz)
           AND ($2::text IS NULL OR $2 = ANY(subdistricts)) ORDER BY id`,
        [at, req.query.subdistrict ?? null],
      );
      if (!r.rows.length) return [];
      return (await app.db.query(`${PLAN_LIST_ITEM} WHERE p.id = ANY($1::int[]) ORDER BY p.id`, [r.rows.map((x) => Number(x.id))])).rows;
    },
  );

  app.get<{ Params: { id: number } }>(
    '/plans/:id',
    { schema: { tags: ['plans'], summary: 'One plan', params: idParams, response: { 200: planSchema } } },
    async (req) => {
      const p = await getPlan(app.db, req.params.id);
      if (!p) throw new NotFoundError(`方案 ${req.params.id} 不存在 (plan ${req.params.id} does not exist)`);
      return p;
    },
  );

  app.get<{ Params: { id: number }; Querystring: { codes?: string } }>(
    '/plans/:id/grids',
    {
      schema: {
        tags: ['plans'],
        summary:
          'Dissolved grid polygons of a plan with households, contiguity, Polsby-Popper, lock and band flags (GeoJSON; display geometry: vertices within ~0.1 m of a straight edge dropped, exports carry the full geometry); `codes` (comma-separated) limits it to those grids',
        params: idParams,
        querystring: {
          type: 'object',
          properties: { codes: { type: 'string', pattern: '^\\d{15}(,\\d{15})*$', maxLength: 16000 } },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const p = await getPlan(app.db, req.params.id);
      if (!p) throw new NotFoundError(`方案 ${req.params.id} 不存在 (plan ${req.params.id} does not exist)`);
      const min = Number(p.params.min ?? 300);
      const max = Number(p.params.max ?? 500);
      const codes = req.query.codes ? req.query.codes.split(',') : null;
      const r = await app.db.query<{ fc: unknown }>(GRIDS_GEOJSON, [req.params.id, min, max, codes]);
      reply.header('x-plan-version', String(p.version));
      return reply.type('application/geo+json').send(typeof r.rows[0].fc === 'string' ? r.rows[0].fc : JSON.stringify(r.rows[0].fc));
    },
  );

  app.get<{ Params: { id: number } }>(
    '/plans/:id/assignment',
    {
      schema: {
        tags: ['plans'],
        summary: 'Unit → grid code of a plan, with its version',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: { version: { type: 'integer' }, assignment: { type: 'object', additionalProperties: { type: ['string', 'null'] } } },
          },
        },
      },
    },
    async (req) => {
      const p = await getPlan(app.db, req.params.id);
      if (!p) throw new NotFoundError(`方案 ${req.params.id} 不存在 (plan ${req.params.id} does not exist)`);
      const r = await app.db.query<{ unit_id: string; grid_code: string | null }>('SELECT unit_id, grid_code FROM plan_assignments WHERE plan_id = $1', [
        req.params.id,
      ]);
      const assignment: Record<string, string | null> = {};
      for (const row of r.rows) assignment[row.unit_id] = row.grid_code;
      return { version: p.version, assignment };
    },
  );

  app.post<{ Params: { id: number }; Querystring: { grids?: boolean }; Body: { baseVersion: number; moves: Array<{ unit: string; to: string | null }> } }>(
    '/plans/:id/edits',
    {
      schema: {
        tags: ['plans'],
        summary: 'Move units to a grid (to = null: unassign), based on a version; a stale version gets 409 with what changed',
        params: idParams,
        querystring: gridsQuery,
        body: {
          type: 'object',
          properties: {
            baseVersion: { type: 'integer', minimum: 1 },
            moves: {
              type: 'array',
              minItems: 1,
              maxItems: 20000,
              items: {
                type: 'object',
                properties: { unit: { type: 'string', minLength: 1, maxLength: 100 }, to: { type: ['string', 'null'], pattern: '^\\d{15}$' } },
                required: ['unit', 'to'],
                additionalProperties: false,
              },
            },
          },
          required: ['baseVersion', 'moves'],
          additionalProperties: false,
        },
        response: { 200: editResult, 409: conflictSchema },
      },
    },
    async (req) => {
      return await withGrids(app.db, req.params.id, await applyEdit(app.db, req.params.id, req.body.baseVersion, req.body.moves, 'planner'), req.query.grids);
    },
  );

  for (const [path, fn, summary] of [
    ['undo', undo, 'Undo the latest edit (server-side history)'],
    ['redo', redo, 'Redo the most recently undone edit'],
  ] as const) {
    app.post<{ Params: { id: number }; Querystring: { grids?: boolean }; Body: { baseVersion: number } }>(
      `/plans/:id/${path}`,
      {
        schema: {
          tags: ['plans'],
          summary,
          params: idParams,
          querystring: gridsQuery,
          body: baseVersionBody,
          response: { 200: editResult, 409: conflictSchema },
        },
      },
      async (req) => {
        return await withGrids(app.db, req.params.id, await fn(app.db, req.params.id, req.body.baseVersion, 'planner'), req.query.grids);
      },
    );
  }

  app.get<{ Params: { id: number } }>(
    '/plans/:id/publish-effect',
    {
      schema: {
        tags: ['plans'],
        summary: 'What publishing this draft would change: per published plan it touches, the sub-districts (and grids) replaced and those that stay in force',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              subdistricts: { type: 'array', items: { type: 'string' } },
              grids: { type: 'integer' },
              names: {
                type: 'object',
                additionalProperties: { type: 'object', properties: { name: { type: 'string' }, name_en: { type: ['string', 'null'] } } },
              },
              replaces: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    name: { type: 'string' },
                    replaced: { type: 'array', items: { type: 'string' } },
                    replacedGrids: { type: 'integer' },
                    kept: { type: 'array', items: { type: 'string' } },
                    keptGrids: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req) => publishEffect(app.db, req.params.id),
  );

  app.post<{ Params: { id: number }; Body: { baseVersion: number } }>(
    '/plans/:id/publish',
    {
      schema: {
        tags: ['plans'],
        summary:
          'Publish a draft: only its own sub-districts change (their published grids are archived); the rest of a published plan it overlaps stays in force, as a new published plan with the same grids',
        params: idParams,
        body: baseVersionBody,
        response: { 200: { type: 'object', properties: { version: { type: 'integer' } } }, 409: conflictSchema },
      },
    },
    async (req) => {
      return { version: await publishPlan(app.db, req.params.id, req.body.baseVersion) };
    },
  );

  app.post<{ Params: { id: number }; Body: { codes: string[]; locked: boolean } }>(
    '/plans/:id/locks',
    {
      schema: {
        tags: ['plans'],
        summary: 'Lock or unlock grids (locked grids are not touched by the brush or automatic tools)',
        params: idParams,
        body: {
          type: 'object',
          properties: {
            codes: { type: 'array', minItems: 1, maxItems: 5000, items: { type: 'string', pattern: '^\\d{15}$' } },
            locked: { type: 'boolean' },
          },
          required: ['codes', 'locked'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    async (req) => {
      const p = await getPlan(app.db, req.params.id);
      if (!p) throw new NotFoundError(`方案 ${req.params.id} 不存在 (plan ${req.params.id} does not exist)`);
      await setLocked(app.db, req.params.id, req.body.codes, req.body.locked);
      return { ok: true };
    },
  );
};

export default plans;
