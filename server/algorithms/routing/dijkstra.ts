/** Shortest paths on a Network: Dijkstra with a binary heap on typed arrays, from nodes or snaps. */
import { MinHeap } from './heap';
import type { Network } from './network';
import type { Snap } from './snap';

export interface Source {
  node: number;
  dist: number;
}

/**
 * Reusable Dijkstra state. Only touched entries are reset between runs, so many bounded
 * searches on a big network stay cheap.
 */
export class ShortestPathTree {
  readonly dist: Float64Array;
  /** Edge used to reach each node (-1 for sources / unreached). */
  readonly predEdge: Int32Array;
  private settled: Uint8Array;
  private touched: Int32Array;
  private nTouched = 0;
  private heap = new MinHeap(1024);

  constructor(private net: Network) {
    this.dist = new Float64Array(net.nodeCount).fill(Infinity);
    this.predEdge = new Int32Array(net.nodeCount).fill(-1);
    this.settled = new Uint8Array(net.nodeCount);
    this.touched = new Int32Array(net.nodeCount);
  }

  private reset(): void {
    for (let i = 0; i < this.nTouched; i++) {
      const n = this.touched[i];
      this.dist[n] = Infinity;
      this.predEdge[n] = -1;
      this.settled[n] = 0;
    }
    this.nTouched = 0;
    this.heap.clear();
  }

  private relax(n: number, d: number, e: number): void {
    if (d < this.dist[n]) {
      if (this.dist[n] === Infinity) this.touched[this.nTouched++] = n;
      this.dist[n] = d;
      this.predEdge[n] = e;
      this.heap.push(d, n);
    }
  }

  /**
   * Runs Dijkstra from the sources. Stops when the heap is empty, the next distance exceeds
   * maxDist, or onSettle returns true. Returns the number of settled nodes.
   */
  run(sources: Source[], maxDist = Infinity, onSettle?: (node: number, dist: number) => boolean | void): number {
    this.reset();
    const net = this.net,
      heap = this.heap,
      dist = this.dist,
      settled = this.settled;
    for (const s of sources) this.relax(s.node, s.dist, -1);
    let count = 0;
    while (heap.size > 0) {
      const d = heap.peekKey();
      const u = heap.pop();
      if (settled[u] || d > dist[u]) continue;
      if (d > maxDist) break;
      settled[u] = 1;
      count++;
      if (onSettle && onSettle(u, d)) break;
      for (let k = net.adjStart[u]; k < net.adjStart[u + 1]; k++) {
        const v = net.adjNode[k];
        if (!settled[v]) this.relax(v, d + net.adjW[k], net.adjEdge[k]);
      }
    }
    return count;
  }

  isSettled(node: number): boolean {
    return this.settled[node] === 1;
  }

  /** Node path (source first) ending at node, following predecessor edges. */
  nodePath(node: number): { nodes: number[]; edges: number[] } {
    const nodes = [node],
      edges: number[] = [];
    let n = node;
    for (let guard = 0; guard <= this.net.nodeCount; guard++) {
      const e = this.predEdge[n];
      if (e < 0) break;
      edges.push(e);
      n = this.net.edgeU[e] === n ? this.net.edgeV[e] : this.net.edgeU[e];
      nodes.push(n);
    }
    nodes.reverse();
    edges.reverse();
    return { nodes, edges };
  }
}

/** Sources for a search that starts at a snapped point (both ends of its edge). */
export function snapSources(net: Network, s: Snap): Source[] {
  return [
    { node: net.edgeU[s.edge], dist: s.offset },
    { node: net.edgeV[s.edge], dist: net.edgeLen[s.edge] - s.offset },
  ];
}

/** Distance from the tree's sources (a snap `from`) to snap `to`, given a finished search. */
export function distanceToSnap(net: Network, tree: ShortestPathTree, from: Snap | null, to: Snap): number {
  const e = to.edge;
  let d = Math.min(tree.dist[net.edgeU[e]] + to.offset, tree.dist[net.edgeV[e]] + net.edgeLen[e] - to.offset);
  if (from && from.edge === e) d = Math.min(d, Math.abs(from.offset - to.offset));
  return d;
}

/** Node-to-node shortest distance (Infinity when unreachable). */
export function nodeDistance(net: Network, a: number, b: number): number {
  const t = new ShortestPathTree(net);
  let found = Infinity;
  t.run([{ node: a, dist: 0 }], Infinity, (n, d) => {
    if (n === b) {
      found = d;
      return true;
    }
  });
  return found;
}

/**
 * One-to-many walking distances (metres) from snap `from` to every snap in `to`.
 * Unreachable targets get Infinity; maxDist bounds the search (farther targets get Infinity).
 */
export function oneToMany(net: Network, from: Snap, to: Snap[], maxDist = Infinity, tree = new ShortestPathTree(net)): Float64Array {
  // Stop once every target edge's both end nodes are settled (or the bound is hit).
  const need = new Map<number, number>();
  for (const t of to) {
    for (const n of [net.edgeU[t.edge], net.edgeV[t.edge]]) need.set(n, 1);
  }
  let remaining = need.size;
  tree.run(snapSources(net, from), maxDist, (n) => {
    if (need.get(n) === 1) {
      need.set(n, 0);
      remaining--;
    }
    return remaining === 0;
  });
  const out = new Float64Array(to.length);
  for (let j = 0; j < to.length; j++) {
    const d = distanceToSnap(net, tree, from, to[j]);
    out[j] = d <= maxDist ? d : Infinity;
  }
  return out;
}

/** Full walking-distance matrix (row-major, metres) between snaps: rows `from`, columns `to`. */
export function distanceMatrix(net: Network, from: Snap[], to: Snap[] = from): Float64Array {
  const m = new Float64Array(from.length * to.length);
  const tree = new ShortestPathTree(net);
  for (let i = 0; i < from.length; i++) m.set(oneToMany(net, from[i], to, Infinity, tree), i * to.length);
  return m;
}
