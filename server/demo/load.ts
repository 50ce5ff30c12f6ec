/**
 * Loads a generated demo district into the database in ONE transaction: deletes the previous demo
 * rows (synthetic = true, plus plans that cover demo sub-districts, since their units go away),
 * then inserts each layer in batches, one JSON parameter per batch, through jsonb_to_recordset.
 * The generator's own blocks and units as they are: `WANGGE_DEMO=fast npm start` and the tests
 * that need a demo quickly (`npm start` takes the real path by default: load-raw.ts).
 */
import type { Db } from '../db';
import { LAYERS, type DemoDistrict } from '../../geodata/generator/types';
import { deleteDemo, insertCaseEvents, insertLayer } from './insert';
import { SPECS, type DemoCounts } from './specs';

export type { DemoCounts } from './specs';

const ORDER = LAYERS;

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
    counts.case_events = await insertCaseEvents(tx, events);
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
