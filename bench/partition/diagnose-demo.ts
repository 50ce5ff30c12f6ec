/**
 * Diagnostic: run the engine in-process on each demo sub-district and print in-band figures and
 * the out-of-band grids. `npx tsx bench/partition/diagnose-demo.ts [subdistrict…]`
 */
import { demoCases } from './demo';
import { barriersFromGeoJSON, unitsFromGeoJSON } from '../../server/algorithms/partition';
import { partition } from '../../server/algorithms/partition';

const only = process.argv.slice(2);
let G = 0,
  IB = 0,
  C = 0,
  ppSum = 0,
  ppMin = 1,
  S = 0;
for (const c of demoCases('.data/demo', only.length ? only : undefined)) {
  const units = unitsFromGeoJSON(c.units);
  const t = Date.now();
  const r = partition({ units, barriers: barriersFromGeoJSON(c.barriers) }, { seed: 1 });
  const ms = Date.now() - t;
  const H = units.reduce((s, u) => s + u.households, 0);
  G += r.stats.grids;
  IB += r.stats.in_band;
  C += r.stats.contiguous;
  ppSum += r.stats.polsby_popper_mean * r.stats.grids;
  ppMin = Math.min(ppMin, r.stats.polsby_popper_min);
  S += r.stats.barrier_straddles;
  console.log(
    `${c.subdistrict}: ${units.length} units ${H} hh → ${r.stats.grids} grids, in band ${r.stats.in_band}, contiguous ${r.stats.contiguous}, pp ${r.stats.polsby_popper_mean}/${r.stats.polsby_popper_min}, straddles ${r.stats.barrier_straddles}, ${ms} ms`,
  );
  for (const g of r.grids)
    if (!g.in_band || !g.contiguous)
      console.log(`   ${g.id} ${g.households} hh, ${g.units.length} units, contiguous ${g.contiguous}, community ${g.community}`);
  for (const w of r.warnings) console.log(`   warn ${w.code}: ${w.message.slice(0, 160)}`);
}
console.log(`TOTAL grids ${G}, in band ${IB}, contiguous ${C}, pp mean ${(ppSum / G).toFixed(4)}, pp min ${ppMin}, straddles ${S}`);
