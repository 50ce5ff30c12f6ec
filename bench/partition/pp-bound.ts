/**
 * Diagnostic: how compact can a grid on the synthetic lattice be? Tiles each synthetic case with
 * the street blocks themselves (4×4 cells between unjittered streets: the most compact shapes the
 * lattice offers), with 4×8 / 8×4 pairs of blocks and with 4×5 / 3×4 cell tiles, ignoring households, and prints
 * their mean Polsby-Popper and share in the 300-500 band beside the benchmark's target (1.15 × METIS's mean, from the latest result file).
 * `npx tsx bench/partition/pp-bound.ts`
 */
import { syntheticDistrict } from './synthetic';
import { barriersFromGeoJSON, buildUnitGraph, checkGrids, unitsFromGeoJSON } from '../../server/algorithms/partition';

const SIZES: Record<string, [number, number]> = {
  'synthetic-500': [20, 25],
  'synthetic-2k': [45, 45],
  'synthetic-10k': [100, 100],
  'synthetic-40k': [200, 200],
};
const METIS: Record<string, number> = { 'synthetic-500': 0.6721, 'synthetic-2k': 0.6707, 'synthetic-10k': 0.6663, 'synthetic-40k': 0.6627 };
const out: Record<string, unknown> = {};
for (const [name, [cols, rows]] of Object.entries(SIZES)) {
  const d = syntheticDistrict({ cols, rows, seed: 11 });
  const g = buildUnitGraph(unitsFromGeoJSON(d.units), barriersFromGeoJSON(d.barriers));
  const idOf = new Map<string, number>();
  for (let u = 0; u < g.n; u++) idOf.set(g.ids[u], u);
  const tile = (w: number, h: number) => {
    const gridOf = new Int32Array(g.n);
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) gridOf[idOf.get(`u${j}_${i}`)!] = Math.floor(j / h) * Math.ceil(cols / w) + Math.floor(i / w);
    // only whole tiles: a tile cut by the district edge is not a square
    const c = checkGrids(g, gridOf).filter((x) => x.units.length === w * h);
    const inBand = c.filter((x) => x.households >= 300 && x.households <= 500).length;
    return { pp_mean: Number((c.reduce((s, x) => s + x.polsbyPopper, 0) / c.length).toFixed(4)), pct_in_band: Math.round((100 * inBand) / c.length) };
  };
  out[name] = {
    blocks_4x4: tile(4, 4),
    blocks_8x4: tile(8, 4),
    blocks_4x8: tile(4, 8),
    cells_4x5: tile(4, 5),
    cells_3x4: tile(3, 4),
    rectilinear_bound: Number((Math.PI / 4).toFixed(4)),
    target_1_15_metis: Number((1.15 * METIS[name]).toFixed(4)),
  };
}
console.log(JSON.stringify(out, null, 2));
