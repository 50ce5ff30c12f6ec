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

  it('transforms to the metric CRS EPSG:4548', async () => {
    const r = await db.query<{ a: number }>('SELECT ST_Area(ST_Transform(ST_MakeEnvelope(117,30.5,117.01,30.51,4326), 4548)) AS a');
    // 0.01 deg x 0.01 deg at 30.5 N is about 959 m x 1109 m
    expect(r.rows[0].a).toBeGreaterThan(1.0e6);
    expect(r.rows[0].a).toBeLessThan(1.1e6);
  });
});
