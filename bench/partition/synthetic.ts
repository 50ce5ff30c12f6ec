/**
 * Synthetic district for tests and the benchmark: a jittered lattice of units (exactly shared
 * vertices, like faces of a street network), minor streets every 4 cells, major streets every 12,
 * a river line, communities = major-street superblocks, two sub-districts when wide enough,
 * 2×2 compounds, lognormal (skewed) households with some empty units. Deterministic per seed.
 */
import type { Feature, FeatureCollection, LineString, Polygon } from 'geojson';
import { makeRng } from '../../server/algorithms/partition';

export interface SyntheticOptions {
  cols: number;
  rows: number;
  seed?: number;
  /** metres per cell (default 60) */
  cell?: number;
  /** mean households per unit (default 22) */
  meanHouseholds?: number;
  lon0?: number;
  lat0?: number;
}

export interface SyntheticDistrict {
  units: FeatureCollection<Polygon>;
  barriers: FeatureCollection<LineString>;
}

export function syntheticDistrict(o: SyntheticOptions): SyntheticDistrict {
  const { cols, rows } = o;
  const rng = makeRng(o.seed ?? 7);
  const cell = o.cell ?? 60;
  const lon0 = o.lon0 ?? 117.0,
    lat0 = o.lat0 ?? 30.5;
  const ky = 111_195,
    kx = ky * Math.cos((lat0 * Math.PI) / 180);
  const V = (i: number, j: number) => j * (cols + 1) + i;
  const vx = new Float64Array((cols + 1) * (rows + 1)),
    vy = new Float64Array(vx.length);
  for (let j = 0; j <= rows; j++)
    for (let i = 0; i <= cols; i++) {
      const interior = i > 0 && j > 0 && i < cols && j < rows;
      const jx = interior && i % 4 !== 0 ? (rng() - 0.5) * 0.5 * cell : 0;
      const jy = interior && j % 4 !== 0 ? (rng() - 0.5) * 0.5 * cell : 0;
      // gentle curvature of the whole lattice
      const bend = Math.sin(j / 9) * cell * 0.6;
      vx[V(i, j)] = lon0 + (i * cell + jx + bend) / kx;
      vy[V(i, j)] = lat0 + (j * cell + jy) / ky;
    }
  const P = (i: number, j: number) => [Number(vx[V(i, j)].toFixed(7)), Number(vy[V(i, j)].toFixed(7))];
  const twoSub = cols >= 24;
  const features: Feature<Polygon>[] = [];
  // lognormal households, compounds of 2x2 cells in some blocks
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < cols; i++) {
      const r1 = Math.max(1e-9, rng()),
        r2 = rng();
      const z = Math.sqrt(-2 * Math.log(r1)) * Math.cos(2 * Math.PI * r2);
      const mean = o.meanHouseholds ?? 22;
      let h = Math.round(mean * Math.exp(0.75 * z - 0.28));
      if (rng() < 0.07) h = 0;
      h = Math.min(h, 160);
      const bi = Math.floor(i / 4),
        bj = Math.floor(j / 4);
      const blockHash = ((bi * 73856093) ^ (bj * 19349663) ^ (o.seed ?? 7)) >>> 0;
      const compound = blockHash % 3 === 0 ? `c-${bi}-${bj}-${Math.floor((i % 4) / 2)}${Math.floor((j % 4) / 2)}` : null;
      if (compound) h = Math.round(h * 1.6);
      const sub = twoSub && i >= Math.floor(cols / 2 / 12) * 12 && Math.floor(cols / 2 / 12) > 0 ? 'S2' : 'S1';
      const community = `${sub}-C${Math.floor(i / 12)}-${Math.floor(j / 12)}`;
      features.push({
        type: 'Feature',
        properties: { id: `u${j}_${i}`, households: h, subdistrict: sub, community, compound },
        geometry: { type: 'Polygon', coordinates: [[P(i, j), P(i + 1, j), P(i + 1, j + 1), P(i, j + 1), P(i, j)]] },
      });
    }
  const lines: Feature<LineString>[] = [];
  const river = Math.floor((rows * 0.55) / 4) * 4;
  for (let i = 4; i < cols; i += 4) {
    const coords = [];
    for (let j = 0; j <= rows; j++) coords.push(P(i, j));
    lines.push({ type: 'Feature', properties: { class: i % 12 === 0 ? 'major' : 'minor' }, geometry: { type: 'LineString', coordinates: coords } });
  }
  for (let j = 4; j < rows; j += 4) {
    const coords = [];
    for (let i = 0; i <= cols; i++) coords.push(P(i, j));
    const cls = j === river && rows >= 24 ? 'water' : j % 12 === 0 ? 'major' : 'minor';
    lines.push({ type: 'Feature', properties: { class: cls }, geometry: { type: 'LineString', coordinates: coords } });
  }
  return { units: { type: 'FeatureCollection', features }, barriers: { type: 'FeatureCollection', features: lines } };
}
