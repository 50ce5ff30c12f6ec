import type { FastifyInstance } from 'fastify';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { LAYER_IDS } from '../../server/queries/layers';
import { LABEL_LAYER_IDS } from '../../server/queries/labels';
import { RECORD_KINDS } from '../../server/defense/records';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { sessionFor, type TestLogin } from '../helpers/auth';
import { A, A1, A2, B, B1, insertScopeFixture, M, type ScopeFixture } from './scope-fixture';

/**
 * Privacy (issue 15): for each role, nothing personal (household heads and phones, staff names and
 * phones, shop phones, case titles and the names of those who handled them) outside its rule, and
 * no small count (party households of a unit of < 5 households), is readable through ANY GET route
 * of the app, exports included. The routes come from the app itself (a route added later is
 * crawled too); every personal value of the fixture is a marker string searched for in each answer
 * (zipped exports unpacked first).
 *
 * The rules: admins see everything; the district leader reads staff and cases of the district but
 * no shop phones; the planner of sub-district A reads A's staff; the coordinator of A reads A's
 * cases, groups and shop phones; the grid member of grid A1 reads the cases of A1. Nobody but an
 * admin reads households.
 */
type Who = 'admin' | 'planner' | 'coordinator' | 'leader' | 'grid_member';
const WHO: Who[] = ['admin', 'planner', 'coordinator', 'leader', 'grid_member'];

const households = [1, 2, 3].flatMap((k) => [M.headName(k), M.householdPhone(k)]);
const staff = (g: string) => [M.staffName(g), M.staffPhone(g)];
const caseOf = (g: string) => [M.caseTitle(g), M.caseActor(g)];
const shopPhones = (sd: string) => [0, 1, 2].map((k) => M.shopPhone(sd, k));

/** The markers each role must never read. */
const FORBIDDEN: Record<Who, string[]> = {
  admin: [],
  planner: [...households, ...staff(B1), ...shopPhones(A), ...shopPhones(B), ...caseOf(B1)],
  coordinator: [...households, ...staff(B1), ...shopPhones(B), ...caseOf(B1)],
  leader: [...households, ...shopPhones(A), ...shopPhones(B)],
  grid_member: [...households, ...staff(A2), ...staff(B1), ...shopPhones(A), ...shopPhones(B), ...caseOf(A2), ...caseOf(B1)],
};

/** z14 tile of a point. */
function tileOf(lon: number, lat: number, z = 14): string {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return `${z}/${Math.floor(((lon + 180) / 360) * n)}/${Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)}`;
}

/** Concrete URLs for a registered GET route: every fixture object its parameters can name, and the queries it needs. */
function concreteUrls(url: string, fx: ScopeFixture): string[] {
  if (url.startsWith('/tiles/')) return [`/tiles/${tileOf(117.052, 30.525)}.pbf`, `/tiles/${tileOf(117.072, 30.525)}.pbf`];
  if (url.startsWith('/docs') || !url.startsWith('/api/')) return [];
  const ids: string[] = url.startsWith('/api/plans/')
    ? [String(fx.planId), String(fx.draftId)]
    : url.startsWith('/api/groups/')
      ? Object.values(fx.groups)
      : url.startsWith('/api/cases/')
        ? Object.values(fx.cases)
        : url.startsWith('/api/patrols/routes/')
          ? Object.values(fx.routes).map(String)
          : url.startsWith('/api/jobs/')
            ? [fx.plannerJob]
            : ['1'];
  let urls = ids.map((id) => url.replace(':id', id));
  if (url.includes(':kind')) urls = urls.flatMap((u) => RECORD_KINDS.map((k) => u.replace(':kind', k)));
  if (url.includes(':grid')) urls = urls.flatMap((u) => [A1, A2, B1].map((g) => u.replace(':grid', g)));
  if (url.includes(':layer')) urls = urls.flatMap((u) => [...new Set<string>([...LAYER_IDS, ...LABEL_LAYER_IDS])].map((l) => u.replace(':layer', l)));
  const query: Record<string, string[]> = {
    '/api/groups': [`subdistrict=${A}`, `subdistrict=${B}`],
    '/api/groups/response': [`shop=${fx.shops[A]}`, `shop=${fx.shops[B]}`],
    '/api/plans/:id/export': ['format=geojson', 'format=shp', 'format=csv'],
    '/api/plans/:id/diff': [`against=${fx.planId}`],
    '/api/plans/:id/suggest-fix': [`code=${A2}`],
    '/api/cases': ['limit=500'],
    '/api/patrols/routes': ['', `subdistrict=${B}`],
    '/api/audit': ['limit=500'],
    '/api/credit/entries': ['', 'household=h1', `grid=${A2}`],
  };
  const qs = query[url];
  return qs ? urls.flatMap((u) => qs.map((q) => (q ? `${u}?${q}` : u))) : urls;
}

/** The answer as text; a zip (Shapefile export) is unpacked and its files joined. */
function bodyText(res: { headers: Record<string, unknown>; rawPayload: Buffer; body: string }): string {
  if (String(res.headers['content-type'] ?? '').includes('zip')) {
    return Object.values(unzipSync(new Uint8Array(res.rawPayload)))
      .map((f) => strFromU8(f))
      .join('\n');
  }
  return res.body;
}

describe.each(BACKENDS)('privacy on %s', (backend) => {
  let app: FastifyInstance;
  let fx: ScopeFixture;
  const s = {} as Record<Who, TestLogin>;
  beforeAll(async () => {
    const db = await openTestDb(backend);
    fx = await insertScopeFixture(db);
    app = await buildApp({ db, auth: { enforce: true } });
    await app.ready();
    for (const w of WHO) s[w] = await sessionFor(db, fx.users[w].id);
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it('no role reads a personal value outside its rule through any GET route or export', async () => {
    const routes = [...new Set(app.routeAccess.filter((r) => r.method === 'GET').map((r) => r.url))];
    const urls = routes.flatMap((u) => concreteUrls(u, fx));
    expect(urls.length).toBeGreaterThan(60);
    const leaks: string[] = [];
    let served = 0;
    for (const who of WHO) {
      for (const url of urls) {
        const res = await Promise.race([
          app.inject({ method: 'GET', url, headers: s[who].headers }),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000)),
        ]);
        if (!res) continue; // a stream still open (server-sent events of a running job)
        if (res.statusCode === 200) served++;
        const text = bodyText(res);
        for (const m of FORBIDDEN[who]) if (text.includes(m)) leaks.push(`${who} GET ${url} (${res.statusCode}): ${m}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(served).toBeGreaterThan(WHO.length * 20);
  }, 180_000); // every GET route x every role: more than a minute on a busy 2-core machine

  it('the rule is not vacuous: each role reads the personal values it is entitled to', async () => {
    const body = async (who: Who, url: string) => bodyText(await app.inject({ method: 'GET', url, headers: s[who].headers }));
    expect(await body('planner', `/api/plans/${fx.planId}/staff`)).toContain(M.staffPhone(A1));
    expect(await body('leader', `/api/plans/${fx.planId}/export?format=geojson`)).toContain(M.staffName(B1));
    expect(await body('coordinator', `/api/groups?subdistrict=${A}`)).toContain(M.shopPhone(A, 1));
    expect(await body('grid_member', `/api/cases/${fx.cases[A1]}`)).toContain(M.caseActor(A1));
    expect(await body('admin', `/api/groups?subdistrict=${B}`)).toContain(M.shopPhone(B, 1));
    expect(await body('planner', `/api/plans/${fx.draftId}/impact`)).toContain(M.staffName(A2));
    // credit community: the households of a grid, with names, for admins (and the grid's own staff)
    expect(await body('admin', `/api/credit/grids/${A2}/households`)).toContain(M.headName(1));
  });

  it('small counts: credit grades and plaqued party households of a grid are suppressed for every role but admin', async () => {
    for (const who of WHO) {
      const credit = await app.inject({ method: 'GET', url: '/api/credit/grids', headers: s[who].headers });
      expect(credit.statusCode).toBe(200);
      const a2 = (credit.json().grids as Array<{ code: string; aaa: number | null; rated: number | null }>).find((g) => g.code === A2);
      if (who === 'grid_member')
        expect(a2).toBeUndefined(); // not their grid
      else expect(a2, who).toMatchObject(who === 'admin' ? { aaa: 3, rated: 3 } : { aaa: null, rated: null });
      const party = await app.inject({ method: 'GET', url: '/api/party/grids', headers: s[who].headers });
      const p2 = (party.json().grids as Array<{ code: string; partyHouseholds: number; plaqued: number | null }>).find((g) => g.code === A2);
      if (who !== 'grid_member') expect(p2, who).toMatchObject({ partyHouseholds: 2, plaqued: who === 'admin' ? 1 : null });
    }
  });

  it('small counts: the party households of a unit of < 5 households are suppressed for every role but admin, wherever units are served', async () => {
    for (const who of WHO) {
      const t = await app.inject({ method: 'GET', url: `/api/plans/${fx.planId}/units`, headers: s[who].headers });
      expect(t.statusCode, `${who} units table`).toBe(200);
      const table = t.json() as { ids: string[]; households: number[]; party: Array<number | null> };
      const k = table.ids.indexOf(fx.smallUnit);
      expect(table.households[k]).toBe(3);
      expect(table.party[k], `${who}: party households of the 3-household unit`).toBe(who === 'admin' ? 2 : null);
      expect(table.party[table.ids.indexOf('uA1')]).toBe(120);
      const plaqued = (table as unknown as { plaqued: Array<number | null> }).plaqued;
      expect(plaqued[k], `${who}: plaqued households of the 3-household unit`).toBe(who === 'admin' ? 1 : null);
      expect(plaqued[table.ids.indexOf('uA1')]).toBe(60);
      const layer = await app.inject({ method: 'GET', url: '/api/layers/units', headers: s[who].headers });
      const small = (layer.json().features as Array<{ properties: { id: string; party_households: number | null; plaqued_households: number | null } }>).find(
        (f) => f.properties.id === fx.smallUnit,
      );
      expect(small?.properties.party_households ?? null, `${who}: units layer`).toBeNull();
      expect(small?.properties.plaqued_households ?? null, `${who}: units layer`).toBeNull();
    }
  });
});
