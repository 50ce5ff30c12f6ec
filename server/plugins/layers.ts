import type { FastifyPluginAsync } from 'fastify';
import { COMMUNITY_FEATURES_SQL, SUBDISTRICT_FEATURES_SQL, districtExtent } from '../queries/boundaries';
import { LAYERS, LAYER_IDS, isLayerId, layerFeaturesQuery, type LayerColumn, type LayerFilter } from '../queries/layers';
import { LABEL_LAYER_IDS, isLabelLayerId, labelPointsSql } from '../queries/labels';
import { parseBbox, parseIsoInstant } from '../queries/params';
import { STREET_CLASS_MINZOOM, TILE_LAYERS, TILE_MAXZOOM } from '../tiles';
import { districtInfo } from '../queries/district';
import { InvalidRequestError, NotFoundError } from '../errors';
import { ref } from '../http/schemas';
import { featureCollectionSchema, sendFeatureRows } from '../http/geojson';

/** Most features one /api/layers request returns; more are cut and flagged `truncated`. */
export const MAX_LAYER_LIMIT = 50_000;

/** Attribution of the synthetic demo district (imported data carry none of ours). */
export const ATTRIBUTION = '合成演示数据 synthetic demo data · 行政区划轮廓 DataV (仅演示)';
/** Before any data is loaded: mainland China, so that a district imported anywhere is in view. */
export const FALLBACK_BBOX: [number, number, number, number] = [73.5, 18.1, 134.8, 53.6];

/** Layer and tile routes always send all three fields of an error. */
export const layerErrorSchema = ref('LayerError');

const columnSchema = (c: LayerColumn) => ({ type: c.nullable ? [c.type, 'null'] : c.type });

/** All columns any layer may carry, for the documented union schema. */
const layerPropertySchemas: Record<string, unknown> = {};
for (const id of LAYER_IDS) for (const c of LAYERS[id].columns) layerPropertySchemas[c.name] ??= { ...columnSchema(c), description: '' };
for (const id of LAYER_IDS)
  for (const c of LAYERS[id].columns) {
    const s = layerPropertySchemas[c.name] as { description: string; type: unknown };
    s.description = s.description ? `${s.description}, ${id}` : `layers: ${id}`;
    if (c.nullable) s.type = [c.type, 'null'];
  }

const boundaryProps = {
  id: { type: 'string' },
  code: { type: 'string' },
  name: { type: 'string' },
  name_en: { type: ['string', 'null'] },
  kind: { type: 'string', description: 'street | township (sub-districts), community (communities)' },
  urban: { type: 'boolean' },
  subdistrict_id: { type: 'string' },
  subdistrict_name: { type: 'string' },
  households: { type: 'integer' },
  synthetic: { type: 'boolean' },
};

const layersPlugin: FastifyPluginAsync = async (app) => {
  app.get(
    '/subdistricts',
    {
      schema: {
        tags: ['layers'],
        summary: 'Sub-districts (街道/乡) with household totals',
        response: { 200: featureCollectionSchema('Sub-district polygons (MultiPolygon)', boundaryProps) },
      },
    },
    async (_req, reply) => sendFeatureRows(reply, (await app.db.query<{ f: string }>(SUBDISTRICT_FEATURES_SQL)).rows),
  );

  app.get(
    '/communities',
    {
      schema: {
        tags: ['layers'],
        summary: 'Communities (社区) with household totals',
        response: { 200: featureCollectionSchema('Community polygons (MultiPolygon)', boundaryProps) },
      },
    },
    async (_req, reply) => sendFeatureRows(reply, (await app.db.query<{ f: string }>(COMMUNITY_FEATURES_SQL)).rows),
  );

  app.get<{ Params: { layer: string }; Querystring: { bbox?: string; limit?: number; from?: string; to?: string; type?: string } }>(
    '/layers/:layer',
    {
      schema: {
        tags: ['layers'],
        summary: 'Features of one map layer, optionally inside a bbox',
        description:
          `layer: ${LAYER_IDS.join(' | ')}. Properties are the table's non-personal columns:\n` +
          LAYER_IDS.map((id) => `- ${id}: ${LAYERS[id].columns.map((c) => c.name).join(', ')}`).join('\n') +
          `\nAt most ${MAX_LAYER_LIMIT} features (ordered by id); truncated = true when more matched.`,
        params: {
          type: 'object',
          properties: { layer: { type: 'string', description: LAYER_IDS.join(' | ') } },
          required: ['layer'],
        },
        querystring: {
          type: 'object',
          properties: {
            bbox: { type: 'string', description: 'minLon,minLat,maxLon,maxLat (WGS84); features intersecting it' },
            limit: { type: 'integer', minimum: 1, description: `maximum features, capped at ${MAX_LAYER_LIMIT}` },
            from: { type: 'string', description: 'incidents: occurred at or after (ISO 8601 date or date-time; dates are China Standard Time)' },
            to: { type: 'string', description: 'incidents: occurred before (ISO 8601; a date means the end of that day)' },
            type: { type: 'string', description: 'incidents: one type or a comma-separated list' },
          },
          additionalProperties: false,
        },
        response: {
          200: featureCollectionSchema('Layer features', layerPropertySchemas, {
            layer: { type: 'string' },
            count: { type: 'integer' },
            limit: { type: 'integer' },
            truncated: { type: 'boolean' },
          }),
          400: layerErrorSchema,
          404: layerErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const { layer } = req.params;
      if (!isLayerId(layer)) {
        throw new NotFoundError(`unknown layer '${layer}'; layers: ${LAYER_IDS.join(', ')}`);
      }
      const q = req.query;
      const filter: LayerFilter = {};
      if (q.bbox !== undefined) {
        const b = parseBbox(q.bbox);
        if (!b.ok) throw new InvalidRequestError(b.message);
        filter.bbox = b.value;
      }
      if (layer !== 'incidents' && (q.from !== undefined || q.to !== undefined || q.type !== undefined)) {
        throw new InvalidRequestError('from, to and type apply to the incidents layer only');
      }
      if (q.from !== undefined) {
        const p = parseIsoInstant(q.from, 'from');
        if (!p.ok) throw new InvalidRequestError(p.message);
        filter.fromMs = p.value;
      }
      if (q.to !== undefined) {
        const p = parseIsoInstant(q.to, 'to', true);
        if (!p.ok) throw new InvalidRequestError(p.message);
        filter.toMs = p.value;
      }
      if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.fromMs > filter.toMs) {
        throw new InvalidRequestError('from must not be after to');
      }
      if (q.type !== undefined) {
        const types = q.type
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
        if (types.length === 0) throw new InvalidRequestError('type must name at least one incident type');
        filter.types = types;
      }
      const limit = Math.min(q.limit ?? MAX_LAYER_LIMIT, MAX_LAYER_LIMIT);
      const { sql, params } = layerFeaturesQuery(LAYERS[layer], filter, limit);
      const rows = (await app.db.query<{ f: string }>(sql, params)).rows;
      const truncated = rows.length > limit;
      if (truncated) rows.length = limit;
      return sendFeatureRows(reply, rows, { layer, count: rows.length, limit, truncated });
    },
  );

  app.get<{ Params: { layer: string } }>(
    '/layers/:layer/labels',
    {
      // names and shapes change only by imports (HTTP writes and finished jobs drop the cache at once)
      config: { readCache: { ttlMs: 60_000 } },
      schema: {
        tags: ['layers'],
        summary: 'One label point and name per polygon of a named polygon layer',
        description:
          `layer: ${LABEL_LAYER_IDS.join(' | ')}. One Point per named polygon, inside its largest part (its centroid when ` +
          'that lies inside, else a point on its surface), with id, name and name_en (sub-districts; null elsewhere); ' +
          'ordered by id. The map draws each name once from these instead of downloading the polygons.',
        params: {
          type: 'object',
          properties: { layer: { type: 'string', description: LABEL_LAYER_IDS.join(' | ') } },
          required: ['layer'],
        },
        response: {
          200: featureCollectionSchema(
            'Label points (GeoJSON Points, WGS84, 6 decimals)',
            { id: { type: 'string' }, name: { type: 'string' }, name_en: { type: ['string', 'null'] } },
            { layer: { type: 'string' }, count: { type: 'integer' } },
            {
              geometry: {
                type: 'object',
                properties: { type: { type: 'string', enum: ['Point'] }, coordinates: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } },
                required: ['type', 'coordinates'],
              },
              required: ['id', 'name', 'name_en'],
              idRequired: true,
            },
          ),
          404: layerErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const { layer } = req.params;
      if (!isLabelLayerId(layer)) {
        throw new NotFoundError(`no labels for layer '${layer}'; layers with labels: ${LABEL_LAYER_IDS.join(', ')}`);
      }
      const rows = (await app.db.query<{ f: string }>(labelPointsSql(layer))).rows;
      return sendFeatureRows(reply, rows, { layer, count: rows.length });
    },
  );

  app.get(
    '/meta',
    {
      schema: {
        tags: ['layers'],
        summary: 'District, extent, layers, vector-tile source and attribution for the map',
        response: {
          200: {
            type: 'object',
            properties: {
              district: {
                type: ['object', 'null'],
                description:
                  "the district of the loaded sub-districts (null while empty): adcode = their ids' first 6 digits, name as stored at the boundary import (null when no file named it), synthetic = the demo",
                properties: { adcode: { type: 'string' }, name: { type: ['string', 'null'] }, synthetic: { type: 'boolean' } },
                required: ['adcode', 'name', 'synthetic'],
              },
              bbox: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
              center: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
              empty: { type: 'boolean', description: 'true when no sub-districts are loaded (bbox is then mainland China)' },
              layers: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    title: { type: 'string' },
                    geometry: { type: 'string', enum: ['point', 'line', 'polygon'] },
                    url: { type: 'string' },
                  },
                  required: ['id', 'title', 'geometry', 'url'],
                },
              },
              tiles: {
                type: 'object',
                properties: {
                  url: { type: 'string' },
                  minzoom: { type: 'integer' },
                  maxzoom: { type: 'integer' },
                  sourceLayers: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: { name: { type: 'string' }, minzoom: { type: 'integer' } },
                      required: ['name', 'minzoom'],
                    },
                  },
                  streetClassMinzoom: { type: 'object', additionalProperties: { type: 'integer' } },
                },
                required: ['url', 'minzoom', 'maxzoom', 'sourceLayers'],
              },
              attribution: { type: 'string' },
            },
            required: ['district', 'bbox', 'center', 'layers', 'tiles', 'attribution'],
          },
        },
      },
    },
    async () => {
      const [extent, district] = await Promise.all([districtExtent(app.db), districtInfo(app.db)]);
      const bbox = extent ?? FALLBACK_BBOX;
      const round = (v: number) => Math.round(v * 1e6) / 1e6;
      return {
        district,
        bbox: bbox.map(round),
        center: [round((bbox[0] + bbox[2]) / 2), round((bbox[1] + bbox[3]) / 2)],
        empty: extent === null,
        layers: LAYER_IDS.map((id) => ({ id, title: LAYERS[id].title, geometry: LAYERS[id].geometry, url: `/api/layers/${id}` })),
        tiles: {
          url: '/tiles/{z}/{x}/{y}.pbf',
          minzoom: 0,
          maxzoom: TILE_MAXZOOM,
          sourceLayers: TILE_LAYERS.map((l) => ({ name: l.name, minzoom: l.minzoom })),
          streetClassMinzoom: STREET_CLASS_MINZOOM,
        },
        attribution: district?.synthetic ? ATTRIBUTION : '',
      };
    },
  );
};

export default layersPlugin;
