import { buildingHouseholds } from '../import/register-link';
import type { LayerColumn } from '../queries/layers';

/** Tile geometry constants shared by both tile sources (they must agree for tiles to be equal). */
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
/** Simplification tolerance in tile units (geojson-vt's default), applied below TILE_MAXZOOM. */
export const TILE_TOLERANCE = 3;
/** Highest zoom served; clients overzoom beyond it. At this zoom geometry is not simplified. */
export const TILE_MAXZOOM = 16;
/** Web Mercator circumference in metres (EPSG:3857 world width). */
export const WORLD_METRES = 2 * 20037508.342789244;

/** One source-layer of the vector tiles. */
export interface TileLayerDef {
  name: string;
  table: string;
  geometry: 'point' | 'line' | 'polygon';
  minzoom: number;
  columns: LayerColumn[];
  /** Per-class minimum zoom (streets), keyed by the value of the `class` column. */
  classMinzoom?: Record<string, number>;
}

const s = (name: string): LayerColumn => ({ name, type: 'string', nullable: true });
const i = (name: string): LayerColumn => ({ name, type: 'integer' });
const b = (name: string): LayerColumn => ({ name, type: 'boolean' });

/** Streets appear by class: arterial z10, secondary/rail z11, local z13, lane/path z14. */
export const STREET_CLASS_MINZOOM: Record<string, number> = {
  arterial: 10,
  secondary: 11,
  rail: 11,
  local: 13,
  lane: 14,
  path: 14,
};

/** Source-layers, bottom to top. */
export const TILE_LAYERS: TileLayerDef[] = [
  {
    name: 'subdistricts',
    table: 'subdistricts',
    geometry: 'polygon',
    minzoom: 0,
    columns: [s('id'), s('code'), s('name'), s('name_en'), s('kind'), i('households')],
  },
  {
    name: 'communities',
    table: 'communities',
    geometry: 'polygon',
    minzoom: 0,
    columns: [s('id'), s('code'), s('name'), s('subdistrict_id'), i('households')],
  },
  { name: 'water', table: 'water', geometry: 'polygon', minzoom: 0, columns: [s('id'), s('name'), s('kind')] },
  {
    name: 'blocks',
    table: 'current_blocks', // retired blocks stay for retired units (migration 071)
    geometry: 'polygon',
    minzoom: 13,
    columns: [s('id'), s('subdistrict_id'), s('community_id')],
  },
  {
    name: 'compounds',
    table: 'compounds',
    geometry: 'polygon',
    minzoom: 13,
    columns: [s('id'), s('name'), s('kind'), s('community_id'), i('households')],
  },
  {
    name: 'buildings',
    table: 'buildings',
    geometry: 'polygon',
    minzoom: 14,
    columns: [
      s('id'),
      s('use'),
      i('floors'),
      { name: 'households', type: 'integer', sql: buildingHouseholds }, // the register's where it covers the building
      { name: 'height_m', type: 'number', nullable: true, sql: (a) => `${a}.height_m::numeric::float8` },
      s('compound_id'),
    ],
  },
  {
    name: 'streets',
    table: 'streets',
    geometry: 'line',
    minzoom: 10,
    columns: [s('id'), s('name'), s('class'), b('oneway')],
    classMinzoom: STREET_CLASS_MINZOOM,
  },
  {
    name: 'shops',
    table: 'shops',
    geometry: 'point',
    minzoom: 14,
    columns: [s('id'), s('name'), s('category'), s('community_id')],
  },
];

export const TILE_SOURCE_LAYERS = TILE_LAYERS.map((l) => l.name);

/** Simplification tolerance at zoom z in EPSG:3857 metres (0 at TILE_MAXZOOM, as geojson-vt does). */
export function toleranceMetres(z: number): number {
  return z >= TILE_MAXZOOM ? 0 : (TILE_TOLERANCE * WORLD_METRES) / (2 ** z * TILE_EXTENT);
}
