import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { createMiniPlan, insertMiniDistrict } from '../helpers/mini-district';

const A = '340802901001001';
const B = '340802901001002';

describe.each(BACKENDS)('grid layer cache on %s', (backend) => {
  let app: FastifyInstance;
  let id: number;
  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertMiniDistrict(db);
    id = await createMiniPlan(db, {
      name: 'c',
    });
    app = await buildApp({ db });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const get = (headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `/api/plans/${id}/grids`, headers });

  it('serves the same bytes from the cache with an ETag, 304 on If-None-Match, gzip when accepted', async () => {
    const first = await get();
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"g\d+-/);
    const second = await get();
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(etag);
    expect(second.headers['x-plan-version']).toBe('1');
    expect((await get({ 'if-none-match': etag })).statusCode).toBe(304);
    const gz = await get({ 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(first.body);
  });

  it('serves brotli once it is made (off the event loop), gzip meanwhile, and honours q=0', async () => {
    const first = await get({ 'if-none-match': 'none' });
    let br = await get({ 'accept-encoding': 'gzip, deflate, br' });
    for (let i = 0; i < 100 && br.headers['content-encoding'] !== 'br'; i++) {
      expect(br.headers['content-encoding']).toBe('gzip'); // until brotli is ready
      await new Promise((r) => setTimeout(r, 20));
      br = await get({ 'accept-encoding': 'gzip, deflate, br' });
    }
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.etag).toBe(first.headers.etag);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(first.body);
    expect((await get({ 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
    const plain = await get({ 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(first.body);
  });

  it('an edit, a lock or a write outside HTTP (within a second) changes the answer (never a stale grid layer)', async () => {
    const e0 = (await get()).headers.etag;
    const ed = await app.inject({ method: 'POST', url: `/api/plans/${id}/edits`, payload: { baseVersion: 1, moves: [{ unit: 'u2', to: B }] } });
    expect(ed.statusCode).toBe(200);
    const after = await get({ 'if-none-match': e0 as string });
    expect(after.statusCode).toBe(200);
    expect(after.headers['x-plan-version']).toBe('2');
    const b = after.json().features.find((f: { properties: { code: string } }) => f.properties.code === B);
    expect(b.properties.households).toBe(300 + 600 + 200);
    const e1 = after.headers.etag as string;
    const lock = await app.inject({ method: 'POST', url: `/api/plans/${id}/locks`, payload: { codes: [A], locked: true } });
    expect(lock.statusCode).toBe(200);
    const locked = await get({ 'if-none-match': e1 });
    expect(locked.statusCode).toBe(200);
    expect(locked.json().features.find((f: { properties: { code: string } }) => f.properties.code === A).properties.locked).toBe(true);
    // a write that bypasses HTTP (CLI on the same database) is caught by the validator
    const e2 = locked.headers.etag as string;
    await app.db.query('UPDATE grids SET locked = false WHERE plan_id = $1', [id]);
    await new Promise((r) => setTimeout(r, 1100)); // trusted for at most a second
    const direct = await get({ 'if-none-match': e2 });
    expect(direct.statusCode).toBe(200);
    expect(direct.json().features.every((f: { properties: { locked: boolean } }) => !f.properties.locked)).toBe(true);
  });

  it('keys the cache by the query too: a `codes=` answer is never served for the whole layer, nor the reverse', async () => {
    // regression: the cache was keyed by plan alone, so after the editor asked for one grid
    // (`?codes=…`, e.g. after a lock) every user's full layer came back as that one grid
    const one = await app.inject({ method: 'GET', url: `/api/plans/${id}/grids?codes=${A}` });
    expect(one.statusCode).toBe(200);
    expect(one.json().features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual([A]);
    const all = await get();
    expect(
      all
        .json()
        .features.map((f: { properties: { code: string } }) => f.properties.code)
        .sort(),
    ).toEqual([A, B]);
    expect(all.headers.etag).not.toBe(one.headers.etag);
    const oneAgain = await app.inject({ method: 'GET', url: `/api/plans/${id}/grids?codes=${B}` });
    expect(oneAgain.json().features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual([B]);
    const both = await app.inject({ method: 'GET', url: `/api/plans/${id}/grids?codes=${B},${A}` });
    expect(both.json().features).toHaveLength(2);
    expect((await get()).json().features).toHaveLength(2);
  });

  it('unknown plans still get 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/plans/999999/grids' })).statusCode).toBe(404);
  });
});

describe('acceptedCodings', () => {
  it('reads Accept-Encoding lists with weights; q=0 refuses a coding', async () => {
    const { acceptedCodings } = await import('../../server/plugins/grid-cache');
    expect([...acceptedCodings('gzip, deflate, br')]).toEqual(['gzip', 'deflate', 'br']);
    expect([...acceptedCodings('br;q=0, gzip;q=0.5')]).toEqual(['gzip']);
    expect([...acceptedCodings('GZIP ; q=1.0')]).toEqual(['gzip']);
    expect([...acceptedCodings(undefined)]).toEqual([]);
    expect([...acceptedCodings('')]).toEqual([]);
  });
});
