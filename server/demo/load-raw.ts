/**
 * Loads a generated demo district the way a real district gets in (`npm start`'s default,
 * `WANGGE_DEMO=raw`; `WANGGE_DEMO=fast` takes load.ts instead), so a start proves the real path:
 * the demo is written as raw files (boundaries, streets, buildings, household register;
 * geodata/generator/raw-files.ts), imported by the importer's own functions (import-raw.ts), and its
 * blocks, compounds and units are built by the "build units" job's service (server/units/service.ts).
 * What raw files do not carry is then added on top of what that path produced (insert.ts): water
 * polygons (before the build, so blocks stop at the shore), the personal households (before the
 * build, which places each in its unit), shops on the imported buildings and streets, incidents,
 * cases and their events, and each imported building's own households (the generator's count; footprint
 * files carry none: the field work reads the register's, which the import set, register-link.ts). Finally every row of the demo is marked synthetic = true, with the
 * sub-districts' English names and urban flags. The partition, the "1+3" staff roster and the
 * joint-defense groups follow at start-up on the grids this produces (scripts/start.ts).
 */
import type { Db, Queryable } from '../db';
import { rawDistrictFiles } from '../../geodata/generator/raw-files';
import { LAYERS, type DemoDistrict } from '../../geodata/generator/types';
import { buildUnitsForSubdistricts } from '../units/service';
import { DEMO_FILES, importRawDistrict } from './import-raw';
import { deleteDemo, EXTRA_SPECS, insertCaseEvents, insertLayer } from './insert';

export type DemoRawCounts = Record<
  | 'subdistricts'
  | 'communities'
  | 'streets'
  | 'water'
  | 'blocks'
  | 'compounds'
  | 'buildings'
  | 'units'
  | 'register'
  | 'shops'
  | 'households'
  | 'incidents'
  | 'cases'
  | 'case_events',
  number
>;

/** The imported id of a demo feature (the importer prefixes source ids with the file name), or null when it was not imported. */
async function idMap(db: Queryable, table: 'buildings' | 'streets', file: string): Promise<(id: string | null) => string | null> {
  const r = await db.query<{ id: string }>(`SELECT id FROM ${table} WHERE source = $1`, [file]);
  const ids = new Set(r.rows.map((x) => x.id));
  return (id) => {
    if (id === null) return null;
    const full = `${file}:${id}`;
    return ids.has(full) ? full : ids.has(`${full}~1`) ? `${full}~1` : null;
  };
}

/** Marks every row the import and the units build wrote for the demo as synthetic, with the sub-districts' attributes the raw files do not carry. */
async function markSynthetic(tx: Queryable, demo: DemoDistrict, subs: string[]): Promise<void> {
  const attrs = demo.subdistricts.features.map((f) => ({
    id: f.properties.id,
    name_en: f.properties.name_en,
    urban: f.properties.urban,
    kind: f.properties.kind,
  }));
  await tx.query(
    `UPDATE subdistricts s SET synthetic = true, name_en = x.name_en, urban = x.urban, kind = x.kind
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, name_en text, urban boolean, kind text) WHERE s.id = x.id`,
    [JSON.stringify(attrs)],
  );
  for (const t of ['communities', 'blocks', 'compounds', 'units', 'household_register']) {
    await tx.query(`UPDATE ${t} SET synthetic = true WHERE subdistrict_id = ANY($1::text[])`, [subs]);
  }
  await tx.query('UPDATE streets SET synthetic = true WHERE source = $1', [DEMO_FILES.streets]);
  await tx.query('UPDATE buildings SET synthetic = true WHERE source = $1', [DEMO_FILES.buildings]);
}

async function countRows(db: Queryable): Promise<DemoRawCounts> {
  const tables = LAYERS;
  const r = await db.query<Record<string, number>>(
    `SELECT ${tables.map((t) => `(SELECT count(*)::int FROM ${t} WHERE synthetic${t === 'units' || t === 'blocks' ? ' AND retired_at IS NULL' : ''}) AS ${t}`).join(', ')},
            (SELECT count(*)::int FROM household_register WHERE synthetic) AS register,
            (SELECT count(*)::int FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.synthetic) AS case_events`,
  );
  return r.rows[0] as DemoRawCounts;
}

export async function loadDemoRaw(db: Db, demo: DemoDistrict, onProgress?: (p: number, msg: string) => void): Promise<DemoRawCounts> {
  const report = onProgress ?? (() => undefined);
  const subs = demo.subdistricts.features.map((f) => f.properties.id).sort();
  report(0, 'deleting previous demo rows');
  await db.transaction((tx) => deleteDemo(tx));

  report(0.02, 'writing the demo as raw files');
  const raw = rawDistrictFiles(demo);
  await db.transaction((tx) => insertLayer(tx, EXTRA_SPECS.water, demo.water.features));
  const imported = await importRawDistrict(db, raw, (m) => report(0.05, `import: ${m}`));
  for (const [layer, r] of Object.entries(imported)) if (r.imported === 0) throw new Error(`demo: the import of ${layer} wrote nothing`);

  report(0.4, 'inserting the synthetic households (personal layer)');
  const building = await idMap(db, 'buildings', DEMO_FILES.buildings);
  await db.transaction((tx) =>
    insertLayer(
      tx,
      EXTRA_SPECS.households,
      demo.households.features.map((f) => ({ ...f, properties: { ...f.properties, building_id: building(f.properties.building_id), unit_id: null } })),
    ),
  );

  await buildUnitsForSubdistricts(db, { subdistricts: subs, author: 'demo' }, (f, m) => report(0.45 + 0.45 * f, `units: ${m}`));

  report(0.92, 'shops, incidents and cases on the produced district');
  const street = await idMap(db, 'streets', DEMO_FILES.streets);
  await db.transaction(async (tx) => {
    await insertLayer(
      tx,
      EXTRA_SPECS.shops,
      demo.shops.features.map((f) => ({
        ...f,
        properties: { ...f.properties, building_id: building(f.properties.building_id), street_id: street(f.properties.street_id) },
      })),
    );
    await insertLayer(tx, EXTRA_SPECS.incidents, demo.incidents.features);
    await insertLayer(tx, EXTRA_SPECS.cases, demo.cases.features);
    await insertCaseEvents(
      tx,
      demo.cases.features.flatMap((f) => f.properties.events.map((e) => ({ case_id: f.properties.id, ...e }))),
    );
    const households = demo.buildings.features
      .filter((f) => f.properties.households > 0)
      .map((f) => ({ id: building(f.properties.id), hh: f.properties.households }))
      .filter((b) => b.id !== null);
    await tx.query('UPDATE buildings b SET households = x.hh FROM jsonb_to_recordset($1::jsonb) AS x(id text, hh int) WHERE b.id = x.id', [
      JSON.stringify(households),
    ]);
    await markSynthetic(tx, demo, subs);
  });
  const counts = await countRows(db);
  report(1, 'done');
  return counts;
}
