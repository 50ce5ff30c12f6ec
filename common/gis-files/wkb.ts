/**
 * Well-known binary (OGC/ISO WKB, also PostGIS EWKB flags) to a GeoJSON geometry, read from a
 * Uint8Array with a DataView: no Node Buffer, so it runs in the browser preview as on the server.
 * X, Y and Z are kept, M is dropped. Curves and surfaces (CircularString, TIN …) are refused.
 */
import type { Geometry, LineString, Point, Polygon, Position } from 'geojson';

const TYPES = ['', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection'] as const;

class Reader {
  private pos = 0;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws unless `n` more bytes are there (a truncated blob, or a corrupt count). */
  need(n: number): void {
    if (this.pos + n > this.view.byteLength) throw new Error(`truncated WKB (needs ${n} bytes at offset ${this.pos} of ${this.view.byteLength})`);
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }

  u32(little: boolean): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, little);
    this.pos += 4;
    return v;
  }

  f64(little: boolean): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, little);
    this.pos += 8;
    return v;
  }
}

interface Dims {
  little: boolean;
  z: boolean;
  m: boolean;
}

function position(r: Reader, d: Dims): Position {
  const x = r.f64(d.little);
  const y = r.f64(d.little);
  const z = d.z ? r.f64(d.little) : undefined;
  if (d.m) r.f64(d.little);
  return z === undefined ? [x, y] : [x, y, z];
}

/** A count followed by that many items of at least `minBytes` each (checked before any allocation). */
function count(r: Reader, d: Dims, minBytes: number): number {
  const n = r.u32(d.little);
  r.need(n * minBytes);
  return n;
}

function positions(r: Reader, d: Dims): Position[] {
  const n = count(r, d, 8 * (2 + (d.z ? 1 : 0) + (d.m ? 1 : 0)));
  const out: Position[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = position(r, d);
  return out;
}

const rings = (r: Reader, d: Dims): Position[][] => Array.from({ length: count(r, d, 4) }, () => positions(r, d));

/** One geometry; `null` for an empty point (NaN coordinates, the usual WKB encoding of POINT EMPTY). */
function geometry(r: Reader): Geometry | null {
  const order = r.u8();
  if (order !== 0 && order !== 1) throw new Error(`bad WKB byte order ${order}`);
  const little = order === 1;
  let code = r.u32(little);
  let z = false;
  let m = false;
  if (code & 0xe0000000) {
    // EWKB: Z, M and SRID flags in the high bits
    z = (code & 0x80000000) !== 0;
    m = (code & 0x40000000) !== 0;
    if (code & 0x20000000) r.u32(little); // the SRID, not needed here
    code &= 0x0fffffff;
  }
  const dim = Math.floor(code / 1000);
  const base = code % 1000;
  if (dim > 3 || !TYPES[base]) throw new Error(`unsupported WKB geometry type ${code}`);
  z ||= dim === 1 || dim === 3;
  m ||= dim === 2 || dim === 3;
  const d: Dims = { little, z, m };
  /** The parts of a Multi* geometry: `n` child geometries, each of type `want`; empty ones skipped. */
  const parts = <G extends Point | LineString | Polygon>(want: G['type']): G['coordinates'][] => {
    const n = count(r, d, 5);
    const out: G['coordinates'][] = [];
    for (let i = 0; i < n; i++) {
      const g = geometry(r);
      if (g && g.type !== want) throw new Error(`${TYPES[base]} holds a ${g.type}`);
      if (g) out.push((g as G).coordinates);
    }
    return out;
  };
  switch (TYPES[base]) {
    case 'Point': {
      const p = position(r, d);
      return Number.isNaN(p[0]) && Number.isNaN(p[1]) ? null : { type: 'Point', coordinates: p };
    }
    case 'LineString':
      return { type: 'LineString', coordinates: positions(r, d) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: rings(r, d) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: parts<Point>('Point') };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: parts<LineString>('LineString') };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: parts<Polygon>('Polygon') };
    default: {
      const n = count(r, d, 5);
      const geometries: Geometry[] = [];
      for (let i = 0; i < n; i++) {
        const g = geometry(r);
        if (g) geometries.push(g);
      }
      return { type: 'GeometryCollection', geometries };
    }
  }
}

/** The GeoJSON geometry of a WKB blob, null for an empty one; throws on a truncated or unknown blob. */
export function wkbToGeometry(wkb: Uint8Array): Geometry | null {
  const r = new Reader(wkb);
  const g = geometry(r);
  if (!g) return null;
  const empty = g.type === 'GeometryCollection' ? g.geometries.length === 0 : g.coordinates.length === 0;
  return empty ? null : g;
}
