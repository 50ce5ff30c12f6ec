/**
 * Routable walking network: a compressed-sparse-row (CSR) undirected graph built from street
 * centre lines. Nodes are created wherever lines share a vertex (and at line ends); every edge
 * keeps its street geometry so that paths can be expanded back to coordinates.
 */
import type { Feature, LineString, MultiLineString, Position } from 'geojson';
import { haversineM, projectionFor, type LocalProjection, type LonLat } from './geo';

export interface Network {
  nodeCount: number;
  edgeCount: number;
  nodeLon: Float64Array;
  nodeLat: Float64Array;
  edgeU: Int32Array;
  edgeV: Int32Array;
  /** Edge length in metres. */
  edgeLen: Float64Array;
  /** Index of the input line feature the edge came from. */
  edgeSource: Int32Array;
  /** Vertices of edge e are vertex indices edgeVertexStart[e] .. edgeVertexStart[e+1]-1. */
  edgeVertexStart: Int32Array;
  /** Vertex coordinates, flat lon,lat pairs. */
  vertexLonLat: Float64Array;
  /** Cumulative length (m) from the edge start at each vertex. */
  vertexCum: Float64Array;
  /** CSR adjacency: for node u, slots adjStart[u] .. adjStart[u+1]-1. */
  adjStart: Int32Array;
  adjNode: Int32Array;
  adjEdge: Int32Array;
  adjW: Float64Array;
  /** Connected component id per node (0 = largest by total edge length). */
  component: Int32Array;
  componentCount: number;
  /** Projection used for metric work (snapping). */
  proj: LocalProjection;
}

export interface BuildNetworkOptions {
  /** Keep only features for which this returns true (e.g. drop rail). */
  filter?: (f: Feature<LineString | MultiLineString>, index: number) => boolean;
  /** Coordinates are identified when equal after rounding to this many decimals (default 7, ~1 cm). */
  decimals?: number;
}

type LineFeature = Feature<LineString | MultiLineString>;

function partsOf(f: LineFeature): Position[][] {
  const g = f.geometry;
  if (!g) return [];
  if (g.type === 'LineString') return [g.coordinates];
  if (g.type === 'MultiLineString') return g.coordinates;
  return [];
}

export function buildNetwork(lines: LineFeature[], opts: BuildNetworkOptions = {}): Network {
  const scale = 10 ** (opts.decimals ?? 7);
  const keyOf = (p: Position) => `${Math.round(p[0] * scale)}:${Math.round(p[1] * scale)}`;
  const vertexIdByKey = new Map<string, number>();
  const vLon: number[] = [];
  const vLat: number[] = [];
  const count: number[] = [];
  const isEnd: boolean[] = [];
  const parts: { src: number; verts: number[] }[] = [];

  lines.forEach((f, idx) => {
    if (opts.filter && !opts.filter(f, idx)) return;
    for (const coords of partsOf(f)) {
      const verts: number[] = [];
      for (const p of coords) {
        const k = keyOf(p);
        let v = vertexIdByKey.get(k);
        if (v === undefined) {
          v = vLon.length;
          vertexIdByKey.set(k, v);
          vLon.push(p[0]);
          vLat.push(p[1]);
          count.push(0);
          isEnd.push(false);
        }
        if (verts.length === 0 || verts[verts.length - 1] !== v) verts.push(v);
      }
      if (verts.length < 2) continue;
      for (const v of verts) count[v]++;
      isEnd[verts[0]] = true;
      isEnd[verts[verts.length - 1]] = true;
      parts.push({ src: idx, verts });
    }
  });

  // Node ids for vertices that are line ends or shared.
  const nodeOf = new Int32Array(vLon.length).fill(-1);
  let nodeCount = 0;
  for (let v = 0; v < vLon.length; v++) if (isEnd[v] || count[v] > 1) nodeOf[v] = nodeCount++;
  const nodeLon = new Float64Array(nodeCount);
  const nodeLat = new Float64Array(nodeCount);
  for (let v = 0; v < vLon.length; v++) {
    const n = nodeOf[v];
    if (n >= 0) {
      nodeLon[n] = vLon[v];
      nodeLat[n] = vLat[v];
    }
  }

  const eU: number[] = [],
    eV: number[] = [],
    eLen: number[] = [],
    eSrc: number[] = [],
    eStart: number[] = [];
  const vtx: number[] = [];
  const cum: number[] = [];
  for (const { src, verts } of parts) {
    let start = 0;
    for (let i = 1; i < verts.length; i++) {
      if (nodeOf[verts[i]] < 0) continue;
      // edge verts[start..i]
      const first = vtx.length / 2;
      let len = 0;
      for (let k = start; k <= i; k++) {
        const v = verts[k];
        if (k > start) len += haversineM(vLon[verts[k - 1]], vLat[verts[k - 1]], vLon[v], vLat[v]);
        vtx.push(vLon[v], vLat[v]);
        cum.push(len);
      }
      const u = nodeOf[verts[start]],
        w = nodeOf[verts[i]];
      if (len > 0) {
        eU.push(u);
        eV.push(w);
        eLen.push(len);
        eSrc.push(src);
        eStart.push(first);
      } else {
        vtx.length = first * 2;
        cum.length = first;
      }
      start = i;
    }
  }
  const edgeCount = eU.length;
  const edgeVertexStart = new Int32Array(edgeCount + 1);
  for (let e = 0; e < edgeCount; e++) edgeVertexStart[e] = eStart[e];
  edgeVertexStart[edgeCount] = cum.length;

  const edgeU = Int32Array.from(eU),
    edgeV = Int32Array.from(eV);
  const edgeLen = Float64Array.from(eLen);
  const deg = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) {
    deg[edgeU[e]]++;
    deg[edgeV[e]]++;
  }
  const adjStart = new Int32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) adjStart[n + 1] = adjStart[n] + deg[n];
  const fill = adjStart.slice(0, nodeCount);
  const adjNode = new Int32Array(2 * edgeCount),
    adjEdge = new Int32Array(2 * edgeCount);
  const adjW = new Float64Array(2 * edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const u = edgeU[e],
      v = edgeV[e];
    let s = fill[u]++;
    adjNode[s] = v;
    adjEdge[s] = e;
    adjW[s] = edgeLen[e];
    s = fill[v]++;
    adjNode[s] = u;
    adjEdge[s] = e;
    adjW[s] = edgeLen[e];
  }

  const lonlats: LonLat[] = [];
  for (let n = 0; n < nodeCount; n++) lonlats.push([nodeLon[n], nodeLat[n]]);
  const net: Network = {
    nodeCount,
    edgeCount,
    nodeLon,
    nodeLat,
    edgeU,
    edgeV,
    edgeLen,
    edgeSource: Int32Array.from(eSrc),
    edgeVertexStart,
    vertexLonLat: Float64Array.from(vtx),
    vertexCum: Float64Array.from(cum),
    adjStart,
    adjNode,
    adjEdge,
    adjW,
    component: new Int32Array(nodeCount),
    componentCount: 0,
    proj: projectionFor(lonlats),
  };
  labelComponents(net);
  return net;
}

/** Labels connected components; component 0 is the one with the largest total edge length. */
function labelComponents(net: Network): void {
  const comp = net.component.fill(-1);
  const stack: number[] = [];
  let c = 0;
  for (let s = 0; s < net.nodeCount; s++) {
    if (comp[s] >= 0) continue;
    comp[s] = c;
    stack.push(s);
    while (stack.length) {
      const u = stack.pop()!;
      for (let k = net.adjStart[u]; k < net.adjStart[u + 1]; k++) {
        const v = net.adjNode[k];
        if (comp[v] < 0) {
          comp[v] = c;
          stack.push(v);
        }
      }
    }
    c++;
  }
  const len = new Float64Array(c);
  for (let e = 0; e < net.edgeCount; e++) len[comp[net.edgeU[e]]] += net.edgeLen[e];
  const order = Array.from({ length: c }, (_, i) => i).sort((a, b) => len[b] - len[a] || a - b);
  const rank = new Int32Array(c);
  order.forEach((old, i) => (rank[old] = i));
  for (let n = 0; n < net.nodeCount; n++) comp[n] = rank[comp[n]];
  net.componentCount = c;
}

export interface ComponentSummary {
  count: number;
  /** Per component (sorted by length, largest first): nodes, edges, total length. */
  components: { nodes: number; edges: number; lengthM: number }[];
  largestShareOfLength: number;
  totalLengthM: number;
}

export function componentSummary(net: Network): ComponentSummary {
  const comps = Array.from({ length: net.componentCount }, () => ({ nodes: 0, edges: 0, lengthM: 0 }));
  for (let n = 0; n < net.nodeCount; n++) comps[net.component[n]].nodes++;
  let total = 0;
  for (let e = 0; e < net.edgeCount; e++) {
    const c = comps[net.component[net.edgeU[e]]];
    c.edges++;
    c.lengthM += net.edgeLen[e];
    total += net.edgeLen[e];
  }
  return {
    count: net.componentCount,
    components: comps,
    largestShareOfLength: total > 0 && comps.length ? comps[0].lengthM / total : 0,
    totalLengthM: total,
  };
}

/** Coordinates of edge e between offsets a and b (metres from its start); reversed when a > b. */
export function edgeSlice(net: Network, e: number, a: number, b: number): LonLat[] {
  const s = net.edgeVertexStart[e],
    t = net.edgeVertexStart[e + 1];
  const lo = Math.max(0, Math.min(a, b)),
    hi = Math.min(net.edgeLen[e], Math.max(a, b));
  const out: LonLat[] = [pointAt(net, e, lo)];
  for (let i = s; i < t; i++) {
    const c = net.vertexCum[i];
    if (c > lo && c < hi) out.push([net.vertexLonLat[2 * i], net.vertexLonLat[2 * i + 1]]);
  }
  out.push(pointAt(net, e, hi));
  if (a > b) out.reverse();
  return out;
}

/** The point at offset (metres) along edge e. */
export function pointAt(net: Network, e: number, offset: number): LonLat {
  const s = net.edgeVertexStart[e],
    t = net.edgeVertexStart[e + 1];
  const cum = net.vertexCum,
    ll = net.vertexLonLat;
  if (offset <= 0) return [ll[2 * s], ll[2 * s + 1]];
  for (let i = s + 1; i < t; i++) {
    if (cum[i] >= offset) {
      const seg = cum[i] - cum[i - 1];
      const f = seg > 0 ? (offset - cum[i - 1]) / seg : 0;
      return [ll[2 * i - 2] + f * (ll[2 * i] - ll[2 * i - 2]), ll[2 * i - 1] + f * (ll[2 * i + 1] - ll[2 * i - 1])];
    }
  }
  return [ll[2 * t - 2], ll[2 * t - 1]];
}
