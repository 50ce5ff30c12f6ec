import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lat, latticeStreets, lon, prng } from '../unit/routing/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'group-shops-'));
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const script = join(process.cwd(), 'scripts/group-shops.ts');

function run(args: string[]) {
  return spawnSync(tsx, [script, ...args], { encoding: 'utf8', timeout: 60_000 });
}

function write(name: string, data: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
}

const point = (id: unknown, x: number, y: number, props: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties: { id, ...props },
  geometry: { type: 'Point', coordinates: [x, y] },
});

let streets: string, shops: string;
const N = 57;

beforeAll(() => {
  streets = write('streets.geojson', { type: 'FeatureCollection', features: latticeStreets(6, 6) });
  const rand = prng(5);
  const feats = Array.from({ length: N }, (_, i) => point(`s${i}`, lon(rand() * 5), lat(Math.floor(rand() * 6)) + 0.00005, { grid: i < 30 ? 'g1' : 'g2' }));
  shops = write('shops.geojson', { type: 'FeatureCollection', features: feats });
});

describe('group-shops CLI', () => {
  it('groups every shop once, within grids, sizes in band, exit 0', () => {
    const out = join(dir, 'G.json');
    const r = run(['--shops', shops, '--streets', streets, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const g = JSON.parse(readFileSync(out, 'utf8'));
    const all = g.groups.flatMap((x: { members: string[] }) => x.members).sort();
    expect(all).toEqual(Array.from({ length: N }, (_, i) => `s${i}`).sort());
    for (const grp of g.groups) {
      expect(grp.members).toContain(grp.leader);
      expect(grp.members.length).toBeGreaterThanOrEqual(8);
      expect(grp.members.length).toBeLessThanOrEqual(12);
      const grids = new Set(grp.members.map((m: string) => (Number(m.slice(1)) < 30 ? 'g1' : 'g2')));
      expect(grids.size).toBe(1);
      expect(typeof grp.id).toBe('string');
      expect(grp.diameter_m).toBeGreaterThan(0);
    }
    expect(Array.isArray(g.warnings)).toBe(true);
  });

  it('bad input exits 2 with one error line naming file, feature and problem', () => {
    const cases: [string, unknown, RegExp][] = [
      ['noid.geojson', { type: 'FeatureCollection', features: [point(undefined, lon(1), lat(1))] }, /noid\.geojson: feature 0: missing properties\.id/],
      [
        'dup.geojson',
        { type: 'FeatureCollection', features: [point('a', lon(1), lat(1)), point('a', lon(2), lat(1))] },
        /dup\.geojson: feature 1 \(id a\): duplicate id a/,
      ],
      [
        'poly.geojson',
        {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { id: 'p' },
              geometry: {
                type: 'LineString',
                coordinates: [
                  [lon(0), lat(0)],
                  [lon(1), lat(0)],
                ],
              },
            },
          ],
        },
        /poly\.geojson: feature 0 \(id p\): shop must be a Point/,
      ],
      ['swapped.geojson', { type: 'FeatureCollection', features: [point('x', lat(1), lon(1))] }, /swapped\.geojson: feature 0 \(id x\).*swapped/],
      ['broken.geojson', '{"type": "FeatureCollection", "features": [', /broken\.geojson: (line \d+ column \d+: )?invalid JSON/],
    ];
    for (const [name, data, re] of cases) {
      const f = write(name, data);
      const r = run(['--shops', f, '--streets', streets, '--out', join(dir, 'x.json')]);
      expect(r.status, name).toBe(2);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:'));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(re);
    }
    const badStreets = write('pts-as-streets.geojson', { type: 'FeatureCollection', features: [point('q', lon(1), lat(1))] });
    const r = run(['--shops', shops, '--streets', badStreets, '--out', join(dir, 'x.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: .*pts-as-streets\.geojson: feature 0 \(id q\): street must be a LineString/m);
    const missing = run(['--shops', join(dir, 'nope.geojson'), '--streets', streets, '--out', join(dir, 'x.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error: .*nope\.geojson: cannot read file/m);
  });

  it('npm run --silent group-shops works with --size', () => {
    const out = join(dir, 'G12.json');
    execFileSync('npm', ['run', '--silent', 'group-shops', '--', '--shops', shops, '--streets', streets, '--size', '12', '--cross-grids', '--out', out], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const g = JSON.parse(readFileSync(out, 'utf8'));
    expect(g.groups.reduce((s: number, x: { members: string[] }) => s + x.members.length, 0)).toBe(N);
    expect(g.groups).toHaveLength(5); // 57 shops in groups of about 12, grids ignored
  });
});
