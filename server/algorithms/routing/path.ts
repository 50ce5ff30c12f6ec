/** Shortest walking path between two snapped points, expanded to street geometry. */
import type { LonLat } from './geo';
import { ShortestPathTree, snapSources } from './dijkstra';
import { edgeSlice, type Network } from './network';
import type { Snap } from './snap';

export interface WalkPath {
  lengthM: number;
  /** Street geometry from a to b (at least two points). */
  coords: LonLat[];
  /** Network nodes passed, in order. */
  nodes: number[];
}

function appendCoords(out: LonLat[], add: LonLat[]): void {
  for (const p of add) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
}

/** Returns null when b is unreachable from a. */
export function shortestPath(net: Network, a: Snap, b: Snap, tree = new ShortestPathTree(net)): WalkPath | null {
  const bu = net.edgeU[b.edge],
    bv = net.edgeV[b.edge];
  tree.run(snapSources(net, a), Infinity, () => tree.isSettled(bu) && tree.isSettled(bv));
  const viaU = tree.dist[bu] + b.offset;
  const viaV = tree.dist[bv] + net.edgeLen[b.edge] - b.offset;
  const direct = a.edge === b.edge ? Math.abs(a.offset - b.offset) : Infinity;
  const best = Math.min(viaU, viaV, direct);
  if (!Number.isFinite(best)) return null;
  if (direct <= best) {
    const coords = edgeSlice(net, a.edge, a.offset, b.offset);
    return { lengthM: direct, coords: coords.length >= 2 ? coords : [coords[0], coords[0]], nodes: [] };
  }
  const end = viaU <= viaV ? bu : bv;
  const { nodes, edges } = tree.nodePath(end);
  const coords: LonLat[] = [];
  // From a to the first node (an end of a's edge).
  const first = nodes[0];
  appendCoords(coords, edgeSlice(net, a.edge, a.offset, first === net.edgeU[a.edge] ? 0 : net.edgeLen[a.edge]));
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    const forward = net.edgeU[e] === nodes[i];
    appendCoords(coords, forward ? edgeSlice(net, e, 0, net.edgeLen[e]) : edgeSlice(net, e, net.edgeLen[e], 0));
  }
  appendCoords(coords, edgeSlice(net, b.edge, end === bu ? 0 : net.edgeLen[b.edge], b.offset));
  if (coords.length < 2) coords.push(coords[0]);
  return { lengthM: best, coords, nodes };
}
