/** Snapping points to the nearest network edge (the edge is split virtually at the snap). */
import Flatbush from 'flatbush';
import { closestOnSegment, type LonLat } from './geo';
import type { Network } from './network';
import { pointAt } from './network';

export interface Snap {
  edge: number;
  /** Metres from the edge's start node (edgeU) along the edge. */
  offset: number;
  /** Straight-line distance from the input point to the network, metres. */
  distanceM: number;
  lon: number;
  lat: number;
}

export interface SnapperOptions {
  /** Only snap to edges for which this is true (e.g. largest component only). */
  edgeFilter?: (edge: number) => boolean;
}

export class Snapper {
  private index: Flatbush | null = null;
  private segEdge: Int32Array;
  private segVertex: Int32Array;
  private xy: Float64Array;

  constructor(
    private net: Network,
    private opts: SnapperOptions = {},
  ) {
    const nv = net.vertexCum.length;
    this.xy = new Float64Array(2 * nv);
    for (let i = 0; i < nv; i++) {
      this.xy[2 * i] = net.proj.x(net.vertexLonLat[2 * i]);
      this.xy[2 * i + 1] = net.proj.y(net.vertexLonLat[2 * i + 1]);
    }
    const segE: number[] = [],
      segV: number[] = [];
    for (let e = 0; e < net.edgeCount; e++) {
      if (opts.edgeFilter && !opts.edgeFilter(e)) continue;
      for (let i = net.edgeVertexStart[e]; i < net.edgeVertexStart[e + 1] - 1; i++) {
        segE.push(e);
        segV.push(i);
      }
    }
    this.segEdge = Int32Array.from(segE);
    this.segVertex = Int32Array.from(segV);
    if (segE.length > 0) {
      const idx = new Flatbush(segE.length);
      const xy = this.xy;
      for (const i of segV) {
        const ax = xy[2 * i],
          ay = xy[2 * i + 1],
          bx = xy[2 * i + 2],
          by = xy[2 * i + 3];
        idx.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
      }
      idx.finish();
      this.index = idx;
    }
  }

  /** Nearest point on the (filtered) network, or null if none within maxDistanceM. */
  snap(lon: number, lat: number, maxDistanceM = Infinity): Snap | null {
    if (!this.index) return null;
    const px = this.net.proj.x(lon),
      py = this.net.proj.y(lat);
    const xy = this.xy;
    let best = -1,
      bestD2 = Infinity,
      bestT = 0;
    const consider = (s: number) => {
      const i = this.segVertex[s];
      const [t, d2] = closestOnSegment(px, py, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3]);
      if (d2 < bestD2 || (d2 === bestD2 && s < best)) {
        best = s;
        bestD2 = d2;
        bestT = t;
      }
    };
    for (const s of this.index.neighbors(px, py, 8, maxDistanceM)) consider(s);
    if (best < 0) return null;
    // Boxes nearer than the best exact distance may still hold a nearer segment.
    for (const s of this.index.neighbors(px, py, Infinity, Math.sqrt(bestD2))) consider(s);
    const d = Math.sqrt(bestD2);
    if (d > maxDistanceM) return null;
    const e = this.segEdge[best],
      i = this.segVertex[best];
    const cum = this.net.vertexCum;
    const offset = cum[i] + bestT * (cum[i + 1] - cum[i]);
    const [slon, slat] = pointAt(this.net, e, offset);
    return { edge: e, offset, distanceM: d, lon: slon, lat: slat };
  }
}

export function snapPoints(net: Network, points: LonLat[], opts: SnapperOptions & { maxDistanceM?: number } = {}): (Snap | null)[] {
  const s = new Snapper(net, opts);
  return points.map(([lon, lat]) => s.snap(lon, lat, opts.maxDistanceM));
}

/** Edge filter keeping only edges of the given component (0 = largest). */
export function componentFilter(net: Network, component = 0): (edge: number) => boolean {
  return (e) => net.component[net.edgeU[e]] === component;
}
