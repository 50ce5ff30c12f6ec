/**
 * Test fixtures in the binary formats GIS offices send, made by code with independent writers:
 * zipped Shapefiles by @mapbox/shp-write (then .prj / .cpg set as ArcGIS writes them, attribute
 * text encoded GBK by iconv-lite), GeoPackages by sql.js with the GeoPackage 1.3 tables and wkx WKB.
 */
import shpwrite from '@mapbox/shp-write';
import { unzipSync, zipSync } from 'fflate';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import iconv from 'iconv-lite';
import proj4 from 'proj4';
import initSqlJs from 'sql.js';
import wkx from 'wkx';
import { reprojectGeometry } from '../../common/gis-files/reproject';

/** EPSG:4548 as ArcGIS writes it in a .prj (ESRI WKT). */
export const PRJ_4548_ESRI =
  'PROJCS["CGCS2000_3_Degree_GK_CM_117E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
/** EPSG:4549 (CM 120E) as OGC WKT (QGIS / GDAL). */
export const WKT_4549_OGC =
  'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 120E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",120],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","4549"]]';
export const WKT_4548_OGC = WKT_4549_OGC.replace('CM 120E', 'CM 117E')
  .replace('"central_meridian",120', '"central_meridian",117')
  .replace('"EPSG","4549"]]', '"EPSG","4548"]]');
export const WKT_4326 =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';

/** A WGS84 → projected converter (the fixture writer's side, proj4 from a proj string, not from the WKT). */
export function fromWgs84(projString: string): (p: Position) => Position {
  const t = proj4('EPSG:4326', projString);
  return (p) => t.forward([p[0], p[1]]);
}
export const TO_4548 = fromWgs84('+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs');
export const TO_4549 = fromWgs84('+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs');

export interface ShpLayer {
  name: string;
  features: Feature[];
  /** Coordinates converted before writing (e.g. TO_4548). */
  project?: (p: Position) => Position;
  /** .prj text; null: no .prj at all. Default: shp-write's WGS84. */
  prj?: string | null;
  /** .cpg text; with 'GBK' the attribute text is written GBK-encoded. */
  cpg?: string;
  /** Attribute text GBK-encoded (with or without a .cpg). */
  gbk?: boolean;
}

/** The members (path → bytes) of one layer written by shp-write. */
async function shpMembers(layer: ShpLayer): Promise<Record<string, Uint8Array>> {
  const gbk = layer.gbk ?? /gb/i.test(layer.cpg ?? '');
  const features = layer.features.map((f) => ({
    ...f,
    geometry: layer.project ? reprojectGeometry(f.geometry as Geometry, layer.project) : f.geometry,
    // shp-write's DBF writer stores each char code as one byte: hand it the encoded bytes as such
    properties: Object.fromEntries(
      Object.entries(f.properties ?? {}).map(([k, v]) => [
        k,
        typeof v === 'string' ? String.fromCharCode(...(gbk ? iconv.encode(v, 'gbk') : Buffer.from(v, 'utf8'))) : v,
      ]),
    ),
  }));
  const zipped = (await shpwrite.zip({ type: 'FeatureCollection', features } as FeatureCollection, {
    outputType: 'uint8array',
    compression: 'STORE',
    // keys are shp-write's shape type names lower-cased (its typings miss "polyline")
    types: { point: layer.name, polygon: layer.name, polyline: layer.name } as never,
  })) as unknown as Uint8Array;
  const out: Record<string, Uint8Array> = {};
  for (const [path, bytes] of Object.entries(unzipSync(zipped))) {
    if (/\.prj$/i.test(path)) {
      if (layer.prj === null) continue;
      out[path] = layer.prj === undefined ? bytes : new TextEncoder().encode(layer.prj);
    } else out[path] = bytes;
  }
  if (layer.cpg) out[`${layer.name}.cpg`] = new TextEncoder().encode(layer.cpg);
  return out;
}

/** A zip of one or more Shapefile layers (plus any extra members). */
export async function shapefileZip(layers: ShpLayer[], extra: Record<string, Uint8Array> = {}): Promise<Uint8Array> {
  const members: Record<string, Uint8Array> = { ...extra };
  for (const l of layers) Object.assign(members, await shpMembers(l));
  return zipSync(members);
}

/** A zip with one member replaced (e.g. a truncated .shp). */
export function replaceMember(zip: Uint8Array, ext: string, f: (b: Uint8Array) => Uint8Array): Uint8Array {
  const files: Record<string, Uint8Array> = unzipSync(zip);
  for (const k of Object.keys(files)) if (k.toLowerCase().endsWith(ext)) files[k] = f(files[k]);
  return zipSync(files);
}

export interface GpkgLayer {
  name: string;
  srsId: number;
  features: Feature[];
  project?: (p: Position) => Position;
}
export interface GpkgSrs {
  srsId: number;
  name: string;
  organization: string;
  code: number;
  definition: string;
}

/** A GeoPackage 1.3 file with the given feature tables (geometry column "geom", text and number attributes). */
export async function geoPackage(layers: GpkgLayer[], srs: GpkgSrs[]): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(`PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
    CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
    CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
      last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
    CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
      CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
    INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL), ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL);`);
  for (const s of srs) db.run('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, NULL)', [s.name, s.srsId, s.organization, s.code, s.definition]);
  for (const l of layers) {
    const keys = [...new Set(l.features.flatMap((f) => Object.keys(f.properties ?? {})))];
    const cols = keys.map((k) => `"${k}" ${l.features.every((f) => typeof f.properties?.[k] !== 'string') ? 'REAL' : 'TEXT'}`);
    db.run(`CREATE TABLE "${l.name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY${cols.map((c) => ', ' + c).join('')})`);
    db.run("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, 'features', ?, ?)", [l.name, l.name, l.srsId]);
    db.run("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', ?, 0, 0)", [l.name, l.srsId]);
    for (const f of l.features) {
      const g = l.project ? reprojectGeometry(f.geometry as Geometry, l.project) : (f.geometry as Geometry);
      db.run(`INSERT INTO "${l.name}" (geom${keys.map((k) => `, "${k}"`).join('')}) VALUES (?${keys.map(() => ', ?').join('')})`, [
        gpkgBlob(g, l.srsId),
        ...keys.map((k) => (f.properties?.[k] ?? null) as string | number | null),
      ]);
    }
  }
  const bytes = db.export();
  db.close();
  return bytes;
}

/** A GeoPackage geometry blob: "GP", version 0, flags (little-endian, xy envelope), srs_id, envelope, WKB. */
function gpkgBlob(g: Geometry, srsId: number): Uint8Array {
  const wkb = wkx.Geometry.parseGeoJSON(g).toWkb();
  const xs: number[] = [];
  const ys: number[] = [];
  JSON.stringify(g.type === 'GeometryCollection' ? [] : g.coordinates, (_k, v) => {
    if (Array.isArray(v) && typeof v[0] === 'number') {
      xs.push(v[0]);
      ys.push(v[1]);
    }
    return v;
  });
  const head = Buffer.alloc(8 + 32);
  head.write('GP', 0, 'ascii');
  head[2] = 0;
  head[3] = 0b0000_0011;
  head.writeInt32LE(srsId, 4);
  head.writeDoubleLE(Math.min(...xs), 8);
  head.writeDoubleLE(Math.max(...xs), 16);
  head.writeDoubleLE(Math.min(...ys), 24);
  head.writeDoubleLE(Math.max(...ys), 32);
  return Buffer.concat([head, wkb]);
}
