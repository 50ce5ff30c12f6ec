/**
 * Walking-distance oracle over a street network for many snapped points (shops): each point keeps
 * its k nearest points by a bounded Dijkstra; other pairs are answered by a point-to-point search
 * and cached. Memory stays O(n·k), so 10k shops are fine.
 */
import { ShortestPathTree, snapSources } from '../routing/dijkstra';
import type { Network } from '../routing/network';
import type { Snap } from '../routing/snap';
import type { DistanceOracle } from './oracle';

export interface NetworkOracle extends DistanceOracle {
  stats: { rowSearches: number; pairSearches: number };
}

export function networkDistanceOracle(net: Network, snaps: Snap[], opts: { k?: number } = {}): NetworkOracle {
  const n = snaps.length;
  const k = opts.k ?? 40;
  const onEdge = new Map<number, number[]>();
  snaps.forEach((s, i) => {
    const l = onEdge.get(s.edge);
    if (l) l.push(i);
    else onEdge.set(s.edge, [i]);
  });
  const tree = new ShortestPathTree(net);
  const rows: Map<number, number>[] = new Array(n);
  const nbrs: Int32Array[] = new Array(n);
  const stats = { rowSearches: 0, pairSearches: 0 };

  const exhaustedRow = new Uint8Array(n);
  const found = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const s = snaps[i];
    found.clear();
    for (const j of onEdge.get(s.edge) ?? []) if (j !== i) found.set(j, Math.abs(snaps[j].offset - s.offset));
    // k-th smallest candidate so far, recomputed lazily.
    let kth = Infinity;
    let frontier = 0;
    let sinceCheck = 0;
    tree.run(snapSources(net, s), Infinity, (u, du) => {
      frontier = du;
      for (let a = net.adjStart[u]; a < net.adjStart[u + 1]; a++) {
        const e = net.adjEdge[a];
        const list = onEdge.get(e);
        if (!list) continue;
        const fromU = net.edgeU[e] === u;
        for (const j of list) {
          if (j === i) continue;
          const dj = du + (fromU ? snaps[j].offset : net.edgeLen[e] - snaps[j].offset);
          const old = found.get(j);
          if (old === undefined || dj < old) found.set(j, dj);
        }
      }
      if (found.size >= k && ++sinceCheck >= 16) {
        sinceCheck = 0;
        kth = kthSmallest(found, k);
      }
      return du >= kth;
    });
    stats.rowSearches++;
    // Values not above the settled frontier are exact (a path via an unsettled node is longer).
    const exhausted = frontier < kth; // search ran out of nodes: everything reachable is known
    const row = new Map<number, number>();
    for (const [j, dj] of found) if (exhausted || dj <= frontier) row.set(j, dj);
    rows[i] = row;
    nbrs[i] = Int32Array.from([...row].sort((a, b) => a[1] - b[1] || a[0] - b[0]).slice(0, k).map((e) => e[0]));
    if (exhausted) exhaustedRow[i] = 1;
  }

  const pairCache = new Map<number, number>();
  const pairTree = new ShortestPathTree(net);
  function pairDistance(i: number, j: number): number {
    const key = i < j ? i * n + j : j * n + i;
    const c = pairCache.get(key);
    if (c !== undefined) return c;
    stats.pairSearches++;
    const a = snaps[i], b = snaps[j];
    const bu = net.edgeU[b.edge], bv = net.edgeV[b.edge];
    pairTree.run(snapSources(net, a), Infinity, () => pairTree.isSettled(bu) && pairTree.isSettled(bv));
    let d = Math.min(pairTree.dist[bu] + b.offset, pairTree.dist[bv] + net.edgeLen[b.edge] - b.offset);
    if (a.edge === b.edge) d = Math.min(d, Math.abs(a.offset - b.offset));
    pairCache.set(key, d);
    return d;
  }

  return {
    n,
    stats,
    dist(i, j) {
      if (i === j) return 0;
      const a = rows[i].get(j);
      if (a !== undefined) return a;
      const b = rows[j].get(i);
      if (b !== undefined) return b;
      if (exhaustedRow[i] || exhaustedRow[j]) return Infinity;
      return pairDistance(i, j);
    },
    neighbors: (i) => nbrs[i],
  };
}

function kthSmallest(m: Map<number, number>, k: number): number {
  const vals = Float64Array.from(m.values()).sort();
  return vals[Math.min(k, vals.length) - 1];
}
