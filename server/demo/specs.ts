/** How each layer of the generated demo maps onto its table: columns with their SQL types and the geometry expression. */
export type DemoCounts = Record<
  | 'subdistricts'
  | 'communities'
  | 'streets'
  | 'water'
  | 'blocks'
  | 'compounds'
  | 'buildings'
  | 'units'
  | 'shops'
  | 'households'
  | 'incidents'
  | 'cases'
  | 'case_events',
  number
>;

export interface LayerSpec {
  table: string;
  /** column name -> SQL type in the record definition */
  cols: Record<string, string>;
  /** geometry expression around g (the GeoJSON text) */
  geom: (g: string) => string;
}

const poly = (g: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${g}), 4326)`;
const multi = (g: string) => `ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${g}), 4326))`;

export const SPECS: Record<Exclude<keyof DemoCounts, 'case_events'>, LayerSpec> = {
  subdistricts: {
    table: 'subdistricts',
    cols: { id: 'text', code: 'text', name: 'text', name_en: 'text', kind: 'text', urban: 'boolean', households: 'integer', synthetic: 'boolean' },
    geom: multi,
  },
  communities: {
    table: 'communities',
    cols: { id: 'text', subdistrict_id: 'text', code: 'text', name: 'text', households: 'integer', synthetic: 'boolean' },
    geom: multi,
  },
  streets: { table: 'streets', cols: { id: 'text', name: 'text', class: 'text', oneway: 'boolean', source: 'text', synthetic: 'boolean' }, geom: poly },
  water: { table: 'water', cols: { id: 'text', name: 'text', kind: 'text', synthetic: 'boolean' }, geom: multi },
  blocks: { table: 'blocks', cols: { id: 'text', subdistrict_id: 'text', community_id: 'text', synthetic: 'boolean' }, geom: poly },
  compounds: {
    table: 'compounds',
    cols: { id: 'text', name: 'text', kind: 'text', subdistrict_id: 'text', community_id: 'text', households: 'integer', synthetic: 'boolean' },
    geom: poly,
  },
  buildings: {
    table: 'buildings',
    cols: {
      id: 'text',
      compound_id: 'text',
      block_id: 'text',
      subdistrict_id: 'text',
      community_id: 'text',
      use: 'text',
      floors: 'integer',
      households: 'integer',
      height_m: 'real',
      source: 'text',
      synthetic: 'boolean',
    },
    geom: poly,
  },
  units: {
    table: 'units',
    cols: {
      id: 'text',
      subdistrict_id: 'text',
      community_id: 'text',
      compound_id: 'text',
      block_id: 'text',
      households: 'integer',
      buildings: 'integer',
      party_households: 'integer',
      plaqued_households: 'integer',
      synthetic: 'boolean',
    },
    geom: multi,
  },
  shops: {
    table: 'shops',
    cols: {
      id: 'text',
      name: 'text',
      category: 'text',
      phone: 'text',
      building_id: 'text',
      street_id: 'text',
      subdistrict_id: 'text',
      community_id: 'text',
      synthetic: 'boolean',
    },
    geom: poly,
  },
  households: {
    table: 'households',
    cols: {
      id: 'text',
      building_id: 'text',
      unit_id: 'text',
      head_name: 'text',
      phone: 'text',
      party_member: 'boolean',
      plaqued: 'boolean',
      credit_rating: 'text',
      synthetic: 'boolean',
    },
    geom: poly,
  },
  incidents: {
    table: 'incidents',
    cols: { id: 'text', type: 'text', occurred_at: 'timestamptz', source: 'text', subdistrict_id: 'text', grid_code: 'text', synthetic: 'boolean' },
    geom: poly,
  },
  cases: {
    table: 'cases',
    cols: {
      id: 'text',
      title: 'text',
      incident_id: 'text',
      whistled: 'boolean',
      kind: 'text',
      department: 'text',
      status: 'text',
      subdistrict_id: 'text',
      grid_code: 'text',
      reported_at: 'timestamptz',
      updated_at: 'timestamptz',
      version: 'integer',
      synthetic: 'boolean',
    },
    geom: poly,
  },
};
