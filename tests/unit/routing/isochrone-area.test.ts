/**
 * The response area drawn around the reached streets (issue M: it drew as street strokes with
 * triangular wedges): one solid outline with no holes that covers every reached street, not just
 * its vertices, on irregular (jittered) street grids.
 */
import * as turf from '@turf/turf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildNetwork, serviceArea, Snapper } from '../../../server/algorithms/routing';
import { line, lat, lon, prng } from './fixtures';

/** A w×h street grid with jittered junctions (rows and columns share them). */
function jittered(w: number, h: number, seed: number) {
  const r = prng(seed);
  const p = Array.from({ length: h }, (_, i) =>
    Array.from({ length: w }, (_, j) => [lon(j + (r() - 0.5) * 0.6), lat(i + (r() - 0.5) * 0.6)] as [number, number]),
  );
  return [...p.map((row) => line(row)), ...Array.from({ length: w }, (_, j) => line(p.map((row) => row[j]!)))];
}

describe('response area (isochrone polygon)', () => {
  it('covers every reached street along its length, as one outline without holes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 90, max: 300 }), (seed, seconds) => {
        const net = buildNetwork(jittered(7, 7, seed));
        const o = new Snapper(net).snap(lon(3.2), lat(3))!;
        const a = serviceArea(net, o, seconds);
        expect(a.polygon).not.toBeNull();
        const g = a.polygon!.geometry;
        const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
        for (const p of polys) expect(p).toHaveLength(1);
        for (const l of a.reached.geometry.coordinates) {
          for (let i = 1; i < l.length; i++) {
            const mid = turf.point([(l[i - 1]![0]! + l[i]![0]!) / 2, (l[i - 1]![1]! + l[i]![1]!) / 2]);
            expect(turf.booleanPointInPolygon(mid, a.polygon!)).toBe(true);
          }
        }
      }),
      { numRuns: 12 },
    );
  });
});
