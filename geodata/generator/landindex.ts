/**
 * Fast "is this small polygon inside, outside or across the edge of a region?" tests against a
 * region's boundary segments (flatbush), with exact clipping only for polygons across the edge.
 */
import Flatbush from 'flatbush';
import { mIntersect, pointInMPoly, ringBBox, type MPoly, type Ring } from './clip';
import type { XY } from './proj';

export type LandStatus = 'in' | 'out' | 'edge';

export class RegionIndex {
  private readonly index: Flatbush;
  private readonly segs: Array<[XY, XY]> = [];
  private readonly cache = new Map<string, MPoly>();

  constructor(readonly region: MPoly) {
    for (const poly of region) for (const ring of poly) for (let i = 0; i + 1 < ring.length; i++) this.segs.push([ring[i], ring[i + 1]]);
    this.index = new Flatbush(Math.max(1, this.segs.length));
    for (const [a, b] of this.segs) this.index.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
    if (!this.segs.length) this.index.add(0, 0, 0, 0);
    this.index.finish();
  }

  contains(pt: XY): boolean {
    return pointInMPoly(pt, this.region);
  }

  /** Conservative: 'edge' whenever a boundary segment's box meets the ring's box. */
  status(ring: Ring): LandStatus {
    const [x0, y0, x1, y1] = ringBBox(ring);
    if (this.segs.length && this.index.search(x0, y0, x1, y1).length) return 'edge';
    let cx = 0;
    let cy = 0;
    const n = ring.length - 1;
    for (let i = 0; i < n; i++) {
      cx += ring[i][0];
      cy += ring[i][1];
    }
    return this.contains([cx / n, cy / n]) ? 'in' : 'out';
  }

  /** The region clipped to a (cached, keyed) cell ring, for fast repeated clipping inside that cell. */
  cellPart(key: string, cellRing: Ring): MPoly {
    let m = this.cache.get(key);
    if (!m) {
      const st = this.status(cellRing);
      m = st === 'in' ? [[cellRing]] : st === 'out' ? [] : mIntersect([[cellRing]], this.region);
      this.cache.set(key, m);
    }
    return m;
  }
}
