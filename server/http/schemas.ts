import type { FastifyInstance } from 'fastify';

/**
 * The response schemas several plugins share, registered ONCE (`app.addSchema`, by the errors plugin,
 * before any route) and referenced from routes by `$ref`. Plain data: the capability modules'
 * route schemas (server/<capability>/http.ts) import it as the plugins do, so nothing outside
 * server/plugins/ imports a plugin. The OpenAPI document lists them under
 * components.schemas by these ids (server/plugins/docs.ts).
 */

/** The fields of every error body (server/plugins/errors.ts formats them), for bodies that add their own. */
export const errorProperties = { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } } as const;

const SHARED = [
  {
    $id: 'Error',
    type: 'object',
    description: 'An error: the HTTP status, its name, and a message for the planner',
    properties: errorProperties,
  },
  {
    $id: 'LayerError',
    type: 'object',
    description: 'An error of the layer and tile routes: always all three fields',
    properties: errorProperties,
    required: ['statusCode', 'error', 'message'],
  },
  {
    $id: 'PlanChange',
    type: 'object',
    description: 'A unit that changed grid: from (null: none before), to (null: none now)',
    properties: { unit: { type: 'string' }, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] } },
  },
  {
    $id: 'PlanConflict',
    type: 'object',
    description: "A stale edit of a grid plan (409): the plan's current version, the edit's base and what changed since",
    properties: {
      ...errorProperties,
      current: { type: 'integer' },
      base: { type: 'integer' },
      changedSince: { type: 'array', items: { $ref: 'PlanChange#' } },
    },
  },
  {
    $id: 'DefenseConflict',
    type: 'object',
    description:
      "A stale edit of the joint-defense groups, patrols or patrol plans (409): the current version and what changed since, or the row's current state",
    properties: {
      ...errorProperties,
      current: { type: 'integer' },
      base: { type: 'integer' },
      changedSince: { type: 'array', items: { type: 'object', additionalProperties: true } },
      row: { type: ['object', 'null'], additionalProperties: true },
    },
  },
  {
    $id: 'Geometry',
    type: 'object',
    description: 'GeoJSON geometry (WGS84, 7 decimals)',
    properties: { type: { type: 'string' }, coordinates: { type: 'array' } },
    required: ['type', 'coordinates'],
    additionalProperties: true,
  },
] as const;

type SharedId = (typeof SHARED)[number]['$id'];

/** `{ $ref }` to a shared schema, for a route's response (or inside another schema). */
export const ref = <Id extends SharedId>(id: Id) => ({ $ref: `${id}#` }) as const;

/** The body of every error answer (the error handler's and the routes' own 4xx), for response schemas: the shared schema `Error`. */
export const errorSchema = ref('Error');

/** Registers the shared schemas on `app` (the errors plugin does, once, at the root). */
export function addSharedSchemas(app: FastifyInstance): void {
  for (const s of SHARED) app.addSchema(s);
}
