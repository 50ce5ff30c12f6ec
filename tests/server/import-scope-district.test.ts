import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { createUser } from '../../server/auth/users';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, TEST_COST, type TestLogin } from '../helpers/auth';
import { generateSubstituteDistrict, STREETS_FILE, SUBSTITUTE } from '../helpers/substitute-district';
import { readFileSync } from 'node:fs';

/**
 * Import scope for planners of a district that is not Yingjiang (nothing hard-coded to 340802): on
 * an empty database, planners scoped to the substitute city's generated sub-districts (Wuhan,
 * 420111901 north / 420111902 south) import boundaries of their own codes only; street pieces
 * that run slightly outside (≤ 100 m, or the rest of a named street that reaches in) are accepted,
 * anything else is a 403 naming what is wrong, and nothing is written.
 */
const N = SUBSTITUTE.north.id;
const S = SUBSTITUTE.south.id;

describe.each(BACKENDS)('planner import scope in another district on %s', (backend) => {
  let app: FastifyInstance;
  let both: TestLogin; // 420111901 + 420111902
  let north: TestLogin; // 420111901 only
  const district = generateSubstituteDistrict();
  const [x0, y0, x1, y1] = district.bbox;

  beforeAll(async () => {
    const db = await openTestDb(backend);
    const mk = async (username: string, subdistricts: string[]) =>
      sessionFor(db, (await createUser(db, { username, password: 'wuhan-scope-pass-x1', role: 'planner', subdistricts, grids: [] }, TEST_COST)).id);
    both = await mk('wh_both', [N, S]);
    north = await mk('wh_north', [N]);
    app = await buildApp({ db, auth: { enforce: true } });
  }, 120_000);
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const upload = (who: TestLogin, query: string, body: string) =>
    app.inject({
      method: 'POST',
      url: `/api/import?wait=true&${query}`,
      headers: { ...who.headers, 'content-type': 'application/octet-stream' },
      payload: body,
    });
  const count = async (sql: string) => (await app.db.query<{ n: number }>(sql)).rows[0].n;

  it('boundaries: only those whose codes the planner covers; streets before boundaries are refused with what to do', async () => {
    const streets = readFileSync(STREETS_FILE, 'utf8');
    const early = await upload(both, 'name=roads.geojson&layer=streets', streets);
    expect(early.statusCode).toBe(403);
    expect(early.json().message).toMatch(/还没有边界：请先导入街道和社区边界/);

    const refused = await upload(north, 'name=b.geojson&layer=boundaries', JSON.stringify(district.boundaries));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toMatch(new RegExp(`光谷南街道（${S}）.*不在您负责的街道内`));
    expect(refused.json().message).not.toMatch(new RegExp(`（${N}）`));
    expect(await count('SELECT count(*)::int AS n FROM subdistricts')).toBe(0);

    const ok = await upload(both, 'name=b.geojson&layer=boundaries', JSON.stringify(district.boundaries));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await count('SELECT count(*)::int AS n FROM subdistricts')).toBe(2);
    expect(await count('SELECT count(*)::int AS n FROM communities')).toBe(4);
  });

  it('streets: pieces up to 100 m out or of a street reaching in are accepted; others refused naming them', async () => {
    // the whole real street file: its pieces run up to 30 m past the generated boundaries
    const all = await upload(both, 'name=roads.geojson&layer=streets', readFileSync(STREETS_FILE, 'utf8'));
    expect(all.statusCode, all.body).toBe(200);
    expect(await count("SELECT count(*)::int AS n FROM streets WHERE id LIKE 'roads.geojson:%'")).toBeGreaterThan(300);
    // the north planner may not import the south's streets
    const south = await upload(north, 'name=roads-n.geojson&layer=streets', readFileSync(STREETS_FILE, 'utf8'));
    expect(south.statusCode).toBe(403);
    expect(south.json().message).toMatch(/段道路在您负责的街道 100 米以外/);

    const mLon = 1 / (111_320 * Math.cos((((y0 + y1) / 2) * Math.PI) / 180));
    const mLat = 1 / 110_574;
    const top = y1; // the north sub-district's top edge
    const xm = (x0 + x1) / 2;
    const line = (id: string, props: Record<string, unknown>, coords: number[][]) => ({
      type: 'Feature',
      id,
      properties: { highway: 'residential', ...props },
      geometry: { type: 'LineString', coordinates: coords },
    });
    const fc = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
    const inside = line('in', { name: '测试路' }, [
      [xm, top - 200 * mLat],
      [xm, top - 20 * mLat],
    ]);
    const rest = line('rest', { name: '测试路' }, [
      [xm, top - 20 * mLat],
      [xm, top + 400 * mLat],
    ]); // same street, 400 m out
    const near = line('near', {}, [
      [xm + 100 * mLon, top + 60 * mLat],
      [xm + 300 * mLon, top + 70 * mLat],
    ]); // 60 m out
    const ok = await upload(north, 'name=edge.geojson&layer=streets', fc(inside, rest, near));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await count("SELECT count(*)::int AS n FROM streets WHERE id LIKE 'edge.geojson:%'")).toBe(3);

    const far = line('far', { name: '远路' }, [
      [xm, top + 300 * mLat],
      [xm + 200 * mLon, top + 300 * mLat],
    ]);
    const bad = await upload(north, 'name=edge2.geojson&layer=streets', fc(inside, far));
    expect(bad.statusCode).toBe(403);
    expect(bad.json().message).toMatch(/1 段道路在您负责的街道 100 米以外.*远路/);
    expect(await count("SELECT count(*)::int AS n FROM streets WHERE id LIKE 'edge2.geojson:%'")).toBe(0);
  });

  it('water: a lake reaching into the planner sub-district is accepted, one 300 m beyond it refused with nothing written', async () => {
    const mLon = 1 / (111_320 * Math.cos((((y0 + y1) / 2) * Math.PI) / 180));
    const mLat = 1 / 110_574;
    const xm = (x0 + x1) / 2,
      top = y1;
    const lake = (id: string, y: number) => ({
      type: 'Feature',
      id,
      properties: { natural: 'water', name: id },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [xm, y],
            [xm + 200 * mLon, y],
            [xm + 200 * mLon, y + 100 * mLat],
            [xm, y + 100 * mLat],
            [xm, y],
          ],
        ],
      },
    });
    const fc = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
    const ok = await upload(north, 'name=lakes.geojson&layer=water', fc(lake('近湖', top - 50 * mLat)));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await count("SELECT count(*)::int AS n FROM water WHERE id LIKE 'lakes.geojson:%'")).toBe(1);
    const bad = await upload(north, 'name=lakes2.geojson&layer=water', fc(lake('近湖', top - 50 * mLat), lake('远湖', top + 300 * mLat)));
    expect(bad.statusCode).toBe(403);
    expect(bad.json().message).toMatch(/1 处水域在您负责的街道 100 米以外/);
    expect(await count("SELECT count(*)::int AS n FROM water WHERE id LIKE 'lakes2.geojson:%'")).toBe(0);
  });
});
