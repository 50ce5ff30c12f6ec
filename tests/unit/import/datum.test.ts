import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import type { Geometry, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { fromWgs84, geometryToWgs84, toWgs84 } from '../../../server/import/datum';
import { parseGeoJson } from '../../../server/import/geojson';
import { positionsOf } from '../../../server/import/validate';
import { GEODATA, HAS_GEODATA } from './paths';

function meanPosition(g: Geometry): Position {
  let x = 0,
    y = 0,
    n = 0;
  for (const p of positionsOf(g)) {
    x += p[0];
    y += p[1];
    n++;
  }
  return [x / n, y / n];
}

describe('datum conversion', () => {
  it.skipIf(!HAS_GEODATA)('moves the GCJ-02 Yingjiang outline ~520 m west and ~257 m north to WGS84', () => {
    const text = readFileSync(resolve(GEODATA, 'anqing-boundaries/yingjiang_340802_datav.json'), 'utf8');
    const { features } = parseGeoJson(text); // a JSON array of Features (DataV)
    expect(features).toHaveLength(1);
    const gcj = features[0].geometry;
    const wgs = geometryToWgs84(gcj, 'gcj02');
    const a = meanPosition(gcj);
    const b = meanPosition(wgs);
    const mPerDegLat = 110_900;
    const mPerDegLon = 111_320 * Math.cos((a[1] * Math.PI) / 180);
    const eastM = (a[0] - b[0]) * mPerDegLon; // how far GCJ sits east of the truth
    const southM = (b[1] - a[1]) * mPerDegLat; // how far GCJ sits south of the truth
    expect(eastM).toBeGreaterThan(470);
    expect(eastM).toBeLessThan(570);
    expect(southM).toBeGreaterThan(220);
    expect(southM).toBeLessThan(300);
    // the input is not changed
    expect(meanPosition(gcj)).toEqual(a);
  });

  it('gcj02 → wgs84 at Anqing matches the known offset (known answer)', () => {
    const [x, y] = toWgs84([117.05, 30.52], 'gcj02');
    expect((117.05 - x) * 111_320 * Math.cos((30.52 * Math.PI) / 180)).toBeCloseTo(520, -2);
    expect((y - 30.52) * 110_900).toBeGreaterThan(220);
    expect((y - 30.52) * 110_900).toBeLessThan(300);
  });

  it('round-trips wgs84 → gcj02/bd09 → wgs84 within 0.5 m anywhere in China', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 100, max: 122, noNaN: true }),
        fc.double({ min: 22, max: 40, noNaN: true }),
        fc.constantFrom('gcj02' as const, 'bd09' as const),
        (lon, lat, datum) => {
          const back = toWgs84(fromWgs84([lon, lat], datum), datum);
          const dx = (back[0] - lon) * 111_320 * Math.cos((lat * Math.PI) / 180);
          const dy = (back[1] - lat) * 110_900;
          return Math.hypot(dx, dy) < 0.5;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('wgs84 is the identity and other datums move points by 100 m to 1.5 km in China', () => {
    expect(toWgs84([117.05, 30.52], 'wgs84')).toEqual([117.05, 30.52]);
    fc.assert(
      fc.property(fc.double({ min: 105, max: 120, noNaN: true }), fc.double({ min: 25, max: 38, noNaN: true }), (lon, lat) => {
        for (const d of ['gcj02', 'bd09'] as const) {
          const p = toWgs84([lon, lat], d);
          const m = Math.hypot((p[0] - lon) * 111_320 * Math.cos((lat * Math.PI) / 180), (p[1] - lat) * 110_900);
          if (m < 100 || m > 1500) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
