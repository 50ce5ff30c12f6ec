/**
 * A minimal ESRI Shapefile writer for polygon layers (.shp, .shx, .dbf with UTF-8 text and a .cpg
 * saying so, .prj for WGS84), zipped with fflate. Rings must already follow the shapefile rule
 * (outer rings clockwise, holes counter-clockwise: PostGIS ST_ForcePolygonCW gives exactly that).
 * Pure, no I/O.
 */
import { zipSync, strToU8 } from 'fflate';

export type Ring = number[][];
export type MultiPolygonCoords = Ring[][];

export interface DbfField {
  name: string; // <= 10 ASCII characters
  type: 'C' | 'N';
  /** bytes (C) or digits (N) */
  length: number;
  decimals?: number;
}

export interface ShapeRecord {
  polygons: MultiPolygonCoords;
  attributes: Record<string, string | number | null>;
}

export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

function bboxOf(points: number[][]): [number, number, number, number] {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const [x, y] of points) {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  }
  return points.length ? [x0, y0, x1, y1] : [0, 0, 0, 0];
}

function writeHeader(view: DataView, fileBytes: number, bbox: [number, number, number, number]): void {
  view.setInt32(0, 9994, false);
  view.setInt32(24, fileBytes / 2, false);
  view.setInt32(28, 1000, true);
  view.setInt32(32, 5, true); // polygon
  bbox.forEach((v, i) => view.setFloat64(36 + i * 8, v, true));
}

export function writeShp(records: ShapeRecord[]): { shp: Uint8Array; shx: Uint8Array } {
  const contents = records.map((r) => {
    const rings = r.polygons.flat();
    const points = rings.flat();
    const len = 44 + 4 * rings.length + 16 * points.length;
    const buf = new DataView(new ArrayBuffer(len));
    buf.setInt32(0, 5, true);
    bboxOf(points).forEach((v, i) => buf.setFloat64(4 + i * 8, v, true));
    buf.setInt32(36, rings.length, true);
    buf.setInt32(40, points.length, true);
    let start = 0;
    rings.forEach((ring, i) => {
      buf.setInt32(44 + i * 4, start, true);
      start += ring.length;
    });
    let o = 44 + 4 * rings.length;
    for (const [x, y] of points) {
      buf.setFloat64(o, x, true);
      buf.setFloat64(o + 8, y, true);
      o += 16;
    }
    return new Uint8Array(buf.buffer);
  });
  const shpBytes = 100 + contents.reduce((s, c) => s + 8 + c.length, 0);
  const shxBytes = 100 + 8 * records.length;
  const shp = new Uint8Array(shpBytes);
  const shx = new Uint8Array(shxBytes);
  const bbox = bboxOf(records.flatMap((r) => r.polygons.flat().flat()));
  writeHeader(new DataView(shp.buffer), shpBytes, bbox);
  writeHeader(new DataView(shx.buffer), shxBytes, bbox);
  const sv = new DataView(shp.buffer);
  const xv = new DataView(shx.buffer);
  let off = 100;
  contents.forEach((c, i) => {
    sv.setInt32(off, i + 1, false);
    sv.setInt32(off + 4, c.length / 2, false);
    shp.set(c, off + 8);
    xv.setInt32(100 + i * 8, off / 2, false);
    xv.setInt32(104 + i * 8, c.length / 2, false);
    off += 8 + c.length;
  });
  return { shp, shx };
}

/** UTF-8 bytes of s cut to at most n bytes without splitting a character. */
function utf8Fit(s: string, n: number): Uint8Array {
  const enc = new TextEncoder();
  let b = enc.encode(s);
  if (b.length <= n) return b;
  let cut = n;
  while (cut > 0 && (b[cut] & 0xc0) === 0x80) cut--;
  b = b.slice(0, cut);
  return b;
}

export function writeDbf(fields: DbfField[], rows: Array<Record<string, string | number | null>>): Uint8Array {
  const headerLen = 32 + 32 * fields.length + 1;
  const recordLen = 1 + fields.reduce((s, f) => s + f.length, 0);
  const out = new Uint8Array(headerLen + recordLen * rows.length + 1);
  const v = new DataView(out.buffer);
  const now = new Date();
  out[0] = 0x03;
  out[1] = now.getUTCFullYear() - 1900;
  out[2] = now.getUTCMonth() + 1;
  out[3] = now.getUTCDate();
  v.setUint32(4, rows.length, true);
  v.setUint16(8, headerLen, true);
  v.setUint16(10, recordLen, true);
  fields.forEach((f, i) => {
    const o = 32 + i * 32;
    out.set(strToU8(f.name.slice(0, 10)), o);
    out[o + 11] = f.type.charCodeAt(0);
    out[o + 16] = f.length;
    out[o + 17] = f.decimals ?? 0;
  });
  out[headerLen - 1] = 0x0d;
  let o = headerLen;
  for (const row of rows) {
    out[o++] = 0x20;
    for (const f of fields) {
      const val = row[f.name];
      out.fill(0x20, o, o + f.length);
      if (val !== null && val !== undefined) {
        if (f.type === 'C') out.set(utf8Fit(String(val), f.length), o);
        else {
          const s = (typeof val === 'number' ? val.toFixed(f.decimals ?? 0) : String(val)).slice(0, f.length);
          out.set(strToU8(s.padStart(f.length, ' ')), o);
        }
      }
      o += f.length;
    }
  }
  out[o] = 0x1a;
  return out;
}

/** The zipped shapefile: <name>.shp/.shx/.dbf/.prj/.cpg. */
export function shapefileZip(name: string, fields: DbfField[], records: ShapeRecord[]): Uint8Array {
  const { shp, shx } = writeShp(records);
  const dbf = writeDbf(
    fields,
    records.map((r) => r.attributes),
  );
  return zipSync({
    [`${name}.shp`]: shp,
    [`${name}.shx`]: shx,
    [`${name}.dbf`]: dbf,
    [`${name}.prj`]: strToU8(WGS84_PRJ),
    [`${name}.cpg`]: strToU8('UTF-8'),
  });
}
