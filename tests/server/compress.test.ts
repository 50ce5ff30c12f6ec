/**
 * Compressed JSON answers (server/plugins/compress.ts): a big JSON answer comes brotli- or
 * gzip-encoded as the client accepts, and decodes to the same document; small answers, clients that
 * accept no encoding and the job event stream (SSE, flushed event by event) come as they are.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { openTestDb } from '../helpers/backends';

describe('compressed answers', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ db: await openTestDb('pglite') });
    // 600 small footprints: a buildings layer answer of some 150 KB
    await app.db.query(
      `INSERT INTO buildings (id, households, geom)
       SELECT 'cb' || i, i % 40, ST_MakeEnvelope(117.1 + (i % 30) * 0.0005, 30.5 + (i / 30) * 0.0005, 117.1003 + (i % 30) * 0.0005, 30.5003 + (i / 30) * 0.0005, 4326)
       FROM generate_series(0, 599) i`,
    );
  }, 120_000);
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it('a big GeoJSON answer (the buildings layer) is brotli or gzip as accepted, and the same document decoded', async () => {
    const plain = await app.inject({ method: 'GET', url: '/api/layers/buildings?bbox=117.09,30.49,117.13,30.52' });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.json().features).toHaveLength(600);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(16 * 1024);
    const br = await app.inject({ method: 'GET', url: '/api/layers/buildings?bbox=117.09,30.49,117.13,30.52', headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8'))).toEqual(plain.json());
    const gz = await app.inject({ method: 'GET', url: '/api/layers/buildings?bbox=117.09,30.49,117.13,30.52', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString('utf8'))).toEqual(plain.json());
  });

  it('a small answer and the job event stream are sent as they are', async () => {
    const health = await app.inject({ method: 'GET', url: '/api/health', headers: { 'accept-encoding': 'br, gzip' } });
    expect(health.statusCode).toBe(200);
    expect(health.headers['content-encoding']).toBeUndefined();
    const id = await app.jobs.run('test', {}, async (report) => {
      report(0.5, 'x'.repeat(20_000)); // an event bigger than the threshold
      return { big: 'y'.repeat(20_000) };
    });
    await app.jobs.settled(id);
    const events = await app.inject({ method: 'GET', url: `/api/jobs/${id}/events`, headers: { 'accept-encoding': 'br, gzip' } });
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    expect(events.headers['content-encoding']).toBeUndefined();
    expect(events.payload).toContain('succeeded');
  });
});
