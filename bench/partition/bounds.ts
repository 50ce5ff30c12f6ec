/**
 * What the best plan could reach on a case, so the benchmark can tell a target the engine misses
 * from a target no plan can meet. Pure, no I/O.
 *
 * - Straddles: a grid that does not straddle a major street / rail / water lies inside one "face"
 *   (the units joined without crossing one), so a face of F households holds at most ⌊F / min⌋
 *   such grids when every grid is in band. A sub-district component of H households that can be
 *   split into in-band grids needs at least ⌈H / max⌉ grids, so at least
 *   ⌈H / max⌉ − Σ over its faces ⌊F / min⌋ of them straddle. The sum over the components is a lower
 *   bound for every contiguous plan with every grid of a splittable component in band (components
 *   that cannot be split count 0).
 * - In band: every grid can be in band only if every sub-district component can be split into
 *   grids of [min, max] households (some k with k·min ≤ H ≤ k·max); an island below min cannot.
 */
import type { UnitGraph } from '../../server/algorithms/partition';
import { subdistrictComponents } from '../../server/algorithms/partition';
import { isHardBarrier } from '../../server/algorithms/partition';

export interface PlanBounds {
  /** fewest straddling grids any contiguous plan with every grid in band can have (lower bound) */
  straddles_min: number;
  /** whether a plan with every grid in band exists at all, as far as component sizes tell */
  in_band_possible: boolean;
  /** sub-district components whose households cannot be split into grids of [min, max] */
  components_unsplittable: number;
}

/** some k ≥ 1 with k·min ≤ H ≤ k·max */
export function splittable(H: number, min: number, max: number): boolean {
  if (max <= 0) return H === 0;
  const k = Math.max(1, Math.ceil(H / max));
  return k * min <= H;
}

export function planBounds(g: UnitGraph, min: number, max: number): PlanBounds {
  const { comp, count } = subdistrictComponents(g);
  // faces: components of the units joined by edges that are not hard barriers (within a component)
  const face = new Int32Array(g.n).fill(-1);
  const faceH: number[] = [],
    faceComp: number[] = [];
  for (let s = 0; s < g.n; s++) {
    if (face[s] >= 0) continue;
    const id = faceH.length;
    face[s] = id;
    faceH.push(0);
    faceComp.push(comp[s]);
    const q = [s];
    for (let i = 0; i < q.length; i++) {
      const u = q[i];
      faceH[id] += g.households[u];
      for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
        const v = g.targets[e];
        if (face[v] >= 0 || comp[v] !== comp[u] || isHardBarrier(g.edgeClass[e])) continue;
        face[v] = id;
        q.push(v);
      }
    }
  }
  const compH = new Float64Array(count),
    clear = new Float64Array(count);
  for (let u = 0; u < g.n; u++) compH[comp[u]] += g.households[u];
  for (let f = 0; f < faceH.length; f++) if (min > 0) clear[faceComp[f]] += Math.floor(faceH[f] / min);
  let straddles = 0,
    unsplittable = 0;
  for (let c = 0; c < count; c++) {
    if (!splittable(compH[c], min, max)) {
      unsplittable++;
      continue;
    }
    const kMin = Math.max(1, Math.ceil(compH[c] / max));
    straddles += Math.max(0, kMin - (min > 0 ? clear[c] : kMin));
  }
  return { straddles_min: straddles, in_band_possible: unsplittable === 0, components_unsplittable: unsplittable };
}
