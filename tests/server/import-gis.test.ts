import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { zipSync } from 'fflate';
import type { Feature, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { changedTables, dbChecksum } from '../faults/db-checksum';
import { geoPackage, PRJ_4548_ESRI, replaceMember, shapefileZip, TO_4548, WKT_4326, WKT_4548_OGC } from '../helpers/gis-files';

/**
 * Shapefile (.zip) and GeoPackage uploads through POST /api/import on both backends: a CGCS2000
 * Gauss-Kruger boundaries Shapefile with GBK names lands where its WGS84 source is (< 1 m), a
 * GeoPackage of buildings too, and unusable files get a plain 400 with nothing written.
 */

const ring = (x: number, y: number, w: number, h: number): Position[] => [
  [x, y],
  [x, y + h],
  [x + w, y + h],
  [x + w, y],
  [x, y],
];
const BOUNDARIES: Feature[] = [
  { type: 'Feature', properties: { id: '340802001', name: '人民路街道' }, geometry: { type: 'Polygon', coordinates: [ring(117.04, 30.5, 0.03, 0.03)] } },
  { type: 'Feature', properties: { id: '340802002', name: '华中路街道' }, geometry: { type: 'Polygon', coordinates: [ring(117.07, 30.5, 0.02, 0.03)] } },
];
const BUILDINGS: Feature[] = Array.from({ length: 4 }, (_, i) => ({
  type: 'Feature',
  properties: { name: `迎江小区${i + 1}号楼`, floors: 6 + i },
  geometry: { type: 'Polygon', coordinates: [ring(117.05 + i * 0.001, 30.52, 0.0004, 0.0003)] },
}));

function multipart(fields: Record<string, string>, file: { name: string; bytes: Uint8Array }): { body: Buffer; contentType: string } {
  const boundary = '----wanggeGisBoundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: application/octet-stream\r\n\r\n`),
  );
  parts.push(Buffer.from(file.bytes), Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe.each(BACKENDS)('Shapefile and GeoPackage import over HTTP on %s', (backend) => {
  let app: FastifyInstance;
  const files: Record<string, Uint8Array> = {};
  beforeAll(async () => {
    const srs = [
      { srsId: 4548, name: 'CGCS2000 / 3-degree Gauss-Kruger CM 117E', organization: 'EPSG', code: 4548, definition: WKT_4548_OGC },
      { srsId: 4326, name: 'WGS 84', organization: 'EPSG', code: 4326, definition: WKT_4326 },
    ];
    [files.boundaries, files.two, files.noPrj, files.buildings] = await Promise.all([
      shapefileZip([{ name: '街道边界', features: BOUNDARIES, project: TO_4548, prj: PRJ_4548_ESRI, cpg: 'GBK' }]),
      shapefileZip([
        {
          name: 'roads',
          features: [
            {
              type: 'Feature',
              properties: { name: '人民路' },
              geometry: {
                type: 'LineString',
                coordinates: [
                  [117.05, 30.51],
                  [117.06, 30.51],
                ],
              },
            },
          ],
        },
        { name: 'buildings', features: BUILDINGS },
      ]),
      shapefileZip([{ name: 'buildings', features: BUILDINGS, project: TO_4548, prj: null }]),
      geoPackage(
        [
          { name: 'buildings', srsId: 4548, features: BUILDINGS, project: TO_4548 },
          {
            name: 'shops',
            srsId: 4326,
            features: [{ type: 'Feature', properties: { name: '小吃店' }, geometry: { type: 'Point', coordinates: [117.05, 30.52] } }],
          },
        ],
        srs,
      ),
    ]);
    app = await buildApp({ db: await openTestDb(backend) });
    await app.ready();
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const post = (query: string, bytes: Uint8Array) =>
    app.inject({ method: 'POST', url: `/api/import?wait=true&${query}`, headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(bytes) });

  /** Largest distance (m) between a stored geometry and its WGS84 source, in EPSG:4548. */
  async function hausdorff(table: string, where: string, source: Feature): Promise<number> {
    const r = await app.db.query<{ d: number }>(
      `SELECT ST_HausdorffDistance(ST_Transform(geom, 4548), ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), 4548)) AS d FROM ${table} WHERE ${where}`,
      [JSON.stringify(source.geometry)],
    );
    expect(r.rows).toHaveLength(1);
    return r.rows[0].d;
  }

  async function refused(run: () => Promise<LightMyRequestResponse>, re: RegExp): Promise<void> {
    const before = await dbChecksum(app.db);
    const res = await run();
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().message).toMatch(re);
    expect(res.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|TypeError|RangeError/);
    expect(changedTables(before, await dbChecksum(app.db))).toEqual([]);
  }

  it('imports CGCS2000 Gauss-Kruger boundaries (.prj EPSG:4548, GBK .cpg) where the WGS84 source is, with Chinese names', async () => {
    const res = await post(`name=${encodeURIComponent('街道边界.zip')}&layer=boundaries`, files.boundaries);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ format: 'shapefile', encoding: 'gbk', imported: 2, rejected: 0 });
    const names = (await app.db.query<{ id: string; name: string }>('SELECT id, name FROM subdistricts ORDER BY id')).rows;
    expect(names).toEqual([
      { id: '340802001', name: '人民路街道' },
      { id: '340802002', name: '华中路街道' },
    ]);
    for (const f of BOUNDARIES) expect(await hausdorff('subdistricts', `id = '${f.properties!.id}'`, f)).toBeLessThan(1);
  });

  it('imports a buildings GeoPackage (EPSG:4548) by multipart with the layer named; a dry run writes nothing', async () => {
    await refused(() => post('name=city.gpkg&layer=buildings', files.buildings), /2 个图层：buildings、shops/);
    const before = await dbChecksum(app.db);
    const dry = await post('name=city.gpkg&layer=buildings&sourceLayer=buildings&dryRun=true', files.buildings);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ format: 'geopackage', dryRun: true, imported: 4 });
    // a dry run is a job (jobs) and audited (audit_log); no data table changes
    expect(changedTables(before, await dbChecksum(app.db)).filter((t) => t !== 'jobs' && t !== 'audit_log')).toEqual([]);
    const mp = multipart({ layer: 'buildings', sourceLayer: 'buildings' }, { name: 'city.gpkg', bytes: files.buildings });
    const res = await app.inject({ method: 'POST', url: '/api/import?wait=true', headers: { 'content-type': mp.contentType }, payload: mp.body });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ format: 'geopackage', imported: 4, rejected: 0 });
    for (const [i, f] of BUILDINGS.entries()) expect(await hausdorff('buildings', `id = 'city.gpkg:${i + 1}'`, f)).toBeLessThan(1);
  });

  it('refuses, with a plain message and nothing written: two layers, a zip without a Shapefile, a truncated .shp, no .prj with metres', async () => {
    await refused(() => post('name=data.zip', files.two), /2 个图层：roads、buildings|2 个图层：buildings、roads/);
    await refused(() => post('name=docs.zip', zipSync({ '说明.txt': new TextEncoder().encode('见附件') })), /没有 Shapefile/);
    await refused(
      () =>
        post(
          'name=b.zip&layer=boundaries',
          replaceMember(files.boundaries, '.shp', (b) => b.slice(0, b.length - 50)),
        ),
      /截断/,
    );
    await refused(() => post('name=b.zip&layer=buildings', files.noPrj), /缺少 \.prj 投影文件，坐标看起来是投影坐标（米），无法确定坐标系/);
    await refused(() => post('name=b.gpkg', files.buildings.slice(0, 1500)), /GeoPackage/);
  });
});
