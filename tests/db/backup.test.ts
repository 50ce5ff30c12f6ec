import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../server/audit/log';
import { backupDb, BackupFormatError, listTables, restoreDb } from '../../server/audit/backup';
import { createUser } from '../../server/auth/users';
import { linkRegisterToBuildings } from '../../server/import/register-link';
import type { Db } from '../../server/db';
import { createPlan } from '../../server/plans/store';
import { TEST_COST } from '../helpers/auth';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertMiniDistrict } from '../helpers/mini-district';

const A = '340802901001001';
const B = '340802901001002';

/** Row count and a hash of every row's text form (geometry as hex EWKB), per table, in UTC. */
async function fingerprint(db: Db): Promise<Record<string, string>> {
  return db.transaction(async (tx) => {
    await tx.query("SET LOCAL TimeZone = 'UTC'");
    const out: Record<string, string> = {};
    for (const t of await listTables(tx)) {
      const r = await tx.query<{ n: number; h: string }>(
        `SELECT count(*)::int AS n, md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS h FROM "${t.name}" t`,
      );
      out[t.name] = `${r.rows[0].n}:${r.rows[0].h}`;
    }
    return out;
  });
}

async function populate(db: Db): Promise<void> {
  await insertMiniDistrict(db);
  await createPlan(db, {
    name: '草稿 "引号" \\ 反斜杠',
    author: 't',
    subdistricts: ['340802901'],
    params: { min: 300, max: 1300, nested: { a: [1, 2.5, null] } },
    assignment: { u1: A, u2: A, u4: A, u5: A, u3: B, u6: null as unknown as string },
  });
  await createUser(
    db,
    { username: 'b_admin', password: 'backup-admin-pass', role: 'admin', subdistricts: ['340802'], displayName: '管理员\n第二行' },
    TEST_COST,
  );
  await db.query(
    `INSERT INTO buildings (id, subdistrict_id, households, height_m, geom) VALUES ('b1', '340802901', 12, 17.3, ST_GeomFromText('POLYGON((117.05 30.52,117.0501 30.52,117.0501 30.5201,117.05 30.5201,117.05 30.52))', 4326))`,
  );
  await db.query(
    `INSERT INTO households (id, building_id, head_name, phone, party_member, credit_rating, geom) VALUES
       ('h1', 'b1', '张三', '13800000000', true, '2A', ST_SetSRID(ST_MakePoint(117.050012345678, 30.520098765432), 4326)),
       ('h2', 'b1', NULL, NULL, false, NULL, ST_SetSRID(ST_MakePoint(117.05005, 30.52005), 4326))`,
  );
  await db.query(
    `INSERT INTO incidents (id, type, occurred_at, subdistrict_id, geom) VALUES ('i1', 'dispute', '2023-05-01T08:30:00.123456+08:00', '340802901', ST_SetSRID(ST_MakePoint(117.0501, 30.5201), 4326))`,
  );
  await db.query(
    `INSERT INTO cases (id, title, incident_id, status, reported_at, updated_at, geom) VALUES ('c1', '占道', 'i1', 'reported', now(), now(), ST_SetSRID(ST_MakePoint(117.0501, 30.5201), 4326))`,
  );
  await db.query(`INSERT INTO case_events (case_id, status, at, actor) VALUES ('c1', 'reported', now(), 'gm'), ('c1', 'dispatched', now(), 'sd')`);
  await db.transaction((tx) => audit(tx, { actor: 'system', action: 'test.write', entity: 'plan', entityId: 1, before: { v: 1 }, after: 'plain string' }));
}

describe('backup and restore', () => {
  const dbs = new Map<string, Db>();
  const original = new Map<string, Record<string, string>>();
  const dir = mkdtempSync(join(tmpdir(), 'wangge-backup-'));
  beforeAll(async () => {
    for (const kind of BACKENDS) {
      const db = await openTestDb(kind);
      await populate(db);
      dbs.set(kind, db);
      original.set(kind, await fingerprint(db));
    }
  });
  afterAll(async () => {
    for (const db of dbs.values()) await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(BACKENDS)('on %s', (kind) => {
    it('round-trips every table exactly (geometry, jsonb, arrays, NULLs, text with quotes and newlines) and restarts sequences', async () => {
      const db = dbs.get(kind)!;
      const file = join(dir, `${kind}.jsonl.gz`);
      const b = await backupDb(db, file);
      expect(b.counts).toMatchObject({ subdistricts: 1, units: 6, households: 2, users: 1, case_events: 2, plans: 1 });
      expect(b.counts).not.toHaveProperty('sessions');
      const text = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
      const order = text.filter((l) => l.startsWith('{"$table"')).map((l) => JSON.parse(l).$table as string);
      expect(order.indexOf('subdistricts')).toBeLessThan(order.indexOf('units'));
      expect(order.indexOf('units')).toBeLessThan(order.indexOf('plan_assignments'));
      expect(order.indexOf('cases')).toBeLessThan(order.indexOf('case_events'));
      const h1 = text.find((l) => l.includes('"h1"'))!;
      expect(JSON.parse(h1).geom).toMatch(/^0101000020E6100000[0-9a-f]{32}$/i); // EWKB point with SRID 4326

      // change things, then restore: the backup's state comes back exactly
      await db.query('DELETE FROM plans');
      await db.query("UPDATE users SET role = 'leader'");
      await db.query("INSERT INTO audit_log (actor, action) VALUES ('x', 'later')");
      expect(await fingerprint(db)).not.toEqual(original.get(kind));
      const r = await restoreDb(db, file);
      expect(r.rows).toBe(b.rows);
      expect(await fingerprint(db)).toEqual(original.get(kind));
      console.log(`backup round trip on ${kind}: ${b.rows} rows in ${b.tables} tables, backup ${b.ms} ms, restore ${r.ms} ms, ${statSync(file).size} bytes gz`);

      const maxPlan = Number((await db.query<{ m: number }>('SELECT max(id)::int AS m FROM plans')).rows[0].m);
      const next = await db.query<{ id: number }>("INSERT INTO plans (name, subdistricts) VALUES ('new', '{}') RETURNING id");
      expect(Number(next.rows[0].id)).toBe(maxPlan + 1);
      await db.query('DELETE FROM plans WHERE id = $1', [next.rows[0].id]);
    });

    it('a backup from before migration 121 (no buildings.register_households): the restore sets it from the restored register', async () => {
      const db = dbs.get(kind)!;
      await db.query(
        `INSERT INTO household_register (import_id, row_ref, households, building_id, subdistrict_id, located_by, geom)
         VALUES ('r', 'line 2', 5, 'b1', '340802901', 'address', ST_SetSRID(ST_MakePoint(117.05005, 30.52005), 4326))`,
      );
      await db.transaction((tx) => linkRegisterToBuildings(tx, ['340802901']));
      const file = join(dir, `${kind}-old.jsonl`);
      await backupDb(db, file);
      // the file as a backup before 121 wrote it: no such column
      const old = readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => {
          if (!l.startsWith('{"$table":"buildings"')) return l;
          const m = JSON.parse(l) as { columns: Array<{ name: string }> };
          return JSON.stringify({ ...m, columns: m.columns.filter((c) => c.name !== 'register_households') });
        });
      writeFileSync(file, old.join('\n'));
      await db.query('UPDATE buildings SET register_households = NULL');
      await restoreDb(db, file);
      const b1 = await db.query<{ hh: number | null }>("SELECT register_households AS hh FROM buildings WHERE id = 'b1'");
      expect(b1.rows[0].hh).toBe(5);
      await db.query('DELETE FROM household_register');
      await db.query('UPDATE buildings SET register_households = NULL');
    });

    it('changes nothing when the file is truncated or not a backup', async () => {
      const db = dbs.get(kind)!;
      const good = gunzipSync(readFileSync(join(dir, `${kind}.jsonl.gz`)))
        .toString('utf8')
        .trim()
        .split('\n');
      const cut = join(dir, `${kind}-cut.jsonl`);
      writeFileSync(cut, `${good.slice(0, -3).join('\n')}\n`);
      await db.query("INSERT INTO audit_log (actor, action) VALUES ('x', 'marker')");
      const before = await fingerprint(db);
      await expect(restoreDb(db, cut)).rejects.toBeInstanceOf(BackupFormatError);
      expect(await fingerprint(db)).toEqual(before); // rolled back, marker still there
      const junk = join(dir, 'junk.jsonl');
      writeFileSync(junk, '{"hello":1}\n');
      await expect(restoreDb(db, junk)).rejects.toThrow(/not a Wangge backup/);
      await db.query("DELETE FROM audit_log WHERE action = 'marker'");
    });
  });

  it.runIf(BACKENDS.length === 2)('restores a backup of one backend into the other (one format for both)', async () => {
    const pgl = dbs.get('pglite')!;
    const pg = dbs.get('postgres')!;
    const file = join(dir, 'cross.jsonl');
    await backupDb(pgl, file);
    await restoreDb(pg, file);
    expect(await fingerprint(pg)).toEqual(await fingerprint(pgl));
    const back = join(dir, 'cross-back.jsonl');
    await backupDb(pg, back);
    await pgl.query('DELETE FROM households');
    await restoreDb(pgl, back);
    expect(await fingerprint(pgl)).toEqual(await fingerprint(pg));
  });
});
