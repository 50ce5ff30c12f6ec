import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { loadUnitsInput } from '../../server/units/load';
import { runUnitsStage, type UnitsJobOutput } from '../../server/units/stage-output';
import { writeUnits } from '../../server/units/write';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertRawDistrict, ll, RAW } from '../helpers/raw-district';

/**
 * The units write on its own: a block the stage hands over with no area (a sliver that coordinate
 * rounding collapsed to a line) is skipped, and the unit in it keeps no block, instead of the whole
 * build failing on the blocks' NOT NULL geometry.
 */
describe.each(BACKENDS)('units write on %s', (backend) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(backend);
    await insertRawDistrict(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('skips a block with zero area and writes the rest of the build', async () => {
    const subs = [RAW.A];
    const loaded = await loadUnitsInput(db, subs);
    const out: UnitsJobOutput = runUnitsStage({ input: loaded.input, splitAbove: 500 });
    expect(out.blocks.length).toBeGreaterThan(10);
    // a collinear "polygon" (three points on one line): valid GeoJSON, no area at all
    const flat = [ll(100, 100), ll(150, 100), ll(200, 100), ll(100, 100)];
    out.blocks.push({ subdistrict: RAW.A, community: null, polygon: [flat], at: ll(150, 100), area_m2: 0, sliver: true });
    out.unitBlock[0] = out.blocks.length - 1;
    const w = await db.transaction((tx) => writeUnits(tx, subs, loaded, out, { author: 'test', jobId: null, checkCancelled: () => {} }));
    expect(w.blocksSkipped).toBe(1);
    expect(w.blocks).toBe(out.blocks.length - 1);
    expect(w.units).toBe(out.units.length);
    const r = await db.query<{ blocks: number; units: number; blockless: number }>(
      `SELECT (SELECT count(*)::int FROM blocks WHERE subdistrict_id = $1 AND retired_at IS NULL) AS blocks,
              (SELECT count(*)::int FROM units WHERE subdistrict_id = $1 AND retired_at IS NULL) AS units,
              (SELECT count(*)::int FROM units WHERE subdistrict_id = $1 AND retired_at IS NULL AND block_id IS NULL) AS blockless`,
      [RAW.A],
    );
    expect(r.rows[0]).toEqual({ blocks: out.blocks.length - 1, units: out.units.length, blockless: 1 });
    const stats = await db.query<{ stats: { blocks: number } }>('SELECT stats FROM unit_builds WHERE subdistrict_id = $1', [RAW.A]);
    expect(stats.rows[0].stats.blocks).toBe(out.blocks.length - 1);
  });
});
