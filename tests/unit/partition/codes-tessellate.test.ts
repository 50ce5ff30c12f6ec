import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { assignGridCodes } from '../../../server/algorithms/partition/codes';
import { tessellateBlocks } from '../../../server/algorithms/partition/tessellate';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { partition } from '../../../server/algorithms/partition/engine';

describe('assignGridCodes', () => {
  const C = '340802001004';
  const grids = [
    { id: 'a', communityId: C, centroid: [117.02, 30.52] as [number, number], units: ['1'] },
    { id: 'b', communityId: C, centroid: [117.01, 30.52] as [number, number], units: ['2'] },
    { id: 'c', communityId: C, centroid: [117.01, 30.5] as [number, number], units: ['3'] },
  ];
  it('numbers rows north→south and west→east within a row', () => {
    const m = assignGridCodes(grids);
    expect([m.get('b'), m.get('a'), m.get('c')]).toEqual([C + '001', C + '002', C + '003']);
  });
  it('reuses the previous code of the most-overlapping grid and never reuses a retired code', () => {
    const m = assignGridCodes(grids, [
      { code: C + '007', units: ['3'] },
      { code: C + '001', units: ['9'] },
    ]);
    expect(m.get('c')).toBe(C + '007');
    expect(m.get('b')).toBe(C + '002');
    expect(m.get('a')).toBe(C + '003');
  });
});

describe('tessellateBlocks on real buildings (Wuhan Optics Valley, OSM)', () => {
  it('cells tile each block, one per building, and form a usable unit graph', () => {
    const fc = JSON.parse(readFileSync('/work/shared/geodata/substitute-wuhan-tilezen/wuhan_guanggu_buildings.geojson', 'utf8'));
    const buildings = fc.features
      .filter((f: { geometry: { type: string } }) => f.geometry.type === 'Polygon')
      .map((f: { geometry: { coordinates: number[][][] } }, i: number) => ({ id: `b${i}`, households: 20, polygon: f.geometry.coordinates }));
    // four blocks: the buildings' bounding box cut in quadrants (shared edges like street centre lines)
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -Infinity,
      y1 = -Infinity;
    for (const b of buildings)
      for (const [x, y] of b.polygon[0]) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    x0 -= 0.001;
    y0 -= 0.001;
    x1 += 0.001;
    y1 += 0.001;
    const xm = (x0 + x1) / 2,
      ym = (y0 + y1) / 2;
    const box = (a: number, b: number, c: number, d: number) => [
      [
        [a, b],
        [c, b],
        [c, d],
        [a, d],
        [a, b],
      ],
    ];
    const blocks = [box(x0, y0, xm, ym), box(xm, y0, x1, ym), box(x0, ym, xm, y1), box(xm, ym, x1, y1)].map((polygon, i) => ({ id: `k${i}`, polygon }));
    const units = tessellateBlocks(blocks, buildings);
    expect(units.length).toBeGreaterThan(buildings.length * 0.9);
    const g = buildUnitGraph(units.map((u) => ({ id: u.id, households: u.households, subdistrict: 'W', polygons: u.polygons })));
    const total = g.area.reduce((s, a) => s + a, 0);
    const blockArea = buildUnitGraph(blocks.map((b) => ({ id: b.id, households: 0, polygons: [b.polygon] }))).area.reduce((s, a) => s + a, 0);
    expect(Math.abs(total - blockArea) / blockArea).toBeLessThan(0.01);
    let isolated = 0;
    for (let u = 0; u < g.n; u++) if (g.offsets[u + 1] === g.offsets[u]) isolated++;
    expect(isolated).toBe(0);
    const res = partition({ units: units.map((u) => ({ id: u.id, households: u.households, subdistrict: 'W', polygons: u.polygons })) });
    expect(res.grids.every((x) => x.contiguous)).toBe(true);
    expect(res.stats.in_band).toBe(res.stats.grids);
  });
});
