/** Contract of `npm run --silent hotspots -- --points I.geojson --zones Z.geojson [--no-fdr] --out H.json`. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Feature, FeatureCollection, Point, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'hotspots-cli-'));
const fixtures = join(process.cwd(), 'tests/unit/hotspots/fixtures');
const CLASSES = ['hot99', 'hot95', 'hot90', 'ns', 'cold90', 'cold95', 'cold99'];

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('npm', ['run', '--silent', 'hotspots', '--', ...args], { cwd: process.cwd() });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
const file = (name: string, data: unknown): string => {
  const p = join(dir, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
};
const pointsFc = (pts: number[][]): FeatureCollection<Point> => ({
  type: 'FeatureCollection',
  features: pts.map((coordinates, i) => ({ type: 'Feature', properties: { id: `i${i}` }, geometry: { type: 'Point', coordinates } })),
});
type Out = { zones: Array<{ id: string; count: number; z: number; p: number; q: number; class: string }> };

describe('hotspots CLI', () => {
  it('reproduces R spdep localG on the lattice fixture from points, with a valid output shape', async () => {
    const lattice = JSON.parse(readFileSync(join(fixtures, 'lattice.geojson'), 'utf8')) as FeatureCollection<Polygon, { id: string; count: number }>;
    const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { zonesets: { lattice: { z: number[]; q: number[] } } };
    // count points per zone, placed around the cell centre, plus points on shared edges/corners
    const pts: number[][] = [];
    for (const f of lattice.features) {
      const [x0, y0] = f.geometry.coordinates[0]![0]! as [number, number];
      for (let k = 0; k < f.properties.count; k++) pts.push([x0 + 0.001 + (k % 5) * 0.0004, y0 + 0.001 + Math.floor(k / 5) * 0.0001]);
    }
    const out = join(dir, 'h1.json');
    const r = await cli(['--points', file('p1.geojson', pointsFc(pts)), '--zones', join(fixtures, 'lattice.geojson'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const h = JSON.parse(readFileSync(out, 'utf8')) as Out;
    expect(Object.keys(h)).toEqual(['zones']);
    expect(h.zones.map((z) => z.id)).toEqual(lattice.features.map((f) => f.properties.id));
    h.zones.forEach((z, i) => {
      expect(z.count).toBe(lattice.features[i]!.properties.count);
      expect(Math.abs(z.z - expected.zonesets.lattice.z[i]!)).toBeLessThan(1e-6);
      expect(Math.abs(z.q - expected.zonesets.lattice.q[i]!)).toBeLessThan(1e-9);
      expect(CLASSES).toContain(z.class);
      expect(z.p).toBeGreaterThanOrEqual(0);
      expect(z.p).toBeLessThanOrEqual(1);
    });
    // the planted cluster (rows 2-4, cols 2-4) contains hot zones, the centre is hot
    expect(h.zones.find((z) => z.id === 'L3_3')!.class).toMatch(/^hot/);
  });

  it('counts a point on a shared edge once (first zone in the file) and --no-fdr classifies by raw p', async () => {
    const sq = (x: number, y: number, id: string): Feature<Polygon> => ({
      type: 'Feature',
      properties: { id },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [x, y],
            [x + 0.01, y],
            [x + 0.01, y + 0.01],
            [x, y + 0.01],
            [x, y],
          ],
        ],
      },
    });
    const zones = { type: 'FeatureCollection', features: [sq(117, 30.5, 'a'), sq(117.01, 30.5, 'b'), sq(117.02, 30.5, 'c')] };
    const pts = [
      [117.01, 30.505],
      [117.015, 30.505],
      [117.005, 30.505],
      [117.2, 30.2],
    ];
    const out = join(dir, 'h2.json');
    const r = await cli(['--points', file('p2.geojson', pointsFc(pts)), '--zones', file('z2.geojson', zones), '--no-fdr', '--out', out]);
    expect(r.code).toBe(0);
    const h = JSON.parse(readFileSync(out, 'utf8')) as Out;
    expect(h.zones.map((z) => z.count)).toEqual([2, 1, 0]);
    for (const z of h.zones) {
      const expectedClass = z.p <= 0.1 && z.z !== 0 ? (z.z > 0 ? 'hot' : 'cold') : 'ns';
      expect(z.class.startsWith(expectedClass)).toBe(true);
    }
  });

  const bad: Array<[string, () => string[], RegExp]> = [
    [
      'missing file',
      () => ['--points', join(dir, 'nope.geojson'), '--zones', join(fixtures, 'lattice.geojson'), '--out', join(dir, 'x.json')],
      /nope\.geojson: cannot read/,
    ],
    [
      'invalid JSON',
      () => ['--points', file('bad.json', '{"type":'), '--zones', join(fixtures, 'lattice.geojson'), '--out', join(dir, 'x.json')],
      /bad\.json: invalid JSON/,
    ],
    [
      'zone without id',
      () => [
        '--points',
        file('p3.geojson', pointsFc([])),
        '--zones',
        file('z3.geojson', {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: {},
              geometry: {
                type: 'Polygon',
                coordinates: [
                  [
                    [0, 0],
                    [1, 0],
                    [1, 1],
                    [0, 0],
                  ],
                ],
              },
            },
          ],
        }),
        '--out',
        join(dir, 'x.json'),
      ],
      /z3\.geojson: feature 0: properties\.id/,
    ],
    [
      'line instead of point',
      () => [
        '--points',
        file('p4.geojson', {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { id: 7 },
              geometry: {
                type: 'LineString',
                coordinates: [
                  [0, 0],
                  [1, 1],
                ],
              },
            },
          ],
        }),
        '--zones',
        join(fixtures, 'lattice.geojson'),
        '--out',
        join(dir, 'x.json'),
      ],
      /p4\.geojson: feature 0 \(id 7\): geometry must be Point/,
    ],
    [
      'unclosed ring',
      () => [
        '--points',
        file('p5.geojson', pointsFc([])),
        '--zones',
        file('z5.geojson', {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { id: 'q' },
              geometry: {
                type: 'Polygon',
                coordinates: [
                  [
                    [0, 0],
                    [1, 0],
                    [1, 1],
                    [0, 1],
                  ],
                ],
              },
            },
          ],
        }),
        '--out',
        join(dir, 'x.json'),
      ],
      /z5\.geojson: feature 0 \(id q\): ring 0/,
    ],
    ['missing --points', () => ['--zones', join(fixtures, 'lattice.geojson')], /missing --points/],
  ];
  for (const [name, args, re] of bad) {
    it.concurrent(`exits 2 with one error line: ${name}`, async () => {
      const r = await cli(args());
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toMatch(re);
    });
  }
});
