import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { generateDemo, type DemoDistrict } from '../../geodata/generator';
import { rawDistrictFiles } from '../../geodata/generator/raw-files';
import { demoSubset } from '../../geodata/generator/subset';
import { hasDemo } from '../../server/demo/load';
import { loadDemoRaw as loadDemo, type DemoRawCounts as DemoCounts } from '../../server/demo/load-raw';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { LAYERS } from '../../geodata/generator/types';

/**
 * The demo district gets in the way a real one does: raw files → import → units build, then the
 * layers raw files do not carry (water, shops, households, incidents, cases) on top of what that
 * produced. Everything it writes is labelled synthetic. Run on two of the eight sub-districts (an
 * urban one along the canal and a rural township: `demoSubset`), through the same code path as the
 * whole demo at start-up, so the test stays well under a minute.
 */
const SUBS = ['340802002', '340802006'];
let demo: DemoDistrict;
let registerHouseholds: number;
let registerRows: number;
/** the register's households of the urban (true) or rural sub-districts */
const registerHouseholdsOf = (urban: boolean) => {
  const subs = new Set(demo.subdistricts.features.filter((f) => f.properties.urban === urban).map((f) => f.properties.id));
  return demo.buildings.features
    .filter((f) => subs.has(f.properties.subdistrict_id) && f.properties.households > 0)
    .reduce((a, f) => a + f.properties.households, 0);
};
beforeAll(() => {
  demo = demoSubset(generateDemo({}), SUBS);
  const raw = rawDistrictFiles(demo);
  registerHouseholds = raw.registerHouseholds;
  registerRows = raw.registerRows;
});

describe.each(BACKENDS)('demo district through the raw path (npm start, WANGGE_DEMO=raw) on %s', (backend) => {
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
    expect(counts.units).toBeGreaterThan(200);
    expect(counts.blocks).toBeGreaterThan(200);
    expect(counts.compounds).toBeGreaterThan(20);
    const built = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM unit_builds');
    expect(built.rows[0].n).toBe(demo.subdistricts.features.length);
    for (const t of [...LAYERS, 'household_register']) {
      const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE NOT synthetic`);
      expect(r.rows[0].n, t).toBe(0);
    }
    const events = demo.cases.features.reduce((a, c) => a + c.properties.events.length, 0);
    expect(counts.case_events).toBe(events);
    expect(await hasDemo(db)).toBe(true);
  }, 900_000);

  it('counts every household of the register once, in units inside their sub-district; personal households sit in a produced unit', async () => {
    const r = await db.query<{ hh: number; outside: number; worst_m: number | null }>(
      `SELECT (SELECT sum(households)::int FROM units WHERE retired_at IS NULL) AS hh,
              count(*) FILTER (WHERE NOT ST_Covers(ST_Buffer(s.geom, 0.00002), u.geom))::int AS outside,
              max(ST_Distance(ST_Difference(u.geom, s.geom)::geography, s.geom::geography)) AS worst_m
       FROM units u JOIN subdistricts s ON s.id = u.subdistrict_id WHERE u.retired_at IS NULL`,
    );
    expect(r.rows[0].hh).toBe(registerHouseholds);
    expect(r.rows[0].outside, `units sticking out of their sub-district by more than 2 m (worst ${r.rows[0].worst_m} m)`).toBe(0);
    const h = await db.query<{ n: number; placed: number; inside: number; near: number }>(
      `SELECT count(*)::int AS n, count(u.id)::int AS placed,
              count(*) FILTER (WHERE ST_Intersects(u.geom, h.geom))::int AS inside,
              count(*) FILTER (WHERE ST_DWithin(u.geom, h.geom, 0.0003))::int AS near
       FROM households h LEFT JOIN units u ON u.id = h.unit_id AND u.retired_at IS NULL`,
    );
    expect(h.rows[0].n).toBe(demo.households.features.length);
    expect(h.rows[0].placed).toBe(h.rows[0].n);
    expect(h.rows[0].near).toBe(h.rows[0].n);
    expect(h.rows[0].inside).toBeGreaterThan(h.rows[0].n * 0.99);
  });

  it('sets sub-district and community households from the units, keeps the attributes raw files do not carry, names the district', async () => {
    const r = await db.query<{ name: string; households: number; u: number }>(
      `SELECT s.name, s.households, (SELECT sum(households)::int FROM units u WHERE u.subdistrict_id = s.id AND u.retired_at IS NULL) AS u FROM subdistricts s ORDER BY s.id`,
    );
    for (const row of r.rows) expect(row.households).toBe(row.u);
    // every household of the register counted exactly once
    expect(r.rows.reduce((a, row) => a + row.u, 0)).toBe(registerHouseholds);
    // the raw boundaries name their district: the app's title reads it
    const district = await db.query<{ d: string | null }>('SELECT DISTINCT district_name AS d FROM subdistricts');
    expect(district.rows).toEqual([{ d: '迎江区' }]);
    // each building holds the register's households for it (the field work's visit plan reads them)
    const b = await db.query<{ hh: number; n: number }>('SELECT sum(households)::int AS hh, count(*) FILTER (WHERE households > 0)::int AS n FROM buildings');
    expect(b.rows[0]).toEqual({ hh: registerHouseholds, n: registerRows });
    const urban = await db.query<{ n: number; named: number }>('SELECT sum(households)::int AS n, count(name_en)::int AS named FROM subdistricts WHERE urban');
    expect(urban.rows[0].n).toBe(registerHouseholdsOf(true));
    expect(urban.rows[0].named).toBe(demo.subdistricts.features.filter((f) => f.properties.urban).length);
    const w = await db.query<{ w: number; solved: number }>(
      `SELECT count(*) FILTER (WHERE whistled)::int AS w, count(*) FILTER (WHERE whistled AND status IN ('solved','evaluated'))::int AS solved FROM cases`,
    );
    const whistled = demo.cases.features.filter((c) => c.properties.whistled);
    expect(w.rows[0]).toEqual({ w: whistled.length, solved: whistled.filter((c) => ['solved', 'evaluated'].includes(c.properties.status)).length });
    expect(whistled.length).toBeGreaterThan(10);
  });

  it.runIf(backend === 'postgres')(
    'reloading replaces the previous demo rows',
    async () => {
      const again = await loadDemo(db, demo);
      expect(again).toEqual(counts);
      const r = await db.query<{ n: number; builds: number }>('SELECT count(*)::int AS n, (SELECT count(*)::int FROM unit_builds) AS builds FROM units');
      expect(r.rows[0]).toEqual({ n: counts.units, builds: demo.subdistricts.features.length });
      const e = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM case_events');
      expect(e.rows[0].n).toBe(demo.cases.features.reduce((a, c) => a + c.properties.events.length, 0));
    },
    900_000,
  );
});
