import fc from 'fast-check';
import type { Geometry } from 'geojson';
import { describe, expect, it } from 'vitest';
import type { RawFeature } from '../../../common/gis-files/feature-types';
import { coordinateProblem, degenerateProblem, districtProblem, tidyGeometry } from '../../../server/import/validate';

const pt = (lon: number, lat: number): Geometry => ({ type: 'Point', coordinates: [lon, lat] });
const feat = (g: Geometry, i = 0): RawFeature => ({ ref: `feature ${i}`, geometry: g, properties: {} });

const inDistrict = fc.tuple(fc.double({ min: 116.95, max: 117.35, noNaN: true }), fc.double({ min: 30.35, max: 30.75, noNaN: true }));

describe('coordinate sanity', () => {
  it('accepts any in-range coordinate', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -90, max: 90, noNaN: true }),
        (x, y) => coordinateProblem(pt(x, y)) === null,
      ),
    );
  });

  it('says swapped when the first coordinate looks like a latitude and the second cannot be one', () => {
    expect(coordinateProblem(pt(30.52, 117.05))).toMatch(/looks like lat\/lon order is swapped/);
    fc.assert(fc.property(inDistrict, ([x, y]) => /swapped/.test(coordinateProblem(pt(y, x)) ?? '')));
  });

  it('refuses out-of-range and non-numeric coordinates', () => {
    expect(coordinateProblem(pt(200, 30))).toMatch(/out of range/);
    expect(coordinateProblem(pt(100, 95))).toMatch(/out of range/);
    expect(coordinateProblem(pt(Number.NaN, 30))).toMatch(/not a pair of numbers/);
    expect(
      coordinateProblem({
        type: 'LineString',
        coordinates: [
          [117, 30],
          ['117' as unknown as number, 30],
        ],
      }),
    ).toMatch(/not a pair/);
  });
});

describe('district check', () => {
  it('passes when any feature is in the district', () => {
    fc.assert(
      fc.property(
        inDistrict,
        fc.array(fc.tuple(fc.double({ min: 100, max: 120, noNaN: true }), fc.double({ min: 20, max: 40, noNaN: true }))),
        ([x, y], others) => {
          const fs = [feat(pt(x, y)), ...others.map(([a, b], i) => feat(pt(a, b), i + 1))];
          return districtProblem(fs) === null;
        },
      ),
    );
  });

  it('says swapped when all points fall in the district once swapped (lat in ±90 both ways)', () => {
    // 30.5, 117.05 is a valid coordinate pair (lat 117 is not): caught by coordinateProblem; here a
    // case where the swap keeps both in range cannot happen for Anqing, so swap in a bbox test:
    const box = { west: 30.3, south: 60.0, east: 30.8, north: 60.5 };
    const p = districtProblem([feat(pt(60.2, 30.5))], box);
    expect(p?.problem).toMatch(/looks like lat\/lon order is swapped/);
  });

  it('names the distance for data from another city (or a wrong datum)', () => {
    const p = districtProblem([feat(pt(121.49, 31.24), 0), feat(pt(121.5, 31.25), 1)]);
    expect(p?.feature).toBe('feature 0');
    expect(p?.problem).toMatch(/^(39\d|38\d) km from the district: is the datum right\? \(GCJ-02 data declared as WGS84\?\)/);
  });
});

describe('geometry repairs in JS', () => {
  it('closes open rings and drops degenerate holes', () => {
    const g: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
        [
          [0.2, 0.2],
          [0.2, 0.2],
          [0.2, 0.2],
        ],
      ],
    };
    const t = tidyGeometry(g);
    expect(t.changed).toBe(true);
    expect(t.geometry).toEqual({
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
    });
    expect(tidyGeometry(t.geometry).changed).toBe(false);
  });

  it('rejects lines and rings that cannot be repaired', () => {
    expect(
      degenerateProblem({
        type: 'LineString',
        coordinates: [
          [1, 1],
          [1, 1],
        ],
      }),
    ).toMatch(/fewer than 2/);
    expect(
      degenerateProblem({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      }),
    ).toMatch(/fewer than 3/);
    expect(
      degenerateProblem({
        type: 'LineString',
        coordinates: [
          [1, 1],
          [1, 2],
        ],
      }),
    ).toBeNull();
  });
});
