/**
 * The weekly patrol plan (server/algorithms/patrol-plan): known answers on a lattice town — a
 * planted cluster is patrolled in its peak hours by the group that reaches it, a zone no group
 * reaches is reported, the coverage figure counts exactly the incidents near a route in its hours,
 * the generated plan beats random routes of equal length on held-out weeks — and properties:
 * every route closed, along the streets, within the length limit; no group over its weekly count;
 * every zone some group reaches is patrolled or reported.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildNetwork, Snapper } from '../../../server/algorithms/routing';
import {
  coverageOf,
  hourOfWeek,
  planWeek,
  randomShopRoutes,
  selectHotZones,
  slotHours,
  slotMask,
  type PlanGroup,
  type PlanIncident,
  type ZoneStat,
} from '../../../server/algorithms/patrol-plan';
import { buildPatrolRoute } from '../../../server/algorithms/patrol';
import { lat, latticeStreets, lon, prng } from '../routing/fixtures';

const net = buildNetwork(latticeStreets(21, 21));
const snapper = new Snapper(net);
const WEEK = 7 * 86400;
/** Monday 2026-09-07 00:00 in Asia/Shanghai, epoch seconds */
const MONDAY = Date.UTC(2026, 8, 7) / 1000 - 8 * 3600;
const at = (week: number, weekday: number, hour: number, minute = 30) => MONDAY + week * WEEK + (weekday - 1) * 86400 + hour * 3600 + minute * 60;

/** A group of four shops around lattice crossing (c, r), its leader at the crossing's corner. */
function group(id: string, c: number, r: number): PlanGroup {
  const shops = [0, 1, 2, 3].map((k) => ({ id: `${id}-s${k}`, lon: lon(c + (k % 2) * 0.5), lat: lat(r + Math.floor(k / 2) * 0.5) + 0.00005 }));
  return { id, base: shops[0]!, shops };
}

/** onto the lattice lines (one coordinate on the 0.001° grid) */
const onStreet = ([x, y]: number[]) => {
  const on = (v: number, o: number) => Math.abs((v - o) / 0.001 - Math.round((v - o) / 0.001)) < 1e-4;
  return on(x!, lon(0)) || on(y!, lat(0));
};

describe('slots', () => {
  it('hour of week in Asia/Shanghai and slots across midnight and Sunday→Monday', () => {
    expect(hourOfWeek(Date.UTC(2026, 11, 4, 12, 30) / 1000)).toBe(4 * 24 + 20); // Friday 20:30 local
    expect(hourOfWeek(MONDAY)).toBe(0);
    expect(slotHours({ weekday: 7, start: 23, hours: 2 })).toEqual([167, 0]);
    expect(slotMask([{ weekday: 5, start: 20, hours: 2 }]).reduce((a, b) => a + b, 0)).toBe(2);
  });
});

describe('coverage figure', () => {
  it('counts the incidents within 100 m of a route in its hours, once each', () => {
    const route = {
      coords: [
        [lon(0), lat(5)],
        [lon(10), lat(5)],
        [lon(0), lat(5)],
      ],
      slots: [{ weekday: 5, start: 20, hours: 2 }],
    };
    const near = (dy: number, weekday: number, hour: number) => ({ lon: lon(3), lat: lat(5) + dy / 111195, t: at(0, weekday, hour) });
    const incidents = [near(50, 5, 20), near(-90, 5, 21), near(150, 5, 20), near(50, 5, 22), near(50, 6, 20), near(0, 5, 19)];
    const c = coverageOf([route, route], incidents);
    expect(c.covered).toBe(2);
    expect(c.incidents).toBe(6);
    expect(c.share).toBeCloseTo(2 / 6, 10);
    expect(c.perRoute).toEqual([2, 2]);
    expect(coverageOf([], incidents).share).toBe(0);
  });
});

describe('weekly plan: known answers', () => {
  // Planted cluster at crossing (5, 5) on Fridays 20:00-22:00 and a weaker one at (15, 15) on
  // Tuesday mornings; a zone in the far corner (20, 0) that no group reaches. Background noise.
  const rand = prng(7);
  const mk = (weeks: number[], c: number, r: number, n: number, weekday: number, h0: number, zone: number): PlanIncident[] =>
    weeks.flatMap((w) =>
      Array.from({ length: n }, (_, k) => ({
        lon: lon(c) + (rand() - 0.5) * 0.0008,
        lat: lat(r) + (rand() - 0.5) * 0.0008,
        t: at(w, weekday, h0 + (k % 2), Math.floor(rand() * 60)),
        zone,
      })),
    );
  const planWeeks = [0, 1, 2, 3, 4, 5, 6, 7];
  const testWeeks = [8, 9, 10, 11];
  const noise = (weeks: number[]) =>
    weeks.flatMap((w) =>
      Array.from({ length: 40 }, () => ({ lon: lon(rand() * 20), lat: lat(rand() * 20), t: MONDAY + w * WEEK + Math.floor(rand() * WEEK), zone: -1 })),
    );
  const zonesStat: ZoneStat[] = [
    { id: 'cluster', giClass: 'hot99' },
    { id: 'morning', giClass: 'ns', pattern: 'new_hot' },
    { id: 'corner', giClass: 'hot95' },
    { id: 'quiet', giClass: 'ns', pattern: 'no_pattern' },
  ];
  const planning = [...mk(planWeeks, 5, 5, 6, 5, 20, 0), ...mk(planWeeks, 15, 15, 3, 2, 9, 1), ...mk(planWeeks, 20, 0, 2, 3, 14, 2), ...noise(planWeeks)];
  const heldCluster = mk(testWeeks, 5, 5, 6, 5, 20, 0);
  const heldOut = [...heldCluster, ...mk(testWeeks, 15, 15, 3, 2, 9, 1), ...noise(testWeeks)];
  const groups = [group('A', 6, 5), group('B', 14, 15), group('C', 10, 10)];
  const hot = selectHotZones(zonesStat, planning, { weeks: planWeeks.length });

  it('selects the hot and emerging zones with their peak weekday and hours', () => {
    expect(hot.map((z) => z.id).sort()).toEqual(['cluster', 'corner', 'morning']);
    const c = hot.find((z) => z.id === 'cluster')!;
    expect(c.peakWeekdays[0]).toBe(5);
    expect(c.peakHours.slice(0, 2).sort()).toEqual([20, 21]);
    expect(c.kinds).toEqual(['hot99']);
    expect(hot.find((z) => z.id === 'morning')!.kinds).toEqual(['new_hot']);
  });

  const plan = planWeek(net, snapper, groups, hot, { perGroup: 2 });

  it('patrols the planted cluster in its peak hours by the group within 5 minutes of it', () => {
    const p = plan.patrols.filter((x) => x.zones.includes('cluster'));
    expect(p.length).toBeGreaterThan(0);
    expect(p.every((x) => x.group === 'A')).toBe(true);
    const hours = new Set(p.flatMap((x) => slotHours(x.slot)));
    expect(hours.has(4 * 24 + 20) && hours.has(4 * 24 + 21)).toBe(true);
    const m = plan.patrols.find((x) => x.zones.includes('morning'))!;
    expect(m.group).toBe('B');
    expect(slotHours(m.slot)).toEqual([24 + 9, 24 + 10]);
    expect(plan.zones.find((z) => z.id === 'cluster')!.reach[0]!.group).toBe('A');
  });

  it('says which zone no group can reach', () => {
    expect(plan.uncovered).toEqual([{ id: 'corner', reason: 'unreachable' }]);
    expect(plan.zones.find((z) => z.id === 'corner')!.reach).toEqual([]);
  });

  it('covers far more held-out incidents than random shop routes of the same length', () => {
    const gen = coverageOf(
      plan.patrols.map((p) => ({ coords: p.route.geometry.coordinates, slots: [p.slot] })),
      heldOut,
    );
    const shops = groups.flatMap((g) => g.shops).concat(Array.from({ length: 40 }, (_, k) => ({ id: `x${k}`, lon: lon(rand() * 20), lat: lat(rand() * 20) })));
    const rnd = randomShopRoutes(
      net,
      snapper,
      shops,
      plan.patrols.map((p) => ({ lengthM: p.lengthM, slot: p.slot })),
      3,
    );
    const base = coverageOf(rnd, heldOut);
    const total = (xs: { lengthM: number }[]) => xs.reduce((a, b) => a + b.lengthM, 0);
    expect(total(rnd)).toBeGreaterThan(0.6 * total(plan.patrols));
    const routes = plan.patrols.map((p) => ({ coords: p.route.geometry.coordinates, slots: [p.slot] }));
    expect(coverageOf(routes, heldCluster).share).toBeGreaterThan(0.9);
    expect(gen.share).toBeGreaterThan(0.15);
    expect(gen.share).toBeGreaterThanOrEqual(2 * base.share);
  });
});

describe('weekly plan: properties', () => {
  it("every patrol walks at least the minimum length when the group's reachable zones allow it, at most the limit, closed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 3 }),
        // zones around the groups (offsets in tenths of a block): the short patrols to extend
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.integer({ min: -30, max: 30 }),
            fc.integer({ min: -30, max: 30 }),
            fc.integer({ min: 0, max: 167 }),
            fc.integer({ min: 1, max: 20 }),
          ),
          { minLength: 1, maxLength: 10 },
        ),
        fc.integer({ min: 200, max: 1200 }),
        fc.integer({ min: 1200, max: 3000 }),
        (gpos, zspec, minLengthM, maxLengthM) => {
          const groups = gpos.map(([c, r], i) => group(`G${i}`, c, r));
          const clamp = (v: number) => Math.max(0, Math.min(200, v));
          const incidents: PlanIncident[] = zspec.flatMap(([gi, dx, dy, how, n], z) => {
            const [c, r] = gpos[gi % gpos.length]!;
            return Array.from({ length: n }, () => ({
              lon: lon(clamp(c * 10 + dx) / 10),
              lat: lat(clamp(r * 10 + dy) / 10),
              t: MONDAY + how * 3600 + 60,
              zone: z,
            }));
          });
          const zs = selectHotZones(
            zspec.map((_, i) => ({ id: `z${i}`, giClass: 'hot95' })),
            incidents,
            { weeks: 1 },
          );
          const plan = planWeek(net, snapper, groups, zs, { minLengthM, maxLengthM, perGroup: 2 });
          expect(plan.params.minLengthM).toBe(minLengthM);
          for (const p of plan.patrols) {
            const c = p.route.geometry.coordinates;
            expect(c[0]).toEqual(c[c.length - 1]);
            expect(p.route.properties.closed).toBe(true);
            for (const v of c) expect(onStreet(v)).toBe(true);
            expect(p.lengthM).toBeLessThanOrEqual(maxLengthM + 0.1);
            const g = groups.find((x) => x.id === p.group)!;
            // shops passed on the way are the group's own, listed apart from the zones
            const shopIds = new Set(g.shops.map((x) => x.id));
            for (const v of p.via) expect(shopIds.has(v) && v !== g.base.id).toBe(true);
            for (const z of p.zones) expect(shopIds.has(z)).toBe(false);
            expect(p.stops.map((x) => x.id).sort()).toEqual([g.base.id, ...p.zones, ...p.via].sort());
            // the network allows the minimum when the closed tour through all the zones the group
            // reaches and all its shops (the most the plan may extend through) is at least that
            // long and within the limit
            const reachable = plan.zones.filter((z) => z.reach.some((r) => r.group === g.id)).map((z) => zs.find((x) => x.id === z.id)!);
            if (reachable.length + g.shops.length - 1 > 11) continue;
            const all = buildPatrolRoute(net, [g.base, ...g.shops.slice(1), ...reachable.map((z) => ({ id: z.id, lon: z.lon, lat: z.lat }))], {
              closed: true,
              snapper,
              maxSnapM: 500,
            });
            if (all.properties.length_m >= minLengthM && all.properties.length_m <= maxLengthM) expect(p.lengthM).toBeGreaterThanOrEqual(minLengthM - 1);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('routes are closed, along the streets, within the length limit; no group over its weekly count; reachable zones patrolled or reported', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 167 }), fc.integer({ min: 1, max: 20 })),
          { minLength: 1, maxLength: 12 },
        ),
        fc.integer({ min: 600, max: 3000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        (gpos, zspec, maxLengthM, perGroup, slotHoursN) => {
          const groups = gpos.map(([c, r], i) => group(`G${i}`, c, r));
          const incidents: PlanIncident[] = zspec.flatMap(([x, y, how, n], z) =>
            Array.from({ length: n }, () => ({ lon: lon(x / 10), lat: lat(y / 10), t: MONDAY + how * 3600 + 60, zone: z })),
          );
          const zs = selectHotZones(
            zspec.map((_, i) => ({ id: `z${i}`, giClass: 'hot95' })),
            incidents,
            { weeks: 1 },
          );
          const plan = planWeek(net, snapper, groups, zs, { maxLengthM, perGroup, slotHours: slotHoursN });
          const count = new Map<string, number>();
          for (const p of plan.patrols) {
            const c = p.route.geometry.coordinates;
            expect(c[0]).toEqual(c[c.length - 1]);
            expect(p.route.properties.closed).toBe(true);
            for (const v of c) expect(onStreet(v)).toBe(true);
            expect(p.lengthM).toBeLessThanOrEqual(maxLengthM + 0.1);
            expect(p.slot.hours).toBe(slotHoursN);
            expect(p.stops[0]!.id).toBe(groups.find((g) => g.id === p.group)!.base.id);
            count.set(p.group, (count.get(p.group) ?? 0) + 1);
          }
          for (const n of count.values()) expect(n).toBeLessThanOrEqual(perGroup);
          const patrolled = new Set(plan.patrols.flatMap((p) => p.zones));
          const reported = new Map(plan.uncovered.map((u) => [u.id, u.reason]));
          for (const z of plan.zones) {
            if (z.reach.length === 0) expect(reported.get(z.id)).toBe('unreachable');
            else expect(patrolled.has(z.id) || reported.get(z.id) === 'capacity').toBe(true);
            // a zone is reported only when it is in no patrol
            if (reported.has(z.id)) expect(patrolled.has(z.id)).toBe(false);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
