/**
 * A real-street district for the "real district" walkthrough: the substitute city's OpenStreetMap
 * streets (Wuhan Optics Valley, `/work/shared/geodata/substitute-wuhan-tilezen/`, WGS84, ODbL) with
 * GENERATED boundaries and a GENERATED household register (no real 街道/社区 outlines or
 * households exist in any source we have). Deterministic, no I/O except reading the streets file.
 *
 * - Boundaries (`level`, `code`, `name`, WGS84): the street file's extent inset by 30 m, cut into
 *   two sub-districts along 珞喻路 (north 光谷北街道 420111901, south 光谷南街道 420111902, codes in
 *   洪山区 420111 with a 9xx suffix no real sub-district uses), each cut into two communities
 *   along a north-south street (鲁磨路 in the north, 民族大道 in the south).
 * - Register (CSV `楼栋编号,小区,经度,纬度,户数`, UTF-8 with BOM, CRLF): one row per building,
 *   buildings every ~45 m on both sides of every residential / unclassified / service street,
 *   22 m from its centre line, 8–36 households each, grouped eight by eight into compounds named
 *   after the street (光谷 where it has no name) and numbered; rows outside the boundaries or in water are left out.
 */
import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { mulberry32 } from '../../common/rng';

export const SUBSTITUTE_DIR = process.env.WANGGE_GEODATA ?? '/work/shared/geodata/substitute-wuhan-tilezen';
export const STREETS_FILE = `${SUBSTITUTE_DIR}/wuhan_guanggu_roads.geojson`;
export const WATER_FILE = `${SUBSTITUTE_DIR}/wuhan_guanggu_water.geojson`;

export const SUBSTITUTE = {
  district: { code: '420111', name: '洪山区' },
  north: { id: '420111901', name: '光谷北街道' },
  south: { id: '420111902', name: '光谷南街道' },
} as const;

type Lines = Feature<LineString | { type: 'MultiLineString'; coordinates: Position[][] }, Record<string, unknown>>;

/** Small seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  return mulberry32(seed);
}

function linesOf(f: Lines): Position[][] {
  return f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates;
}

export function readStreets(file = STREETS_FILE): FeatureCollection<LineString, Record<string, unknown>> {
  return JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection<LineString, Record<string, unknown>>;
}

const M_PER_DEG_LAT = 110_574;
const mPerDegLon = (lat: number) => 111_320 * Math.cos((lat * Math.PI) / 180);

/** The polyline of a named street, as mean latitude (or longitude) per bin across the extent. */
function streetProfile(streets: Lines[], name: string, axis: 'x' | 'y', lo: number, hi: number, bins: number): Array<[number, number]> {
  const pts = streets.filter((f) => f.properties.name === name).flatMap((f) => linesOf(f).flat());
  const a = axis === 'x' ? 0 : 1;
  const out: Array<[number, number]> = [];
  for (let i = 0; i <= bins; i++) {
    const at = lo + ((hi - lo) * i) / bins;
    const near = pts.filter((p) => Math.abs(p[a] - at) < (hi - lo) / bins);
    if (near.length) out.push([at, near.reduce((s, p) => s + p[1 - a], 0) / near.length]);
  }
  // extend the first/last value to the ends of the range
  if (out.length && out[0][0] > lo) out.unshift([lo, out[0][1]]);
  if (out.length && out[out.length - 1][0] < hi) out.push([hi, out[out.length - 1][1]]);
  return out;
}

function ring(points: Position[]): Position[] {
  return [...points, points[0]];
}

export interface SubstituteDistrict {
  boundaries: FeatureCollection<Polygon | MultiPolygon>;
  /** The register as CSV text (BOM, CRLF). */
  registerCsv: string;
  rows: number;
  households: number;
  bbox: [number, number, number, number];
}

function pointInRing(p: Position, r: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i];
    const [xj, yj] = r[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function generateSubstituteDistrict(opts: { seed?: number; streetsFile?: string; waterFile?: string } = {}): SubstituteDistrict {
  const streets = readStreets(opts.streetsFile).features as unknown as Lines[];
  const all = streets.flatMap((f) => linesOf(f).flat());
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const lat0 = (Math.min(...ys) + Math.max(...ys)) / 2;
  const insetX = 30 / mPerDegLon(lat0);
  const insetY = 30 / M_PER_DEG_LAT;
  const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
  const [x0, y0, x1, y1] = [Math.min(...xs) + insetX, Math.min(...ys) + insetY, Math.max(...xs) - insetX, Math.max(...ys) - insetY].map(r7);

  // sub-districts: north and south of 珞喻路
  const cut = streetProfile(streets, '珞喻路', 'x', x0, x1, 8).map(([x, y]) => [r7(x), r7(y)] as Position);
  const northRing = ring([[x0, y1], ...cut, [x1, y1]]);
  const southRing = ring([[x0, y0], [x1, y0], ...cut.slice().reverse()]);
  const yAt = (x: number) => {
    for (let i = 1; i < cut.length; i++)
      if (x <= cut[i][0]) return cut[i - 1][1] + ((cut[i][1] - cut[i - 1][1]) * (x - cut[i - 1][0])) / (cut[i][0] - cut[i - 1][0]);
    return cut[cut.length - 1][1];
  };
  // communities: the north cut along 鲁磨路, the south along 民族大道 (straight lines at their mean longitude)
  const meanLon = (name: string) => {
    const p = streets.filter((f) => f.properties.name === name).flatMap((f) => linesOf(f).flat());
    return r7(p.reduce((s, q) => s + q[0], 0) / p.length);
  };
  const xn = meanLon('鲁磨路');
  const xs2 = meanLon('民族大道');
  const yn = r7(yAt(xn));
  const ys2 = r7(yAt(xs2));
  const cutWest = (x: number) => cut.filter((p) => p[0] < x);
  const cutEast = (x: number) => cut.filter((p) => p[0] > x);
  const n1 = ring([[x0, y1], ...cutWest(xn), [xn, yn], [xn, y1]]);
  const n2 = ring([[xn, y1], [xn, yn], ...cutEast(xn), [x1, y1]]);
  const s1 = ring([[x0, y0], [xs2, y0], [xs2, ys2], ...cutWest(xs2).reverse()]);
  const s2 = ring([[xs2, y0], [x1, y0], ...cutEast(xs2).reverse(), [xs2, ys2]]);
  const N = SUBSTITUTE.north;
  const S = SUBSTITUTE.south;
  const poly = (coords: Position[], props: Record<string, unknown>): Feature<Polygon> => ({
    type: 'Feature',
    properties: props,
    geometry: { type: 'Polygon', coordinates: [coords] },
  });
  const boundaries: FeatureCollection<Polygon> = {
    type: 'FeatureCollection',
    features: [
      poly(northRing, { level: 'subdistrict', code: N.id, name: N.name, district: SUBSTITUTE.district.name }),
      poly(southRing, { level: 'subdistrict', code: S.id, name: S.name, district: SUBSTITUTE.district.name }),
      poly(n1, { level: 'community', code: `${N.id}001`, name: '鲁磨路西社区' }),
      poly(n2, { level: 'community', code: `${N.id}002`, name: '鲁磨路东社区' }),
      poly(s1, { level: 'community', code: `${S.id}001`, name: '民族大道西社区' }),
      poly(s2, { level: 'community', code: `${S.id}002`, name: '民族大道东社区' }),
    ],
  };

  // water polygons: no buildings in them
  let water: Position[][] = [];
  try {
    const w = JSON.parse(readFileSync(opts.waterFile ?? WATER_FILE, 'utf8')) as FeatureCollection;
    water = w.features.flatMap((f) =>
      f.geometry.type === 'Polygon' ? [f.geometry.coordinates[0]] : f.geometry.type === 'MultiPolygon' ? f.geometry.coordinates.map((p) => p[0]) : [],
    );
  } catch {
    water = [];
  }

  const rand = rng(opts.seed ?? 20260);
  const lines = ['楼栋编号,小区,经度,纬度,户数'];
  let households = 0;
  let n = 0;
  let compoundNo = 0;
  const residential = new Set(['residential', 'unclassified', 'service', 'living_street']);
  for (const f of streets) {
    if (!residential.has(String(f.properties.kind_detail))) continue;
    const street = typeof f.properties.name === 'string' && f.properties.name ? f.properties.name : '光谷';
    for (const line of linesOf(f)) {
      // a building every 45 m along the line (first at 20 m), on both sides
      let walked = 0;
      let next = 20;
      let onStreet = 0;
      for (let i = 1; i < line.length; i++) {
        const [ax, ay] = line[i - 1];
        const [bx, by] = line[i];
        const kx = mPerDegLon(ay);
        const dx = (bx - ax) * kx;
        const dy = (by - ay) * M_PER_DEG_LAT;
        const len = Math.hypot(dx, dy);
        for (; next < walked + len; next += 45) {
          const t = (next - walked) / len;
          const [px, py] = [ax + (bx - ax) * t, ay + (by - ay) * t];
          for (const side of [1, -1]) {
            const p: Position = [r7(px + ((-dy / len) * 22 * side) / kx), r7(py + ((dx / len) * 22 * side) / M_PER_DEG_LAT)];
            if (p[0] <= x0 || p[0] >= x1 || p[1] <= y0 || p[1] >= y1) continue;
            if (water.some((r) => pointInRing(p, r))) continue;
            const hh = 8 + Math.floor(rand() * 29);
            n++;
            if (onStreet % 8 === 0) compoundNo++;
            const compound = rand() < 0.15 ? '' : `${street}${compoundNo}号小区`;
            onStreet++;
            lines.push(`GG-${String(n).padStart(4, '0')},${compound},${p[0].toFixed(7)},${p[1].toFixed(7)},${hh}`);
            households += hh;
          }
        }
        walked += len;
      }
    }
  }
  return { boundaries, registerCsv: `\ufeff${lines.join('\r\n')}\r\n`, rows: n, households, bbox: [x0, y0, x1, y1] };
}
