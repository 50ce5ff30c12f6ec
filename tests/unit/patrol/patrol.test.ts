import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { buildPatrolRoute, heldKarp, localSearch, nearestNeighbour, PatrolError, solveTour, toGpx, tourLength } from '../../../server/algorithms/patrol';
import { buildNetwork, haversineM, Snapper } from '../../../server/algorithms/routing';
import { lat, latticeStreets, line, lon } from '../routing/fixtures';

const ptsArb = (min: number, max: number) =>
  fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })), { minLength: min, maxLength: max });

function euclid(pts: [number, number][]): Float64Array {
  const n = pts.length;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]);
  return m;
}

function permutations(a: number[]): number[][] {
  if (a.length <= 1) return [a];
  return a.flatMap((x, i) => permutations([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('tours', () => {
  it('Held-Karp equals brute force on up to 7 stops (closed and open)', () => {
    fc.assert(
      fc.property(ptsArb(2, 7), (pts) => {
        const n = pts.length,
          m = euclid(pts);
        const d = (a: number, b: number) => m[a * n + b];
        const perms = permutations([...Array(n).keys()]);
        const bestClosed = Math.min(...perms.map((p) => tourLength(p, d, true)));
        const bestOpen = Math.min(...perms.map((p) => tourLength(p, d, false)));
        const hc = heldKarp(m, n, true),
          ho = heldKarp(m, n, false);
        expect(hc.length).toBeCloseTo(bestClosed, 6);
        expect(ho.length).toBeCloseTo(bestOpen, 6);
        expect(tourLength(hc.order, d, true)).toBeCloseTo(hc.length, 6);
        expect(tourLength(ho.order, d, false)).toBeCloseTo(ho.length, 6);
      }),
      { numRuns: 40 },
    );
  });

  it('2-opt/Or-opt returns a permutation never longer than its start', () => {
    fc.assert(
      fc.property(ptsArb(3, 40), fc.integer({ min: 0, max: 1000 }), (pts, s) => {
        const n = pts.length,
          m = euclid(pts);
        const d = (a: number, b: number) => m[a * n + b];
        const init = nearestNeighbour(n, d, s % n);
        const before = tourLength(init, d, true);
        const t = localSearch(init.slice(), d);
        expect([...t].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        expect(tourLength(t, d, true)).toBeLessThanOrEqual(before + 1e-9);
      }),
      { numRuns: 60 },
    );
  });

  it('solveTour is within 2 % of the optimum on up to 11 stops', () => {
    fc.assert(
      fc.property(ptsArb(1, 11), fc.boolean(), (pts, closed) => {
        const n = pts.length,
          m = euclid(pts);
        const t = solveTour(m, n, { closed });
        expect([...t.order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        if (closed) expect(t.order[0]).toBe(0);
        const opt = heldKarp(m, n, closed).length;
        expect(t.length).toBeLessThanOrEqual(opt * 1.02 + 1e-6);
      }),
      { numRuns: 60 },
    );
  });
});

describe('buildPatrolRoute', () => {
  const net = buildNetwork(latticeStreets(6, 6));
  const snapper = new Snapper(net);

  it('runs along the streets through every stop; length matches the geometry', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5 })), {
          minLength: 1,
          maxLength: 9,
          selector: (t) => `${t[0]}:${t[1]}`,
        }),
        fc.boolean(),
        (cells, closed) => {
          // stops on row streets at tenth-block positions
          const stops = cells.map(([c, r], i) => ({ id: `s${i}`, lon: lon(c / 10), lat: lat(r) }));
          const route = buildPatrolRoute(net, stops, { closed, snapper });
          expect([...route.properties.order].sort()).toEqual(stops.map((s) => s.id).sort());
          const cs = route.geometry.coordinates;
          let len = 0;
          for (let k = 1; k < cs.length; k++) len += haversineM(cs[k - 1][0], cs[k - 1][1], cs[k][0], cs[k][1]);
          expect(len).toBeCloseTo(route.properties.length_m, 0);
          // every stop lies on the route line
          for (const s of stops) {
            let best = Infinity;
            for (const c of cs) best = Math.min(best, haversineM(c[0], c[1], s.lon, s.lat));
            expect(best).toBeLessThan(0.5);
          }
          if (closed && stops.length > 1) {
            expect(cs[0][0]).toBeCloseTo(cs[cs.length - 1][0], 9);
            expect(cs[0][1]).toBeCloseTo(cs[cs.length - 1][1], 9);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('known answer: three stops on one straight street, open route walks it once', () => {
    const stops = [
      { id: 'b', lon: lon(2), lat: lat(0) },
      { id: 'a', lon: lon(0), lat: lat(0) },
      { id: 'c', lon: lon(5), lat: lat(0) },
    ];
    const r = buildPatrolRoute(net, stops, { closed: false, snapper });
    expect(r.properties.length_m).toBeCloseTo(haversineM(lon(0), lat(0), lon(5), lat(0)), 0);
    expect([r.properties.order, [...r.properties.order].reverse()]).toContainEqual(['a', 'b', 'c']);
    const closedRoute = buildPatrolRoute(net, stops, { closed: true, snapper });
    expect(closedRoute.properties.length_m).toBeCloseTo(2 * r.properties.length_m, 0);
  });

  it('names a stop that cannot be reached', () => {
    const island = buildNetwork([
      ...latticeStreets(3, 3),
      line([
        [lon(10), lat(10)],
        [lon(11), lat(10)],
      ]),
    ]);
    const stops = [
      { id: 'x', lon: lon(0), lat: lat(0) },
      { id: 'y', lon: lon(2), lat: lat(2) },
      { id: 'far', lon: lon(10.5), lat: lat(10) },
    ];
    expect(() => buildPatrolRoute(island, stops)).toThrow(PatrolError);
    expect(() => buildPatrolRoute(island, stops)).toThrow(/stop far is unreachable/);
  });

  it('exports GPX with one track point per vertex', () => {
    const r = buildPatrolRoute(
      net,
      [
        { id: 'a', lon: lon(0), lat: lat(0) },
        { id: 'b', lon: lon(3), lat: lat(2) },
      ],
      { closed: true, snapper },
    );
    const gpx = toGpx(r, { name: 'A & B' });
    const doc = new XMLParser({ ignoreAttributes: false }).parse(gpx);
    const pts = doc.gpx.trk.trkseg.trkpt;
    expect(pts).toHaveLength(r.geometry.coordinates.length);
    expect(Number(pts[0]['@_lat'])).toBeCloseTo(r.geometry.coordinates[0][1], 6);
    expect(doc.gpx.trk.name).toBe('A & B');
  });
});
