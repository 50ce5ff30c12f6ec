/**
 * Recombination for compactness: re-bisect the union of two adjacent grids of the same group and
 * keep the new pair when both halves stay in band and contiguous and the summed penalty (mostly
 * compactness) drops. Only the least compact share of grids (default 35%) is tried, worst first. Used on fresh partitions only (not warm starts). Pure.
 */
import { recursiveBisect, type BisectParams } from './bisect';
import { edgePenalty, gridPenalty, inertiaPenalty, DEFAULT_WEIGHTS, type ObjectiveWeights } from './objective';
import type { GridState } from './state';

export function recombinePairs(st: GridState, p: BisectParams & { rounds?: number; weights?: ObjectiveWeights; worstShare?: number }): number {
  const w = p.weights ?? DEFAULT_WEIGHTS,
    wi = w.inertia ?? 0;
  const pen = (g: number) =>
    gridPenalty(st.hh[g], st.area[g], st.perim[g], st.hard[g], p.target, w) +
    wi * inertiaPenalty(st.area[g], st.mx[g], st.my[g], st.mq[g]) +
    (w.edge ?? 0) * edgePenalty(st.hh[g], p.min, p.max, p.target);
  const cg = st.cg;
  let accepted = 0;
  for (let round = 0; round < (p.rounds ?? 2); round++) {
    const order = [...Array(st.gridCount).keys()].filter((g) => st.members[g].size > 0).sort((a, b) => pen(b) - pen(a) || a - b);
    const tried = new Set<string>();
    let acc = 0;
    for (const a of order.slice(0, Math.ceil(order.length * (p.worstShare ?? 0.35)))) {
      const nb = new Set<number>();
      for (const u of st.members[a])
        for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
          const h = st.assign[cg.targets[e]];
          if (h >= 0 && h !== a && st.group[h] === st.group[a]) nb.add(h);
        }
      for (const b of nb) {
        const key = a < b ? `${a}|${b}` : `${b}|${a}`;
        if (tried.has(key)) continue;
        tried.add(key);
        const nodes = [...st.members[a], ...st.members[b]];
        const before = pen(a) + pen(b);
        const parts = recursiveBisect(cg, nodes, 2, p, st.sc);
        if (parts.length !== 2) continue;
        const sums = parts.map((part) => part.reduce((s, u) => s + cg.hh[u], 0));
        if (sums.some((h) => h < p.min || h > p.max)) continue;
        // give part 0 to the grid it overlaps most
        let ov = 0;
        for (const u of parts[0]) if (st.assign[u] === a) ov++;
        const [pa, pb] = ov * 2 >= parts[0].length ? [parts[0], parts[1]] : [parts[1], parts[0]];
        const old = nodes.map((u) => st.assign[u]);
        for (const u of pa) st.move(u, a);
        for (const u of pb) st.move(u, b);
        if (pen(a) + pen(b) < before - 1e-6 && st.components(a).length === 1 && st.components(b).length === 1) {
          acc++;
          continue;
        }
        nodes.forEach((u, i) => st.move(u, old[i]));
      }
    }
    accepted += acc;
    if (!acc) break;
  }
  return accepted;
}
