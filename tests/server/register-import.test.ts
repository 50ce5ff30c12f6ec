/**
 * The household register import through HTTP, on both backends: a GCJ-02 register lands within
 * 1 m of its WGS84 truth in the right sub-district; buildings carry their number, compound and
 * households; an address-only XLSX register is matched to them (unmatched rows rejected and listed
 * with their sheet row); re-importing replaces the register of the same sub-districts (the dry
 * run says so); a scoped planner's file reaching outside their sub-districts writes nothing;
 * oversize and garbage XLSX answer 4xx; the preview route detects columns and takes overrides.
 *
 * District: three 200 m × 100 m sub-districts side by side (001 | 002 | 003).
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { createUser } from '../../server/auth/users';
import { fromWgs84 } from '../../server/import/datum';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, TEST_COST, type TestLogin } from '../helpers/auth';

const S = ['340802001', '340802002', '340802003'];
const LON0 = 117.05;
const LAT0 = 30.52;
const DX = 100 / (111320 * Math.cos((LAT0 * Math.PI) / 180));
const DY = 100 / 110574;
/** a point at (i, j) hundred-metre steps east / south of the district's north-west corner */
const at = (i: number, j: number): [number, number] => [LON0 + i * DX, LAT0 - j * DY];
const metres = (a: [number, number], b: [number, number]) => Math.hypot((a[0] - b[0]) * 111320 * Math.cos((LAT0 * Math.PI) / 180), (a[1] - b[1]) * 110574);

const square = (c: [number, number], r = 10 / 111320) => [
  [
    [c[0] - r, c[1] - r],
    [c[0] + r, c[1] - r],
    [c[0] + r, c[1] + r],
    [c[0] - r, c[1] + r],
    [c[0] - r, c[1] - r],
  ],
];

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('住户');
  ws.addRow(['幸福社区住户登记']);
  ws.mergeCells('A1:D1');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(BACKENDS)('household register import on %s', (backend) => {
  let app: FastifyInstance;
  let admin: TestLogin;
  let planner: TestLogin; // 001 + 002

  beforeAll(async () => {
    const db = await openTestDb(backend);
    for (let k = 0; k < 3; k++) {
      const [x0] = at(2 * k, 0);
      await db.query(
        `INSERT INTO subdistricts (id, code, name, kind, synthetic, geom) VALUES ($1, $2, $3, 'street', true, ST_Multi(ST_MakeEnvelope($4, $5, $6, $7, 4326)))`,
        [S[k], S[k].slice(6), `街道${k + 1}`, x0, LAT0 - DY, x0 + 2 * DX, LAT0],
      );
    }
    const mk = async (username: string, role: 'planner' | 'admin', subdistricts: string[]) =>
      sessionFor(db, (await createUser(db, { username, password: 'register-test-pass-x1', role, subdistricts, grids: [] }, TEST_COST)).id);
    admin = await mk('reg_admin', 'admin', ['340802']);
    planner = await mk('reg_p12', 'planner', [S[0], S[1]]);
    app = await buildApp({ db, auth: { enforce: true } });
  }, 120_000);
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const upload = (who: TestLogin, query: string, body: Buffer | string, path = '/api/import') =>
    app.inject({ method: 'POST', url: `${path}?${query}`, headers: { ...who.headers, 'content-type': 'application/octet-stream' }, payload: body });
  const registerRows = async () =>
    (
      await app.db.query<{
        row_ref: string;
        sd: string;
        hh: number;
        party: number;
        x: number;
        y: number;
        by: string;
        building_id: string | null;
        import_id: string;
      }>(
        `SELECT row_ref, subdistrict_id AS sd, households AS hh, party_households AS party, ST_X(geom) AS x, ST_Y(geom) AS y,
                located_by AS by, building_id, import_id FROM household_register ORDER BY subdistrict_id, id`,
      )
    ).rows;

  it('a GCJ-02 register with coordinates lands within 1 m of the WGS84 truth, in its sub-district', async () => {
    const truth = [at(0.5, 0.5), at(1.5, 0.3), at(2.5, 0.5), at(9, 0.5)]; // 001, 001, 002, outside every sub-district
    const lines = truth.map((p, i) => {
      const [x, y] = fromWgs84(p, 'gcj02');
      return `B${i + 1},幸福小区,${x.toFixed(8)},${y.toFixed(8)},${10 + i},${i}`;
    });
    const csv = `\uFEFF楼栋编号,小区,经度,纬度,户数,党员户数\r\n${lines.join('\r\n')}\r\n`;
    const res = await upload(admin, 'name=register-gcj.csv&datum=gcj02&wait=true', csv);
    expect(res.statusCode).toBe(200);
    const rep = res.json();
    expect(rep.layers.register).toMatchObject({ read: 4, imported: 3, rejected: 1 });
    expect(rep.columns).toMatchObject({ lon: '经度', lat: '纬度', households: '户数', party: '党员户数', building: '楼栋编号', compound: '小区' });
    expect(rep.rejections).toEqual([{ feature: 'line 5', problem: expect.stringMatching(/不在任何街道内/) }]);
    const rows = await registerRows();
    expect(rows.map((r) => [r.row_ref, r.sd, r.hh, r.party, r.by])).toEqual([
      ['line 2', S[0], 10, 0, 'coordinates'],
      ['line 3', S[0], 11, 1, 'coordinates'],
      ['line 4', S[1], 12, 2, 'coordinates'],
    ]);
    for (const [k, r] of rows.entries()) expect(metres([Number(r.x), Number(r.y)], truth[k])).toBeLessThan(1);
  });

  it('buildings keep number, compound and households; an address-only XLSX register is matched to them, the rest rejected and listed', async () => {
    const fcoll = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { 楼栋号: '3栋', 小区: '和平小区', 户数: 24, 层数: 6 },
          geometry: { type: 'Polygon', coordinates: square(at(0.3, 0.7)) },
        },
        { type: 'Feature', properties: { 楼栋号: '05', 小区: '和平小区', 户数: 18 }, geometry: { type: 'Polygon', coordinates: square(at(0.7, 0.7)) } },
        { type: 'Feature', properties: { 楼栋号: '3', 小区: '康乐苑' }, geometry: { type: 'Polygon', coordinates: square(at(1.5, 0.7)) } },
      ],
    };
    const b = await upload(admin, 'name=buildings-hp.geojson&layer=buildings&wait=true', JSON.stringify(fcoll));
    expect(b.statusCode).toBe(200);
    const stored = (
      await app.db.query<{ label: string; compound_name: string; households: number; floors: number }>(
        "SELECT label, compound_name, households, floors FROM buildings WHERE id LIKE 'buildings-hp.geojson:%' ORDER BY label",
      )
    ).rows;
    expect(stored).toEqual([
      { label: '05', compound_name: '和平小区', households: 18, floors: 1 },
      { label: '3', compound_name: '康乐苑', households: 0, floors: 1 },
      { label: '3栋', compound_name: '和平小区', households: 24, floors: 6 },
    ]);

    // one row per household (no 户数 column): rows 3-6 match, 7 is another compound's 4, 8 has no number
    const book = await xlsx([
      ['小区', '楼栋', '地址', '姓名'],
      ['和平', '３号楼', '', '甲'],
      ['和平小区', '5幢', '', '乙'],
      ['', '', '人民路康乐苑3栋2单元', '丙'],
      ['和平小区', '03', '', '丁'],
      ['和平小区', '4栋', '', '戊'],
      ['康乐苑', '', '', '己'],
    ]);
    const check = await upload(admin, 'name=address-register.xlsx&layer=register&dryRun=true&wait=true', book);
    expect(check.statusCode).toBe(200);
    expect(check.json()).toMatchObject({ format: 'xlsx', sheet: '住户', dryRun: true, imported: 4, rejected: 2 });
    expect(check.json().warnings.join()).toMatch(/导入后将替换街道 340802001 原有的 2 条住户登记/);
    expect((await registerRows()).length).toBe(3); // the dry run wrote nothing

    const res = await upload(admin, 'name=address-register.xlsx&layer=register&wait=true', book);
    expect(res.statusCode).toBe(200);
    const rep = res.json();
    expect(rep.layers.register).toMatchObject({ read: 6, imported: 4, matched: 4, rejected: 2, replaced: 2, replacedSubdistricts: [S[0]] });
    expect(rep.rejections.map((p: { feature: string }) => p.feature)).toEqual(['row 7', 'row 8']);
    expect(rep.rejections[0].problem).toMatch(/未匹配/);
    expect(rep.rejections[1].problem).toMatch(/没有楼栋号/);
    const rows = await registerRows();
    // 001's coordinate rows were replaced; 002's row stays
    expect(rows.map((r) => [r.sd, r.row_ref, r.by])).toEqual([
      [S[0], 'row 3', 'address'],
      [S[0], 'row 4', 'address'],
      [S[0], 'row 5', 'address'],
      [S[0], 'row 6', 'address'],
      [S[1], 'line 4', 'coordinates'],
    ]);
    const ids = (
      await app.db.query<{ id: string; label: string; x: number; y: number }>(
        "SELECT id, label, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM buildings WHERE id LIKE 'buildings-hp.geojson:%'",
      )
    ).rows;
    const byLabel = Object.fromEntries(ids.map((r) => [r.label, r]));
    expect(rows.slice(0, 4).map((r) => r.building_id)).toEqual([byLabel['3栋'].id, byLabel['05'].id, byLabel['3'].id, byLabel['3栋'].id]);
    expect(metres([Number(rows[2].x), Number(rows[2].y)], [Number(byLabel['3'].x), Number(byLabel['3'].y)])).toBeLessThan(0.01);
  });

  it('a scoped planner: a register reaching outside their sub-districts writes nothing; inside, it replaces', async () => {
    const before = await registerRows();
    const p1 = at(0.5, 0.5);
    const p3 = at(4.5, 0.5); // in 003
    const outside = `lon,lat,households\n${p1[0]},${p1[1]},5\n${p3[0]},${p3[1]},6\n`;
    for (const dry of [true, false]) {
      const res = await upload(planner, `name=p-register.csv&layer=register&wait=true${dry ? '&dryRun=true' : ''}`, outside);
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toMatch(/住户登记不在您负责的街道内（340802003：1）/);
    }
    expect(await registerRows()).toEqual(before);
    const inside = await upload(planner, 'name=p-register.csv&layer=register&wait=true', `lon,lat,households\n${p1[0]},${p1[1]},5\n`);
    expect(inside.statusCode).toBe(200);
    const after = await registerRows();
    expect(after.map((r) => [r.sd, r.hh])).toEqual([
      [S[0], 5],
      [S[1], 12],
    ]);
  });

  it('oversize and garbage XLSX are refused with 4xx; the preview reads columns and takes corrections', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024 + 1, 0x41);
    expect((await upload(admin, 'name=big.xlsx&layer=register&wait=true', big)).statusCode).toBe(413);
    const garbage = await upload(admin, 'name=bad.xlsx&layer=register&wait=true', Buffer.from('PK\u0003\u0004 definitely not a workbook'));
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().message).toMatch(/XLSX/);
    const gp = await upload(admin, 'name=bad.xlsx', Buffer.from('garbage'), '/api/import/preview');
    expect(gp.statusCode).toBe(400);

    const [x, y] = at(0.5, 0.5);
    const book = await xlsx([
      ['E', 'N', '数量', '楼'],
      [x, y, 3, '1'],
      ['', '', 2, '2栋'],
    ]);
    const pv = await upload(admin, 'name=h.xlsx&datum=wgs84', book, '/api/import/preview');
    expect(pv.statusCode).toBe(200);
    expect(pv.json()).toMatchObject({ format: 'xlsx', headerRef: 'row 2', rows: 2, withCoordinates: 0, layer: null });
    const cols = encodeURIComponent(JSON.stringify({ lon: 'E', lat: 'N', households: '数量', building: '楼' }));
    const fixed = (await upload(admin, `name=h.xlsx&layer=register&columns=${cols}`, book, '/api/import/preview')).json();
    expect(fixed.columns.map((c: { role: string | null }) => c.role)).toEqual(['lon', 'lat', 'households', 'building']);
    expect(fixed).toMatchObject({ layer: 'register', withCoordinates: 1, withoutCoordinates: 1 });
    expect(metres(fixed.points[0], [x, y])).toBeLessThan(0.01);
    const wrong = await upload(admin, `name=h.xlsx&layer=register&columns=${encodeURIComponent('{"lon":"nope"}')}`, book, '/api/import/preview');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().message).toMatch(/nope/);
  });
});
