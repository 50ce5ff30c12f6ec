/**
 * Hard-constraint checks at unit level: every unit assigned once, grids contiguous, no grid spans
 * two sub-districts, households in band. Pure, no I/O; used by the engine's final validation,
 * by tests and by the benchmark.
 */
import type { UnitGraph } from './graph';
import { isHardBarrier } from './types';
import { polsbyPopper } from '../geo';

export interface GridCheck {
  grid: number;
  units: number[];
  households: number;
  area: number;
  perimeter: number;
  polsbyPopper: number;
  contiguous: boolean;
  subdistricts: number;
  /** has an internal adjacency along a major street, rail or water */
  straddlesBarrier: boolean;
}

/** gridOf[u] = grid index (≥ 0) for every unit; returns one check per grid index in use. */
export function checkGrids(g: UnitGraph, gridOf: Int32Array): GridCheck[] {
  let G = 0;
  for (let u = 0; u < g.n; u++) G = Math.max(G, gridOf[u] + 1);
  const units: number[][] = Array.from({ length: G }, () => []);
  for (let u = 0; u < g.n; u++) if (gridOf[u] >= 0) units[gridOf[u]].push(u);
  const seen = new Uint8Array(g.n);
  const out: GridCheck[] = [];
  for (let k = 0; k < G; k++) {
    const us = units[k];
    if (!us.length) continue;
    let hh = 0,
      area = 0,
      per = 0,
      straddle = false;
    const sds = new Set<number>();
    for (const u of us) {
      hh += g.households[u];
      area += g.area[u];
      per += g.perimeter[u];
      sds.add(g.subdistrict[u]);
      for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
        if (gridOf[g.targets[e]] === k) {
          per -= g.edgeLen[e];
          if (isHardBarrier(g.edgeClass[e])) straddle = true;
        }
      }
    }
    // BFS contiguity
    const q = [us[0]];
    seen[us[0]] = 1;
    for (let i = 0; i < q.length; i++) {
      const u = q[i];
      for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
        const v = g.targets[e];
        if (!seen[v] && gridOf[v] === k) {
          seen[v] = 1;
          q.push(v);
        }
      }
    }
    for (const u of us) seen[u] = 0;
    out.push({
      grid: k,
      units: us,
      households: hh,
      area,
      perimeter: per,
      polsbyPopper: polsbyPopper(area, per),
      contiguous: q.length === us.length,
      subdistricts: sds.size,
      straddlesBarrier: straddle,
    });
  }
  return out;
}

/** connected components of the units restricted to edges whose endpoints share a sub-district */
export function subdistrictComponents(g: UnitGraph): { comp: Int32Array; count: number } {
  const comp = new Int32Array(g.n).fill(-1);
  let count = 0;
  for (let s = 0; s < g.n; s++) {
    if (comp[s] >= 0) continue;
    const q = [s];
    comp[s] = count;
    for (let i = 0; i < q.length; i++) {
      const u = q[i];
      for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
        const v = g.targets[e];
        if (comp[v] < 0 && g.subdistrict[v] === g.subdistrict[u]) {
          comp[v] = count;
          q.push(v);
        }
      }
    }
    count++;
  }
  return { comp, count };
}
