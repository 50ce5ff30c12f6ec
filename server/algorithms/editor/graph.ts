/**
 * The slice of the partition unit graph the editor tools need (CSR adjacency with shared-edge
 * lengths and street classes, households, metric centroids). `UnitGraph` from
 * server/algorithms/partition/graph satisfies it. Pure, no I/O.
 */
export interface EditorGraph {
  n: number;
  households: ArrayLike<number>;
  cx: ArrayLike<number>;
  cy: ArrayLike<number>;
  offsets: ArrayLike<number>;
  targets: ArrayLike<number>;
  edgeLen: ArrayLike<number>;
  /** 0 none, 1 minor street, 2 major street, 3 rail, 4 water (EDGE_* in partition/types) */
  edgeClass: ArrayLike<number>;
  /** sub-district label index per unit (-1 = unknown) */
  subdistrict?: ArrayLike<number>;
}

/** Cost per metre of cutting an adjacency of each class: streets are cheap to cut, open land dear. */
export const CUT_WEIGHT = [1, 0.25, 0.05, 0.05, 0.05];

/** True when the nodes with `inSet(v)` (excluding `without`) form one connected piece (empty: true). */
export function isConnected(g: EditorGraph, nodes: readonly number[], inSet: (v: number) => boolean, without = -1): boolean {
  let start = -1;
  let total = 0;
  for (const v of nodes) {
    if (v === without || !inSet(v)) continue;
    total++;
    if (start < 0) start = v;
  }
  if (total <= 1) return true;
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length) {
    const v = stack.pop()!;
    for (let e = g.offsets[v]; e < g.offsets[v + 1]; e++) {
      const w = g.targets[e];
      if (w === without || seen.has(w) || !inSet(w)) continue;
      seen.add(w);
      stack.push(w);
    }
  }
  return seen.size === total;
}

/** Connected components of the nodes with `inSet(v)`, largest (by count) first. */
export function components(g: EditorGraph, nodes: readonly number[], inSet: (v: number) => boolean): number[][] {
  const seen = new Set<number>();
  const out: number[][] = [];
  for (const s of nodes) {
    if (seen.has(s) || !inSet(s)) continue;
    const comp = [s];
    seen.add(s);
    for (let i = 0; i < comp.length; i++) {
      const v = comp[i];
      for (let e = g.offsets[v]; e < g.offsets[v + 1]; e++) {
        const w = g.targets[e];
        if (!seen.has(w) && inSet(w)) {
          seen.add(w);
          comp.push(w);
        }
      }
    }
    out.push(comp);
  }
  return out.sort((a, b) => b.length - a.length);
}
