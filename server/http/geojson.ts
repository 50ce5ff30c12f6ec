/**
 * GeoJSON answers several plugins share (the map layers, the built units): a FeatureCollection
 * response schema, and sending Feature JSON text built by the database without re-serialising.
 */
import type { FastifyReply } from 'fastify';
import { ref } from './schemas';

const geometrySchema = ref('Geometry');

/**
 * A FeatureCollection response schema. `item` narrows the features: another geometry schema,
 * properties that are required and closed (no others), a required id.
 */
export function featureCollectionSchema(
  description: string,
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  item: { geometry?: Record<string, unknown>; required?: string[]; idRequired?: boolean } = {},
) {
  return {
    type: 'object',
    description,
    properties: {
      type: { type: 'string', enum: ['FeatureCollection'] },
      ...extra,
      features: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: ['Feature'] },
            id: { type: 'string' },
            geometry: item.geometry ?? geometrySchema,
            properties: item.required
              ? { type: 'object', properties, required: item.required, additionalProperties: false }
              : { type: 'object', properties, additionalProperties: true },
          },
          required: item.idRequired ? ['type', 'id', 'geometry', 'properties'] : ['type', 'geometry', 'properties'],
        },
      },
    },
    required: ['type', 'features', ...Object.keys(extra)],
  };
}

/** Sends rows of Feature JSON text (built by the database) as one FeatureCollection without re-serialising. */
export function sendFeatureRows(reply: FastifyReply, rows: { f: string }[], extra: Record<string, unknown> = {}) {
  const head = JSON.stringify({ type: 'FeatureCollection', ...extra }).slice(0, -1);
  const body = `${head},"features":[${rows.map((r) => r.f).join(',')}]}`;
  return reply.type('application/json; charset=utf-8').send(body);
}
