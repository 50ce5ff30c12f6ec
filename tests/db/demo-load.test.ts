import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { generateDemo, LAYERS, type DemoDistrict } from '../../geodata/generator';
import { hasDemo, loadDemo } from '../../server/demo/load';
import { BACKENDS, openTestDb } from '../helpers/backends';

let demo: DemoDistrict;
beforeAll(() => {
  demo = generateDemo({});
});

describe.each(BACKENDS)('demo district loader on %s', (backend) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('loads every layer in one transaction with the generated counts', async () => {
    expect(await hasDemo(db)).toBe(false);
    const progress: number[] = [];
    const counts = await loadDemo(db, demo, (p) => progress.push(p));
    expect(progress.at(-1)).toBe(1);
    for (const l of LAYERS) {
      expect(counts[l], l).toBe(demo[l].features.length);
      const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${l} WHERE synthetic`);
      expect(r.rows[0].n, l).toBe(demo[l].features.length);
    }
    const events = demo.cases.features.reduce((a, c) => a + c.properties.events.length, 0);
    const e = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM case_events');
    expect(e.rows[0].n).toBe(events);
    expect(counts.case_events).toBe(events);
    expect(await hasDemo(db)).toBe(true);
  });

  it('stores valid geometry in WGS84 inside the district', async () => {
    for (const l of ['subdistricts', 'communities', 'streets', 'water', 'blocks', 'compounds', 'buildings', 'units'] as const) {
      const r = await db.query<{ bad: number; srid: number }>(
        `SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom))::int AS bad, max(ST_SRID(geom)) AS srid FROM ${l}`,
      );
      expect(r.rows[0].bad, l).toBe(0);
      expect(r.rows[0].srid).toBe(4326);
    }
    const out = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM subdistricts s WHERE ST_Intersects(s.geom, i.geom))`,
    );
    expect(out.rows[0].n).toBe(0);
  });

  it('sets sub-district and community households from the units', async () => {
    const r = await db.query<{ name: string; households: number; u: number }>(
      `SELECT s.name, s.households, (SELECT sum(households)::int FROM units u WHERE u.subdistrict_id = s.id) AS u FROM subdistricts s ORDER BY s.id`,
    );
    for (const row of r.rows) expect(row.households).toBe(row.u);
    const urban = await db.query<{ n: number }>('SELECT sum(households)::int AS n FROM subdistricts WHERE urban');
    expect(urban.rows[0].n).toBeGreaterThan(140_000);
    const w = await db.query<{ w: number; solved: number }>(
      `SELECT count(*) FILTER (WHERE whistled)::int AS w, count(*) FILTER (WHERE whistled AND status IN ('solved','evaluated'))::int AS solved FROM cases`,
    );
    expect(w.rows[0]).toEqual({ w: 403, solved: 400 });
  });

  it.runIf(backend === 'postgres')('reloading replaces the previous demo rows', async () => {
    await loadDemo(db, demo);
    const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM units');
    expect(r.rows[0].n).toBe(demo.units.features.length);
    const e = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM case_events');
    expect(e.rows[0].n).toBe(demo.cases.features.reduce((a, c) => a + c.properties.events.length, 0));
  });
});
