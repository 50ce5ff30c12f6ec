import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildNetwork,
  componentSummary,
  distanceMatrix,
  haversineM,
  nodeDistance,
  oneToMany,
  serviceArea,
  shortestPath,
  Snapper,
  type Network,
} from '../../../server/algorithms/routing';
import { lat, latticeStreets, line, lon } from './fixtures';

const keyOf = (x: number, y: number) => `${x.toFixed(7)}:${y.toFixed(7)}`;
function nodeAt(net: Network, x: number, y: number): number {
  for (let n = 0; n < net.nodeCount; n++) if (keyOf(net.nodeLon[n], net.nodeLat[n]) === keyOf(x, y)) return n;
  return -1;
}

describe('buildNetwork', () => {
  it('nodes a plus-shaped crossing at the shared vertex (known answer)', () => {
    const net = buildNetwork([
      line([
        [lon(0), lat(1)],
        [lon(1), lat(1)],
        [lon(2), lat(1)],
      ]),
      line([
        [lon(1), lat(0)],
        [lon(1), lat(1)],
        [lon(1), lat(2)],
      ]),
    ]);
    expect(net.nodeCount).toBe(5);
    expect(net.edgeCount).toBe(4);
    expect(net.componentCount).toBe(1);
    const north = haversineM(lon(1), lat(0), lon(1), lat(1));
    expect(north).toBeGreaterThan(110);
    expect(north).toBeLessThan(112);
    const a = nodeAt(net, lon(1), lat(0)),
      b = nodeAt(net, lon(1), lat(2)),
      c = nodeAt(net, lon(0), lat(1));
    expect(nodeDistance(net, a, b)).toBeCloseTo(2 * north, 6);
    expect(nodeDistance(net, a, c)).toBeCloseTo(north + haversineM(lon(0), lat(1), lon(1), lat(1)), 6);
  });

  it('lines that only cross (no shared vertex) are not connected', () => {
    const net = buildNetwork([
      line([
        [lon(0), lat(1)],
        [lon(2), lat(1)],
      ]),
      line([
        [lon(1), lat(0)],
        [lon(1), lat(2)],
      ]),
    ]);
    expect(net.componentCount).toBe(2);
    expect(componentSummary(net).components.map((c) => c.edges)).toEqual([1, 1]);
  });

  it('shortest paths equal Floyd-Warshall on random lattice sub-graphs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 2, max: 5 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        (w, h, keep, chain) => {
          // Lattice edges, kept at random, chained into polylines of up to `chain` segments per row/column.
          const pts: [number, number][] = [];
          for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) pts.push([lon(c), lat(r)]);
          const id = (r: number, c: number) => r * w + c;
          const segs: [number, number][] = [];
          let k = 0;
          for (let r = 0; r < h; r++) for (let c = 0; c + 1 < w; c++) if (keep[k++ % keep.length]) segs.push([id(r, c), id(r, c + 1)]);
          for (let c = 0; c < w; c++) for (let r = 0; r + 1 < h; r++) if (keep[k++ % keep.length]) segs.push([id(r, c), id(r + 1, c)]);
          const lines = [];
          for (let s = 0; s < segs.length;) {
            const run = [segs[s][0], segs[s][1]];
            s++;
            while (s < segs.length && run.length <= chain && segs[s][0] === run[run.length - 1]) run.push(segs[s++][1]);
            lines.push(line(run.map((p) => pts[p])));
          }
          const P = pts.length;
          const fw = new Float64Array(P * P).fill(Infinity);
          for (let i = 0; i < P; i++) fw[i * P + i] = 0;
          for (const [a, b] of segs) {
            const d = haversineM(pts[a][0], pts[a][1], pts[b][0], pts[b][1]);
            fw[a * P + b] = fw[b * P + a] = Math.min(fw[a * P + b], d);
          }
          for (let m = 0; m < P; m++)
            for (let i = 0; i < P; i++)
              for (let j = 0; j < P; j++) {
                const v = fw[i * P + m] + fw[m * P + j];
                if (v < fw[i * P + j]) fw[i * P + j] = v;
              }
          if (segs.length === 0) return;
          const net = buildNetwork(lines);
          const used = [...new Set(segs.flat())];
          const snapper = new Snapper(net);
          const snaps = used.map((i) => snapper.snap(pts[i][0], pts[i][1])!);
          for (const s of snaps) expect(s.distanceM).toBeLessThan(1e-3);
          const m = distanceMatrix(net, snaps);
          const U = used.length;
          for (let a = 0; a < U; a++) {
            const ni = nodeAt(net, pts[used[a]][0], pts[used[a]][1]);
            for (let b = 0; b < U; b++) {
              const expected = fw[used[a] * P + used[b]];
              if (expected === Infinity) expect(m[a * U + b]).toBe(Infinity);
              else expect(m[a * U + b]).toBeCloseTo(expected, 6);
              const nj = nodeAt(net, pts[used[b]][0], pts[used[b]][1]);
              if (ni >= 0 && nj >= 0) {
                const d = nodeDistance(net, ni, nj);
                if (expected === Infinity) expect(d).toBe(Infinity);
                else expect(d).toBeCloseTo(expected, 6);
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('snapping, matrices and paths', () => {
  const net = buildNetwork(latticeStreets(6, 5));
  const snapper = new Snapper(net);

  it('snaps to the nearest street and reports the offset distance', () => {
    // 20 m north of the row-0 street, between columns 2 and 3.
    const dLat = 20 / 111195;
    const s = snapper.snap(lon(2.5), lat(0) + dLat)!;
    expect(s.distanceM).toBeCloseTo(20, 0);
    expect(s.lat).toBeCloseTo(lat(0), 9);
    expect(s.lon).toBeCloseTo(lon(2.5), 9);
  });

  it('distance matrix is symmetric, zero on the diagonal, and matches path lengths', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -0.3, max: 5.3, noNaN: true }), fc.double({ min: -0.3, max: 4.3, noNaN: true })), { minLength: 2, maxLength: 8 }),
        (ps) => {
          const snaps = ps.map(([c, r]) => snapper.snap(lon(c), lat(r))!);
          const m = distanceMatrix(net, snaps);
          const n = snaps.length;
          for (let i = 0; i < n; i++) {
            expect(m[i * n + i]).toBeCloseTo(0, 6);
            for (let j = 0; j < n; j++) {
              expect(m[i * n + j]).toBeCloseTo(m[j * n + i], 4);
              // triangle inequality
              for (let k = 0; k < n; k++) expect(m[i * n + j]).toBeLessThanOrEqual(m[i * n + k] + m[k * n + j] + 1e-6);
            }
          }
          const p = shortestPath(net, snaps[0], snaps[1])!;
          expect(p.lengthM).toBeCloseTo(m[1], 4);
          let geomLen = 0;
          for (let k = 1; k < p.coords.length; k++) geomLen += haversineM(p.coords[k - 1][0], p.coords[k - 1][1], p.coords[k][0], p.coords[k][1]);
          expect(geomLen).toBeCloseTo(p.lengthM, 3);
          expect(p.coords[0][0]).toBeCloseTo(snaps[0].lon, 9);
          expect(p.coords[p.coords.length - 1][1]).toBeCloseTo(snaps[1].lat, 9);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('two points on the same street segment: the direct distance (known answer)', () => {
    const a = snapper.snap(lon(1.2), lat(0))!,
      b = snapper.snap(lon(1.7), lat(0))!;
    const d = oneToMany(net, a, [b])[0];
    expect(d).toBeCloseTo(haversineM(lon(1.2), lat(0), lon(1.7), lat(0)), 3);
    // Manhattan on the lattice: from (0,0) to (2,3) corner to corner
    const c = snapper.snap(lon(0), lat(0))!,
      e = snapper.snap(lon(2), lat(3))!;
    expect(oneToMany(net, c, [e])[0]).toBeCloseTo(2 * haversineM(lon(0), lat(0), lon(1), lat(0)) + 3 * haversineM(lon(0), lat(0), lon(0), lat(1)), 0);
  });

  it('service area: reached street length grows with time and stays within the budget', () => {
    const o = snapper.snap(lon(2.5), lat(2))!;
    const small = serviceArea(net, o, 60); // 72 m at 1.2 m/s
    const big = serviceArea(net, o, 300);
    expect(small.budgetM).toBeCloseTo(72, 6);
    const len = (f: typeof small.reached) =>
      f.geometry.coordinates.reduce((s, l) => s + l.slice(1).reduce((a, p, i) => a + haversineM(l[i][0], l[i][1], p[0], p[1]), 0), 0);
    // 72 m each way: the whole ~96 m block, then 72 - 48 = 24 m into the 3 other streets at each corner
    const block = haversineM(lon(2), lat(2), lon(3), lat(2));
    expect(len(small.reached)).toBeCloseTo(block + 6 * (72 - block / 2), 1);
    expect(len(big.reached)).toBeGreaterThan(len(small.reached));
    expect(big.polygon).not.toBeNull();
    for (const l of big.reached.geometry.coordinates)
      for (const p of l) {
        const s = snapper.snap(p[0], p[1])!;
        expect(oneToMany(net, o, [s])[0]).toBeLessThanOrEqual(big.budgetM + 1e-6);
      }
  });
});
