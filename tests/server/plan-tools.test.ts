import type { FastifyInstance } from 'fastify';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import type { Db } from '../../server/db';
import { createPlan } from '../../server/plans/store';
import { BACKENDS, openTestDb } from '../helpers/backends';

/**
 * A 6 x 4 lattice of 100 m units (50 households each, 1 party household, 2 buildings) in one
 * sub-district / community, with a local street along the vertical middle line (between columns
 * 2 and 3), so a good split of the whole lattice cuts along it.
 */
const SD = '340802901';
const CM = '340802901001';
const G1 = `${CM}001`;
const G2 = `${CM}002`;
const G3 = `${CM}003`;
const COLS = 6;
const ROWS = 4;
const uid = (c: number, r: number) => `c${c}r${r}`;
const ALL = Array.from({ length: COLS * ROWS }, (_, k) => uid(k % COLS, Math.floor(k / COLS)));

async function insertLattice(db: Db): Promise<void> {
  const lon0 = 117.05;
  const lat0 = 30.52;
  const dx = 100 / (111320 * Math.cos((lat0 * Math.PI) / 180));
  const dy = 100 / 110574;
  await db.query(
    `INSERT INTO subdistricts (id, code, name, kind, synthetic, geom) VALUES ($1, '901', '测试街道', 'street', true, ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326)))`,
    [SD, lon0, lat0 - ROWS * dy, lon0 + COLS * dx, lat0],
  );
  await db.query(
    `INSERT INTO communities (id, subdistrict_id, code, name, synthetic, geom) SELECT $1, id, '001', '测试社区', true, geom FROM subdistricts WHERE id = $2`,
    [CM, SD],
  );
  await db.query(
    `INSERT INTO streets (id, name, class, synthetic, geom) VALUES ('s-mid', '中路', 'local', true, ST_SetSRID(ST_MakeLine(ST_MakePoint($1, $2), ST_MakePoint($1, $3)), 4326))`,
    [lon0 + 3 * dx, lat0 + dy, lat0 - (ROWS + 1) * dy],
  );
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      await db.query(
        `INSERT INTO units (id, subdistrict_id, community_id, households, buildings, party_households, synthetic, geom)
         VALUES ($1, $2, $3, 50, 2, 1, true, ST_Multi(ST_MakeEnvelope($4, $5, $6, $7, 4326)))`,
        [uid(c, r), SD, CM, lon0 + c * dx, lat0 - (r + 1) * dy, lon0 + (c + 1) * dx, lat0 - r * dy],
      );
    }
  }
}

describe.each(BACKENDS)('plan tools API on %s', (backend) => {
  let app: FastifyInstance;
  let db: Db;
  let p1: number;
  let version = 1;
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
  const get = (url: string) => app.inject({ method: 'GET', url });
  const gridsOf = async (id: number) =>
    (await get(`/api/plans/${id}/grids`)).json().features.map((f: { properties: Record<string, unknown> }) => f.properties) as Array<{
      code: string;
      households: number;
      contiguous: boolean;
    }>;

  beforeAll(async () => {
    db = await openTestDb(backend);
    await insertLattice(db);
    p1 = await createPlan(db, {
      name: '整体',
      author: 't',
      subdistricts: [SD],
      params: { min: 250, max: 700 },
      assignment: Object.fromEntries(ALL.map((u) => [u, G1])),
    });
    app = await buildApp({ db });
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('splits a grid along the street into two balanced contiguous halves, and refuses a stale split with 409', async () => {
    const res = await post(`/api/plans/${p1}/split`, { baseVersion: 1, code: G1 });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.codes).toEqual([G1, G2]);
    expect(body.households).toEqual([600, 600]);
    expect(body.street_share).toBe(1);
    expect(body.changes).toHaveLength(12);
    // the moved half is exactly one side of the street
    const cols = new Set(body.changes.map((c: { unit: string }) => Number(c.unit[1]) < 3));
    expect(cols.size).toBe(1);
    version = body.version;
    const grids = await gridsOf(p1);
    expect(grids.map((g) => [g.code, g.households, g.contiguous])).toEqual([
      [G1, 600, true],
      [G2, 600, true],
    ]);
    const stale = await post(`/api/plans/${p1}/split`, { baseVersion: 1, code: G1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().changedSince).toHaveLength(12);
  });

  it('merges neighbours, undoes the merge, and refuses bad merges with a message', async () => {
    const bad = await post(`/api/plans/${p1}/merge`, { baseVersion: version, codes: [G1, G1] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/不同/);
    const res = await post(`/api/plans/${p1}/merge`, { baseVersion: version, codes: [G1, G2] });
    expect(res.statusCode, res.body).toBe(200);
    version = res.json().version;
    expect((await gridsOf(p1)).map((g) => g.households)).toEqual([1200]);
    const undo = await post(`/api/plans/${p1}/undo`, { baseVersion: version });
    expect(undo.statusCode).toBe(200);
    version = undo.json().version;
    expect((await gridsOf(p1)).map((g) => g.households)).toEqual([600, 600]);
  });

  it('creates a new grid with the next free code', async () => {
    const g1Units = (await get(`/api/plans/${p1}/assignment`)).json().assignment as Record<string, string>;
    const two = Object.keys(g1Units)
      .filter((u) => g1Units[u] === G1)
      .sort()
      .slice(0, 2);
    const res = await post(`/api/plans/${p1}/new-grid`, { baseVersion: version, units: two });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().codes).toEqual([G3]);
    version = res.json().version;
    const grids = await gridsOf(p1);
    expect(grids.find((g) => g.code === G3)?.households).toBe(100);
  });

  it('suggests a fix for an under-band grid that keeps every grid contiguous and in band', async () => {
    const res = await get(`/api/plans/${p1}/suggest-fix?code=${G3}`);
    expect(res.statusCode, res.body).toBe(200);
    const fix = res.json();
    expect(fix.fixed).toBe(true);
    expect(fix.moves.length).toBe(3); // 100 → 250 needs three 50-household units: no fewer can do
    expect(fix.moves.every((m: { to: string }) => m.to === G3)).toBe(true);
    const apply = await post(`/api/plans/${p1}/edits`, {
      baseVersion: version,
      moves: fix.moves.map((m: { unit: string; to: string }) => ({ unit: m.unit, to: m.to })),
    });
    expect(apply.statusCode).toBe(200);
    version = apply.json().version;
    const grids = await gridsOf(p1);
    for (const g of grids) {
      expect(g.contiguous, g.code).toBe(true);
      expect(g.households, g.code).toBeGreaterThanOrEqual(250);
      expect(g.households, g.code).toBeLessThanOrEqual(700);
    }
    const ok = await get(`/api/plans/${p1}/suggest-fix?code=${G3}`);
    expect(ok.json()).toMatchObject({ moves: [], fixed: true });
  });

  it('proposes a rebalance of selected grids that conserves households (not applied)', async () => {
    const before = await gridsOf(p1);
    const res = await post(`/api/plans/${p1}/rebalance`, { codes: [G1, G3] });
    expect(res.statusCode, res.body).toBe(200);
    const prop = res.json();
    const sumBefore = before.filter((g) => g.code === G1 || g.code === G3).reduce((s, g) => s + g.households, 0);
    const touched = prop.grids as Array<{ code: string; before: number; after: number }>;
    if (prop.moves.length) expect(touched.reduce((s, g) => s + g.after - g.before, 0)).toBe(0);
    expect(prop.moves.every((m: { from: string }) => m.from === G1 || m.from === G3)).toBe(true);
    expect(sumBefore).toBe(before.filter((g) => g.code !== G2).reduce((s, g) => s + g.households, 0));
    expect((await get(`/api/plans/${p1}`)).json().version).toBe(version);
  });

  it('diffs two versions of a plan: units, households, grids added and the changed area', async () => {
    const res = await get(`/api/plans/${p1}/diff?against=${p1}&againstVersion=1`);
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.from).toEqual({ plan: p1, version: 1 });
    expect(d.to).toEqual({ plan: p1, version });
    const asg = (await get(`/api/plans/${p1}/assignment`)).json().assignment as Record<string, string>;
    const moved = ALL.filter((u) => asg[u] !== G1);
    expect(d.units_moved).toBe(moved.length);
    expect(d.households_moved).toBe(moved.length * 50);
    expect(d.grids_added.map((g: { code: string }) => g.code).sort()).toEqual([G2, G3]);
    expect(d.grids_changed.map((g: { code: string }) => g.code)).toEqual([G1]);
    expect(d.geojson.features.length).toBe(2);
    const self = (await get(`/api/plans/${p1}/diff?against=${p1}`)).json();
    expect(self.units_moved).toBe(0);
    const bad = await get(`/api/plans/${p1}/diff?against=${p1}&againstVersion=999`);
    expect(bad.statusCode).toBe(422);
  });

  it('exports GeoJSON, CSV and a Shapefile zip with .prj and UTF-8 .cpg', async () => {
    await post(`/api/plans/${p1}/staff/seed`, {});
    const gj = await get(`/api/plans/${p1}/export?format=geojson`);
    expect(gj.statusCode).toBe(200);
    const fc = gj.json();
    expect(fc.features).toHaveLength(3);
    expect(fc.features[0].properties).toMatchObject({ code: G1, staff: 4 });
    expect(fc.features[0].properties.leader).toMatch(/^示例/);
    const csv = await get(`/api/plans/${p1}/export?format=csv`);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('unit_id,grid_code');
    expect(lines).toHaveLength(ALL.length + 1);
    const shp = await get(`/api/plans/${p1}/export?format=shp`);
    expect(shp.headers['content-type']).toMatch(/zip/);
    const files = unzipSync(new Uint8Array(shp.rawPayload));
    const names = Object.keys(files).sort();
    expect(names.map((n) => n.slice(n.lastIndexOf('.')))).toEqual(['.cpg', '.dbf', '.prj', '.shp', '.shx']);
    const get1 = (ext: string) => files[names.find((n) => n.endsWith(ext))!];
    expect(strFromU8(get1('.cpg'))).toBe('UTF-8');
    expect(strFromU8(get1('.prj'))).toMatch(/WGS_1984/);
    const shpView = new DataView(get1('.shp').buffer, get1('.shp').byteOffset);
    expect(shpView.getInt32(0, false)).toBe(9994);
    expect(shpView.getInt32(24, false) * 2).toBe(get1('.shp').length);
    expect(shpView.getInt32(32, true)).toBe(5);
    const dbf = get1('.dbf');
    expect(new DataView(dbf.buffer, dbf.byteOffset).getUint32(4, true)).toBe(3);
    expect(new TextDecoder().decode(dbf)).toContain('示例');
    expect(get1('.shx').length).toBe(100 + 8 * 3);
  });

  it('imports an assignment CSV and a grid GeoJSON as new drafts that reproduce the plan', async () => {
    const csv = (await get(`/api/plans/${p1}/export?format=csv`)).body;
    const a = await post('/api/plans/import', { name: '导入 CSV', format: 'csv', content: csv });
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toMatchObject({ units: 24, assigned: 24, grids: 3, subdistricts: [SD] });
    const gj = (await get(`/api/plans/${p1}/export?format=geojson`)).body;
    const b = await post('/api/plans/import', { name: '导入 GeoJSON', format: 'geojson', content: gj });
    expect(b.statusCode, b.body).toBe(200);
    const orig = (await get(`/api/plans/${p1}/assignment`)).json().assignment;
    for (const id of [a.json().id, b.json().id]) {
      expect((await get(`/api/plans/${id}/assignment`)).json().assignment).toEqual(orig);
      expect((await get(`/api/plans/${id}`)).json().status).toBe('draft');
    }
  });

  it('refuses bad import files with a message naming the line or feature, and changes nothing', async () => {
    const count = async () => (await get('/api/plans')).json().length;
    const n0 = await count();
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'x', format: 'csv', content: `unit_id,grid_code\nc0r0,${G1}\nnope,${G1}\n` }, /第 3 行.*nope.*不存在/],
      [{ name: 'x', format: 'csv', content: `unit_id,grid_code\nc0r0,12345\n` }, /第 2 行.*15 位/],
      [{ name: 'x', format: 'csv', content: `unit_id,grid_code\nc0r0,${G1}\nc0r0,${G2}\n` }, /第 3 行.*重复/],
      [{ name: 'x', format: 'csv', content: `foo,bar\n1,2\n` }, /第 1 行.*表头/],
      [{ name: 'x', format: 'csv', content: `unit_id,grid_code\nc0r0,340802902001001\n` }, /第 2 行.*跨街道/],
      [{ name: 'x', format: 'geojson', content: '{"type":"FeatureCollection","features":[' }, /JSON/],
      [
        {
          name: 'x',
          format: 'geojson',
          content: JSON.stringify({
            type: 'FeatureCollection',
            features: [
              {
                type: 'Feature',
                properties: { code: G1 },
                geometry: {
                  type: 'Polygon',
                  coordinates: [
                    [
                      [117.05, 30.52],
                      [117.051, 30.52],
                      [117.051, 30.519],
                      [117.05, 30.52],
                    ],
                  ],
                },
              },
              { type: 'Feature', properties: {}, geometry: null },
            ],
          }),
        },
        /第 2 个要素/,
      ],
      [
        {
          name: 'x',
          format: 'geojson',
          content: JSON.stringify({
            type: 'FeatureCollection',
            features: [{ type: 'Feature', properties: { code: G1 }, geometry: { type: 'Point', coordinates: [117.05, 30.52] } }],
          }),
        },
        /第 1 个要素.*Polygon/,
      ],
      [
        {
          name: 'x',
          format: 'geojson',
          content: JSON.stringify({
            type: 'FeatureCollection',
            features: [
              {
                type: 'Feature',
                properties: { code: G1 },
                geometry: {
                  type: 'Polygon',
                  coordinates: [
                    [
                      [100, 10],
                      [100.1, 10],
                      [100.1, 10.1],
                      [100, 10],
                    ],
                  ],
                },
              },
            ],
          }),
        },
        /不重叠/,
      ],
    ];
    for (const [payload, re] of cases) {
      const res = await post('/api/plans/import', payload);
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.json().message).toMatch(re);
    }
    expect(await count()).toBe(n0);
  });

  it('keeps the "1+3" roster: seeded synthetic staff, violations, CSV import with line errors', async () => {
    const s = (await get(`/api/plans/${p1}/staff`)).json();
    expect(s.grids).toHaveLength(3);
    expect(s.staff.every((x: { synthetic: boolean; name: string }) => x.synthetic && x.name.startsWith('示例'))).toBe(true);
    expect(s.violations).toEqual([]);
    const bad = await post(`/api/plans/${p1}/staff/import`, { content: `name,role,phone,grid_code\n张三,leader,13800000000,${G1}\n李四,boss,,${G1}\n` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/第 3 行.*角色/);
    const unknownGrid = await post(`/api/plans/${p1}/staff/import`, { content: `name,role,phone,grid_code\n张三,leader,,340802901001099\n` });
    expect(unknownGrid.json().message).toMatch(/第 2 行.*不在方案/);
    expect((await get(`/api/plans/${p1}/staff`)).json().violations).toEqual([]);
    const ok = await post(`/api/plans/${p1}/staff/import`, { content: `姓名,角色,电话,网格编码\n张三,网格长,13800000000,${G2}\n李四,网格员,,${G2}\n` });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ imported: 2, grids: 1 });
    const after = (await get(`/api/plans/${p1}/staff`)).json();
    expect(after.violations).toEqual([{ code: G2, leaders: 1, members: 1, ok: false, problem: expect.stringMatching(/少 2 名/) }]);
  });

  it('reports the impact of a draft against the published plan: households, grids and staff', async () => {
    const pub = await post(`/api/plans/${p1}/publish`, { baseVersion: version });
    expect(pub.statusCode, pub.body).toBe(200);
    const none = (await get(`/api/plans/${p1}/impact`)).json();
    expect(none.units_moved).toBe(0);
    const copy = await post(`/api/plans/${p1}/copy`, {});
    expect(copy.statusCode).toBe(200);
    const draft = copy.json().id;
    const asg = (await get(`/api/plans/${draft}/assignment`)).json();
    const g3unit = Object.keys(asg.assignment).find((u) => asg.assignment[u] === G3)!;
    // a joint-defense group with one shop in the moved unit and one in a unit that stays in G2
    const g2unit = Object.keys(asg.assignment).find((u) => asg.assignment[u] === G2)!;
    for (const [shop, unit] of [
      ['imp-s1', g3unit],
      ['imp-s2', g2unit],
    ]) {
      await db.query(
        `INSERT INTO shops (id, name, subdistrict_id, synthetic, geom) SELECT $1, $1, $2, true, ST_PointOnSurface(geom) FROM units WHERE id = $3`,
        [shop, SD, unit],
      );
    }
    await db.query(`INSERT INTO defense_groups (id, subdistrict_id, name, leader_shop_id) VALUES ('imp-g1', $1, '测试联防组', 'imp-s1')`, [SD]);
    await db.query(`INSERT INTO defense_members (shop_id, group_id) VALUES ('imp-s1', 'imp-g1'), ('imp-s2', 'imp-g1')`);
    const e = await post(`/api/plans/${draft}/edits`, { baseVersion: asg.version, moves: [{ unit: g3unit, to: G2 }] });
    expect(e.statusCode).toBe(200);
    const imp = (await get(`/api/plans/${draft}/impact`)).json();
    expect(imp.published).toEqual([p1]);
    expect(imp).toMatchObject({ units_moved: 1, households_moved: 50, grids_added: [], grids_removed: [] });
    expect(imp.flows).toEqual([{ from: G3, to: G2, units: 1, households: 50 }]);
    expect(imp.grids_changed.map((g: { code: string }) => g.code)).toEqual([G2, G3]);
    expect(new Set(imp.staff.map((s: { grid_code: string }) => s.grid_code))).toEqual(new Set([G2, G3]));
    expect(imp.groups).toEqual([{ group_id: 'imp-g1', name: '测试联防组', from: [G2, G3], to: [G2] }]);
  });

  it('serves the unit table with adjacency for live statistics', async () => {
    const res = await get(`/api/plans/${p1}/units`);
    expect(res.statusCode).toBe(200);
    const t = res.json();
    expect(t.ids).toHaveLength(24);
    expect(t.households.reduce((s: number, h: number) => s + h, 0)).toBe(1200);
    expect(t.offsets).toHaveLength(25);
    // rook adjacency of a 6x4 lattice: 2*(5*4 + 6*3) = 76 directed edges
    expect(t.targets).toHaveLength(76);
    expect(t.grid.filter((g: string | null) => g !== null)).toHaveLength(24);
    expect(t.party.reduce((s: number, h: number) => s + h, 0)).toBe(24);
    expect(t.plaqued).toHaveLength(24);
  });
});
