import type { FastifyPluginAsync } from 'fastify';
import type { ScopeResolver } from '../auth/policy';
import { readPrefixes } from '../auth/read-scope';
import { auditWrite } from '../audit/request';
import { anyObject, errors, groupScope } from '../defense/http';
import {
  getRoute,
  listRoutes,
  MAX_STOPS,
  planDrawnRoute,
  planRoute,
  routeGpx,
  saveDrawnRoute,
  saveRoute,
  type DrawnRouteRequest,
  type RouteRequest,
} from '../defense/patrol';
import { BadRequestError, NotFoundError } from '../defense/errors';

const routeIdParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;

/** Scope of a patrol write: the group's sub-district, or the saved route's. */
const patrolScope: ScopeResolver = async (req, db) => {
  const fromGroup = await groupScope(req, db);
  if (fromGroup) return fromGroup;
  const id = Number((req.params as Record<string, unknown> | undefined)?.id);
  if (!Number.isInteger(id) || id < 1) return null;
  const r = await db.query<{ subdistrict_id: string | null }>('SELECT subdistrict_id FROM patrol_routes WHERE id = $1', [id]);
  return r.rows[0]?.subdistrict_id ? [r.rows[0].subdistrict_id] : null;
};

const routeFeature = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    id: { type: 'integer' },
    properties: anyObject,
    geometry: anyObject,
  },
} as const;

/** Body of a drawn route: the group's row version and the stops in patrol order. */
const drawnBody = (withGroup: boolean) =>
  ({
    type: 'object',
    properties: {
      ...(withGroup ? { group: { type: 'string', minLength: 1, maxLength: 64 } } : {}),
      version: { type: 'integer', minimum: 1, description: "the group's row version the edit is based on (stale → 409)" },
      stops: {
        type: 'array',
        minItems: 2,
        maxItems: MAX_STOPS,
        items: {
          type: 'object',
          properties: {
            id: { type: 'string', minLength: 1, maxLength: 100 },
            lon: { type: 'number', minimum: -180, maximum: 180 },
            lat: { type: 'number', minimum: -90, maximum: 90 },
          },
          required: ['lon', 'lat'],
          additionalProperties: false,
        },
      },
      closed: { type: 'boolean' },
      name: { type: 'string', minLength: 1, maxLength: 100 },
    },
    required: [...(withGroup ? ['group'] : []), 'version', 'stops'],
    additionalProperties: false,
  }) as const;
const drawnResponse = {
  type: 'object',
  properties: { id: { type: 'integer' }, version: { type: 'integer', description: "the group's new row version" }, route: routeFeature },
} as const;

const safeName = (s: string) => s.replace(/[^\p{L}\p{N}_-]+/gu, '_').slice(0, 60) || 'patrol';
/** Content-Disposition for a download: ASCII fallback name plus the UTF-8 name (RFC 6266). */
const attachment = (name: string, ext: string) =>
  `attachment; filename="patrol-route.${ext}"; filename*=UTF-8''${encodeURIComponent(`${safeName(name)}.${ext}`)}`;

/** Patrol routes along the streets: plan (through a group's shops or given stops), save, list, export GPX / GeoJSON. */
const patrols: FastifyPluginAsync = async (app) => {
  app.post<{ Body: RouteRequest & { save?: boolean }; Querystring: { format?: 'geojson' | 'gpx' } }>(
    '/patrols/route',
    {
      config: { scopeOf: patrolScope },
      schema: {
        tags: ['patrols'],
        summary: `A patrol route along the streets (closed by default) through a group's shops or through up to ${MAX_STOPS} stops (e.g. hot-spot centroids); save = true stores it; ?format=gpx answers GPX`,
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['geojson', 'gpx'] } }, additionalProperties: false },
        body: {
          type: 'object',
          properties: {
            group: { type: 'string', minLength: 1, maxLength: 64 },
            stops: {
              type: 'array',
              minItems: 1,
              maxItems: 500,
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string', minLength: 1, maxLength: 100 },
                  name: { type: 'string', maxLength: 200 },
                  lon: { type: 'number', minimum: -180, maximum: 180 },
                  lat: { type: 'number', minimum: -90, maximum: 90 },
                },
                required: ['lon', 'lat'],
                additionalProperties: false,
              },
            },
            closed: { type: 'boolean' },
            name: { type: 'string', minLength: 1, maxLength: 100 },
            save: { type: 'boolean' },
          },
          additionalProperties: false,
        },
        response: { 200: routeFeature, ...errors },
      },
    },
    async (req, reply) => {
      const { save, ...rq } = req.body;
      const f = await planRoute(app.db, rq);
      if (save) {
        f.properties.id = await app.db.transaction(async (tx) => {
          const id = await saveRoute(tx, f);
          await auditWrite(req, tx, {
            action: 'patrol.route.create',
            entity: 'patrol_route',
            entityId: id,
            after: { name: f.properties.name, group: f.properties.group, length_m: f.properties.length_m },
          });
          return id;
        });
      }
      if (req.query.format === 'gpx')
        return reply.type('application/gpx+xml; charset=utf-8').header('content-disposition', attachment(f.properties.name, 'gpx')).send(routeGpx(f));
      return { ...f, ...(f.properties.id ? { id: f.properties.id } : {}) };
    },
  );

  // a route drawn by clicking stops (kept in their order, snapped to the streets): create / replace
  app.post<{ Body: DrawnRouteRequest & { group: string } }>(
    '/patrols/routes',
    {
      config: { scopeOf: patrolScope },
      schema: {
        tags: ['patrols'],
        summary:
          "Save a patrol route drawn by clicking stops for a group (stops in patrol order, snapped to the group's sub-district streets; the group's row version, stale → 409)",
        body: drawnBody(true),
        response: { 200: drawnResponse, ...errors },
      },
    },
    async (req) => {
      const { group, ...rq } = req.body;
      const f = await planDrawnRoute(app.db, group, rq);
      return await app.db.transaction(async (tx) => {
        const saved = await saveDrawnRoute(tx, group, rq.version, f, null);
        await auditWrite(req, tx, {
          action: 'patrol.route.draw',
          entity: 'patrol_route',
          entityId: saved.id,
          after: { name: f.properties.name, group, stops: f.properties.stops.length, length_m: f.properties.length_m },
        });
        return { id: saved.id, version: saved.version, route: { ...f, id: saved.id, properties: { ...f.properties, id: saved.id } } };
      });
    },
  );

  app.put<{ Params: { id: number }; Body: DrawnRouteRequest }>(
    '/patrols/routes/:id',
    {
      config: { scopeOf: patrolScope },
      schema: {
        tags: ['patrols'],
        summary:
          "Replace the stops of a group's saved patrol route (added, moved, removed, reordered; snapped to the streets; the group's row version, stale → 409)",
        params: routeIdParams,
        body: drawnBody(false),
        response: { 200: drawnResponse, ...errors },
      },
    },
    async (req) => {
      const r = await app.db.query<{ group_id: string | null }>('SELECT group_id FROM patrol_routes WHERE id = $1', [req.params.id]);
      if (!r.rows[0]) throw new NotFoundError(`巡逻路线 ${req.params.id} 不存在 (patrol route ${req.params.id} does not exist)`);
      const group = r.rows[0].group_id;
      if (!group)
        throw new BadRequestError(
          `巡逻路线 ${req.params.id} 不属于任何联防组，不能在此编辑 (patrol route ${req.params.id} belongs to no joint-defence group and cannot be edited here)`,
        );
      const f = await planDrawnRoute(app.db, group, req.body);
      return await app.db.transaction(async (tx) => {
        const saved = await saveDrawnRoute(tx, group, req.body.version, f, req.params.id);
        await auditWrite(req, tx, {
          action: 'patrol.route.edit',
          entity: 'patrol_route',
          entityId: saved.id,
          before: saved.before ?? undefined,
          after: { name: f.properties.name, group, stops: f.properties.stops.length, length_m: f.properties.length_m },
        });
        return { id: saved.id, version: saved.version, route: { ...f, id: saved.id, properties: { ...f.properties, id: saved.id } } };
      });
    },
  );

  app.get<{ Querystring: { subdistrict?: string; group?: string } }>(
    '/patrols/routes',
    {
      schema: {
        tags: ['patrols'],
        summary: 'Saved patrol routes (GeoJSON), by sub-district and/or group',
        querystring: {
          type: 'object',
          properties: { subdistrict: { type: 'string', pattern: '^\\d{9}$' }, group: { type: 'string', maxLength: 64 } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { type: { type: 'string' }, features: { type: 'array', items: routeFeature } } } },
      },
    },
    async (req) => ({ type: 'FeatureCollection', features: await listRoutes(app.db, req.query, readPrefixes(req.user)) }),
  );

  for (const format of ['geojson', 'gpx'] as const) {
    app.get<{ Params: { id: number } }>(
      `/patrols/routes/:id/${format}`,
      {
        schema: {
          tags: ['patrols'],
          summary: `Download a saved route as ${format === 'gpx' ? 'GPX 1.1' : 'GeoJSON'}`,
          params: routeIdParams,
          response: { 404: errors[404] },
        },
      },
      async (req, reply) => {
        const f = await getRoute(app.db, req.params.id, readPrefixes(req.user));
        if (!f) throw new NotFoundError(`巡逻路线 ${req.params.id} 不存在 (patrol route ${req.params.id} does not exist)`);
        reply.header('content-disposition', attachment(String(f.properties?.name ?? `route-${req.params.id}`), format));
        if (format === 'gpx') return reply.type('application/gpx+xml; charset=utf-8').send(routeGpx(f));
        return reply.type('application/geo+json').send(JSON.stringify({ type: 'FeatureCollection', features: [f] }));
      },
    );
  }

  app.get<{ Params: { id: number } }>(
    '/patrols/routes/:id',
    { schema: { tags: ['patrols'], summary: 'One saved patrol route (GeoJSON feature)', params: routeIdParams, response: { 200: routeFeature, ...errors } } },
    async (req) => {
      const f = await getRoute(app.db, req.params.id, readPrefixes(req.user));
      if (!f) throw new NotFoundError(`巡逻路线 ${req.params.id} 不存在 (patrol route ${req.params.id} does not exist)`);
      return f;
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/patrols/routes/:id',
    {
      config: { scopeOf: patrolScope },
      schema: {
        tags: ['patrols'],
        summary: 'Delete a saved patrol route',
        params: routeIdParams,
        response: { 200: { type: 'object', properties: { deleted: { type: 'integer' } } }, ...errors },
      },
    },
    async (req) => {
      return await app.db.transaction(async (tx) => {
        const r = await tx.query<{ name: string }>('DELETE FROM patrol_routes WHERE id = $1 RETURNING name', [req.params.id]);
        if (!r.rows[0]) throw new NotFoundError(`巡逻路线 ${req.params.id} 不存在 (patrol route ${req.params.id} does not exist)`);
        await auditWrite(req, tx, { action: 'patrol.route.delete', entity: 'patrol_route', entityId: req.params.id, before: r.rows[0] });
        return { deleted: req.params.id };
      });
    },
  );
};

export default patrols;
