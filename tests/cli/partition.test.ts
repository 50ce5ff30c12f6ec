import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticDistrict } from '../../bench/partition/synthetic';

const dir = mkdtempSync(join(tmpdir(), 'wangge-partition-'));
const run = (...args: string[]) => spawnSync('npx', ['tsx', 'scripts/partition.ts', ...args], { encoding: 'utf8', cwd: process.cwd() });
const write = (name: string, v: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
  return f;
};

describe('partition CLI contract', () => {
  let units: string, barriers: string, fcUnits: ReturnType<typeof syntheticDistrict>['units'];
  beforeAll(() => {
    const d = syntheticDistrict({ cols: 16, rows: 16, seed: 3 });
    fcUnits = d.units;
    units = write('u.geojson', d.units);
    barriers = write('b.geojson', d.barriers);
  });

  it('writes assignment, grids and warnings; exit 0; progress only on stderr; warm start', () => {
    const out = join(dir, 'p.json');
    const r = run('--units', units, '--barriers', barriers, '--seed', '1', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const p = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(p.assignment)).toHaveLength(fcUnits.features.length);
    expect(Array.isArray(p.warnings)).toBe(true);
    for (const g of p.grids) {
      expect(Array.isArray(g.units)).toBe(true);
      expect(g.households).toBeGreaterThanOrEqual(300);
      expect(g.households).toBeLessThanOrEqual(500);
    }
    const out2 = join(dir, 'p2.json');
    const r2 = run('--units', units, '--barriers', barriers, '--previous', out, '--out', out2);
    expect(r2.status).toBe(0);
    expect(JSON.parse(readFileSync(out2, 'utf8')).assignment).toEqual(p.assignment);
  });

  it('an empty FeatureCollection of units: exit 2, one error line, no output (was exit 0 with "0 grids")', () => {
    const out = join(dir, 'empty-out.json');
    const r = run('--units', write('empty.geojson', { type: 'FeatureCollection', features: [] }), '--out', out);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([expect.stringMatching(/^error: .*empty\.geojson: no units to partition/)]);
    expect(r.stderr).not.toMatch(/0 grids/);
    expect(existsSync(out)).toBe(false);
  });

  const bad = (mutate: (f: Record<string, unknown>[]) => void) => {
    const fc = JSON.parse(JSON.stringify(fcUnits));
    mutate(fc.features);
    return write(`bad${Math.random().toString(36).slice(2)}.geojson`, fc);
  };
  const expectError = (r: ReturnType<typeof run>, re: RegExp) => {
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(re);
  };

  it('rejects bad input with one error line naming file, feature and problem', () => {
    const out = join(dir, 'x.json');
    let f = bad((fs) => {
      (fs[3].properties as Record<string, unknown>).id = (fs[2].properties as Record<string, unknown>).id;
    });
    expectError(run('--units', f, '--out', out), new RegExp(`${f}: feature 3 \\(id u0_2\\): duplicate id`));
    f = bad((fs) => {
      delete (fs[1].properties as Record<string, unknown>).id;
    });
    expectError(run('--units', f, '--out', out), /feature 1 .*missing properties.id/);
    f = bad((fs) => {
      (fs[4].properties as Record<string, unknown>).households = 2.5;
    });
    expectError(run('--units', f, '--out', out), /feature 4 \(id u0_4\): households must be a non-negative integer/);
    f = bad((fs) => {
      fs[5].geometry = { type: 'Point', coordinates: [117, 30] };
    });
    expectError(run('--units', f, '--out', out), /feature 5 \(id u0_5\): geometry must be Polygon/);
    f = bad((fs) => {
      const g = fs[6].geometry as { coordinates: number[][][] };
      g.coordinates = [g.coordinates[0].map(([x, y]) => [y, x])];
    });
    expectError(run('--units', f, '--out', out), /feature 6 \(id u0_6\): .*swapped/);
    f = write('broken.geojson', '{"type": "FeatureCollection", "features": [');
    expectError(run('--units', f, '--out', out), /broken\.geojson: (line \d+ column \d+: )?invalid JSON/);
    expectError(run('--units', units, '--min', '600', '--max', '500', '--out', out), /--min 600 is greater than --max 500/);
    expectError(run('--units', join(dir, 'missing.geojson'), '--out', out), /missing.geojson: cannot read file/);
  });
});
