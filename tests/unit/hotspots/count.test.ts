import fc from 'fast-check';
import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { countPointsInZones, queenContiguity } from '../../../server/algorithms/hotspots';
import { squareLattice } from './testkit';

describe('counting points per zone', () => {
  const two = squareLattice(2, 1); // [0,1]x[0,1] and [1,2]x[0,1]

  it('a point on a shared edge counts once, in the zone with the lowest index', () => {
    expect(Array.from(countPointsInZones(two, [[1, 0.5]]).counts)).toEqual([1, 0]);
    expect(Array.from(countPointsInZones([two[1]!, two[0]!], [[1, 0.5]]).counts)).toEqual([1, 0]);
  });

  it('a point on a corner shared by four zones counts once, in the lowest index', () => {
    const four = squareLattice(2, 2);
    const r = countPointsInZones([four[3]!, four[2]!, four[1]!, four[0]!], [[1, 1]]);
    expect(Array.from(r.counts)).toEqual([1, 0, 0, 0]);
    expect(Array.from(r.zoneOfPoint)).toEqual([0]);
  });

  it('holes are outside; the zone filling a hole gets its points; MultiPolygon parts all count', () => {
    const holed: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [4, 0],
          [4, 4],
          [0, 4],
          [0, 0],
        ],
        [
          [1, 1],
          [1, 3],
          [3, 3],
          [3, 1],
          [1, 1],
        ],
      ],
    };
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [10, 0],
            [11, 0],
            [11, 1],
            [10, 1],
            [10, 0],
          ],
        ],
        [
          [
            [20, 0],
            [21, 0],
            [21, 1],
            [20, 1],
            [20, 0],
          ],
        ],
      ],
    };
    const r = countPointsInZones(
      [holed, multi],
      [
        [2, 2],
        [0.5, 0.5],
        [10.5, 0.5],
        [20.5, 0.5],
        [15, 0.5],
      ],
    );
    expect(Array.from(r.counts)).toEqual([1, 2]);
    expect(r.outside).toBe(2);
    const filler: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [1, 1],
          [3, 1],
          [3, 3],
          [1, 3],
          [1, 1],
        ],
      ],
    };
    expect(
      Array.from(
        countPointsInZones(
          [holed, filler],
          [
            [2, 2],
            [1, 2],
          ],
        ).counts,
      ),
    ).toEqual([1, 1]); // (1,2) on the hole ring: zone 0
  });

  it('property: each point goes to the lowest-index closed cell holding it; sum = points inside', () => {
    const C = 5,
      R = 4;
    const zones = squareLattice(C, R);
    const coord = (max: number) => fc.integer({ min: -4, max: 4 * max + 4 }).map((v) => v / 4); // hits edges often
    fc.assert(
      fc.property(fc.array(fc.tuple(coord(C), coord(R)), { maxLength: 60 }), (pts) => {
        const r = countPointsInZones(zones, pts);
        let inside = 0;
        pts.forEach(([x, y], i) => {
          let expected = -1;
          for (let row = 0; row < R && expected < 0; row++) {
            for (let c = 0; c < C; c++) {
              if (x >= c && x <= c + 1 && y >= row && y <= row + 1) {
                expected = row * C + c;
                break;
              }
            }
          }
          if (expected >= 0) inside++;
          expect(r.zoneOfPoint[i]).toBe(expected);
        });
        expect(r.counts.reduce((a, b) => a + b, 0)).toBe(inside);
        expect(r.outside).toBe(pts.length - inside);
      }),
    );
  });
});

describe('queen contiguity', () => {
  it('3 x 3 lattice: the centre touches all 8, a corner touches 3 (including the diagonal)', () => {
    const nb = queenContiguity(squareLattice(3, 3));
    expect(nb[4]).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
    expect(nb[0]).toEqual([1, 3, 4]);
  });

  it('snaps vertices closer than the tolerance and not farther', () => {
    const a: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    const near: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [1 + 1e-9, 1 + 1e-9],
          [2, 1],
          [2, 2],
          [1, 2],
          [1 + 1e-9, 1 + 1e-9],
        ],
      ],
    };
    const far: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [1 + 1e-7, 1 + 1e-7],
          [2, 1],
          [2, 2],
          [1.5, 2],
          [1 + 1e-7, 1 + 1e-7],
        ],
      ],
    };
    expect(queenContiguity([a, near])).toEqual([[1], [0]]);
    expect(queenContiguity([a, far])).toEqual([[], []]);
    expect(queenContiguity([a, far], { snap: 1e-6 })).toEqual([[1], [0]]);
  });

  it('T-junction: a vertex on the middle of an edge makes neighbours (poly2nb would miss this)', () => {
    const big: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [2, 0],
          [2, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    const top: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0.5, 1],
          [1.5, 1],
          [1.5, 2],
          [0.5, 2],
          [0.5, 1],
        ],
      ],
    };
    expect(queenContiguity([big, top])).toEqual([[1], [0]]);
  });

  it('is symmetric and irreflexive on random lattices with zones in shuffled order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (C, R, seed) => {
        const zones = squareLattice(C, R);
        const perm = zones.map((_, i) => i).sort((a, b) => ((a * 2654435761 + seed) % 97) - ((b * 2654435761 + seed) % 97) || a - b);
        const nb = queenContiguity(perm.map((i) => zones[i]!));
        nb.forEach((list, i) => {
          expect(list).not.toContain(i);
          for (const j of list) expect(nb[j]).toContain(i);
          const r = Math.floor(perm[i]! / C),
            c = perm[i]! % C;
          const expected = list.length;
          let want = 0;
          for (let dr = -1; dr <= 1; dr++)
            for (let dc = -1; dc <= 1; dc++) {
              if ((dr || dc) && r + dr >= 0 && r + dr < R && c + dc >= 0 && c + dc < C) want++;
            }
          expect(expected).toBe(want);
        });
      }),
    );
  });
});
