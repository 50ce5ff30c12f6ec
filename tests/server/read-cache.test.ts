import { EventEmitter } from 'node:events';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import readCache from '../../server/plugins/read-cache';
import type { SessionUser } from '../../server/auth/roles';

/** A tiny app: x-user names the user (as the auth plugin would set request.user). */
async function tinyApp(ttlMs: number) {
  const app = Fastify();
  let computed = 0;
  let release: (() => void) | null = null;
  const events = new EventEmitter();
  app.decorate('jobs', { events } as unknown as FastifyInstance['jobs']);
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (req) => {
    const u = req.headers['x-user'];
    (req as { user: SessionUser | null }).user =
      typeof u === 'string'
        ? { id: Number(u), username: `u${u}`, displayName: null, role: 'leader', subdistricts: [u === '1' ? '340802001' : '340802002'], grids: [] }
        : null;
  });
  await app.register(readCache);
  app.get('/stats', { config: { readCache: { ttlMs } } }, async (req) => {
    computed++;
    if (req.headers['x-slow']) await new Promise<void>((r) => (release = r));
    return { n: computed, who: (req as { user: SessionUser | null }).user?.id ?? null, q: (req.query as Record<string, string>).q ?? null };
  });
  app.get('/fails', { config: { readCache: { ttlMs } } }, async (_req, reply) => {
    computed++;
    return reply.code(404).send({ message: 'nope' });
  });
  app.get('/plain', async () => ({ n: ++computed }));
  app.post('/write', async () => ({ ok: true }));
  app.post('/refused', async (_req, reply) => reply.code(400).send({ message: 'bad' }));
  await app.ready();
  return { app, computed: () => computed, release: () => release?.(), events };
}

describe('read cache', () => {
  let t: Awaited<ReturnType<typeof tinyApp>>;
  beforeAll(async () => {
    t = await tinyApp(60_000);
  });
  afterAll(async () => t.app.close());
  const get = (url: string, user = '1', extra: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { 'x-user': user, ...extra } });

  it('keeps an answer per user and URL and serves the same bytes', async () => {
    const a = await get('/stats');
    const b = await get('/stats');
    expect(b.body).toBe(a.body);
    expect(b.headers['x-read-cache']).toBe('hit');
    expect(b.headers['content-type']).toMatch(/application\/json/);
    expect(t.computed()).toBe(1);
    const other = await get('/stats', '2'); // another user (other scope): computed for them
    expect(other.json().who).toBe(2);
    expect((await get('/stats?q=x')).json().q).toBe('x'); // another URL
    expect(t.computed()).toBe(3);
    await get('/plain');
    await get('/plain');
    expect(t.computed()).toBe(5); // routes that do not opt in are never kept
  });

  it('a successful write drops every entry; a refused one does not', async () => {
    const before = t.computed();
    await get('/stats');
    expect(t.computed()).toBe(before);
    await t.app.inject({ method: 'POST', url: '/refused', headers: { 'x-user': '1' } });
    await get('/stats');
    expect(t.computed()).toBe(before);
    await t.app.inject({ method: 'POST', url: '/write', headers: { 'x-user': '2' } });
    expect((await get('/stats')).headers['x-read-cache']).toBeUndefined();
    expect(t.computed()).toBe(before + 1);
  });

  it('a background job that finished its work drops every entry', async () => {
    await get('/stats');
    expect((await get('/stats')).headers['x-read-cache']).toBe('hit');
    t.events.emit('written', { id: 'j1', kind: 'import' });
    expect((await get('/stats')).headers['x-read-cache']).toBeUndefined();
  });

  it('keeps no error answer, and no answer computed across a write', async () => {
    const before = t.computed();
    await get('/fails');
    await get('/fails');
    expect(t.computed()).toBe(before + 2);
    const slow = get('/stats?slow', '1', { 'x-slow': '1' });
    await new Promise((r) => setTimeout(r, 20));
    await t.app.inject({ method: 'POST', url: '/write' });
    t.release();
    await slow;
    expect((await get('/stats?slow')).headers['x-read-cache']).toBeUndefined();
  });

  it('asks again after ttlMs', async () => {
    const s = await tinyApp(30);
    await s.app.inject({ method: 'GET', url: '/stats' });
    await s.app.inject({ method: 'GET', url: '/stats' });
    expect(s.computed()).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    await s.app.inject({ method: 'GET', url: '/stats' });
    expect(s.computed()).toBe(2);
    await s.app.close();
  });
});
