/**
 * The register's households on the buildings (server/import/register-link.ts), through HTTP on both
 * backends: footprints imported without households (one with its own), then a register whose rows
 * are matched by address, lie in a footprint, lie 10 m outside one, or lie far from every one. Each
 * building carries the register's households (the footprints' own column untouched; a sub-district
 * with no register keeps its own), the grid member's visit plan and the leaders' coverage layer
 * and the map layer show them, the far row is reported unattached, re-importing the register
 * replaces (never adds), and re-importing the footprints after the register keeps the figures.
 *
 * District: the read-scope fixture (grid A1 = 117.050–117.055 E in sub-district A; B beside it).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, type TestLogin } from '../helpers/auth';
import { A1, insertScopeFixture, type ScopeFixture } from './scope-fixture';

const LAT = 30.525;
/** degrees per metre east / north at the fixture's latitude */
const MX = 1 / (111320 * Math.cos((LAT * Math.PI) / 180));
const MY = 1 / 110574;
/** a 20 m × 20 m footprint centred on (lon, LAT) */
const square = (lon: number) => [
  [
    [lon - 10 * MX, LAT - 10 * MY],
    [lon + 10 * MX, LAT - 10 * MY],
    [lon + 10 * MX, LAT + 10 * MY],
    [lon - 10 * MX, LAT + 10 * MY],
    [lon - 10 * MX, LAT - 10 * MY],
  ],
];
// four buildings of 和平小区 in A1 (≈ 96 m apart), one of 康乐苑 in B; only 3栋, 4栋 and B's carry 户数
const FOOTPRINTS = {
  type: 'FeatureCollection',
  features: [
    ['h1', '1栋', '和平小区', 117.051, null],
    ['h2', '2栋', '和平小区', 117.052, null],
    ['h3', '3栋', '和平小区', 117.053, 5],
    ['h4', '4栋', '和平小区', 117.054, 9],
    ['k1', '1栋', '康乐苑', 117.075, 7],
  ].map(([id, label, compound, lon, hh]) => ({
    type: 'Feature',
    id,
    properties: { 楼栋号: label, 小区: compound, ...(hh === null ? {} : { 户数: hh }) },
    geometry: { type: 'Polygon', coordinates: square(lon as number) },
  })),
};
const REGISTER = [
  '\uFEFF楼栋编号,小区,经度,纬度,户数',
  '1栋,和平小区,,,10', // address → h1
  '2栋,和平小区,,,4', // address → h2
  `,,${117.052 + 3 * MX},${LAT},6`, // in h2
  `,,117.053,${LAT},12`, // in h3
  `,,${117.053 + 20 * MX},${LAT},3`, // 10 m east of h3's east side → h3
  `,,117.0545,${LAT + 0.003},8`, // ≈ 330 m from every footprint → no building
].join('\r\n');

describe.each(BACKENDS)("the register's households on the buildings on %s", (backend) => {
  let app: FastifyInstance;
  let fx: ScopeFixture;
  let admin: TestLogin;
  let member: TestLogin;
  let leader: TestLogin;

  beforeAll(async () => {
    const db = await openTestDb(backend);
    fx = await insertScopeFixture(db);
    app = await buildApp({ db, auth: { enforce: true } });
    await app.ready();
    admin = await sessionFor(db, fx.users.admin.id);
    member = await sessionFor(db, fx.users.grid_member.id);
    leader = await sessionFor(db, fx.users.leader.id);
  }, 120_000);
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const upload = (query: string, body: string) =>
    app.inject({
      method: 'POST',
      url: `/api/import?${query}&wait=true`,
      headers: { ...admin.headers, 'content-type': 'application/octet-stream' },
      payload: body,
    });
  /** by label (B's as 'k1'): [own households, register households] */
  const figures = async () =>
    Object.fromEntries(
      (
        await app.db.query<{ label: string; compound_name: string; households: number; register_households: number | null }>(
          "SELECT label, compound_name, households, register_households FROM buildings WHERE id LIKE 'footprints.geojson:%'",
        )
      ).rows.map((r) => [r.compound_name === '康乐苑' ? 'k1' : r.label, [r.households, r.register_households]]),
    );
  const idOf = async (label: string) =>
    (await app.db.query<{ id: string }>("SELECT id FROM buildings WHERE label = $1 AND compound_name = '和平小区'", [label])).rows[0].id;
  /** the grid member's buildings of A1: label → households */
  const fieldGrid = async () => {
    const res = await app.inject({ method: 'GET', url: `/api/field/grid?grid=${A1}`, headers: member.headers });
    expect(res.statusCode, res.body).toBe(200);
    return Object.fromEntries((res.json().buildings as Array<{ label: string; households: number }>).map((b) => [b.label, b.households]));
  };

  it('footprints without households, then a register: each building carries the households the register attributes to it', async () => {
    const b = await upload('name=footprints.geojson&layer=buildings', JSON.stringify(FOOTPRINTS));
    expect(b.statusCode, b.body).toBe(200);
    expect(await fieldGrid()).toEqual({ '3栋': 5, '4栋': 9 }); // no register yet: the footprints' own

    const r = await upload('name=register.csv&layer=register', REGISTER);
    expect(r.statusCode, r.body).toBe(200);
    // the grid member's visit plan: the register's households (4栋 has none in the register: not listed)
    expect(await fieldGrid()).toEqual({ '1栋': 10, '2栋': 10, '3栋': 15 });
    expect(b.json().layers.buildings).toMatchObject({ imported: 5, unattached: 0 });
    expect(r.json().layers.register).toMatchObject({ read: 6, imported: 6, matched: 2, rejected: 0, unattached: 1 });
    // the footprints' own households untouched; B has no register: NULL, its own 7 stand
    expect(await figures()).toEqual({ '1栋': [0, 10], '2栋': [0, 10], '3栋': [5, 15], '4栋': [9, 0], k1: [7, null] });
    // the map layer shows the same
    const layer = await app.inject({ method: 'GET', url: '/api/layers/buildings?bbox=117.05,30.52,117.08,30.53', headers: admin.headers });
    expect(layer.statusCode, layer.body).toBe(200);
    const byId = Object.fromEntries(
      (layer.json().features as Array<{ id: string; properties: { households: number } }>).map((f) => [f.id, f.properties.households]),
    );
    expect([await idOf('1栋'), await idOf('3栋'), await idOf('4栋')].map((id) => byId[id])).toEqual([10, 15, 0]);
    expect(Object.values(byId)).toContain(7);
  });

  it("a visit counts the register's households in the leaders' coverage layer", async () => {
    const now = Date.now();
    const v = await app.inject({
      method: 'POST',
      url: '/api/field/visits',
      headers: member.headers,
      payload: {
        clientKey: '00000000-0000-4000-8000-000000000301',
        grid: A1,
        startedAt: new Date(now - 2 * 3600e3).toISOString(),
        endedAt: new Date(now - 3600e3).toISOString(),
        lon: 117.053,
        lat: LAT,
        buildingId: await idOf('3栋'),
      },
    });
    expect(v.statusCode, v.body).toBe(201);
    const fc = (await app.inject({ method: 'GET', url: '/api/ledger/grids/geojson', headers: leader.headers })).json();
    const a1 = fc.features.find((f: { id: string }) => f.id === A1).properties;
    expect(a1.coverage4w).toBeCloseTo(15 / 400, 6); // 3栋's 15 of the grid's 400
  });

  it('re-importing the register replaces its households (never adds); a smaller register leaves the others at 0', async () => {
    const again = await upload('name=register.csv&layer=register', REGISTER);
    expect(again.statusCode, again.body).toBe(200);
    expect(await fieldGrid()).toEqual({ '1栋': 10, '2栋': 10, '3栋': 15 });
    expect(await figures()).toEqual({ '1栋': [0, 10], '2栋': [0, 10], '3栋': [5, 15], '4栋': [9, 0], k1: [7, null] });
    expect(again.json().layers.register).toMatchObject({ imported: 6, replaced: 6, unattached: 1 });

    const smaller = await upload('name=register-2.csv&layer=register', '楼栋编号,小区,户数\r\n1栋,和平小区,7\r\n');
    expect(smaller.statusCode, smaller.body).toBe(200);
    expect(await fieldGrid()).toEqual({ '1栋': 7 });
    expect(await figures()).toEqual({ '1栋': [0, 7], '2栋': [0, 0], '3栋': [5, 0], '4栋': [9, 0], k1: [7, null] });
    expect(smaller.json().layers.register).toMatchObject({ imported: 1, replaced: 6, unattached: 0 });
  });

  it('re-importing the footprints after the register: the new footprints carry the register households again', async () => {
    await upload('name=register.csv&layer=register', REGISTER);
    const b = await upload('name=footprints.geojson&layer=buildings', JSON.stringify(FOOTPRINTS));
    expect(b.statusCode, b.body).toBe(200);
    // the address rows lost their building (ON DELETE SET NULL) but lie in the new footprints
    expect(await fieldGrid()).toEqual({ '1栋': 10, '2栋': 10, '3栋': 15 });
    expect(await figures()).toEqual({ '1栋': [0, 10], '2栋': [0, 10], '3栋': [5, 15], '4栋': [9, 0], k1: [7, null] });
    expect(b.json().layers.buildings).toMatchObject({ imported: 5, replaced: 5, unattached: 1 });
  });

  it('a register for a sub-district with no footprints at all yet: its rows are "without buildings", not unattached', async () => {
    await app.db.query('DELETE FROM buildings');
    const coordsOnly = [REGISTER.split('\r\n')[0], ...REGISTER.split('\r\n').slice(3)].join('\r\n');
    const r = await upload('name=register2.csv&layer=register', coordsOnly);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().layers.register).toMatchObject({ imported: 4, unattached: 0, without_buildings: 4 });
  });
});
