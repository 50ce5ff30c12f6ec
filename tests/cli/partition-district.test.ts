/**
 * The partition-district command-line contract (issue 13), through a child process: every output
 * rule checked as a property on a hand-made district with known answers and on the substitute
 * city (real OSM streets of Shanghai's Bund with a generated register); bad input exits 2 with one
 * `error:` line naming the file, the feature or row and the problem.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import polygonClipping, { type MultiPolygon } from 'polygon-clipping';
import { localProjection } from '../../server/algorithms/geo/projection';
import { fromWgs84 } from '../../server/import/datum';
import { pointInRings, ringArea, type Pt } from '../../server/algorithms/units/planar';
import { csvText, hasSubstituteCity, smallDistrict, substituteCity, type Fixture } from '../helpers/district-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'wangge-district-'));
const write = (name: string, v: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, typeof v === 'string' || v instanceof Uint8Array ? v : JSON.stringify(v));
  return f;
};
interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
const run = (...args: string[]) =>
  new Promise<Run>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'scripts/partition-district.ts', ...args], { cwd: process.cwd() });
    let stdout = '',
      stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });

interface Grid {
  type: string;
  geometry: { type: string; coordinates: number[][][] | number[][][][] };
  properties: { id: string; households: number; subdistrict: string };
}
interface Output {
  type: string;
  warnings: Array<{ code: string; message: string; grids?: string[] }>;
  features: Grid[];
  stats: Record<string, number>;
}

const polysOf = (g: Grid['geometry']) => (g.type === 'Polygon' ? [g.coordinates as number[][][]] : (g.coordinates as number[][][][]));

/** Checks every output rule of the contract; returns measurements for the report. */
function checkContract(out: Output, fx: Fixture, min: number, max: number) {
  const proj = localProjection(fx.rows[0]?.[2] ?? 0, fx.rows[0]?.[3] ?? 0);
  const m = (poly: number[][][]) => poly.map((r) => r.map((p) => proj.forward(p[0], p[1]) as Pt));
  const area = (mp: number[][][][]) => mp.reduce((s, poly) => s + m(poly).reduce((t, r, k) => t + (k ? -1 : 1) * Math.abs(ringArea(r)), 0), 0);
  expect(out.type).toBe('FeatureCollection');
  expect(Array.isArray(out.warnings)).toBe(true);
  // ids unique, households integer, Polygon unless a warning names the grid as cut in parts
  const ids = out.features.map((g) => g.properties.id);
  expect(new Set(ids).size).toBe(ids.length);
  const inParts = new Set(out.warnings.filter((w) => w.code === 'grid_in_parts').flatMap((w) => w.grids ?? []));
  for (const g of out.features) {
    expect(Number.isInteger(g.properties.households)).toBe(true);
    expect(g.geometry.type).toBe(inParts.has(g.properties.id) ? 'MultiPolygon' : 'Polygon');
  }
  // every row's point in exactly one grid; households = the rows whose point lies inside
  const sums = new Map<string, number>();
  for (const [, , lon, lat, hh] of fx.rows) {
    const holders = out.features.filter((g) => polysOf(g.geometry).some((poly) => pointInRings(lon, lat, poly)));
    expect(holders.length).toBe(1);
    sums.set(holders[0].properties.id, (sums.get(holders[0].properties.id) ?? 0) + hh);
  }
  for (const g of out.features) expect(g.properties.households).toBe(sums.get(g.properties.id) ?? 0);
  // grids do not overlap (1 m² tolerance)
  const bb = out.features.map((g) => {
    let a = Infinity,
      b = Infinity,
      c = -Infinity,
      d = -Infinity;
    for (const poly of polysOf(g.geometry))
      for (const p of poly[0]) {
        a = Math.min(a, p[0]);
        b = Math.min(b, p[1]);
        c = Math.max(c, p[0]);
        d = Math.max(d, p[1]);
      }
    return [a, b, c, d];
  });
  let maxOverlap = 0;
  for (let i = 0; i < out.features.length; i++)
    for (let j = i + 1; j < out.features.length; j++) {
      if (bb[i][0] > bb[j][2] || bb[j][0] > bb[i][2] || bb[i][1] > bb[j][3] || bb[j][1] > bb[i][3]) continue;
      const x = polygonClipping.intersection(polysOf(out.features[i].geometry) as MultiPolygon, polysOf(out.features[j].geometry) as MultiPolygon);
      maxOverlap = Math.max(maxOverlap, area(x));
    }
  expect(maxOverlap).toBeLessThan(1);
  // each sub-district's grids lie inside it and tile it (union = its land within 0.5 %)
  const coverage: Record<string, number> = {};
  for (const f of fx.boundaries.features as Array<{ properties: { level: string; code: string }; geometry: Grid['geometry'] }>) {
    if (f.properties.level !== 'subdistrict') continue;
    const sub = polysOf(f.geometry) as MultiPolygon;
    const mine = out.features.filter((g) => g.properties.subdistrict === f.properties.code).map((g) => polysOf(g.geometry) as MultiPolygon);
    expect(mine.length).toBeGreaterThan(0);
    const union = polygonClipping.union(mine[0], ...mine.slice(1));
    const inside = polygonClipping.intersection(union, sub);
    expect(area(inside)).toBeGreaterThan(area(union) * 0.995);
    coverage[f.properties.code] = area(union) / area(sub);
    expect(Math.abs(area(union) / area(sub) - 1)).toBeLessThan(0.005);
  }
  // major roads are grid edges: share of their length deeper than 5 m inside a grid
  const rings = out.features.map((g) => polysOf(g.geometry).map(m));
  const insideShare = (lines: number[][][]) => {
    let inner = 0,
      total = 0;
    for (const l of lines)
      for (let i = 1; i < l.length; i++) {
        const a = proj.forward(l[i - 1][0], l[i - 1][1]),
          b = proj.forward(l[i][0], l[i][1]);
        const n = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 10);
        for (let k = 0; k < n; k++) {
          const p: Pt = [a[0] + ((b[0] - a[0]) * (k + 0.5)) / n, a[1] + ((b[1] - a[1]) * (k + 0.5)) / n];
          const g = rings.find((mp) => mp.some((poly) => pointInRings(p[0], p[1], poly)));
          if (!g) continue;
          total++;
          let d = Infinity;
          for (const poly of g)
            for (const r of poly)
              for (let s = 1; s < r.length; s++) {
                const [x1, y1] = r[s - 1],
                  [x2, y2] = r[s];
                const dx = x2 - x1,
                  dy = y2 - y1,
                  l2 = dx * dx + dy * dy;
                const t = l2 ? Math.max(0, Math.min(1, ((p[0] - x1) * dx + (p[1] - y1) * dy) / l2)) : 0;
                d = Math.min(d, Math.hypot(x1 + t * dx - p[0], y1 + t * dy - p[1]));
              }
          if (d > 5) inner++;
        }
      }
    return total ? inner / total : 0;
  };
  const inBand = out.features.filter((g) => g.properties.households >= min && g.properties.households <= max).length;
  return { inBand, grids: out.features.length, majorInsideShare: insideShare(fx.major), minorInsideShare: insideShare(fx.minor), maxOverlap, coverage };
}

const expectError = (r: Run, ...res: RegExp[]) => {
  expect(r.status).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  for (const re of res) expect(lines[0]).toMatch(re);
};

describe('partition-district CLI contract', () => {
  const small = smallDistrict();
  let B: string, R: string, H: string;
  beforeAll(() => {
    B = write('b.geojson', small.boundaries);
    R = write('r.geojson', small.streets);
    H = write('h.csv', csvText(small.rows));
  });

  it('hand-made district: known answer (eight 500 m squares of 400 households between the primary roads), every rule holds; GBK/CRLF English header and GCJ-02 give the same grids', async () => {
    const out = join(dir, 'g.geojson'),
      outGbk = join(dir, 'g-gbk.geojson'),
      outGcj = join(dir, 'g-gcj.geojson');
    const gbk = write('h-gbk.csv', iconv.encode(csvText(small.rows, { crlf: true }), 'gbk'));
    const en = csvText(
      small.rows.map((r) => [r[0], r[1], ...fromWgs84([r[2], r[3]], 'gcj02'), r[4]] as Fixture['rows'][number]),
      { header: 'en', bom: true },
    );
    const gcj = write('h-gcj.csv', en);
    const outF = join(dir, 'g-f.geojson');
    const F = write('f.geojson', small.buildings);
    const [r, rg, rc, rf] = await Promise.all([
      run('--boundaries', B, '--streets', R, '--households', H, '--out', out),
      run('--boundaries', B, '--streets', R, '--households', gbk, '--out', outGbk, '--quiet'),
      run('--boundaries', B, '--streets', R, '--households', gcj, '--datum', 'gcj02', '--out', outGcj, '--quiet'),
      // band 40-80: every block of 100 households is split by its two footprints into units of 50
      run('--boundaries', B, '--streets', R, '--households', H, '--buildings', F, '--min', '40', '--max', '80', '--target', '60', '--out', outF, '--quiet'),
    ]);
    expect(r.stderr).toMatch(/partition-district: 8 grids, 8 in band/);
    expect([r.status, rg.status, rc.status, rf.status]).toEqual([0, 0, 0, 0]);
    expect(r.stdout).toBe('');
    const g = JSON.parse(readFileSync(out, 'utf8')) as Output;
    const c = checkContract(g, small, 300, 500);
    expect(c.inBand).toBe(8);
    // the one problem of this district: sub-district B has no community boundary
    expect(g.warnings.map((w) => w.code)).toEqual(['community_missing']);
    expect(g.warnings[0].message).toMatch(new RegExp(`^${B} feature 1 \\(code 340802002\\) \\(乙街道\\): no community boundary lies inside`));
    // the tunnel and the elevated trunk do not divide land; the dead end and the footway neither:
    // 32 blocks of 100 households, grids are exact 500 m squares and the primary roads are edges
    expect(g.stats.blocks).toBe(32);
    for (const f of g.features) expect(f.properties.households).toBe(400);
    expect(c.majorInsideShare).toBe(0);
    const strip = (o: Output) => o.features.map((f) => [f.properties, f.geometry]);
    expect(strip(JSON.parse(readFileSync(outGbk, 'utf8')))).toEqual(strip(g));
    const gc = JSON.parse(readFileSync(outGcj, 'utf8')) as Output;
    expect(gc.features.map((f) => f.properties.households)).toEqual(g.features.map((f) => f.properties.households));
    const gf = JSON.parse(readFileSync(outF, 'utf8')) as Output;
    const cf = checkContract(gf, small, 40, 80);
    expect(gf.stats.blocks_split).toBe(32);
    expect(cf.grids).toBe(64);
    expect(cf.inBand).toBe(64);
    // each grid holds exactly one footprint (whole: all four corners inside)
    for (const f of small.buildings!.features as Array<{ geometry: { coordinates: number[][][] } }>) {
      const corners = f.geometry.coordinates[0].slice(0, 4);
      const holders = gf.features.filter((g) => corners.every(([x, y]) => polysOf(g.geometry).some((poly) => pointInRings(x, y, poly))));
      expect(holders).toHaveLength(1);
    }
  }, 180_000);

  it.skipIf(!hasSubstituteCity())(
    'substitute city (Shanghai Bund OSM streets, 600 generated buildings): every rule holds, band met wherever feasible',
    async () => {
      const city = substituteCity(600, 7);
      const out = join(dir, 'city.geojson');
      const r = await run(
        '--boundaries',
        write('city-b.geojson', city.boundaries),
        '--streets',
        write('city-r.geojson', city.streets),
        '--households',
        write('city-h.csv', csvText(city.rows)),
        '--out',
        out,
        '--quiet',
      );
      expect(r.status, r.stderr).toBe(0);
      const g = JSON.parse(readFileSync(out, 'utf8')) as Output;
      const c = checkContract(g, city, 300, 500);
      expect(g.stats.blocks_split).toBeGreaterThan(0);
      expect(c.inBand / c.grids).toBeGreaterThanOrEqual(0.97);
      // grids of ~400 households here are ~230 m across while major roads run every 150-300 m, so
      // grids must cross many: measured 57 % of major-road length inside grids (minor roads 56 %);
      // this guards against a regression, the hand-made district checks the rule exactly (0 %)
      expect(c.majorInsideShare).toBeLessThan(0.65);
      // the Bund's dual carriageways leave thin empty blocks: counted per sub-district, not each named
      const slivers = g.warnings.filter((w) => w.code === 'street_slivers');
      expect(slivers.length).toBeGreaterThan(0);
      expect(slivers.every((w) => /: \d+ empty blocks thinner than 12 m/.test(w.message))).toBe(true);
      console.log(JSON.stringify({ substitute_city: { ...c, stats: g.stats } }));
    },
    180_000,
  );

  it('bad input: exit 2 with one error line naming the file, the feature or row and the problem', async () => {
    const out = join(dir, 'bad.geojson');
    const b = (mut: (fs: Array<{ properties: Record<string, unknown>; geometry: { coordinates: unknown } }>) => void) => {
      const fc = JSON.parse(JSON.stringify(small.boundaries));
      mut(fc.features);
      return write(`b${Math.random().toString(36).slice(2)}.geojson`, fc);
    };
    const rows = (mut: (lines: string[]) => void) => {
      const l = csvText(small.rows).split('\n');
      mut(l);
      return write(`h${Math.random().toString(36).slice(2)}.csv`, l.join('\n'));
    };
    const missing = join(dir, 'nope.geojson');
    const badJson = write('bad.json', '{"type": "FeatureCollection", "features": [');
    const level = b((fs) => {
      fs[1].properties.level = 'district';
    });
    const swappedB = b((fs) => {
      fs[0].geometry.coordinates = (fs[0].geometry.coordinates as number[][][]).map((r) => r.map(([x, y]) => [y, x]));
    });
    const swappedH = rows((l) => {
      const c = l[3].split(',');
      l[3] = [c[0], c[1], c[3], c[2], c[4]].join(',');
    });
    const range = rows((l) => {
      const c = l[5].split(',');
      c[2] = '1170.5';
      l[5] = c.join(',');
    });
    const hh = rows((l) => {
      const c = l[7].split(',');
      c[4] = '十二';
      l[7] = c.join(',');
    });
    const streetsPoint = write('r-point.geojson', {
      type: 'FeatureCollection',
      features: [...small.streets.features, { type: 'Feature', properties: { osm_id: '99' }, geometry: { type: 'Point', coordinates: [117.05, 30.52] } }],
    });
    const outsideAll = write('h-far.csv', csvText(small.rows.map((r) => [r[0], r[1], r[2] + 1, r[3], r[4]] as Fixture['rows'][number])));
    const oneOutside = rows((l) => {
      const c = l[2].split(',');
      c[2] = '117.2';
      l[2] = c.join(',');
    });
    const args = (o: { b?: string; r?: string; h?: string }) => [
      '--boundaries',
      o.b ?? B,
      '--streets',
      o.r ?? R,
      '--households',
      o.h ?? H,
      '--out',
      out,
      '--quiet',
    ];
    const [rMissing, rJson, rLevel, rSwB, rSwH, rRange, rHh, rPoint, rFar, rOne] = await Promise.all([
      run(...args({ b: missing })),
      run(...args({ r: badJson })),
      run(...args({ b: level })),
      run(...args({ b: swappedB })),
      run(...args({ h: swappedH })),
      run(...args({ h: range })),
      run(...args({ h: hh })),
      run(...args({ r: streetsPoint })),
      run(...args({ h: outsideAll })),
      run('--boundaries', B, '--streets', R, '--households', oneOutside, '--out', join(dir, 'one.geojson'), '--quiet'),
    ]);
    expectError(rMissing, new RegExp(`${missing}: cannot read file \\(ENOENT\\)`));
    expectError(rJson, new RegExp(`${badJson}: line 1 column 44: invalid JSON \\(Unexpected end`));
    expectError(rLevel, new RegExp(`${level}: feature 1 \\(code 340802002\\): properties.level "district" is not subdistrict or community`));
    expectError(rSwB, new RegExp(`${swappedB}: feature 0 \\(code 340802001\\): .*longitude and latitude look swapped`));
    expectError(rSwH, new RegExp(`${swappedH}: line 4: .*longitude and latitude look swapped`));
    expectError(rRange, new RegExp(`${range}: line 6: longitude 1170.5.* outside the longitude/latitude range`));
    expectError(rHh, new RegExp(`${hh}: line 8: households "十二" is not a non-negative whole number`));
    expectError(rPoint, new RegExp(`${streetsPoint}: feature ${small.streets.features.length} \\(id 99\\): geometry Point is not a LineString`));
    expectError(rFar, new RegExp(`${outsideAll}: no household row lies inside any sub-district`));
    // malformed JSON names the place; a GBK register, a BOM + CRLF register and a non-number
    // coordinate name the line; a polygon in the streets that is not water and a --water file
    // that is not polygons name the feature
    const bad2 = write('bad2.json', '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature" "properties": {}}]}');
    const gbkBad = write(
      'h-gbk-bad.csv',
      iconv.encode(
        csvText(small.rows, { crlf: true })
          .split('\r\n')
          .map((l, i) => (i === 9 ? l.replace(/,50$/, ',五十') : l))
          .join('\r\n'),
        'gbk',
      ),
    );
    const bomSwap = write(
      'h-bom-swap.csv',
      csvText(small.rows, { bom: true, crlf: true, header: 'en' })
        .split('\r\n')
        .map((l, i) => {
          if (i !== 4) return l;
          const c = l.split(',');
          return [c[0], c[1], c[3], c[2], c[4]].join(',');
        })
        .join('\r\n'),
    );
    const nan = rows((l) => {
      const c = l[10].split(',');
      c[3] = 'abc';
      l[10] = c.join(',');
    });
    const parkPoly = write('r-park.geojson', {
      type: 'FeatureCollection',
      features: [
        ...small.streets.features,
        {
          type: 'Feature',
          properties: { osm_id: '77', leisure: 'park' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [117.05, 30.52],
                [117.051, 30.52],
                [117.051, 30.521],
                [117.05, 30.52],
              ],
            ],
          },
        },
      ],
    });
    const waterLine = write('w-line.geojson', {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: '长江' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [117.05, 30.52],
              [117.06, 30.52],
            ],
          },
        },
      ],
    });
    // a --water file: a 200 m × 100 m lake in A (between streets, away from the rows) is no land
    const proj = localProjection(117.05, 30.52);
    const lake = [
      [
        [260, 130],
        [460, 130],
        [460, 230],
        [260, 230],
        [260, 130],
      ].map(([x, y]) => proj.inverse(x, y)),
    ];
    const W = write('w-lake.geojson', {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { name: '湖' }, geometry: { type: 'Polygon', coordinates: lake } }],
    });
    const lakeOut = join(dir, 'lake.geojson');
    const [rBad2, rGbk, rBom, rNan, rPark, rWater, rLake] = await Promise.all([
      run(...args({ b: bad2 })),
      run(...args({ h: gbkBad })),
      run(...args({ h: bomSwap })),
      run(...args({ h: nan })),
      run(...args({ r: parkPoly })),
      run(...args({}), '--water', waterLine),
      run('--boundaries', B, '--streets', R, '--households', H, '--water', W, '--out', lakeOut, '--quiet'),
    ]);
    expect(rLake.status, rLake.stderr).toBe(0);
    const lakeGrids = (JSON.parse(readFileSync(lakeOut, 'utf8')) as Output).features as Array<Grid & { properties: { area_m2: number } }>;
    const areaA = lakeGrids.filter((f) => f.properties.subdistrict === '340802001').reduce((x, f) => x + f.properties.area_m2, 0);
    expect(Math.abs(areaA - (1e6 - 20_000))).toBeLessThan(100);
    const lakeCentre = proj.inverse(360, 180);
    expect(lakeGrids.some((f) => polysOf(f.geometry).some((poly) => pointInRings(lakeCentre[0], lakeCentre[1], poly)))).toBe(false);
    expectError(rBad2, new RegExp(`${bad2}: line 3 column 22: invalid JSON`));
    expectError(rGbk, new RegExp(`${gbkBad}: line 10: households "五十" is not a non-negative whole number`));
    expectError(rBom, new RegExp(`${bomSwap}: line 5: .*longitude and latitude look swapped`));
    expectError(rNan, new RegExp(`${nan}: line 11: .*abc`));
    expectError(
      rPark,
      new RegExp(
        `${parkPoly}: feature ${small.streets.features.length} \\(id 77\\): geometry Polygon is not a LineString or MultiLineString \\(a polygon is read only as water`,
      ),
    );
    expectError(rWater, new RegExp(`${waterLine}: feature 0 \\(id 长江\\): geometry LineString is not a Polygon or MultiPolygon`));
    // one row outside every boundary is a warning naming the file and the row, not an error
    expect(rOne.status).toBe(0);
    const g = JSON.parse(readFileSync(join(dir, 'one.geojson'), 'utf8')) as Output & { warnings: Array<{ file?: string; row?: string }> };
    const w = g.warnings.filter((x) => x.code === 'household_outside');
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain(`${oneOutside} line 3`);
    expect(g.features.reduce((s, f) => s + f.properties.households, 0)).toBe(small.rows.reduce((s, r) => s + r[4], 0) - small.rows[1][4]);
  }, 180_000);
});
