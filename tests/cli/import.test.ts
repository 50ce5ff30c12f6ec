import { spawnSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../server/db';
import { BACKENDS, TEST_DATABASE_URL } from '../helpers/backends';
import { FIXTURES, GEODATA, HAS_GEODATA } from '../unit/import/paths';

const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const script = join(process.cwd(), 'scripts/import.ts');
const env: NodeJS.ProcessEnv = { ...process.env, WANGGE_DATA_DIR: join(dir, 'pglite') };
delete env.DATABASE_URL;
const run = (args: string[]) => spawnSync(tsx, [script, ...args], { encoding: 'utf8', timeout: 180_000, env });
const write = (name: string, data: string) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

/** Exit 2, nothing on stdout, and exactly one `error:` line on stderr, which is returned. */
function expectOneError(r: ReturnType<typeof run>): string {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(errors).toHaveLength(1);
  return errors[0];
}

describe('npm run import (CLI contract)', () => {
  it('malformed JSON: exit 2 naming file and position', () => {
    const f = write('broken.geojson', '{"type":"FeatureCollection","features":[\n{"type":"Feature",}\n]}');
    expect(expectOneError(run(['--file', f]))).toMatch(/^error: broken\.geojson: malformed JSON at line 2 column \d+/);
  });

  it('malformed OSM XML, empty file, missing file', () => {
    expect(expectOneError(run(['--file', write('bad.osm', '<osm><way id="1"></osm>')]))).toMatch(/^error: bad\.osm: malformed XML at line 1/);
    expect(expectOneError(run(['--file', write('empty.csv', '')]))).toBe('error: empty.csv: empty file');
    expect(expectOneError(run(['--file', join(dir, 'nope.geojson')]))).toMatch(/^error: nope\.geojson: cannot read the file \(ENOENT\)/);
  });

  it('swapped lat/lon and out-of-range coordinates name the CSV line / feature', () => {
    const swapped = write('swapped.csv', 'name,lat,lon\nA,30.52,117.05\nB,117.05,30.52\n');
    expect(expectOneError(run(['--file', swapped]))).toMatch(/^error: swapped\.csv: line 3: .*looks like lat\/lon order is swapped/);
    const far = write(
      'far.geojson',
      JSON.stringify({
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'LineString',
          coordinates: [
            [117, 30],
            [190, 30],
          ],
        },
      }),
    );
    expect(expectOneError(run(['--file', far]))).toMatch(/^error: far\.geojson: feature 0: coordinate \[190, 30\] is out of range/);
  });

  it('OSM XML with a DOCTYPE / external entity, and coordinates nested 100,000 deep: exit 2, one error line', () => {
    const xxe = write(
      'xxe.osm',
      '<?xml version="1.0"?>\n<!DOCTYPE osm [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<osm><node id="1" lat="30.52" lon="117.05"><tag k="shop" v="&x;"/></node></osm>',
    );
    expect(expectOneError(run(['--file', xxe]))).toMatch(/^error: xxe\.osm: line 2: XML with a <!DOCTYPE> declaration is refused/);
    const n = 100_000;
    const deep = write(
      'deep.geojson',
      `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":${'['.repeat(n)}117.05,30.52${']'.repeat(n)}}}`,
    );
    expect(expectOneError(run(['--file', deep, '--layer', 'shops']))).toMatch(/^error: deep\.geojson: feature 0: Point coordinates nested deeper/);
  });

  it('wrong geometry type for the layer, and a file over the size limit', () => {
    const pts = write('pts.geojson', JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [117.05, 30.52] } }));
    expect(expectOneError(run(['--file', pts, '--layer', 'buildings']))).toMatch(
      /^error: pts\.geojson: feature 0: wrong geometry type Point for layer buildings/,
    );
    const big = join(dir, 'big.geojson');
    writeFileSync(big, '');
    truncateSync(big, 201 * 1024 * 1024); // sparse: no real disk use
    expect(expectOneError(run(['--file', big]))).toBe('error: big.geojson: file is 201.0 MB, over the 200 MB limit');
  });

  it('bad options: exit 2 with ONE error line (the usage inside it, never a line of its own)', () => {
    const r = run(['--file', pts(), '--datum', 'utm']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown datum 'utm'/);
    for (const args of [['--file', pts(), '--datum', 'xyz'], ['--file', pts(), '--layer', 'roads'], ['--bogus'], []]) {
      const x = run(args);
      expectOneError(x);
      expect(x.stderr.trim().split('\n'), x.stderr).toHaveLength(1);
    }
    function pts() {
      return write('p.csv', 'lon,lat\n117.05,30.52\n');
    }
  });

  it.skipIf(!HAS_GEODATA)('real data of another city needs --anywhere', () => {
    const f = resolve(GEODATA, 'substitute-shanghai-bund-tilezen/shanghai_bund_pois.geojson');
    expect(expectOneError(run(['--file', f]))).toMatch(
      /^error: shanghai_bund_pois\.geojson: feature \d+ \(id \d+\): 39\d km from the district: is the datum right\? \(GCJ-02 data declared as WGS84\?\)/,
    );
  });

  it('imports (dry run) and prints the report as JSON on stdout, progress on stderr', async () => {
    // On the PostGIS server (a scratch schema) when the matrix has it: an embedded database
    // created from scratch in a child process takes most of a minute on a loaded machine.
    let schema: string | null = null;
    const childEnv = { ...env };
    if (BACKENDS.includes('postgres')) {
      schema = `cli_import_${process.pid}_${Date.now().toString(36)}`;
      const admin = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
      await admin.exec(`CREATE SCHEMA ${schema}`);
      await admin.close();
      const url = new URL(TEST_DATABASE_URL);
      url.searchParams.set('options', `-c search_path=${schema},public`);
      childEnv.DATABASE_URL = url.toString();
    }
    const r = spawnSync(tsx, [script, '--file', resolve(FIXTURES, 'shanghai_roads_cut.geojson'), '--anywhere', '--dry-run'], {
      encoding: 'utf8',
      timeout: 180_000,
      env: childEnv,
    });
    if (schema) {
      const admin = await openDb({ databaseUrl: TEST_DATABASE_URL, migrate: false });
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    }
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ source: 'shanghai_roads_cut.geojson', format: 'geojson', datum: 'wgs84', dryRun: true, read: 90 });
    expect(report.layers.streets.imported).toBe(report.heal.lines);
    expect(report.heal.joins).toBeGreaterThan(10);
    expect(r.stderr).toMatch(/pieces became \d+ lines/);
  });
});
