import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { IMPORT_UPLOAD_MAX_BYTES } from '../../server/import/http';
import { createPlan } from '../../server/plans/store';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { insertMiniDistrict } from '../helpers/mini-district';
import { changedTables, dbChecksum } from '../faults/db-checksum';

/**
 * Bad geometry, bad files and bad requests through the HTTP import route and the plan / partition
 * routes: every one gets a 4xx with a plain message and leaves every table exactly as it was.
 */

const A = '340802901001001';
const B = '340802901001002';
const LON = 117.0505;
const LAT = 30.5195;

const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
const fc = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const poly = (ring: number[][], props: Record<string, unknown> = {}) => ({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: [ring] } });

function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer }): { body: Buffer; contentType: string } {
  const boundary = '----wanggeBoundary7MA4YWxk';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: application/octet-stream\r\n\r\n`));
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A 4xx with a plain message: no stack trace, no internal error text. */
function expectPlain4xx(res: LightMyRequestResponse, status: number | number[], re?: RegExp): string {
  const codes = Array.isArray(status) ? status : [status];
  expect(codes, `${res.statusCode} ${res.body.slice(0, 300)}`).toContain(res.statusCode);
  const msg = String(res.json().message ?? '');
  expect(msg.length).toBeGreaterThan(3);
  expect(res.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|TypeError|ReferenceError/);
  if (re) expect(msg).toMatch(re);
  return msg;
}

describe.each(BACKENDS)('bad input on %s', (backend) => {
  let app: FastifyInstance;
  let planId: number;
  let before: Record<string, string>;
  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertMiniDistrict(db);
    planId = await createPlan(db, {
      name: '草稿',
      author: 't',
      subdistricts: ['340802901'],
      params: { min: 300, max: 1300 },
      assignment: { u1: A, u2: A, u4: A, u5: A, u3: B, u6: B },
    });
    app = await buildApp({ db });
    await app.ready();
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const upload = (query: string, body: Buffer | string, contentType = 'text/csv') =>
    app.inject({ method: 'POST', url: `/api/import?wait=true&${query}`, headers: { 'content-type': contentType }, payload: body });

  /** Runs a request that must be refused, and checks that no table changed. */
  async function refused(run: () => Promise<LightMyRequestResponse>, status: number | number[], re?: RegExp): Promise<string> {
    const b = await dbChecksum(app.db);
    const res = await run();
    const msg = expectPlain4xx(res, status, re);
    expect(changedTables(b, await dbChecksum(app.db)), `tables changed by a refused request (${msg})`).toEqual([]);
    return msg;
  }

  it('imports a GBK CSV and a UTF-8 CSV (with BOM) of shops with Chinese names, as a job in one transaction', async () => {
    const rows = [
      ['名称', '经度', '纬度', '类型'],
      ['迎江小吃店', String(LON), String(LAT), '餐饮'],
      ['华中路五金', String(LON + 0.0004), String(LAT), '五金'],
    ];
    const gbk = iconv.encode(csv(rows), 'gbk');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow(); // really not UTF-8
    const r1 = await upload('name=shops-gbk.csv&layer=shops', gbk);
    expect(r1.statusCode, r1.body).toBe(200);
    expect(r1.json()).toMatchObject({ encoding: 'gbk', imported: 2, rejected: 0, dryRun: false });
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv(rows.map((r, i) => (i ? [r[0] + '二', ...r.slice(1)] : r))))]);
    const r2 = await upload('name=shops-utf8.csv&layer=shops', utf8);
    expect(r2.statusCode, r2.body).toBe(200);
    expect(r2.json()).toMatchObject({ encoding: 'utf-8', imported: 2 });
    const names = (await app.db.query<{ name: string }>("SELECT name FROM shops WHERE id LIKE 'shops-%' ORDER BY name")).rows.map((r) => r.name);
    expect(names).toEqual(['华中路五金', '华中路五金二', '迎江小吃店', '迎江小吃店二'].sort());
    const job = await app.inject({ method: 'GET', url: `/api/jobs/${r1.json().jobId}` });
    expect(job.json()).toMatchObject({ kind: 'import', status: 'succeeded', progress: 1 });
    // the audit row went into the import's transaction
    const audit = await app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'import' AND entity_id = 'shops-gbk.csv'");
    expect(audit.rows[0].n).toBe(1);
  });

  it('imports through multipart/form-data with a datum field; GCJ-02 is converted (hundreds of metres), not stored as is', async () => {
    const rows = [
      ['id', 'lng', 'lat', 'time', 'type'],
      ['1', String(LON), String(LAT), '2024-03-01 08:00', '纠纷'],
    ];
    const mp = multipart({ datum: 'gcj02', layer: 'incidents' }, { name: 'gcj.csv', bytes: Buffer.from(csv(rows)) });
    const res = await app.inject({ method: 'POST', url: '/api/import?wait=true', headers: { 'content-type': mp.contentType }, payload: mp.body });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ datum: 'gcj02', imported: 1 });
    const p = (await app.db.query<{ x: number; y: number }>("SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE id LIKE 'gcj.csv%'")).rows[0];
    const dx = (LON - p.x) * 111320 * Math.cos((LAT * Math.PI) / 180);
    const dy = (LAT - p.y) * 110574;
    const shift = Math.hypot(dx, dy);
    expect(shift).toBeGreaterThan(200);
    expect(shift).toBeLessThan(900);
  });

  it('202 + job when not waiting: progress reaches 1 and the job result is the report', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/import?name=one-shop.geojson&layer=shops',
      headers: { 'content-type': 'application/geo+json' },
      payload: fc([{ type: 'Feature', properties: { name: '一家店' }, geometry: { type: 'Point', coordinates: [LON, LAT] } }]),
    });
    expect(res.statusCode, res.body).toBe(202);
    const { jobId } = res.json();
    await app.jobs.idle();
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json();
    expect(job).toMatchObject({ status: 'succeeded', progress: 1, result: { imported: 1, format: 'geojson' } });
  });

  it('refuses empty bodies, empty files and multipart without a file (400, nothing written)', async () => {
    await refused(() => upload('name=x.csv', ''), 400, /请求体为空|请上传/);
    const noFile = multipart({ datum: 'wgs84' });
    await refused(() => app.inject({ method: 'POST', url: '/api/import', headers: { 'content-type': noFile.contentType }, payload: noFile.body }), 400, /没有文件/);
    const emptyFile = multipart({}, { name: 'a.csv', bytes: Buffer.alloc(0) });
    await refused(() => app.inject({ method: 'POST', url: '/api/import', headers: { 'content-type': emptyFile.contentType }, payload: emptyFile.body }), 400, /空/);
    await refused(() => app.inject({ method: 'POST', url: '/api/import', headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, payload: 'garbage' }), 400, /multipart/);
    const badDatum = multipart({ datum: 'utm' }, { name: 'a.csv', bytes: Buffer.from('a,b\n1,2\n') });
    await refused(() => app.inject({ method: 'POST', url: '/api/import', headers: { 'content-type': badDatum.contentType }, payload: badDatum.body }), 400, /datum/);
    await refused(() => upload('name=x.csv&datum=utm', 'lon,lat\n1,2\n'), 400);
  });

  it('refuses a huge upload with 413 and a plain message, before reading it all', async () => {
    const huge = Buffer.alloc(IMPORT_UPLOAD_MAX_BYTES + 1024, 0x41);
    const msg = await refused(() => upload('name=huge.csv', huge), 413, /文件过大/);
    expect(msg).toMatch(/50 MB/);
  });

  it('refuses broken CSV encodings and broken CSV with a clear message (GBK bytes cut mid-character, binary junk)', async () => {
    // binary junk: neither UTF-8 nor a CSV with coordinate columns
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    await refused(() => upload('name=junk.csv&layer=shops', junk), 400, /导入失败，未写入任何数据/);
    // GBK header whose 经度 column name is cut in half: the columns cannot be found
    const gbk = iconv.encode('名称,经度,纬度\n店,117.05,30.52\n', 'gbk');
    const cut = Buffer.concat([gbk.subarray(0, 6), gbk.subarray(7)]);
    await refused(() => upload('name=cut.csv&layer=shops', cut), 400, /column|列/);
    await refused(() => upload('name=quote.csv&layer=shops', 'name,lon,lat\n"unterminated,117.05,30.52\n'), 400, /malformed CSV|CSV/);
    await refused(() => upload('name=header-only.csv&layer=shops', 'name,lon,lat\n'), 400, /empty|空/);
  });

  it('refuses wrong coordinate order, data far outside the district and unusable geometry', async () => {
    const swapped = csv([['name', 'lon', 'lat'], ['店', String(LAT), String(LON)]]);
    await refused(() => upload('name=swapped.csv&layer=shops', swapped), 400, /swapped|order/);
    // Beijing: GCJ-02/WGS84 mix-ups are metres; this is a file for somewhere else entirely
    const far = csv([['name', 'lon', 'lat'], ['店', '116.397', '39.909']]);
    await refused(() => upload('name=far.csv&layer=shops&datum=gcj02', far), 400, /outside|district|区/);
    await refused(() => upload('name=nan.geojson&layer=shops', fc([{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: ['a', 1] } }]), 'application/json'), 400, /not a pair of numbers/);
    await refused(() => upload('name=line.geojson&layer=buildings', fc([{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[LON, LAT], [LON + 0.001, LAT]] } }]), 'application/json'), 400, /wrong geometry type/);
    await refused(() => upload('name=notjson.geojson', '{"type": "FeatureCollection", "features": [', 'application/json'), 400);
    await refused(() => upload('name=x.csv&subdistrict=340802999', 'lon,lat\n117.05,30.52\n'), 400, /未知的街道编码/);
  });

  it('a self-intersecting building (bow-tie) is repaired by ST_MakeValid or rejected by name, never a 5xx', async () => {
    const d = 0.0003;
    const bowtie = [[LON, LAT], [LON + d, LAT + d], [LON + d, LAT], [LON, LAT + d], [LON, LAT]];
    const res = await upload('name=bowtie.geojson&layer=buildings', fc([poly(bowtie, { building: 'yes' }), poly([[LON, LAT], [LON + d, LAT], [LON + d, LAT + d], [LON, LAT + d], [LON, LAT]], { building: 'yes' })]), 'application/json');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.layers.buildings.read).toBe(2);
    expect(r.imported).toBeGreaterThanOrEqual(1); // the square at least
    expect(r.repaired + r.rejected).toBeGreaterThanOrEqual(1); // the bow-tie was noticed
    const invalid = await app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM buildings WHERE id LIKE 'bowtie%' AND NOT ST_IsValid(geom)");
    expect(invalid.rows[0].n).toBe(0);
  });

  it('plan import repairs a self-intersecting grid polygon or refuses it; refuses swapped and far-away polygons without creating a plan', async () => {
    const d = 0.001;
    const bowtie = fc([poly([[117.05, 30.52], [117.05 + d, 30.52 - d], [117.05 + d, 30.52], [117.05, 30.52 - d], [117.05, 30.52]], { code: A })]);
    const plansBefore = (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans')).rows[0].n;
    const res = await app.inject({ method: 'POST', url: '/api/plans/import', payload: { name: 'bow-tie', format: 'geojson', content: bowtie } });
    if (res.statusCode === 200) {
      const id = res.json().id as number;
      const bad = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM grids WHERE plan_id = $1 AND NOT ST_IsValid(geom)', [id]);
      expect(bad.rows[0].n).toBe(0);
      await app.db.query('DELETE FROM plans WHERE id = $1', [id]);
    } else {
      expectPlain4xx(res, [400, 422]);
      expect((await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plans')).rows[0].n).toBe(plansBefore);
    }
    const bad = [
      fc([poly([[30.52, 117.05], [30.52, 117.06], [30.51, 117.06], [30.52, 117.05]], { code: A })]),
      fc([poly([[116.39, 39.9], [116.4, 39.9], [116.4, 39.91], [116.39, 39.9]], { code: A })]),
      'not json at all',
      fc([]),
    ];
    for (const content of bad) {
      await refused(() => app.inject({ method: 'POST', url: '/api/plans/import', payload: { name: 'bad', format: 'geojson', content } }), [400, 422]);
    }
    await refused(() => app.inject({ method: 'POST', url: '/api/plans/import', payload: { name: 'bad', format: 'csv', content: 'unit_id,grid_code\nu1,12\nnope,340802901001001\n' } }), [400, 422]);
  });

  it('partition and plan edits refuse bad parameters with 4xx and change nothing', async () => {
    const post = (url: string, payload: unknown) => () => app.inject({ method: 'POST', url, payload: payload as object });
    await refused(post('/api/partition', { subdistrict: '340802901', min: 600, max: 300 }), 400, /最小户数/);
    await refused(post('/api/partition', { subdistrict: '340802999' }), 400, /未知的街道编码/);
    await refused(post('/api/partition', { subdistrict: '3408' }), 400);
    await refused(post('/api/partition', {}), 400);
    await refused(post('/api/partition', { subdistrict: '340802901', previousPlan: 999999 }), 400);
    await refused(post(`/api/plans/${planId}/edits`, { baseVersion: 1, moves: [{ unit: 'nope', to: A }] }), [400, 404, 422]);
    await refused(post(`/api/plans/${planId}/edits`, { baseVersion: 1, moves: [{ unit: 'u1', to: 'x' }] }), 400);
    await refused(post(`/api/plans/${planId}/edits`, { baseVersion: 99, moves: [{ unit: 'u1', to: B }] }), 409);
    await refused(post(`/api/plans/${planId}/edits`, { baseVersion: 1, moves: [] }), 400);
    await refused(post('/api/plans/999999/edits', { baseVersion: 1, moves: [{ unit: 'u1', to: B }] }), [404, 409]);
    await refused(() => app.inject({ method: 'POST', url: `/api/plans/${planId}/edits`, headers: { 'content-type': 'application/json' }, payload: '{"baseVersion":1,' }), 400);
  });

  it('two editors with the same base version: exactly one wins, the others get 409 naming the change, nothing is lost', async () => {
    const v = (await app.inject({ method: 'GET', url: `/api/plans/${planId}` })).json().version as number;
    const moves = [
      [{ unit: 'u1', to: B }],
      [{ unit: 'u4', to: B }],
      [{ unit: 'u6', to: A }],
      [{ unit: 'u2', to: B }],
    ];
    const res = await Promise.all(moves.map((m) => app.inject({ method: 'POST', url: `/api/plans/${planId}/edits`, payload: { baseVersion: v, moves: m } })));
    const codes = res.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409]);
    const winner = moves[res.findIndex((r) => r.statusCode === 200)][0];
    for (const r of res.filter((x) => x.statusCode === 409)) expect(r.json()).toMatchObject({ current: v + 1, base: v, changedSince: [{ unit: winner.unit, to: winner.to }] });
    const asg = (await app.inject({ method: 'GET', url: `/api/plans/${planId}/assignment` })).json();
    expect(asg.version).toBe(v + 1);
    expect(asg.assignment[winner.unit]).toBe(winner.to);
    const edits = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plan_edits WHERE plan_id = $1 AND version = $2', [planId, v + 1]);
    expect(edits.rows[0].n).toBeGreaterThanOrEqual(1);
  });
});
