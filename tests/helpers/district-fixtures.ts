/**
 * Fixtures for the partition-district contract: a small hand-made district with known answers,
 * and the substitute city (real OpenStreetMap streets and water of Shanghai's Bund, from
 * ../shared/geodata) with generated sub-districts, communities and a seeded household register
 * placed near its streets. Files are written in the formats the contract names (ogr2ogr-style OSM
 * GeoJSON streets, Chinese-header CSV).
 */
import { existsSync, readFileSync } from 'node:fs';
import polygonClipping, { type MultiPolygon } from 'polygon-clipping';
import { localProjection } from '../../server/algorithms/geo/projection';
import { pointInRings, ringArea, type Pt } from '../../server/algorithms/units/planar';

export interface Fixture {
  boundaries: { type: 'FeatureCollection'; features: unknown[] };
  streets: { type: 'FeatureCollection'; features: unknown[] };
  /** rows: [building, compound, lon, lat, households] */
  rows: Array<[string, string, number, number, number]>;
  /** major street lines (WGS84) that should be grid edges */
  major: number[][][];
  /** minor (residential) street lines, for comparison */
  minor: number[][][];
  /** building footprints (hand-made district: a 16 m square around each row's point) */
  buildings?: { type: 'FeatureCollection'; features: unknown[] };
}

/** The one seeded generator of the repository (common/rng.ts). */
import { mulberry32 } from '../../common/rng';
export { mulberry32 };

export function csvText(rows: Fixture['rows'], opts: { header?: 'zh' | 'en'; crlf?: boolean; bom?: boolean } = {}): string {
  const nl = opts.crlf ? '\r\n' : '\n';
  const head = opts.header === 'en' ? 'building_id,compound,lng,lat,households' : '楼栋编号,小区,经度,纬度,户数';
  return (opts.bom ? '\uFEFF' : '') + [head, ...rows.map((r) => `${r[0]},${r[1]},${r[2].toFixed(7)},${r[3].toFixed(7)},${r[4]}`)].join(nl) + nl;
}

const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });

/**
 * Two 1 km × 1 km sub-districts side by side (A west, B east) near Anqing; A has two communities.
 * Streets every 250 m (residential), a primary road along x = 500 m in each sub-district, a tunnel
 * crossing A diagonally and an elevated trunk crossing B (neither divides land), a dead end.
 * Every block holds 2 buildings of `perBuilding` households: 16 blocks × 2 × perBuilding per
 * sub-district.
 */
export function smallDistrict(perBuilding = 50): Fixture {
  const proj = localProjection(117.05, 30.52);
  const ll = (x: number, y: number) => proj.inverse(x, y).map((v) => Number(v.toFixed(8)));
  const rect = (x0: number, y0: number, x1: number, y1: number) => [[ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]];
  const boundaries = {
    type: 'FeatureCollection' as const,
    features: [
      feature({ level: 'subdistrict', code: '340802001', name: '甲街道' }, { type: 'Polygon', coordinates: rect(0, 0, 1000, 1000) }),
      feature({ level: 'subdistrict', code: '340802002', name: '乙街道' }, { type: 'Polygon', coordinates: rect(1000, 0, 2000, 1000) }),
      feature({ level: 'community', code: '340802001001', name: '甲一社区' }, { type: 'Polygon', coordinates: rect(0, 0, 500, 1000) }),
      feature({ level: 'community', code: '340802001002', name: '甲二社区' }, { type: 'Polygon', coordinates: rect(500, 0, 1000, 1000) }),
    ],
  };
  const line = (props: Record<string, unknown>, pts: number[][]) => feature(props, { type: 'LineString', coordinates: pts.map(([x, y]) => ll(x, y)) });
  const streets: unknown[] = [];
  const major: number[][][] = [];
  let id = 1;
  for (const x of [250, 750, 1250, 1750])
    streets.push(
      line({ osm_id: String(id++), highway: 'residential', name: `${x}路`, other_tags: null }, [
        [x, -20],
        [x, 1020],
      ]),
    );
  for (const x of [500, 1500]) {
    const f = line({ osm_id: String(id++), highway: 'primary', name: `主干道${x}`, other_tags: '"lanes"=>"4"' }, [
      [x, -20],
      [x, 1020],
    ]);
    streets.push(f);
    major.push((f.geometry as { coordinates: number[][] }).coordinates);
  }
  for (const y of [250, 500, 750])
    streets.push(
      line({ osm_id: String(id++), highway: 'residential', name: `${y}街`, other_tags: null }, [
        [-20, y],
        [2020, y],
      ]),
    );
  streets.push(
    line({ osm_id: String(id++), highway: 'primary', name: '隧道', other_tags: '"tunnel"=>"yes","layer"=>"-1"' }, [
      [10, 10],
      [990, 990],
    ]),
  );
  streets.push(
    line({ osm_id: String(id++), highway: 'trunk', name: '高架', other_tags: '"bridge"=>"yes","layer"=>"2"' }, [
      [1010, 990],
      [1990, 10],
    ]),
  );
  streets.push(
    line({ osm_id: String(id++), highway: 'residential', name: '断头路', other_tags: null }, [
      [100, 100],
      [100, 200],
    ]),
  );
  streets.push(
    line({ osm_id: String(id++), highway: 'footway', name: null, other_tags: null }, [
      [60, 0],
      [60, 1000],
    ]),
  );
  const rows: Fixture['rows'] = [];
  let n = 0;
  for (let bx = 0; bx < 8; bx++)
    for (let by = 0; by < 4; by++) {
      for (const k of [0, 1]) {
        const x = bx * 250 + 70 + k * 110,
          y = by * 250 + 90 + k * 60;
        const [lon, lat] = ll(x, y);
        rows.push([`B${++n}`, `小区${bx}-${by}`, lon, lat, perBuilding]);
      }
    }
  const buildings = rows.map((r, i) => {
    const [x, y] = proj.forward(r[2], r[3]);
    return feature({ id: r[0] }, { type: 'Polygon', coordinates: rect(x - 8 + (i % 3), y - 8, x + 8, y + 8 - (i % 2)) });
  });
  return {
    boundaries,
    streets: { type: 'FeatureCollection', features: streets },
    rows,
    major,
    minor: [],
    buildings: { type: 'FeatureCollection', features: buildings },
  };
}

const GEODATA = new URL('../../../shared/geodata/substitute-shanghai-bund-tilezen/', import.meta.url);
export const hasSubstituteCity = (): boolean => existsSync(new URL('shanghai_bund_roads.geojson', GEODATA));

/**
 * The substitute city: Shanghai Bund / Lujiazui (OSM via Tilezen, ODbL). Land = the extent minus
 * the Huangpu and Suzhou Creek; each bank is cut into two sub-districts (north/south), each of
 * those into two communities (west/east). Streets are written as ogr2ogr writes OSM (`highway`,
 * `name`, `other_tags` with bridge/tunnel/layer). `rowsCount` building rows of 20-140 households,
 * grouped in compounds of 3-12 buildings placed 15-60 m from a street, seeded.
 */
export function substituteCity(rowsCount = 600, seed = 7): Fixture {
  const read = (f: string) =>
    JSON.parse(readFileSync(new URL(f, GEODATA), 'utf8')) as {
      features: Array<{ properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }>;
    };
  const roads = read('shanghai_bund_roads.geojson');
  const water = read('shanghai_bund_water.geojson');
  const [X0, Y0, X1, Y1] = [121.4815, 31.2275, 121.5195, 31.25];
  const proj = localProjection((X0 + X1) / 2, (Y0 + Y1) / 2);
  const box: MultiPolygon = [
    [
      [
        [X0, Y0],
        [X1, Y0],
        [X1, Y1],
        [X0, Y1],
        [X0, Y0],
      ],
    ],
  ];
  const waters = water.features
    .filter(
      (f) => (f.properties.kind === 'water' || f.properties.kind === 'riverbank') && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'),
    )
    .map((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as MultiPolygon);
  const land = polygonClipping.difference(box, ...waters);
  const areaOf = (poly: number[][][]) => Math.abs(ringArea(poly[0].map((p) => proj.forward(p[0], p[1]) as Pt)));
  const banks = land.filter((p) => areaOf(p) > 200_000).sort((a, b) => a[0][0][0] - b[0][0][0]);
  const ymid = (Y0 + Y1) / 2;
  const subs: Array<{ code: string; name: string; polys: MultiPolygon }> = [];
  const comms: Array<{ code: string; name: string; polys: MultiPolygon }> = [];
  banks.forEach((bank, bi) => {
    let bx0 = Infinity,
      bx1 = -Infinity;
    for (const p of bank[0]) {
      bx0 = Math.min(bx0, p[0]);
      bx1 = Math.max(bx1, p[0]);
    }
    const xmid = (bx0 + bx1) / 2;
    (
      [
        [Y0, ymid, '南'],
        [ymid, Y1, '北'],
      ] as const
    ).forEach(([ya, yb, half], hi) => {
      const code = `310101${bi + 1}${hi + 1}0`.slice(0, 9);
      const polys = polygonClipping.intersection(bank, [
        [
          [X0 - 1, ya],
          [X1 + 1, ya],
          [X1 + 1, yb],
          [X0 - 1, yb],
          [X0 - 1, ya],
        ],
      ]);
      if (!polys.length) return;
      subs.push({ code, name: `${bi === 0 ? '浦西' : '浦东'}${half}街道`, polys });
      (['西', '东'] as const).forEach((side, si) => {
        const cut =
          si === 0
            ? [
                [X0 - 1, ya - 1],
                [xmid, ya - 1],
                [xmid, yb + 1],
                [X0 - 1, yb + 1],
                [X0 - 1, ya - 1],
              ]
            : [
                [xmid, ya - 1],
                [X1 + 1, ya - 1],
                [X1 + 1, yb + 1],
                [xmid, yb + 1],
                [xmid, ya - 1],
              ];
        const cp = polygonClipping.intersection(polys, [cut as [number, number][]]);
        if (cp.length) comms.push({ code: `${code}00${si + 1}`, name: `${bi === 0 ? '浦西' : '浦东'}${half}${side}社区`, polys: cp });
      });
    });
  });
  const geom = (m: MultiPolygon) => (m.length === 1 ? { type: 'Polygon', coordinates: m[0] } : { type: 'MultiPolygon', coordinates: m });
  const boundaries = {
    type: 'FeatureCollection' as const,
    features: [
      ...subs.map((s) => feature({ level: 'subdistrict', code: s.code, name: s.name }, geom(s.polys))),
      ...comms.map((c) => feature({ level: 'community', code: c.code, name: c.name }, geom(c.polys))),
    ],
  };
  // streets as ogr2ogr writes OSM
  const streets: unknown[] = [];
  const candidates: number[][][] = [];
  const major: number[][][] = [],
    minor: number[][][] = [];
  for (const f of roads.features) {
    const p = f.properties;
    const tags: string[] = [];
    if (p.is_tunnel) tags.push('"tunnel"=>"yes"', '"layer"=>"-1"');
    if (p.is_bridge) tags.push('"bridge"=>"yes"', `"layer"=>"${p.kind_detail === 'trunk' || p.kind_detail === 'trunk_link' ? 2 : 1}"`);
    if (p.service) tags.push(`"service"=>"${String(p.service)}"`);
    const props: Record<string, unknown> = {
      osm_id: String(p.id),
      name: p.name ?? null,
      highway: null,
      waterway: null,
      other_tags: tags.length ? tags.join(',') : null,
    };
    if (p.kind === 'rail') {
      tags.push(`"railway"=>"${String(p.kind_detail)}"`);
      props.other_tags = tags.join(',');
    } else if (p.kind === 'ferry') continue;
    else props.highway = p.kind_detail ?? 'road';
    streets.push(feature(props, f.geometry));
    const parts = (f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates) as number[][][];
    if (!p.is_tunnel && !p.is_bridge && ['residential', 'secondary', 'tertiary', 'unclassified', 'living_street', 'primary'].includes(String(p.kind_detail)))
      candidates.push(...parts);
    if (!p.is_tunnel && !p.is_bridge && ['primary', 'secondary', 'tertiary'].includes(String(p.kind_detail))) major.push(...parts);
    if (!p.is_tunnel && !p.is_bridge && ['residential', 'unclassified', 'living_street'].includes(String(p.kind_detail))) minor.push(...parts);
  }
  // register: compounds near streets, on land
  const rnd = mulberry32(seed);
  const subRings = subs.flatMap((s) => s.polys.map((poly) => poly.map((r) => r.map((p) => proj.forward(p[0], p[1]) as Pt))));
  const onLand = (p: Pt) => subRings.some((rings) => pointInRings(p[0], p[1], rings));
  const rows: Fixture['rows'] = [];
  let compound = 0;
  while (rows.length < rowsCount) {
    const l = candidates[Math.floor(rnd() * candidates.length)];
    const i = 1 + Math.floor(rnd() * (l.length - 1));
    const a = proj.forward(l[i - 1][0], l[i - 1][1]),
      b = proj.forward(l[i][0], l[i][1]);
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len < 1) continue;
    const t = rnd(),
      side = rnd() < 0.5 ? -1 : 1,
      off = 15 + rnd() * 45;
    const c: Pt = [a[0] + (b[0] - a[0]) * t - (side * (b[1] - a[1]) * off) / len, a[1] + (b[1] - a[1]) * t + (side * (b[0] - a[0]) * off) / len];
    if (!onLand(c)) continue;
    compound++;
    const name = rnd() < 0.15 ? '' : `${['阳光', '锦绣', '和平', '滨江', '金桥', '东方', '新华', '福山'][compound % 8]}${compound}小区`;
    const n = 3 + Math.floor(rnd() * 10);
    for (let k = 0; k < n && rows.length < rowsCount; k++) {
      const p: Pt = [c[0] + (rnd() - 0.5) * 50, c[1] + (rnd() - 0.5) * 50];
      if (!onLand(p)) continue;
      const [lon, lat] = proj.inverse(p[0], p[1]);
      rows.push([`${compound}-${k + 1}号楼`, name, Number(lon.toFixed(7)), Number(lat.toFixed(7)), 20 + Math.floor(rnd() * 121)]);
    }
  }
  return { boundaries, streets: { type: 'FeatureCollection', features: streets }, rows, major, minor };
}
