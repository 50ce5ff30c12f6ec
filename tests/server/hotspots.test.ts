import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { analyzeHotSpots } from '../../server/algorithms/hotspots';
import { createPlan } from '../../server/plans/store';
import type { Db } from '../../server/db';
import { localHour, localWeekday, parseFilter, passes } from '../../server/hotspots/filters';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertMiniDistrict } from '../helpers/mini-district';
import { mulberry32 } from '../../common/rng';

/**
 * Fixture: the mini district (3 x 2 units of 100 m) with every unit its own grid (6 grids), and
 * seeded incidents: a background over a 2 km square around it plus a planted cluster in unit u1,
 * at known local hours / weekdays / types. Server answers are checked against the pure analysis
 * computed here independently.
 */
const dx = 100 / (111320 * Math.cos((30.52 * Math.PI) / 180));
const dy = 100 / 110574;
const TYPES = ['public_order', 'fire_risk', 'dispute', 'environment', 'facilities', 'other'];
const T0 = Date.parse('2025-01-06T00:00:00+08:00') / 1000; // a Monday

interface Inc {
  id: string;
  x: number;
  y: number;
  t: number;
  type: string;
}

function rng(seed: number): () => number {
  return mulberry32(seed);
}

function makeIncidents(): Inc[] {
  const r = rng(7);
  const out: Inc[] = [];
  for (let i = 0; i < 400; i++) {
    // background: 117.045-117.065, 30.51-30.525 ; 12 weeks
    out.push({ id: `bg${i}`, x: 117.045 + r() * 0.02, y: 30.51 + r() * 0.015, t: T0 + Math.floor(r() * 84 * 86400), type: TYPES[i % 6]! });
  }
  for (let i = 0; i < 120; i++) {
    // cluster in u1 (north-west unit), all in the last 6 weeks, public order, 21:xx local
    const day = 42 + Math.floor(r() * 42);
    out.push({
      id: `cl${i}`,
      x: 117.05 + (0.1 + 0.8 * r()) * dx,
      y: 30.52 - (0.1 + 0.8 * r()) * dy,
      t: T0 + day * 86400 + 21 * 3600 + Math.floor(r() * 3600),
      type: 'public_order',
    });
  }
  return out;
}

describe.each(BACKENDS)('hot spots API on %s', (backend) => {
  let app: FastifyInstance;
  let db: Db;
  const incs = makeIncidents();
  beforeAll(async () => {
    db = await openTestDb(backend);
    await insertMiniDistrict(db);
    const assignment: Record<string, string> = {};
    ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].forEach((u, i) => (assignment[u] = `340802901001${String(i + 1).padStart(3, '0')}`));
    await createPlan(db, { name: 'p', author: 't', subdistricts: ['340802901'], assignment });
    await db.query(
      `INSERT INTO incidents (id, type, occurred_at, geom)
       SELECT x.id, x.type, to_timestamp(x.t), ST_SetSRID(ST_MakePoint(x.x, x.y), 4326) FROM jsonb_to_recordset($1::jsonb) AS x(id text, type text, t float8, x float8, y float8)`,
      [JSON.stringify(incs)],
    );
    app = await buildApp({ db });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const get = (qs: string) => app.inject({ method: 'GET', url: `/api/hotspots${qs}` });

  it('Gi* per grid equals the pure analysis on the same grids and points (counts, z, classes)', async () => {
    const res = await get('?zones=grids');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ zones: 'grids', mode: 'gistar', fdr: true, n: incs.length });
    const zonesFc = (await app.inject({ method: 'GET', url: '/api/hotspots/zones?zones=grids' })).json();
    expect(zonesFc.features).toHaveLength(6);
    expect(zonesFc.features[0].properties).toMatchObject({ id: '340802901001001', households: 100 });
    const expected = analyzeHotSpots(
      zonesFc.features.map((f: { id: string; geometry: never }) => ({ id: f.id, geometry: f.geometry })),
      incs.map((i) => [i.x, i.y]),
    );
    expect(body.outside).toBe(expected.outside);
    expect(body.results.map((r: { id: string }) => r.id)).toEqual(expected.zones.map((z) => z.id));
    body.results.forEach((r: { count: number; z: number; class: string }, k: number) => {
      expect(r.count).toBe(expected.zones[k]!.count);
      expect(r.z).toBeCloseTo(expected.zones[k]!.z, 3);
      expect(r.class).toBe(expected.zones[k]!.class);
    });
    // the planted cluster: u1 holds the most incidents
    expect(body.results[0].count).toBe(Math.max(...body.results.map((r: { count: number }) => r.count)));
  });

  it('filters by type, hour, weekday and dates exactly like the reference predicate', async () => {
    const qs = { from: '2025-02-03', to: '2025-03-16', types: 'public_order,dispute', hours: '18-23,0', weekdays: '1-5' };
    const f = parseFilter(qs);
    const want = incs.filter((i) => passes(f, i.t, i.type)).length;
    // independent check of the local-time helpers on a known instant: 2025-02-09 23:30 +08:00 is a Sunday
    const sun = Date.parse('2025-02-09T23:30:00+08:00') / 1000;
    expect([localHour(sun), localWeekday(sun)]).toEqual([23, 7]);
    const manual = incs.filter((i) => {
      const d = new Date((i.t + 8 * 3600) * 1000);
      const hour = d.getUTCHours();
      const wd = ((d.getUTCDay() + 6) % 7) + 1;
      return (
        i.t >= Date.parse('2025-02-03T00:00:00+08:00') / 1000 &&
        i.t < Date.parse('2025-03-17T00:00:00+08:00') / 1000 &&
        (i.type === 'public_order' || i.type === 'dispute') &&
        (hour >= 18 || hour === 0) &&
        wd <= 5
      );
    }).length;
    expect(want).toBe(manual);
    expect(manual).toBeGreaterThan(10);
    const res = await get(`?zones=hex&${new URLSearchParams(qs)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().n).toBe(manual);
    expect(res.json().results.reduce((s: number, r: { count: number }) => s + r.count, 0)).toBe(manual - res.json().outside);
  });

  it('hexagons find the planted cluster as a >= 95 % hot spot; classes change with the time filter', async () => {
    const all = (await get('?zones=hex&cell=150')).json();
    expect(all.n).toBe(incs.length);
    expect(all.outside).toBe(0);
    const top = all.results.reduce((a: { count: number }, b: { count: number }) => (b.count > a.count ? b : a));
    expect(['hot99', 'hot95']).toContain(top.class);
    // the cluster only exists in the last 6 weeks: in the first 5 weeks that zone is not significant
    const early = (await get('?zones=hex&cell=150&from=2025-01-06&to=2025-02-09')).json();
    const earlyTop = early.results.find((r: { id: string }) => r.id === top.id);
    expect(earlyTop.class).toBe('ns');
    const zones = (await app.inject({ method: 'GET', url: '/api/hotspots/zones?zones=hex&cell=150' })).json();
    expect(zones.features.length).toBe(all.results.length);
  });

  it('emerging hot spots: one pattern per zone over the weeks of the period', async () => {
    const res = await get('?zones=hex&cell=150&mode=emerging');
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.mode).toBe('emerging');
    expect(b.weeks).toBe(12);
    const top = b.results.reduce((a: { count: number }, c: { count: number }) => (c.count > a.count ? c : a));
    // hot only in the second half, rising: a new / consecutive / intensifying hot spot
    expect(top.pattern).toMatch(/^(new|consecutive|intensifying|persistent)_hot$/);
    expect(top.hot_weeks).toBeGreaterThan(0);
    const g = (await get('?zones=grids&mode=emerging&fdr=false')).json();
    expect(g.results).toHaveLength(6);
  });

  it('rates per 1,000 households on grids', async () => {
    const b = (await get('?zones=grids&value=rate')).json();
    expect(b.value).toBe('rate');
    expect(b.results[0].value).toBeCloseTo((b.results[0].count / 100) * 1000, 3);
  });

  it.each([
    ['?zones=foo', /zones/],
    ['?from=2025-13-01', /from/],
    ['?from=yesterday', /from/],
    ['?from=2025-03-01&to=2025-02-01', /from < to/],
    ['?hours=24', /hours/],
    ['?hours=a', /hours/],
    ['?weekdays=0', /weekdays/],
    ['?types=arson', /未知的事件类型/],
    ['?fdr=maybe', /fdr/],
    ['?mode=emerging&from=2025-01-06&to=2025-01-20', /4 周/],
    ['?zones=hex&value=rate', /value=rate/],
    ['?zones=hex&cell=5', /cell/],
    ['?bogus=1', /bogus|additional/],
  ])('bad query %s → 400 with a message', async (qs, msg) => {
    const res = await get(qs);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(msg);
  });

  it('grids without any plan → 400 that says what to do', async () => {
    await db.query('DELETE FROM plans');
    app.readCache.clear(); // a write outside HTTP shows within the read cache's ttl; the test does not wait
    const res = await get('?zones=grids');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/网格方案/);
  });
});
