/** The grid member's area helpers: point in polygon (holes, multipolygons) and a default point that lies inside. */
import { describe, expect, it } from 'vitest';
import type { MultiPolygon, Polygon } from 'geojson';
import { interiorPoint, pointInArea } from '../../../client/src/views/field/area';

const square: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ],
    [
      [4, 4],
      [6, 4],
      [6, 6],
      [4, 6],
      [4, 4],
    ],
  ],
};
// a U: its centroid (x = 5) falls in the notch between the arms
const u: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [10, 0],
      [10, 10],
      [8, 10],
      [8, 2],
      [2, 2],
      [2, 10],
      [0, 10],
      [0, 0],
    ],
  ],
};

describe('field area', () => {
  it('tests points against the outer ring and the holes', () => {
    expect(pointInArea([1, 1], square)).toBe(true);
    expect(pointInArea([5, 5], square)).toBe(false); // in the hole
    expect(pointInArea([11, 5], square)).toBe(false);
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        square.coordinates,
        [
          [
            [20, 20],
            [21, 20],
            [21, 21],
            [20, 21],
            [20, 20],
          ],
        ],
      ],
    };
    expect(pointInArea([20.5, 20.5], multi)).toBe(true);
  });

  it('puts the default point inside the area, also when the centroid is outside', () => {
    const simple: Polygon = { type: 'Polygon', coordinates: [square.coordinates[0]] };
    expect(interiorPoint(simple)).toEqual([5, 5]);
    const p = interiorPoint(u);
    expect(pointInArea([5, 4], u)).toBe(false); // the centroid region is the notch
    expect(pointInArea(p, u)).toBe(true);
    expect(pointInArea(interiorPoint(square), square)).toBe(true);
  });
});
