/**
 * Walking-distance oracle over a street network for many snapped points (shops): each point keeps
 * its k nearest points by a bounded Dijkstra; other pairs are answered by a point-to-point search
 * and cached. Memory stays O(n·k), so 10k shops are fine.
 */
import { ShortestPathTree, snapSources } from '../routing';
import type { Network } from '../routing';
import type { Snap } from '../routing';
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

  /**
   * Dijkstra from snap i collecting walking distances to other snaps; stops when `done` says so.
   * Keeps the exact values (those not above the settled frontier) as i's row.
   */
  function searchRow(i: number, done: (frontier: number) => boolean): void {
    const s = snaps[i];
    found.clear();
    for (const j of onEdge.get(s.edge) ?? []) if (j !== i) found.set(j, Math.abs(snaps[j].offset - s.offset));
    let frontier = 0;
    let stopped = false;
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
      stopped = done(du);
      return stopped;
    });
    // Values not above the settled frontier are exact (a path via an unsettled node is longer);
    // when the search ran out of nodes, everything reachable is known.
    const exhausted = !stopped;
    const row = new Map<number, number>();
    for (const [j, dj] of found) if (exhausted || dj <= frontier) row.set(j, dj);
    rows[i] = row;
    if (exhausted) exhaustedRow[i] = 1;
  }

  for (let i = 0; i < n; i++) {
    let sinceCheck = 0;
    let kth = Infinity;
    searchRow(i, (du) => {
      if (found.size >= k && ++sinceCheck >= 16) {
        sinceCheck = 0;
        kth = kthSmallest(found, k);
      }
      return du >= kth;
    });
    stats.rowSearches++;
    nbrs[i] = Int32Array.from(
      [...rows[i]]
        .sort((a, b) => a[1] - b[1] || a[0] - b[0])
        .slice(0, k)
        .map((e) => e[0]),
    );
  }

  /** Pair not known yet: extend the row of i until j is settled (later pairs from i are then free). */
  function pairDistance(i: number, j: number): number {
    stats.pairSearches++;
    const b = snaps[j];
    const bu = net.edgeU[b.edge],
      bv = net.edgeV[b.edge];
    searchRow(i, () => tree.isSettled(bu) && tree.isSettled(bv));
    // Both ends of j's edge are settled, so j's value is exact even above the frontier.
    const d = found.get(j) ?? Infinity;
    rows[i].set(j, d);
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
      // extend the smaller row
      return rows[i].size <= rows[j].size ? pairDistance(i, j) : pairDistance(j, i);
    },
    neighbors: (i) => nbrs[i],
  };
}

function kthSmallest(m: Map<number, number>, k: number): number {
  const vals = Float64Array.from(m.values()).sort();
  return vals[Math.min(k, vals.length) - 1];
}
