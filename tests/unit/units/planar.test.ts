import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { interiorPoint, nodeLines, pointInRings, polygonize, ringArea, type Pt } from '../../../server/algorithms/units/planar';

const square: Pt[] = [
  [0, 0],
  [100, 0],
  [100, 100],
  [0, 100],
  [0, 0],
];
const faceAreas = (lines: Pt[][]) =>
  polygonize(nodeLines(lines))
    .faces.map((f) => Math.round(f.area))
    .sort((a, b) => a - b);

describe('planar: noding and polygonizing (known answers)', () => {
  it('a cross divides a square into four faces; lines beyond the square do not add faces inside', () => {
    expect(
      faceAreas([
        square,
        [
          [50, -10],
          [50, 110],
        ],
        [
          [-10, 50],
          [110, 50],
        ],
      ]),
    ).toEqual([2500, 2500, 2500, 2500]);
  });
  it('a dead end and a stub do not divide land', () => {
    expect(
      faceAreas([
        square,
        [
          [50, 0],
          [50, 60],
        ],
        [
          [20, 20],
          [30, 30],
        ],
      ]),
    ).toEqual([10000]);
  });
  it('a street drawn 1 m short of the street it meets is healed; 5 m short is not', () => {
    expect(
      faceAreas([
        square,
        [
          [50, 0],
          [50, 99],
        ],
      ]),
    ).toEqual([5000, 5000]);
    expect(
      faceAreas([
        square,
        [
          [50, 0],
          [50, 95],
        ],
      ]),
    ).toEqual([10000]);
  });
  it('a ring road that touches nothing is a hole in the face around it and a face of its own', () => {
    const { faces, adjacency } = polygonize(
      nodeLines([
        square,
        [
          [20, 20],
          [40, 20],
          [40, 40],
          [20, 40],
          [20, 20],
        ],
      ]),
    );
    expect(faces.map((f) => [Math.round(f.area), f.rings.length]).sort((a, b) => a[0] - b[0])).toEqual([
      [400, 1],
      [9600, 2],
    ]);
    expect([...adjacency.get(0)!.values()][0]).toBeCloseTo(80, 6);
  });
  it('overlapping collinear lines are noded once', () => {
    expect(
      faceAreas([
        square,
        [
          [50, 0],
          [50, 100],
        ],
        [
          [50, 20],
          [50, 80],
        ],
      ]),
    ).toEqual([5000, 5000]);
  });
});

describe('planar: properties', () => {
  const pt = fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })).map(([x, y]) => [x / 10, y / 10] as Pt);
  it('faces of any lines inside a square tile it exactly (areas sum to the square, none overlap), and every face holds its interior point', () => {
    fc.assert(
      fc.property(fc.array(fc.array(pt, { minLength: 2, maxLength: 4 }), { maxLength: 12 }), (lines) => {
        const { faces } = polygonize(nodeLines([square, ...lines], { healM: 0 }));
        const sum = faces.reduce((s, f) => s + f.area, 0);
        expect(Math.abs(sum - 10000)).toBeLessThan(0.5);
        for (const f of faces) {
          expect(f.area).toBeGreaterThan(0);
          expect(ringArea(f.rings[0])).toBeGreaterThan(0);
          const p = interiorPoint(f.rings);
          if (f.area > 1 && !f.pinched) expect(pointInRings(p[0], p[1], f.rings)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
