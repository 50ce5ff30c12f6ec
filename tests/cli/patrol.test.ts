import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haversineM } from '../../server/algorithms/routing/geo';
import { lat, latticeStreets, line, lon } from '../unit/routing/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'patrol-'));
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const script = join(process.cwd(), 'scripts/patrol.ts');
const run = (args: string[]) => spawnSync(tsx, [script, ...args], { encoding: 'utf8', timeout: 60_000 });
const write = (name: string, data: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
};
const point = (id: unknown, x: number, y: number) => ({ type: 'Feature', properties: { id }, geometry: { type: 'Point', coordinates: [x, y] } });
const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });

const streets = write(
  'streets.geojson',
  fc([
    ...latticeStreets(5, 5),
    line([
      [lon(9), lat(9)],
      [lon(9.5), lat(9)],
    ]),
  ]),
);

describe('patrol CLI', () => {
  it('writes one LineString along the streets through every stop (closed) and a GPX', () => {
    const stops = write('stops.geojson', fc([point('a', lon(0), lat(0)), point('b', lon(4), lat(4)), point('c', lon(0), lat(4)), point('d', lon(4), lat(0))]));
    const out = join(dir, 'route.geojson'),
      gpx = join(dir, 'route.gpx');
    const r = run(['--streets', streets, '--stops', stops, '--closed', '--out', out, '--gpx', gpx]);
    expect(r.status, r.stderr).toBe(0);
    const f = JSON.parse(readFileSync(out, 'utf8'));
    expect(f.type).toBe('Feature');
    expect(f.geometry.type).toBe('LineString');
    expect([...f.properties.order].sort()).toEqual(['a', 'b', 'c', 'd']);
    // the square's perimeter is the optimum
    const side = haversineM(lon(0), lat(0), lon(4), lat(0)) + haversineM(lon(0), lat(0), lon(0), lat(4));
    expect(f.properties.length_m).toBeCloseTo(2 * side, 0);
    expect(readFileSync(gpx, 'utf8')).toContain('<trkpt');
  });

  it('bad input: one error line, exit 2', () => {
    const cases: [string, unknown, RegExp][] = [
      ['noid.geojson', fc([point('a', lon(0), lat(0)), point(null, lon(1), lat(0))]), /noid\.geojson: feature 1: missing properties\.id/],
      ['dup.geojson', fc([point('a', lon(0), lat(0)), point('a', lon(1), lat(0))]), /dup\.geojson: feature 1 \(id a\): duplicate id a/],
      ['swapped.geojson', fc([point('a', lon(0), lat(0)), point('b', lat(1), lon(1))]), /swapped\.geojson: feature 1 \(id b\).*swapped/],
      [
        'island.geojson',
        fc([point('a', lon(0), lat(0)), point('b', lon(1), lat(1)), point('lost', lon(9.2), lat(9))]),
        /island\.geojson: stop lost is unreachable from the others/,
      ],
      ['bad.geojson', 'not json', /bad\.geojson: invalid JSON/],
    ];
    for (const [name, data, re] of cases) {
      const r = run(['--streets', streets, '--stops', write(name, data), '--out', join(dir, 'x.geojson')]);
      expect(r.status, name + r.stderr).toBe(2);
      const errs = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatch(re);
    }
    const polyStreets = write(
      'poly.geojson',
      fc([
        {
          type: 'Feature',
          properties: { id: 's1' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [lon(0), lat(0)],
                [lon(1), lat(0)],
                [lon(1), lat(1)],
                [lon(0), lat(0)],
              ],
            ],
          },
        },
      ]),
    );
    const r = run(['--streets', polyStreets, '--stops', write('ok.geojson', fc([point('a', lon(0), lat(0))])), '--out', join(dir, 'x.geojson')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: .*poly\.geojson: feature 0 \(id s1\): street must be a LineString, got Polygon/m);
  });
});
