/**
 * Splits one grid in two along streets: straight sweeps in several directions give balanced,
 * compact halves; each half is made contiguous, then boundary units move greedily while that lowers
 * imbalance + weighted cut length (street edges are cheap to cut, so the cut slides onto streets).
 * Pure, no I/O.
 */
import { components, CUT_WEIGHT, isConnected, type EditorGraph } from './graph';

export interface SplitResult {
  a: number[];
  b: number[];
  householdsA: number;
  householdsB: number;
  /** metres of shared boundary between the halves */
  cutLength: number;
  /** share of the cut lying along streets, rail or water (0..1) */
  streetShare: number;
}

export interface SplitOptions {
  angles?: number;
  passes?: number;
  /** metres of non-street cut worth one household of imbalance (default 2) */
  metresPerHousehold?: number;
}

function cost(g: EditorGraph, nodes: number[], side: Map<number, 0 | 1>, mph: number): { cost: number; ha: number; hb: number } {
  let ha = 0;
  let hb = 0;
  let cut = 0;
  for (const v of nodes) {
    const s = side.get(v)!;
    if (s === 0) ha += g.households[v];
    else hb += g.households[v];
    for (let e = g.offsets[v]; e < g.offsets[v + 1]; e++) {
      const w = g.targets[e];
      const sw = side.get(w);
      if (sw !== undefined && sw !== s && v < w) cut += g.edgeLen[e] * (CUT_WEIGHT[g.edgeClass[e]] ?? 1);
    }
  }
  return { cost: Math.abs(ha - hb) + cut / mph, ha, hb };
}

/** Makes each side one connected piece: smaller pieces join the other side. */
function repair(g: EditorGraph, nodes: number[], side: Map<number, 0 | 1>): boolean {
  for (let iter = 0; iter < 4; iter++) {
    let changed = false;
    for (const s of [0, 1] as const) {
      const comps = components(g, nodes, (v) => side.get(v) === s);
      if (comps.length === 0) return false;
      for (const c of comps.slice(1)) {
        for (const v of c) side.set(v, s === 0 ? 1 : 0);
        changed = true;
      }
    }
    if (!changed) return true;
  }
  return components(g, nodes, (v) => side.get(v) === 0).length === 1 && components(g, nodes, (v) => side.get(v) === 1).length === 1;
}

/** Bisects the units `nodes` (indices into g) into two halves; null when fewer than two units. */
export function splitGrid(g: EditorGraph, nodes: number[], opts: SplitOptions = {}): SplitResult | null {
  if (nodes.length < 2) return null;
  const angles = opts.angles ?? 8;
  const passes = opts.passes ?? 6;
  const mph = opts.metresPerHousehold ?? 2;
  const inGrid = new Set(nodes);
  let best: { side: Map<number, 0 | 1>; cost: number } | null = null;
  for (let k = 0; k < angles; k++) {
    const th = (Math.PI * k) / angles;
    const dx = Math.cos(th);
    const dy = Math.sin(th);
    const order = [...nodes].sort((p, q) => g.cx[p] * dx + g.cy[p] * dy - (g.cx[q] * dx + g.cy[q] * dy));
    const total = order.reduce((s, v) => s + g.households[v], 0);
    let acc = 0;
    let cutAt = 1;
    let bestGap = Infinity;
    for (let i = 0; i < order.length - 1; i++) {
      acc += g.households[order[i]];
      const gap = Math.abs(total / 2 - acc);
      if (gap < bestGap) {
        bestGap = gap;
        cutAt = i + 1;
      }
    }
    const side = new Map<number, 0 | 1>();
    order.forEach((v, i) => side.set(v, i < cutAt ? 0 : 1));
    if (!repair(g, nodes, side)) continue;
    // greedy refinement: move boundary units while the cost drops and both halves stay connected
    let cur = cost(g, nodes, side, mph).cost;
    for (let pass = 0; pass < passes; pass++) {
      let improved = false;
      for (const v of nodes) {
        const s = side.get(v)!;
        let boundary = false;
        for (let e = g.offsets[v]; e < g.offsets[v + 1] && !boundary; e++) {
          const w = g.targets[e];
          if (inGrid.has(w) && side.get(w) !== s) boundary = true;
        }
        if (!boundary) continue;
        const other: 0 | 1 = s === 0 ? 1 : 0;
        side.set(v, other);
        const c = cost(g, nodes, side, mph).cost;
        const sideNonEmpty = nodes.some((x) => side.get(x) === s);
        if (c < cur - 1e-9 && sideNonEmpty && isConnected(g, nodes, (x) => side.get(x) === s)) {
          cur = c;
          improved = true;
        } else side.set(v, s);
      }
      if (!improved) break;
    }
    if (!best || cur < best.cost) best = { side, cost: cur };
  }
  if (!best) {
    // disconnected grid or degenerate geometry: fall back to its connected pieces
    const comps = components(g, nodes, () => true);
    if (comps.length < 2) return null;
    best = { side: new Map(nodes.map((v) => [v, comps[0].includes(v) ? 0 : 1])), cost: 0 };
  }
  const a = nodes.filter((v) => best!.side.get(v) === 0);
  const b = nodes.filter((v) => best!.side.get(v) === 1);
  let cutLength = 0;
  let streetLength = 0;
  for (const v of a) {
    for (let e = g.offsets[v]; e < g.offsets[v + 1]; e++) {
      if (best.side.get(g.targets[e]) === 1) {
        cutLength += g.edgeLen[e];
        if (g.edgeClass[e] > 0) streetLength += g.edgeLen[e];
      }
    }
  }
  const sum = (xs: number[]) => xs.reduce((s, v) => s + g.households[v], 0);
  return { a, b, householdsA: sum(a), householdsB: sum(b), cutLength, streetShare: cutLength > 0 ? streetLength / cutLength : 0 };
}
