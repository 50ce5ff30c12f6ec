/**
 * The map layers served by GET /api/layers/:layer: one table each, with the columns that may be sent
 * to any map user. Personal data (households, shop phone numbers) is never listed here.
 */
import { buildingHouseholds } from '../import/register-link';

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean';

export interface LayerColumn {
  name: string;
  type: ColumnType;
  nullable?: boolean;
  /** SQL expression producing the JSON value from the row alias (default: the column itself). */
  sql?: (alias: string) => string;
}

export interface LayerDef {
  id: LayerId;
  table: string;
  title: string;
  geometry: 'point' | 'line' | 'polygon';
  columns: LayerColumn[];
}

export const LAYER_IDS = ['streets', 'water', 'blocks', 'compounds', 'buildings', 'units', 'shops', 'incidents'] as const;
export type LayerId = (typeof LAYER_IDS)[number];

const s = (name: string, nullable = false): LayerColumn => ({ name, type: 'string', nullable });
const i = (name: string): LayerColumn => ({ name, type: 'integer' });
const b = (name: string): LayerColumn => ({ name, type: 'boolean' });

export const LAYERS: Record<LayerId, LayerDef> = {
  streets: {
    id: 'streets',
    table: 'streets',
    title: '道路 streets',
    geometry: 'line',
    columns: [s('id'), s('name', true), s('class'), b('oneway'), s('source'), b('synthetic')],
  },
  water: {
    id: 'water',
    table: 'water',
    title: '水系 water',
    geometry: 'polygon',
    columns: [s('id'), s('name', true), s('kind'), b('synthetic')],
  },
  blocks: {
    id: 'blocks',
    table: 'current_blocks',
    title: '街块 blocks',
    geometry: 'polygon',
    columns: [s('id'), s('subdistrict_id'), s('community_id', true), b('synthetic')],
  },
  compounds: {
    id: 'compounds',
    table: 'compounds',
    title: '小区 compounds',
    geometry: 'polygon',
    columns: [s('id'), s('name'), s('kind'), s('subdistrict_id'), s('community_id', true), i('households'), b('synthetic')],
  },
  buildings: {
    id: 'buildings',
    table: 'buildings',
    title: '建筑 buildings',
    geometry: 'polygon',
    columns: [
      s('id'),
      s('compound_id', true),
      s('block_id', true),
      s('subdistrict_id', true),
      s('community_id', true),
      s('use'),
      i('floors'),
      { name: 'households', type: 'integer', sql: buildingHouseholds }, // the register's where it covers the building
      { name: 'height_m', type: 'number', nullable: true, sql: (a) => `${a}.height_m::numeric::float8` },
      s('source'),
      b('synthetic'),
    ],
  },
  units: {
    id: 'units',
    table: 'current_units', // retired units stay for the plans that reference them (migration 071)
    title: '划分单元 partition units',
    geometry: 'polygon',
    columns: [
      s('id'),
      s('subdistrict_id'),
      s('community_id', true),
      s('compound_id', true),
      s('block_id', true),
      i('households'),
      i('buildings'),
      // small-count suppression: party-member households of a unit with < 5 households are not shown
      { name: 'party_households', type: 'integer', nullable: true, sql: (a) => `CASE WHEN ${a}.households < 5 THEN NULL ELSE ${a}.party_households END` },
      { name: 'plaqued_households', type: 'integer', nullable: true, sql: (a) => `CASE WHEN ${a}.households < 5 THEN NULL ELSE ${a}.plaqued_households END` },
      b('synthetic'),
    ],
  },
  shops: {
    id: 'shops',
    table: 'shops',
    title: '沿街商铺 shops',
    geometry: 'point',
    columns: [
      s('id'),
      s('name'),
      s('category', true),
      s('building_id', true),
      s('street_id', true),
      s('subdistrict_id', true),
      s('community_id', true),
      b('synthetic'),
    ],
  },
  incidents: {
    id: 'incidents',
    table: 'incidents',
    title: '事件 incidents',
    geometry: 'point',
    columns: [
      s('id'),
      s('type'),
      { name: 'occurred_at', type: 'string', sql: (a) => `to_char(${a}.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')` },
      s('source'),
      s('subdistrict_id', true),
      s('grid_code', true),
      b('synthetic'),
    ],
  },
};

export function isLayerId(x: string): x is LayerId {
  return (LAYER_IDS as readonly string[]).includes(x);
}

export type Bbox = [number, number, number, number];

export interface LayerFilter {
  bbox?: Bbox;
  /** incidents only: occurred_at >= from, occurred_at < to (epoch ms). */
  fromMs?: number;
  toMs?: number;
  /** incidents only: any of these types. */
  types?: string[];
}

/** SQL for the JSON object of a row's properties, built from the column list. */
export function propertiesSql(columns: LayerColumn[], alias = 't'): string {
  return `json_build_object(${columns.map((c) => `'${c.name}', ${c.sql ? c.sql(alias) : `${alias}.${c.name}`}`).join(', ')})`;
}

/**
 * One row per feature, `f` = the GeoJSON Feature as JSON text (built by the database, so large
 * layers need no parse/serialise round trip). Ordered by id; fetches limit + 1 rows to detect truncation.
 */
export function layerFeaturesQuery(def: LayerDef, filter: LayerFilter, limit: number): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.bbox) {
    params.push(...filter.bbox);
    const env = `ST_MakeEnvelope($1, $2, $3, $4, 4326)`;
    where.push(`t.geom && ${env}`, `ST_Intersects(t.geom, ${env})`);
  }
  if (filter.fromMs !== undefined) {
    params.push(new Date(filter.fromMs).toISOString());
    where.push(`t.occurred_at >= $${params.length}::timestamptz`);
  }
  if (filter.toMs !== undefined) {
    params.push(new Date(filter.toMs).toISOString());
    where.push(`t.occurred_at < $${params.length}::timestamptz`);
  }
  if (filter.types && filter.types.length > 0) {
    params.push(filter.types);
    where.push(`t.type = ANY($${params.length}::text[])`);
  }
  params.push(limit + 1);
  const sql = `SELECT json_build_object('type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.geom, 7)::json,
      'properties', ${propertiesSql(def.columns)})::text AS f
    FROM ${def.table} t ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY t.id LIMIT $${params.length}`;
  return { sql, params };
}
