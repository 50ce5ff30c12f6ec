/**
 * Loads a generated demo district into the database in ONE transaction: deletes the previous demo
 * rows (synthetic = true, plus plans that cover demo sub-districts, since their units go away),
 * then inserts each layer in batches, one JSON parameter per batch, through jsonb_to_recordset.
 */
import type { Db, Queryable } from '../db';
import type { DemoDistrict } from '../../geodata/generator/types';

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

const BATCH = 3000;

interface LayerSpec {
  table: string;
  /** column name -> SQL type in the record definition */
  cols: Record<string, string>;
  /** geometry expression around g (the GeoJSON text) */
  geom: (g: string) => string;
}

const poly = (g: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${g}), 4326)`;
const multi = (g: string) => `ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${g}), 4326))`;

const SPECS: Record<Exclude<keyof DemoCounts, 'case_events'>, LayerSpec> = {
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

const ORDER = [
  'subdistricts',
  'communities',
  'streets',
  'water',
  'blocks',
  'compounds',
  'buildings',
  'units',
  'shops',
  'households',
  'incidents',
  'cases',
] as const;

/**
 * Deletes every demo row. When the core tables hold nothing but demo rows (the usual case) they are
 * truncated together, which is far faster than row-by-row deletes with foreign-key checks.
 */
async function deleteDemo(tx: Queryable): Promise<void> {
  await tx.query(`DELETE FROM plans p WHERE EXISTS (SELECT 1 FROM subdistricts s WHERE s.synthetic AND s.id = ANY(p.subdistricts))`);
  // household_register (migration 070) references buildings and sub-districts: cleared with them
  const tables = [...ORDER.map((t) => SPECS[t].table), 'household_register'];
  const real = await tx.query<{ n: number }>(
    `SELECT (${tables.map((t) => `(SELECT count(*) FROM (SELECT 1 FROM ${t} WHERE NOT synthetic LIMIT 1) x)`).join(' + ')})::int AS n`,
  );
  const realRegister = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM household_register WHERE NOT synthetic LIMIT 1) x`);
  if (real.rows[0].n === 0 && realRegister.rows[0].n === 0) {
    // CASCADE: tables derived from the demo that reference these (party branches and work teams,
    // credit entries: migrations 110, 111) go with them
    await tx.query(`TRUNCATE ${tables.join(', ')}, case_events, plan_assignments, grids, household_register CASCADE`);
    return;
  }
  await tx.query(
    `DELETE FROM household_register r WHERE r.synthetic
       OR r.subdistrict_id IN (SELECT id FROM subdistricts WHERE synthetic)
       OR r.building_id IN (SELECT id FROM buildings WHERE synthetic)`,
  );
  await tx.query(`DELETE FROM plan_assignments a USING units u WHERE a.unit_id = u.id AND u.synthetic`);
  await tx.query(`DELETE FROM grids g USING subdistricts s WHERE g.subdistrict_id = s.id AND s.synthetic`);
  for (const t of [...ORDER].reverse()) await tx.query(`DELETE FROM ${SPECS[t].table} WHERE synthetic`);
}

async function insertLayer(tx: Queryable, spec: LayerSpec, features: DemoDistrict[keyof Omit<DemoDistrict, 'seed' | 'meta'>]['features']): Promise<number> {
  const names = Object.keys(spec.cols);
  const recDef = [...names.map((c) => `"${c}" ${spec.cols[c]}`), 'geometry jsonb'].join(', ');
  const sql =
    `INSERT INTO ${spec.table} (${names.map((c) => `"${c}"`).join(', ')}, geom) ` +
    `SELECT ${names.map((c) => `r."${c}"`).join(', ')}, ${spec.geom('r.geometry::text')} FROM jsonb_to_recordset($1::jsonb) AS r(${recDef})`;
  let n = 0;
  for (let i = 0; i < features.length; i += BATCH) {
    const rows = features.slice(i, i + BATCH).map((f) => {
      const o: Record<string, unknown> = { geometry: f.geometry };
      for (const c of names) o[c] = (f.properties as unknown as Record<string, unknown>)[c] ?? null;
      return o;
    });
    await tx.query(sql, [JSON.stringify(rows)]);
    n += rows.length;
  }
  return n;
}

export async function loadDemo(db: Db, demo: DemoDistrict, onProgress?: (p: number, msg: string) => void): Promise<DemoCounts> {
  const total = ORDER.reduce((s, k) => s + demo[k].features.length, 0);
  let done = 0;
  return db.transaction(async (tx) => {
    onProgress?.(0, 'deleting previous demo rows');
    await deleteDemo(tx);
    const counts = {} as DemoCounts;
    for (const layer of ORDER) {
      onProgress?.(done / total, `inserting ${layer} (${demo[layer].features.length})`);
      counts[layer] = await insertLayer(tx, SPECS[layer], demo[layer].features);
      done += counts[layer];
    }
    onProgress?.(done / total, 'inserting case events');
    const events = demo.cases.features.flatMap((f) => f.properties.events.map((e) => ({ case_id: f.properties.id, ...e })));
    let ne = 0;
    for (let i = 0; i < events.length; i += BATCH * 2) {
      const chunk = events.slice(i, i + BATCH * 2);
      await tx.query(
        `INSERT INTO case_events (case_id, status, at, actor, note)
         SELECT case_id, status, at, actor, note FROM jsonb_to_recordset($1::jsonb) AS r(case_id text, status text, at timestamptz, actor text, note text)
         ORDER BY case_id, at`,
        [JSON.stringify(chunk)],
      );
      ne += chunk.length;
    }
    counts.case_events = ne;
    onProgress?.(1, 'updating household totals');
    await tx.query(`UPDATE communities c SET households = coalesce((SELECT sum(u.households) FROM units u WHERE u.community_id = c.id), 0) WHERE c.synthetic`);
    await tx.query(
      `UPDATE subdistricts s SET households = coalesce((SELECT sum(u.households) FROM units u WHERE u.subdistrict_id = s.id), 0) WHERE s.synthetic`,
    );
    // the demo is Yingjiang: the app's title reads the district name from the sub-districts
    await tx.query(`UPDATE subdistricts SET district_name = '迎江区' WHERE synthetic AND district_name IS NULL`);
    onProgress?.(1, 'done');
    return counts;
  });
}

/** True when a demo district is loaded. */
export async function hasDemo(db: Db): Promise<boolean> {
  const r = await db.query<{ e: boolean }>(`SELECT EXISTS (SELECT 1 FROM subdistricts WHERE synthetic) AS e`);
  return r.rows[0]?.e === true;
}
