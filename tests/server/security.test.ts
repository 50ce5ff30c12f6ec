import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { ROLES, type Role } from '../../server/auth/roles';
import { createSession } from '../../server/auth/sessions';
import type { UserRecord } from '../../server/auth/users';
import { CSP_DIRECTIVES } from '../../server/plugins/security';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { seedTestUsers, sessionFor } from '../helpers/auth';
import { insertFixture } from '../helpers/demo-fixture';

describe.each(BACKENDS)('security headers, cookies and privacy on %s', (backend) => {
  let app: FastifyInstance;
  let users: Record<Role, UserRecord>;
  let secrets: string[];
  beforeAll(async () => {
    const db = await openTestDb(backend);
    secrets = (await insertFixture(db)).secrets;
    users = await seedTestUsers(db);
    app = await buildApp({ db, auth: { enforce: true } });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const csp = (h: string) =>
    Object.fromEntries(
      h
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v]),
    );

  it('sends a CSP that allows only our own origin (plus blob:/data: where MapLibre needs them)', async () => {
    for (const url of ['/api/health', '/docs', '/api/nope']) {
      const res = await app.inject({ method: 'GET', url });
      const header = String(res.headers['content-security-policy']);
      const d = csp(header);
      expect(d['default-src']).toEqual(["'self'"]);
      expect(d['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]); // WebAssembly (sql.js for the GeoPackage preview), no JS eval
      expect(d['connect-src']).toEqual(["'self'"]);
      expect(d['worker-src']).toEqual(["'self'", 'blob:']);
      expect(d['img-src']).toEqual(["'self'", 'data:', 'blob:']);
      expect(d['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
      expect(d['object-src']).toEqual(["'none'"]);
      expect(d['frame-ancestors']).toEqual(["'none'"]);
      expect(header).not.toMatch(/https?:|\*|(?<!wasm-)unsafe-eval/); // no other origin, no wildcard, no eval
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    expect(Object.keys(CSP_DIRECTIVES)).toContain('worker-src');
  });

  it('does not accept login as a form post or plain text (no login CSRF via HTML forms)', async () => {
    const form = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=t_admin&password=test-admin-pass',
    });
    expect([400, 415]).toContain(form.statusCode);
    const text = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'text/plain' },
      payload: '{"username":"t_admin","password":"test-admin-pass"}',
    });
    expect([400, 415]).toContain(text.statusCode);
    expect(form.cookies.concat(text.cookies)).toHaveLength(0);
  });

  it('refuses forged, expired and deactivated sessions', async () => {
    const forged = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: 'wangge_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(forged.statusCode).toBe(401);
    const expired = await createSession(app.db, users.leader.id, {}, -1000);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `wangge_session=${expired.token}` } })).statusCode).toBe(401);
    const live = await sessionFor(app.db, users.coordinator.id);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: live.headers })).statusCode).toBe(200);
    await app.db.query('UPDATE users SET active = false WHERE id = $1', [users.coordinator.id]);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: live.headers })).statusCode).toBe(401);
    await app.db.query('UPDATE users SET active = true WHERE id = $1', [users.coordinator.id]);
  });

  it('never sends household personal data to roles that do not need it (every parameterless GET route and every layer)', async () => {
    const meta = await app.inject({ method: 'GET', url: '/api/meta', headers: (await sessionFor(app.db, users.leader.id)).headers });
    const layers = meta.statusCode === 200 ? (meta.json().layers as Array<{ url: string }>).map((l) => l.url) : [];
    const urls = [
      ...new Set([
        ...app.routeAccess.filter((r) => r.method === 'GET' && r.url.startsWith('/api/') && !r.url.includes(':') && !r.url.includes('*')).map((r) => r.url),
        ...layers,
      ]),
    ];
    expect(urls.length).toBeGreaterThan(3);
    const checked: string[] = [];
    for (const role of ROLES.filter((r) => r !== 'admin' && r !== 'grid_member')) {
      const s = await sessionFor(app.db, users[role].id);
      for (const url of urls) {
        const res = await app.inject({ method: 'GET', url, headers: s.headers });
        for (const secret of secrets) expect(res.body, `${role} GET ${url}`).not.toContain(secret);
        checked.push(`${role} ${url} ${res.statusCode}`);
      }
    }
    expect(checked.length).toBe(urls.length * 3);
  });

  it('suppresses small counts on the units layer: party_households is null where a unit has < 5 households', async () => {
    const id = (await app.db.query<{ id: string }>('SELECT id FROM units ORDER BY id LIMIT 1')).rows[0].id;
    await app.db.query('UPDATE units SET households = 3, party_households = 1 WHERE id = $1', [id]);
    const s = await sessionFor(app.db, users.leader.id);
    const res = await app.inject({ method: 'GET', url: '/api/layers/units', headers: s.headers });
    expect(res.statusCode).toBe(200);
    const fc = res.json() as { features: Array<{ properties: { id: string; households: number; party_households: number | null } }> };
    const small = fc.features.find((f) => f.properties.id === id);
    expect(small?.properties.party_households).toBeNull();
    for (const f of fc.features) if (f.properties.households >= 5) expect(f.properties.party_households).not.toBeNull();
  });
});
