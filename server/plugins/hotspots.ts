import type { FastifyPluginAsync } from 'fastify';
import { EMERGING_PATTERNS, HOTSPOT_CLASSES } from '../algorithms/hotspots';
import { parseFilter, type FilterQuery } from '../hotspots/filters';
import { computeEmerging, computeHotSpots, zonesGeoJson, type HotSpotQuery } from '../hotspots/service';
import { DEFAULT_HEX_CELL_M } from '../hotspots/zones';
import { errorSchema, ref } from '../http/schemas';

const filterProps = {
  from: { type: 'string', maxLength: 40, description: 'YYYY-MM-DD (local day, inclusive) or ISO date-time' },
  to: { type: 'string', maxLength: 40, description: 'YYYY-MM-DD (local day, inclusive) or ISO date-time (exclusive)' },
  types: { type: 'string', maxLength: 200, description: 'comma list: public_order,fire_risk,dispute,environment,facilities,other' },
  hours: { type: 'string', maxLength: 100, description: 'local hours 0-23, comma list or ranges (e.g. 0-5,22,23)' },
  weekdays: { type: 'string', maxLength: 40, description: 'ISO weekdays 1 (Mon) - 7 (Sun), comma list or ranges' },
} as const;

const zonesProp = { type: 'string', enum: ['grids', 'hex'], default: 'grids', description: 'grids in force, or hexagons' } as const;
const cellProp = { type: 'integer', minimum: 100, maximum: 2000, default: DEFAULT_HEX_CELL_M, description: 'hexagon circumradius (m), zones=hex' } as const;

const resultSchema = {
  type: 'object',
  properties: {
    zones: { type: 'string' },
    mode: { type: 'string', enum: ['gistar', 'emerging'] },
    fdr: { type: 'boolean' },
    value: { type: 'string' },
    n: { type: 'integer', description: 'incidents passing the filters' },
    outside: { type: 'integer', description: 'of those, in no zone' },
    weeks: { type: 'integer', description: 'emerging: number of weeks' },
    start: { type: 'number', description: 'emerging: epoch s of the first week' },
    ms: { type: 'integer' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          count: { type: 'number' },
          value: { type: 'number' },
          z: { type: 'number' },
          p: { type: 'number' },
          q: { type: 'number', description: 'Benjamini-Hochberg adjusted p' },
          class: { type: 'string', enum: [...HOTSPOT_CLASSES] },
          pattern: { type: 'string', enum: [...EMERGING_PATTERNS] },
          trend_z: { type: 'number' },
          trend_p: { type: 'number' },
          hot_weeks: { type: 'integer' },
          cold_weeks: { type: 'integer' },
        },
      },
    },
  },
} as const;

interface HotSpotsQuerystring extends FilterQuery {
  zones: 'grids' | 'hex';
  mode: 'gistar' | 'emerging';
  fdr: boolean;
  value: 'count' | 'rate';
  cell: number;
}

/** Hot spots (Getis-Ord Gi* with BH FDR) and emerging hot spots for the current filters. */
const hotspotsPlugin: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: HotSpotsQuerystring }>(
    '/hotspots',
    {
      config: { readCache: { ttlMs: 5000 } },
      schema: {
        tags: ['hotspots'],
        summary: 'Gi* hot spots per grid or hexagon for the filtered incidents (mode=emerging: weekly trend patterns)',
        description:
          'Classes hot99/95/90, ns, cold90/95/99 at 99/95/90 % confidence, from Benjamini-Hochberg q (fdr=1, default) or raw p. ' +
          'mode=emerging: space-time Gi* per week and a Mann-Kendall trend per zone (ArcGIS-like patterns); needs >= 4 weeks.',
        querystring: {
          type: 'object',
          properties: {
            ...filterProps,
            zones: zonesProp,
            mode: { type: 'string', enum: ['gistar', 'emerging'], default: 'gistar' },
            fdr: { type: 'boolean', default: true },
            value: { type: 'string', enum: ['count', 'rate'], default: 'count', description: 'grids: counts or rates per 1,000 households' },
            cell: cellProp,
          },
          additionalProperties: false,
        },
        response: { 200: resultSchema, 400: errorSchema },
      },
    },
    async (req) => {
      // a bad filter, rates on hexagons, too short a period: FilterError (400), formatted by the error handler
      const q: HotSpotQuery = { zones: req.query.zones, filter: parseFilter(req.query), fdr: req.query.fdr, value: req.query.value, cellM: req.query.cell };
      return req.query.mode === 'emerging' ? await computeEmerging(app.db, q) : await computeHotSpots(app.db, q);
    },
  );

  app.get<{ Querystring: { zones: 'grids' | 'hex'; cell: number } }>(
    '/hotspots/zones',
    {
      schema: {
        tags: ['hotspots'],
        summary: 'The zones of /api/hotspots as GeoJSON (grids in force with households, or hexagons over the incidents)',
        querystring: { type: 'object', properties: { zones: zonesProp, cell: cellProp }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              type: { type: 'string', enum: ['FeatureCollection'] },
              zones: { type: 'string' },
              features: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    type: { type: 'string' },
                    id: { type: 'string' },
                    properties: {
                      type: 'object',
                      properties: {
                        id: { type: 'string' },
                        households: { type: ['integer', 'null'] },
                        subdistrict_id: { type: ['string', 'null'] },
                        community_id: { type: ['string', 'null'] },
                        plan_id: { type: ['integer', 'null'] },
                      },
                    },
                    geometry: ref('Geometry'),
                  },
                },
              },
            },
          },
          400: errorSchema,
        },
      },
    },
    async (req) => zonesGeoJson(app.db, req.query.zones, req.query.cell), // too many hexagons: 400 (InvalidRequestError)
  );
};

export default hotspotsPlugin;
