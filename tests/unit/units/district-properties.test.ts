/**
 * Properties of `partitionDistrict` (what `partition-district` runs) on random districts: two
 * sub-districts sharing a bent edge, a random street lattice of primary and residential roads, a
 * tunnel, sometimes a river or a lake (water polygons in the streets file), a random register with
 * rows outside every boundary and in the water, a random band. For every district:
 * - grid ids are unique, households whole numbers;
 * - the grids of a sub-district tile its land: their union lies inside it and its area is the
 *   sub-district's minus its water (0.5 %), and no two grids overlap (1 m²);
 * - every row's point lies in exactly one grid and each grid's households are the sum of its rows,
 *   or the row is named by a warning: outside every boundary (in no grid), or in the water (its
 *   households counted once, in the grid the warning names);
 * - every grid outside [min, max] is named by its id in a `grid_out_of_band` warning, and every
 *   grid a warning names is a grid of the output (no engine ids left).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import polygonClipping, { type MultiPolygon, type Polygon } from 'polygon-clipping';
import { localProjection } from '../../../server/algorithms/geo/projection';
import { partitionDistrict, type GridFeature } from '../../../server/algorithms/units/pipeline';
import { pointInRings, ringArea, type Pt } from '../../../server/algorithms/units/planar';
import { parseBoundaries, parseHouseholds, parseStreets } from '../../../server/import/district';
import { csvText, mulberry32, type Fixture } from '../../helpers/district-fixtures';

const proj = localProjection(117.05, 30.52);
const ll = (x: number, y: number) => proj.inverse(x, y).map((v) => Number(v.toFixed(8)));
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });

interface District {
  boundaries: unknown;
  streets: unknown;
  rows: Fixture['rows'];
  /** metric outlines of the two sub-districts and the water */
  subs: Array<{ code: string; ring: Pt[] }>;
  water: Pt[][];
  min: number;
  max: number;
}

function segDist(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0],
    dy = b[1] - a[1],
    l2 = dx * dx + dy * dy;
  const t = l2 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
  return Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
}

function randomDistrict(seed: number): District {
  const rnd = mulberry32(seed);
  const between = (a: number, b: number) => a + rnd() * (b - a);
  const W = Math.round(between(1100, 1800)),
    H = Math.round(between(800, 1300));
  const sx = Math.round(W * between(0.4, 0.6)),
    bend = Math.round(between(-120, 120));
  const west: Pt[] = [
    [0, 0],
    [sx, 0],
    [sx + bend, H / 2],
    [sx, H],
    [0, H],
    [0, 0],
  ];
  const east: Pt[] = [
    [sx, 0],
    [W, 0],
    [W, H],
    [sx, H],
    [sx + bend, H / 2],
    [sx, 0],
  ];
  const ring = (r: Pt[]) => [r.map(([x, y]) => ll(x, y))];
  const boundaries = {
    type: 'FeatureCollection',
    features: [
      feature({ level: 'subdistrict', code: '340802001', name: '西街道' }, { type: 'Polygon', coordinates: ring(west) }),
      feature({ level: 'subdistrict', code: '340802002', name: '东街道' }, { type: 'Polygon', coordinates: ring(east) }),
      feature(
        { level: 'community', code: '340802001001', name: '西一社区' },
        {
          type: 'Polygon',
          coordinates: ring([
            [0, 0],
            [sx, 0],
            [sx + bend, H / 2],
            [0, H / 2],
            [0, 0],
          ]),
        },
      ),
    ],
  };
  const lines: Pt[][] = [];
  const streets: unknown[] = [];
  let id = 1;
  const street = (tags: Record<string, unknown>, pts: Pt[], divides = true) => {
    streets.push(feature({ osm_id: String(id++), ...tags }, { type: 'LineString', coordinates: pts.map(([x, y]) => ll(x, y)) }));
    if (divides) lines.push(pts);
  };
  const highway = () => (rnd() < 0.3 ? 'primary' : 'residential');
  for (let x = between(120, 300); x < W - 60; x += between(150, 350))
    street({ highway: highway() }, [
      [x, -25],
      [x + between(-40, 40), H + 25],
    ]);
  for (let y = between(120, 300); y < H - 60; y += between(150, 350))
    street({ highway: highway() }, [
      [-25, y],
      [W + 25, y + between(-40, 40)],
    ]);
  street(
    { highway: 'primary', other_tags: '"tunnel"=>"yes","layer"=>"-1"' },
    [
      [15, 15],
      [W - 15, H - 15],
    ],
    false,
  );
  const water: Pt[][] = [];
  const kind = rnd();
  if (kind < 0.35) {
    // a river across the whole district
    const y0 = between(0.3, 0.6) * H,
      w = between(25, 70);
    water.push([
      [-40, y0],
      [W + 40, y0 + 30],
      [W + 40, y0 + 30 + w],
      [-40, y0 + w],
      [-40, y0],
    ]);
  } else if (kind < 0.7) {
    // a lake inside one sub-district
    const cx = between(0.15, 0.85) * W,
      cy = between(0.2, 0.8) * H,
      r = between(40, 110);
    water.push(Array.from({ length: 13 }, (_, k) => [cx + r * Math.cos((k % 12) * (Math.PI / 6)), cy + 0.7 * r * Math.sin((k % 12) * (Math.PI / 6))] as Pt));
  }
  for (const w of water) streets.push(feature({ osm_id: String(id++), natural: 'water', name: '水' }, { type: 'Polygon', coordinates: ring(w) }));
  // register rows: not within 1 m of a line, an outline or a shore (a point on an edge belongs to either side)
  const edges: Pt[][] = [...lines, west, east, ...water];
  const near = (p: Pt) => edges.some((l) => l.some((a, i) => i > 0 && segDist(p, l[i - 1], a) < 1));
  const rows: Fixture['rows'] = [];
  const n = Math.round(between(40, 160));
  while (rows.length < n) {
    const p: Pt = [between(-60, W + 60), between(-60, H + 60)];
    if (near(p)) continue;
    const [lon, lat] = ll(p[0], p[1]);
    rows.push([`B${rows.length + 1}`, rnd() < 0.3 ? `小区${Math.floor(rnd() * 5)}` : '', lon, lat, 1 + Math.floor(rnd() * 40)]);
  }
  const min = Math.round(between(60, 250)),
    max = min + Math.round(between(80, 200));
  return {
    boundaries,
    streets: { type: 'FeatureCollection', features: streets },
    rows,
    subs: [
      { code: '340802001', ring: west },
      { code: '340802002', ring: east },
    ],
    water,
    min,
    max,
  };
}

const polysOf = (g: GridFeature['geometry']) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
const metric = (mp: number[][][][]) => mp.map((poly) => poly.map((r) => r.map((p) => proj.forward(p[0], p[1]) as Pt)));
const areaM = (mp: number[][][][]) => mp.reduce((s, poly) => s + poly.reduce((t, r, k) => t + (k ? -1 : 1) * Math.abs(ringArea(r as Pt[])), 0), 0);

function check(d: District): void {
  const streets = parseStreets(d.streets);
  const areas = parseBoundaries(d.boundaries);
  const hh = parseHouseholds(new TextEncoder().encode(csvText(d.rows)), 'wgs84');
  expect(streets.water).toHaveLength(d.water.length);
  const out = partitionDistrict({ areas, lines: streets.lines, rows: hh.rows, water: streets.water }, { min: d.min, max: d.max });
  const grids = out.grids;
  const ids = grids.map((g) => g.properties.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const g of grids) expect(Number.isInteger(g.properties.households)).toBe(true);
  // metric grid polygons for area checks
  const gm = grids.map((g) => metric(polysOf(g.geometry)) as MultiPolygon);
  const waterM = d.water.map((w) => [w] as Polygon);
  for (const s of d.subs) {
    const mine = gm.filter((_, i) => grids[i].properties.subdistrict === s.code);
    const sub: MultiPolygon = [[s.ring]];
    const land = waterM.length ? polygonClipping.difference(sub, ...waterM) : sub;
    expect(mine.length).toBeGreaterThan(0);
    const union = polygonClipping.union(mine[0], ...mine.slice(1));
    expect(areaM(polygonClipping.intersection(union, sub))).toBeGreaterThan(areaM(union) * 0.995);
    expect(Math.abs(areaM(union) - areaM(land))).toBeLessThan(areaM(land) * 0.005 + 5);
  }
  for (let i = 0; i < gm.length; i++)
    for (let j = i + 1; j < gm.length; j++) {
      expect(areaM(polygonClipping.intersection(gm[i], gm[j]))).toBeLessThan(1);
    }
  // rows: in exactly one grid, or named by a warning
  const named = new Set(out.warnings.filter((w) => w.code === 'household_outside' || w.code === 'row_unplaced').map((w) => w.row));
  const offLandGrid = new Map(out.warnings.filter((w) => w.code === 'household_off_land').map((w) => [w.row, w.grids?.[0]]));
  for (const g of offLandGrid.values()) expect(ids).toContain(g);
  const sums = new Map<string, number>();
  d.rows.forEach(([, , lon, lat, households], i) => {
    const holders = grids.filter((g) => polysOf(g.geometry).some((poly) => pointInRings(lon, lat, poly)));
    if (named.has(`line ${i + 2}`)) {
      expect(holders).toHaveLength(0);
      return;
    }
    const offLand = offLandGrid.get(`line ${i + 2}`);
    if (offLand) {
      expect(holders).toHaveLength(0);
      sums.set(offLand, (sums.get(offLand) ?? 0) + households);
      return;
    }
    expect(
      holders,
      `row line ${i + 2} at ${proj.forward(lon, lat).map((v) => v.toFixed(1))} (metres); water ${JSON.stringify(d.water.map((w) => w.map((p) => p.map((v) => Math.round(v)))))}; warnings ${out.warnings.map((w) => w.code).join(',')}`,
    ).toHaveLength(1);
    sums.set(holders[0].properties.id, (sums.get(holders[0].properties.id) ?? 0) + households);
  });
  for (const g of grids) expect(g.properties.households).toBe(sums.get(g.properties.id) ?? 0);
  // out-of-band grids are named by id; warnings name output grids only
  const outOfBand = out.warnings.filter((w) => w.code === 'grid_out_of_band');
  for (const g of grids) {
    const { id, households } = g.properties;
    if (households >= d.min && households <= d.max) continue;
    const w = outOfBand.find((x) => x.grids?.includes(id));
    expect(w, `grid ${id} (${households} households, band ${d.min}-${d.max}) is named`).toBeDefined();
    expect(w!.message).toContain(`grid ${id} `);
  }
  const idSet = new Set(ids);
  for (const w of out.warnings) for (const g of w.grids ?? []) expect(idSet.has(g), `${w.code} names ${g}`).toBe(true);
}

describe('partitionDistrict properties (random districts)', () => {
  it('grids tile the land, hold every row once, and every out-of-band grid is named', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        check(randomDistrict(seed));
      }),
      { numRuns: 8, seed: 13 },
    );
  }, 120_000);

  it('a sub-district that cannot reach the band: its grid is named out of band in the warnings', () => {
    const d = randomDistrict(7);
    // the east sub-district keeps 3 rows of 10 households: far below any band
    const eastRows = d.rows.filter(([, , lon, lat]) => {
      const p = proj.forward(lon, lat) as Pt;
      return pointInRings(p[0], p[1], [d.subs[1].ring]);
    });
    d.rows = [...d.rows.filter((r) => !eastRows.includes(r)), ...eastRows.slice(0, 3).map((r) => [r[0], r[1], r[2], r[3], 10] as Fixture['rows'][number])];
    d.min = 200;
    d.max = 400;
    check(d);
    const out = partitionDistrict(
      {
        areas: parseBoundaries(d.boundaries),
        lines: parseStreets(d.streets).lines,
        water: parseStreets(d.streets).water,
        rows: parseHouseholds(new TextEncoder().encode(csvText(d.rows)), 'wgs84').rows,
      },
      { min: d.min, max: d.max },
    );
    const east = out.grids.filter((g) => g.properties.subdistrict === '340802002');
    expect(east).toHaveLength(1);
    expect(east[0].properties.households).toBe(30);
    expect(out.warnings.some((w) => w.code === 'grid_out_of_band' && w.grids?.includes(east[0].properties.id))).toBe(true);
  }, 60_000);
});
