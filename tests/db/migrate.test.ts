import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { migrate } from '../../server/db/migrate';
import { BACKENDS, openTestDb } from '../helpers/backends';

describe.each(BACKENDS)('database on %s', (backend) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('has PostGIS and all migrations applied, and re-running migrate is a no-op', async () => {
    const v = await db.query<{ v: string }>('SELECT postgis_lib_version() AS v');
    expect(v.rows[0].v).toMatch(/^3\./);
    const m = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(m.rows.map((r) => r.version)).toContain('001_core.sql');
    expect(await migrate(db)).toEqual([]);
  });

  it('rolls a failed transaction back completely', async () => {
    await db.exec(
      "INSERT INTO subdistricts (id, code, name, kind, geom) VALUES ('x1', '901', '测试街道', 'street', ST_Multi(ST_MakeEnvelope(117,30.5,117.01,30.51,4326)))",
    );
    await expect(
      db.transaction(async (tx) => {
        await tx.query("UPDATE subdistricts SET name = '改名' WHERE id = 'x1'");
        await tx.query('SELECT 1/0');
      }),
    ).rejects.toThrow();
    const r = await db.query<{ name: string }>("SELECT name FROM subdistricts WHERE id = 'x1'");
    expect(r.rows[0].name).toBe('测试街道');
  });

  it("121 fills buildings.register_households of a district imported before it (the register's rows per building, NULL where no register)", async () => {
    await db.exec(`ALTER TABLE buildings DROP COLUMN register_households; DROP INDEX household_register_building;
      DELETE FROM schema_migrations WHERE version = '121_building_register_households.sql'`);
    for (const [id, w] of [
      ['m1', 117.1],
      ['m2', 117.2],
    ] as const) {
      await db.query(
        `INSERT INTO subdistricts (id, code, name, kind, geom) VALUES ($1::text, $1::text, $1::text, 'street', ST_Multi(ST_MakeEnvelope($2::float8, 30.5, $2::float8 + 0.01, 30.51, 4326)))`,
        [id, w],
      );
    }
    // 20 m squares: a, b in m1 (≈ 96 m apart), c in m2 with its own 7 households
    for (const [id, sd, lon, hh] of [
      ['ma', 'm1', 117.103, 0],
      ['mb', 'm1', 117.104, 3],
      ['mc', 'm2', 117.203, 7],
    ] as const) {
      await db.query(
        `INSERT INTO buildings (id, subdistrict_id, households, geom) VALUES ($1, $2, $3, ST_MakeEnvelope($4::float8 - 0.0001, 30.5049, $4::float8 + 0.0001, 30.5051, 4326))`,
        [id, sd, hh, lon],
      );
    }
    // by address → ma; in ma; 10 m east of mb; far from both
    for (const [hh, lon, bid] of [
      [4, 117.103, 'ma'],
      [5, 117.10305, null],
      [6, 117.1041 + 10 / 96000, null],
      [8, 117.108, null],
    ] as const) {
      await db.query(
        `INSERT INTO household_register (import_id, row_ref, households, building_id, subdistrict_id, located_by, geom)
         VALUES ('old', 'x', $1, $2, 'm1', $3, ST_SetSRID(ST_MakePoint($4, 30.505), 4326))`,
        [hh, bid, bid ? 'address' : 'coordinates', lon],
      );
    }
    expect(await migrate(db)).toEqual(['121_building_register_households.sql']);
    const r = await db.query<{ id: string; households: number; register_households: number | null }>(
      "SELECT id, households, register_households FROM buildings WHERE id IN ('ma', 'mb', 'mc') ORDER BY id",
    );
    expect(r.rows).toEqual([
      { id: 'ma', households: 0, register_households: 9 },
      { id: 'mb', households: 3, register_households: 6 },
      { id: 'mc', households: 7, register_households: null },
    ]);
  });

  it('transforms to the metric CRS EPSG:4548', async () => {
    const r = await db.query<{ a: number }>('SELECT ST_Area(ST_Transform(ST_MakeEnvelope(117,30.5,117.01,30.51,4326), 4548)) AS a');
    // 0.01 deg x 0.01 deg at 30.5 N is about 959 m x 1109 m
    expect(r.rows[0].a).toBeGreaterThan(1.0e6);
    expect(r.rows[0].a).toBeLessThan(1.1e6);
  });
});
