import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { area, booleanPointInPolygon, booleanValid, pointToLineDistance, lineString, point } from '@turf/turf';
import pc from 'polygon-clipping';
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { generateDemo, LAYERS, type DemoDistrict } from '../../../geodata/generator';
import { makeRng, mulberry32 } from '../../../common/rng';
import { YINGJIANG_OUTLINE_WGS84 } from '../../../geodata/generator/outline-data';
import { gcj02ToWgs84 } from '../../../geodata/generator/datum';

let demo: DemoDistrict;
const hash = (d: DemoDistrict) => createHash('sha256').update(JSON.stringify(d)).digest('hex');

beforeAll(() => {
  demo = generateDemo({});
});

/** Column names per table, read from the shared migration. */
function tableColumns(): Map<string, string[]> {
  const sql = readFileSync(new URL('../../../server/migrations/001_core.sql', import.meta.url), 'utf8');
  const out = new Map<string, string[]>();
  for (const m of sql.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\);/g)) {
    const cols = m[2]
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[a-z_]+\s/.test(l) && !/^(UNIQUE|PRIMARY)/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    out.set(m[1], cols);
  }
  // columns later migrations add to the demo's tables and the generator fills
  for (const file of ['073_plaques.sql']) {
    const more = readFileSync(new URL(`../../../server/migrations/${file}`, import.meta.url), 'utf8');
    for (const m of more.matchAll(/ALTER TABLE (\w+) ADD COLUMN (\w+)/g)) out.get(m[1])!.push(m[2]);
  }
  return out;
}

describe('rng', () => {
  it('is reproducible per seed and stays in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = mulberry32(seed);
        const b = mulberry32(seed);
        for (let i = 0; i < 20; i++) {
          const x = a();
          if (x !== b() || x < 0 || x >= 1) return false;
        }
        return true;
      }),
    );
  });
  it('int() covers its inclusive range', () => {
    const r = makeRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.int(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });
});

describe('outline', () => {
  it('the committed GeoJSON equals the generator constant, shifted from GCJ-02 by ~500 m west', () => {
    const gj = JSON.parse(readFileSync(new URL('../../../geodata/yingjiang-outline.wgs84.geojson', import.meta.url), 'utf8'));
    expect(gj.features[0].geometry.coordinates).toEqual(YINGJIANG_OUTLINE_WGS84);
    const [lon, lat] = gcj02ToWgs84([117.05, 30.52]);
    expect((117.05 - lon) * 96000).toBeGreaterThan(400);
    expect((117.05 - lon) * 96000).toBeLessThan(650);
    expect((30.52 - lat) * 111000).toBeLessThan(-150);
  });
});

describe('generateDemo', () => {
  it('is byte-for-byte deterministic per seed', () => {
    const again = generateDemo({});
    expect(hash(again)).toBe(hash(demo));
  });

  it('uses exactly the table columns as properties and marks every feature synthetic', () => {
    const cols = tableColumns();
    for (const layer of LAYERS) {
      const expected = cols
        .get(layer)!
        .filter((c) => c !== 'geom')
        .sort();
      const extra = layer === 'cases' ? ['events'] : [];
      const signatures = new Set<string>();
      for (const f of demo[layer].features) {
        if ((f.properties as { synthetic: unknown }).synthetic !== true) throw new Error(`${layer} ${f.properties.id} not synthetic`);
        signatures.add(Object.keys(f.properties).sort().join(','));
      }
      expect([...signatures], layer).toEqual([[...expected, ...extra].sort().join(',')]);
    }
  });

  it('has the eight sub-districts with codes and 5-10 communities each', () => {
    const sds = demo.subdistricts.features.map((f) => f.properties);
    expect(sds.map((s) => s.name).sort()).toEqual(
      ['人民路街道', '华中路街道', '宜城路街道', '孝肃路街道', '新河路街道', '新洲乡', '长风乡', '龙狮桥乡'].sort(),
    );
    for (const s of sds) {
      expect(s.id).toBe('340802' + s.code);
      const comms = demo.communities.features.filter((c) => c.properties.subdistrict_id === s.id);
      expect(comms.length).toBeGreaterThanOrEqual(5);
      expect(comms.length).toBeLessThanOrEqual(10);
      for (const c of comms) {
        expect(c.properties.id).toBe(s.id + c.properties.code);
        expect(c.properties.name.endsWith('社区')).toBe(true);
      }
      expect(comms.reduce((a, c) => a + c.properties.households, 0)).toBe(s.households);
    }
    const urban = sds.filter((s) => s.urban).reduce((a, s) => a + s.households, 0);
    const rural = sds.filter((s) => !s.urban).reduce((a, s) => a + s.households, 0);
    expect(urban).toBeGreaterThan(140_000);
    expect(urban).toBeLessThan(160_000);
    expect(rural).toBeGreaterThan(1000);
    expect(rural).toBeLessThan(10_000);
  });

  it('sub-districts tile the outline and communities tile their sub-district (areas)', () => {
    const outline = area({ type: 'MultiPolygon', coordinates: YINGJIANG_OUTLINE_WGS84 } as MultiPolygon);
    const sdSum = demo.subdistricts.features.reduce((a, f) => a + area(f), 0);
    expect(Math.abs(sdSum - outline) / outline).toBeLessThan(0.002);
    const polys = demo.subdistricts.features.map((f) => f.geometry.coordinates as Position[][][]);
    let overlap = 0;
    for (let i = 0; i < polys.length; i++)
      for (let j = i + 1; j < polys.length; j++) {
        const x = pc.intersection(polys[i] as never, polys[j] as never);
        if (x.length) overlap += area({ type: 'MultiPolygon', coordinates: x } as MultiPolygon);
      }
    expect(overlap / outline).toBeLessThan(0.0005);
    for (const s of demo.subdistricts.features) {
      const cs = demo.communities.features.filter((c) => c.properties.subdistrict_id === s.properties.id).reduce((a, c) => a + area(c), 0);
      expect(Math.abs(cs - area(s)) / area(s)).toBeLessThan(0.003);
    }
  });

  it('has counts in the required ranges', () => {
    expect(demo.units.features.length).toBeGreaterThanOrEqual(10_000);
    expect(demo.units.features.length).toBeLessThanOrEqual(25_000);
    expect(demo.shops.features.length).toBe(2000);
    expect(demo.incidents.features.length).toBe(20_000);
    expect(demo.buildings.features.length).toBeGreaterThan(10_000);
    const classes = new Set(demo.streets.features.map((f) => f.properties.class));
    for (const c of ['arterial', 'secondary', 'local', 'lane']) expect(classes.has(c as never)).toBe(true);
    expect(demo.water.features.some((w) => w.properties.name === '长江' && w.properties.kind === 'river')).toBe(true);
    for (const c of demo.compounds.features)
      if (c.properties.kind === 'compound') {
        expect(c.properties.households).toBeGreaterThanOrEqual(200);
        expect(c.properties.households).toBeLessThanOrEqual(3000);
      }
    for (const b of demo.buildings.features) {
      if (b.properties.households > 0 && b.properties.floors >= 10) expect(b.properties.floors).toBeLessThanOrEqual(30);
    }
  });

  it('matches the seed figures exactly: plaqued party households and credit ratings', () => {
    const h = demo.households.features.map((f) => f.properties);
    // the bulletin's 1,289 are the PLAQUED party-member households; at least 20% of party-member households carry a plaque
    expect(h.filter((x) => x.plaqued).length).toBe(1289);
    expect(h.every((x) => !x.plaqued || x.party_member)).toBe(true);
    const partyN = h.filter((x) => x.party_member).length;
    expect(partyN).toBe(4860);
    expect(1289 / partyN).toBeGreaterThanOrEqual(0.2);
    expect(demo.units.features.reduce((a, u) => a + u.properties.plaqued_households, 0)).toBe(1289);
    expect(h.filter((x) => x.credit_rating === 'A').length).toBe(2507);
    expect(h.filter((x) => x.credit_rating === '2A').length).toBe(434);
    expect(h.filter((x) => x.credit_rating === '3A').length).toBe(98);
    const party = demo.units.features.reduce((a, u) => a + u.properties.party_households, 0);
    expect(party).toBe(4860);
    const bById = new Map(demo.buildings.features.map((b) => [b.properties.id, b]));
    for (const f of demo.households.features.slice(0, 300)) expect(booleanPointInPolygon(f, bById.get(f.properties.building_id)!)).toBe(true);
  });

  it('mirrors the whistle figures: 403 whistled, 400 solved, 3 open of which one overdue', () => {
    const cs = demo.cases.features.map((f) => f.properties);
    expect(cs.length).toBeGreaterThanOrEqual(2000);
    const w = cs.filter((c) => c.whistled);
    expect(w.length).toBe(403);
    expect(w.filter((c) => c.status === 'solved' || c.status === 'evaluated').length).toBe(400);
    const open = w.filter((c) => c.status !== 'solved' && c.status !== 'evaluated');
    expect(open.length).toBe(3);
    const now = Date.parse('2026-10-31T23:59:00+08:00');
    const overdue = open.filter((c) => {
      const d = c.events.find((e) => e.status === 'dispatched')!;
      return now - Date.parse(d.at) > demo.meta.case_deadline_days[c.kind!] * 86400e3;
    });
    expect(overdue.length).toBe(1);
    for (const c of cs) {
      expect(c.version).toBe(c.events.length);
      expect(c.updated_at).toBe(c.events[c.events.length - 1].at);
      for (let i = 1; i < c.events.length; i++) expect(Date.parse(c.events[i].at)).toBeGreaterThanOrEqual(Date.parse(c.events[i - 1].at));
      if (!c.whistled) expect(c.status).toBe('closed');
    }
  });

  it('plants the documented hot spots, including one that only emerges in the last months', () => {
    expect(demo.meta.hotspots.length).toBeGreaterThanOrEqual(3);
    const em = demo.meta.hotspots.find((h) => h.name.includes('新出现'))!;
    const near = demo.incidents.features.filter(
      (f) =>
        f.properties.type === em.type &&
        Math.hypot((f.geometry.coordinates[0] - em.center[0]) * 96000, (f.geometry.coordinates[1] - em.center[1]) * 111000) < em.radius_m,
    );
    const late = near.filter((f) => f.properties.occurred_at >= '2026-07-01');
    expect(late.length).toBeGreaterThan(em.count * 0.8);
    expect(near.length - late.length).toBeLessThan(late.length / 10);
    const po = demo.incidents.features.filter((f) => f.properties.type === 'public_order');
    const evening = po.filter((f) => Number(f.properties.occurred_at.slice(11, 13)) >= 18).length;
    expect(evening / po.length).toBeGreaterThan(0.4);
  });

  it('units tile their blocks (area sums, no overlaps) on a sample', () => {
    const byBlock = new Map<string, typeof demo.units.features>();
    for (const u of demo.units.features) {
      const l = byBlock.get(u.properties.block_id) ?? [];
      l.push(u);
      byBlock.set(u.properties.block_id, l);
    }
    const blocks = demo.blocks.features.filter((_, i) => i % 10 === 0);
    for (const b of blocks) {
      const us = byBlock.get(b.properties.id) ?? [];
      const sum = us.reduce((a, u) => a + area(u), 0);
      expect(Math.abs(sum - area(b)) / area(b)).toBeLessThan(0.01);
      for (let i = 0; i < us.length; i++)
        for (let j = i + 1; j < us.length; j++) {
          const x = pc.intersection(us[i].geometry.coordinates as never, us[j].geometry.coordinates as never);
          if (x.length) expect(area({ type: 'MultiPolygon', coordinates: x } as MultiPolygon)).toBeLessThan(1);
        }
    }
    for (const b of blocks.slice(0, 100)) expect(booleanValid(b.geometry as Polygon)).toBe(true);
  });

  it('streets are noded: pieces only meet at shared end vertices', () => {
    const segs = demo.streets.features.map((f) => f.geometry.coordinates);
    const idx = new Flatbush(segs.length);
    for (const s of segs) idx.add(Math.min(s[0][0], s[1][0]), Math.min(s[0][1], s[1][1]), Math.max(s[0][0], s[1][0]), Math.max(s[0][1], s[1][1]));
    idx.finish();
    const same = (a: Position, b: Position) => Math.abs(a[0] - b[0]) < 2e-7 && Math.abs(a[1] - b[1]) < 2e-7;
    let checked = 0;
    for (let i = 0; i < segs.length; i += 3) {
      const [a, b] = segs[i];
      for (const j of idx.search(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]))) {
        if (j === i) continue;
        const [c, d] = segs[j];
        const x = properCrossOrTouch(a, b, c, d);
        if (!x) continue;
        checked++;
        // any contact must be at an end vertex of both pieces
        const shared = [a, b].some((p) => same(p, c) || same(p, d));
        expect(shared, `streets ${i} and ${j} meet away from a shared vertex`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('shops sit 8-16 m from their street centre line', () => {
    const sById = new Map(demo.streets.features.map((s) => [s.properties.id, s]));
    for (const s of demo.shops.features.slice(0, 400)) {
      const st = sById.get(s.properties.street_id)!;
      const d = pointToLineDistance(point(s.geometry.coordinates), lineString(st.geometry.coordinates), { units: 'meters' });
      expect(d).toBeGreaterThan(8);
      expect(d).toBeLessThan(16);
    }
  });
});

/** True when segments ab and cd intersect or touch (in the plane of lon/lat). */
function properCrossOrTouch(a: Position, b: Position, c: Position, d: Position): boolean {
  const o = (p: Position, q: Position, r: Position) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const eps = 1e-14;
  const d1 = o(c, d, a);
  const d2 = o(c, d, b);
  const d3 = o(a, b, c);
  const d4 = o(a, b, d);
  if (((d1 > eps && d2 < -eps) || (d1 < -eps && d2 > eps)) && ((d3 > eps && d4 < -eps) || (d3 < -eps && d4 > eps))) return true;
  const near = (p: Position, q: Position, r: Position) =>
    Math.abs(o(p, q, r)) <= 1e-13 &&
    r[0] >= Math.min(p[0], q[0]) - 1e-9 &&
    r[0] <= Math.max(p[0], q[0]) + 1e-9 &&
    r[1] >= Math.min(p[1], q[1]) - 1e-9 &&
    r[1] <= Math.max(p[1], q[1]) + 1e-9;
  return near(c, d, a) || near(c, d, b) || near(a, b, c) || near(a, b, d);
}

describe('the demo as raw files (the real path: boundaries, OSM-style streets, register CSV)', () => {
  it('writes a register whose households equal the demo units, and one sub-district partitions from the raw files alone', async () => {
    const { rawDistrictFiles } = await import('../../../geodata/generator/raw-files');
    const { parseBoundaries, parseStreets, parseHouseholds } = await import('../../../server/import/district');
    const { partitionDistrict } = await import('../../../server/algorithms/units/pipeline');
    const raw = rawDistrictFiles(demo, { datum: 'gcj02' });
    const unitHouseholds = demo.units.features.reduce((s, u) => s + u.properties.households, 0);
    expect(raw.registerHouseholds).toBe(unitHouseholds);
    expect(raw.register.startsWith('\uFEFF楼栋编号,小区,经度,纬度,户数\r\n')).toBe(true);
    const levels = raw.boundaries.features.map((f) => f.properties!.level);
    expect(levels.filter((l) => l === 'subdistrict')).toHaveLength(8);
    expect(levels.filter((l) => l === 'community')).toHaveLength(demo.communities.features.length);
    // every street carries OSM tags a real extract has, none a demo class
    for (const f of raw.streets.features) expect(f.properties!.highway ?? f.properties!.waterway ?? f.properties!.other_tags).toBeTruthy();
    // 人民路街道 alone: its boundary and communities, the streets, the register rows (GCJ-02 → WGS84 by the importer's parser)
    const SD = '340802001';
    const areas = parseBoundaries(raw.boundaries).filter((a) => a.code.startsWith(SD));
    const { lines } = parseStreets(raw.streets);
    const { rows } = parseHouseholds(new TextEncoder().encode(raw.register), 'gcj02');
    const sd = demo.subdistricts.features.find((f) => f.properties.id === SD)!;
    const inside = rows.filter((r) => booleanPointInPolygon([r.lon, r.lat], sd.geometry));
    expect(inside.reduce((s, r) => s + r.households, 0)).toBe(sd.properties.households);
    const result = partitionDistrict({ areas, lines, rows: inside }, { min: 300, max: 500 });
    const grids = result.grids;
    expect(grids.reduce((s, g) => s + g.properties.households, 0)).toBe(sd.properties.households);
    expect(grids.every((g) => g.properties.subdistrict === SD)).toBe(true);
    const inBand = grids.filter((g) => g.properties.households >= 300 && g.properties.households <= 500).length;
    expect(inBand / grids.length).toBeGreaterThanOrEqual(0.95);
    // the grids tile the sub-district's land (within 0.5%)
    const gridArea = grids.reduce((s, g) => s + g.properties.area_m2, 0);
    expect(Math.abs(gridArea - area(sd)) / area(sd)).toBeLessThan(0.005);
  }, 120_000);
});
