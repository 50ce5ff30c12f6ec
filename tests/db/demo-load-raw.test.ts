import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { generateDemo, type DemoDistrict } from '../../geodata/generator';
import { rawDistrictFiles } from '../../geodata/generator/raw-files';
import { hasDemo } from '../../server/demo/load';
import { loadDemoRaw as loadDemo, type DemoRawCounts as DemoCounts } from '../../server/demo/load-raw';
import { BACKENDS, openTestDb } from '../helpers/backends';

/**
 * The demo district gets in the way a real one does: raw files → import → units build, then the
 * layers raw files do not carry (water, shops, households, incidents, cases) on top of what that
 * produced. Everything it writes is labelled synthetic.
 */
let demo: DemoDistrict;
let registerHouseholds: number;
let registerRows: number;
beforeAll(() => {
  demo = generateDemo({});
  const raw = rawDistrictFiles(demo);
  registerHouseholds = raw.registerHouseholds;
  registerRows = raw.registerRows;
});

describe.each(BACKENDS)('demo district through the raw path (WANGGE_DEMO=raw) on %s', (backend) => {
  let db: Db;
  let counts: DemoCounts;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('imports the raw files, builds units from them and adds the other layers, all synthetic', async () => {
    expect(await hasDemo(db)).toBe(false);
    const progress: number[] = [];
    counts = await loadDemo(db, demo, (p) => progress.push(p));
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    // the raw files' content arrives whole; the added layers exactly as generated
    for (const l of ['subdistricts', 'communities', 'buildings', 'water', 'shops', 'households', 'incidents', 'cases'] as const) {
      expect(counts[l], l).toBe(demo[l].features.length);
    }
    expect(counts.register).toBe(registerRows);
    expect(counts.streets).toBeGreaterThan(demo.streets.features.length * 0.9);
    // blocks, compounds and units are what the units build derived, not the generator's
    expect(counts.units).toBeGreaterThan(1000);
    expect(counts.blocks).toBeGreaterThan(1000);
    expect(counts.compounds).toBeGreaterThan(100);
    const built = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM unit_builds');
    expect(built.rows[0].n).toBe(demo.subdistricts.features.length);
    for (const t of ['subdistricts', 'communities', 'streets', 'water', 'blocks', 'compounds', 'buildings', 'units', 'shops', 'households', 'incidents', 'cases', 'household_register']) {
      const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE NOT synthetic`);
      expect(r.rows[0].n, t).toBe(0);
    }
    const events = demo.cases.features.reduce((a, c) => a + c.properties.events.length, 0);
    expect(counts.case_events).toBe(events);
    expect(await hasDemo(db)).toBe(true);
  }, 900_000);

  it('sets sub-district and community households from the units, keeps the attributes raw files do not carry', async () => {
    const r = await db.query<{ name: string; households: number; u: number }>(
      `SELECT s.name, s.households, (SELECT sum(households)::int FROM units u WHERE u.subdistrict_id = s.id AND u.retired_at IS NULL) AS u FROM subdistricts s ORDER BY s.id`,
    );
    for (const row of r.rows) expect(row.households).toBe(row.u);
    // every household of the register counted exactly once
    expect(r.rows.reduce((a, row) => a + row.u, 0)).toBe(registerHouseholds);
    const urban = await db.query<{ n: number; named: number }>('SELECT sum(households)::int AS n, count(name_en)::int AS named FROM subdistricts WHERE urban');
    expect(urban.rows[0].n).toBeGreaterThan(140_000);
    expect(urban.rows[0].named).toBe(demo.subdistricts.features.filter((f) => f.properties.urban).length);
    const w = await db.query<{ w: number; solved: number }>(
      `SELECT count(*) FILTER (WHERE whistled)::int AS w, count(*) FILTER (WHERE whistled AND status IN ('solved','evaluated'))::int AS solved FROM cases`,
    );
    expect(w.rows[0]).toEqual({ w: 403, solved: 400 });
  });

  it.runIf(backend === 'postgres')('reloading replaces the previous demo rows', async () => {
    const again = await loadDemo(db, demo);
    expect(again).toEqual(counts);
    const r = await db.query<{ n: number; builds: number }>('SELECT count(*)::int AS n, (SELECT count(*)::int FROM unit_builds) AS builds FROM units');
    expect(r.rows[0]).toEqual({ n: counts.units, builds: demo.subdistricts.features.length });
    const e = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM case_events');
    expect(e.rows[0].n).toBe(demo.cases.features.reduce((a, c) => a + c.properties.events.length, 0));
  }, 900_000);
});
