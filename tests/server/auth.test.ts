import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { buildApp, parseTrustProxy } from '../../server/app';
import { passwordScore } from '../../server/auth/password-strength';
import { DEMO_USERS, ProductionSeedError, seedDemoUsers } from '../../server/auth/demo';
import { hashPassword, passwordProblem, verifyPassword } from '../../server/auth/password';
import { canSeePersonalData, redactHousehold, suppressSmall, suppressSmallRows } from '../../server/auth/privacy';
import type { SessionUser } from '../../server/auth/roles';
import { covers } from '../../server/auth/scope';
import { createUser } from '../../server/auth/users';
import { BACKENDS, openTestDb } from '../helpers/backends';
import { loginAs, seedTestUsers, sessionFor, TEST_COST, TEST_USERS } from '../helpers/auth';
import { createMiniPlan, insertMiniDistrict } from '../helpers/mini-district';

const A = '340802901001001';

describe('passwords, scope and privacy rules (pure)', () => {
  it('scrypt hashes verify only the same password and never contain it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ minLength: 1, maxLength: 30 }), async (pw, other) => {
        const h = await hashPassword(pw, TEST_COST);
        expect(h).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
        expect(await verifyPassword(pw, h)).toBe(true);
        expect(await verifyPassword(other, h)).toBe(pw === other || pw.normalize('NFC') === other.normalize('NFC'));
      }),
      { numRuns: 25 },
    );
    const a = await hashPassword('same-password', TEST_COST);
    const b = await hashPassword('same-password', TEST_COST);
    expect(a).not.toBe(b); // salted
    expect(await verifyPassword('x', 'plaintext')).toBe(false);
  });

  it('the default cost is memory-hard (N = 2^15, r = 8)', async () => {
    expect(await hashPassword('x'.repeat(12))).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  const user = (role: SessionUser['role'], subdistricts: string[], grids: string[] = []): SessionUser => ({
    id: 1,
    username: 'u',
    displayName: null,
    role,
    subdistricts,
    grids,
  });

  it('covers by id prefix: district adcode covers all, a sub-district its grids only', () => {
    const planner = user('planner', ['340802001']);
    expect(covers(planner, '340802001')).toBe(true);
    expect(covers(planner, '340802001004002')).toBe(true);
    expect(covers(planner, '340802002')).toBe(false);
    expect(covers(user('leader', ['340802']), '340802008')).toBe(true);
    expect(covers(user('planner', []), '340802001')).toBe(false);
    const gm = user('grid_member', [], [A]);
    expect(covers(gm, A)).toBe(true);
    expect(covers(gm, '340802901001002')).toBe(false);
    expect(covers(gm, '340802901')).toBe(true); // the sub-district their grid lies in
    fc.assert(
      fc.property(fc.stringMatching(/^\d{15}$/), (code) => {
        expect(covers(gm, code)).toBe(code === A);
        expect(covers(user('admin', []), code)).toBe(true);
      }),
    );
  });

  it('personal data only for admins and the grid member of that grid; small counts suppressed', () => {
    const row = { id: 'h1', head_name: '张三', phone: '138', party_member: true, credit_rating: '2A', geom: 'x' };
    const gm = user('grid_member', [], [A]);
    expect(canSeePersonalData(user('admin', []), null)).toBe(true);
    expect(canSeePersonalData(gm, A)).toBe(true);
    expect(canSeePersonalData(gm, '340802901001002')).toBe(false);
    expect(canSeePersonalData(gm, null)).toBe(false);
    for (const r of ['planner', 'coordinator', 'leader'] as const) expect(canSeePersonalData(user(r, ['340802']), A)).toBe(false);
    expect(canSeePersonalData(null, A)).toBe(false);
    expect(redactHousehold(row, user('leader', ['340802']), A)).toEqual({ id: 'h1', geom: 'x' });
    expect(redactHousehold(row, gm, A)).toEqual(row);
    expect(suppressSmall(0.25, 4)).toBeNull();
    expect(suppressSmall(0.25, 5)).toBe(0.25);
    expect(suppressSmall(0.25, 4, user('admin', []))).toBe(0.25);
    expect(
      suppressSmallRows(
        [
          { grid: 'a', households: 3, party: 1 },
          { grid: 'b', households: 9, party: 2 },
        ],
        'households',
        ['party'],
      ),
    ).toEqual([
      { grid: 'a', households: 3, party: null },
      { grid: 'b', households: 9, party: 2 },
    ]);
  });
});

describe('passwords and proxy settings (issue N, pure)', () => {
  it('refuses common and guessable passwords (zxcvbn, offline), accepts long irregular ones', () => {
    for (const p of [
      'password',
      'password1',
      'Passw0rd!',
      'qwerty123456',
      '1qaz2wsx3edc',
      'zhang123456',
      'iloveyou520',
      '12345678',
      'admin123456',
      'wangge2024',
    ]) {
      expect(passwordProblem(p, 't_someone'), p).toMatch(/密码太容易被猜到/);
    }
    expect(passwordProblem('zhangwei-2024', 'zhangwei')).toMatch(/密码太容易被猜到/); // the user's own name
    for (const p of ['correct horse battery', 'Anqing-grid-9fX', 'test-admin-pass', 'Wq7-plover-Anhui-31'])
      expect(passwordProblem(p, 't_someone'), p).toBeNull();
    expect(passwordScore('password')).toBe(0);
  });

  it('WANGGE_TRUST_PROXY: off by default; on, a hop count or a list of addresses; garbage refused', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('off')).toBe(false);
    expect(parseTrustProxy('on')).toBe(true);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8')).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(() => parseTrustProxy('yes please')).toThrow(/WANGGE_TRUST_PROXY/);
  });
});

describe.each(BACKENDS)('accounts, sessions, CSRF and audit on %s', (backend) => {
  let app: FastifyInstance;
  let planId: number;
  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertMiniDistrict(db);
    planId = await createMiniPlan(db, {
      assignment: { u1: A, u2: A, u3: A, u4: A, u5: A, u6: A },
    });
    await seedTestUsers(db);
    app = await buildApp({ db, auth: { enforce: true, passwordCost: TEST_COST, loginRateLimit: { max: 4, timeWindow: '1 minute' } } });
  });
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  const login = (username: string, password: string, remoteAddress = '10.9.9.9') =>
    app.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress });

  it('logs in with an http-only SameSite=Strict session cookie and stores only a scrypt hash', async () => {
    const res = await login('t_planner', TEST_USERS.planner.password, '10.0.0.1');
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ username: 't_planner', role: 'planner' });
    const session = res.cookies.find((c) => c.name === 'wangge_session')!;
    const csrf = res.cookies.find((c) => c.name === 'wangge_csrf')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(csrf.httpOnly).toBeFalsy();
    expect(csrf.value).toBe(res.json().csrf);
    const h = await app.db.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 't_planner'");
    expect(h.rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(h.rows[0].password_hash).not.toContain(TEST_USERS.planner.password);
    const s = await app.db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(s.rows.map((r) => r.token_hash)).not.toContain(session.value); // token stored hashed
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `wangge_session=${session.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 't_planner', subdistricts: ['340802'] }, csrf: csrf.value });
  });

  it('refuses wrong passwords and unknown users alike (401) and audits the attempt', async () => {
    const bad = await login('t_planner', 'wrong-password', '10.0.0.2');
    const unknown = await login('nobody', 'whatever-pass', '10.0.0.2');
    expect(bad.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(bad.json().message).toBe(unknown.json().message);
    expect(bad.cookies).toHaveLength(0);
    const r = await app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'login.failed' AND entity_id IN ('t_planner', 'nobody')",
    );
    expect(r.rows[0].n).toBe(2);
  });

  it('rate-limits login attempts per client address (429)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await login('t_leader', 'wrong-password', '10.0.0.3')).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
    expect((await login('t_leader', TEST_USERS.leader.password, '10.0.0.3')).statusCode).toBe(429);
    expect((await login('t_leader', TEST_USERS.leader.password, '10.0.0.4')).statusCode).toBe(200); // other address
  });

  it('requires the CSRF token on cookie-authenticated writes and refuses cross-site origins', async () => {
    const s = await loginAs(app, 'leader');
    const noToken = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: s.cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().message).toMatch(/CSRF/);
    const wrong = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(32) } });
    expect(wrong.statusCode).toBe(403);
    const otherSession = await loginAs(app, 'leader');
    const foreignToken = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: s.cookie, 'x-csrf-token': otherSession.csrf } });
    expect(foreignToken.statusCode).toBe(403); // token bound to the session
    const evil = await app.inject({ method: 'POST', url: '/api/logout', headers: { ...s.headers, origin: 'http://evil.example' } });
    expect(evil.statusCode).toBe(403);
    const crossSite = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'sec-fetch-site': 'cross-site' },
      payload: { username: 't_leader', password: TEST_USERS.leader.password },
      remoteAddress: '10.0.1.1',
    });
    expect(crossSite.statusCode).toBe(403); // no login CSRF either
    const ok = await app.inject({ method: 'POST', url: '/api/logout', headers: { ...s.headers, origin: 'http://localhost:80', host: 'localhost:80' } });
    expect(ok.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: s.headers })).statusCode).toBe(401); // session ended
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: otherSession.headers })).statusCode).toBe(200);
  });

  it('changes the own password: checks the current one, ends other sessions', async () => {
    const u = await createUser(app.db, { username: 'pw_user', password: 'first-password', role: 'leader' }, TEST_COST);
    const a = await login('pw_user', 'first-password', '10.0.2.1');
    const b = await login('pw_user', 'first-password', '10.0.2.2');
    const ha = { cookie: `wangge_session=${a.cookies[0].value}`, 'x-csrf-token': a.json().csrf };
    const hb = { cookie: `wangge_session=${b.cookies[0].value}` };
    const wrongCurrent = await app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: ha,
      payload: { currentPassword: 'nope-nope', newPassword: 'second-password' },
    });
    expect(wrongCurrent.statusCode).toBe(403);
    const short = await app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: ha,
      payload: { currentPassword: 'first-password', newPassword: 'short' },
    });
    expect(short.statusCode).toBe(400);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: ha,
      payload: { currentPassword: 'first-password', newPassword: 'second-password' },
    });
    expect(ok.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: ha })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: hb })).statusCode).toBe(401);
    expect((await login('pw_user', 'first-password', '10.0.2.3')).statusCode).toBe(401);
    expect((await login('pw_user', 'second-password', '10.0.2.3')).statusCode).toBe(200);
    const audit = await app.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'user.password' AND entity_id = $1", [String(u.id)]);
    expect(audit.rows).toEqual([{ actor: 'pw_user' }]);
  });

  it('lets admins manage users (audited with before/after, no hashes); others get 403', async () => {
    const admin = await loginAs(app, 'admin');
    const planner = await loginAs(app, 'planner');
    const body = { username: 'new_planner', password: 'new-planner-pass', role: 'planner', subdistricts: ['340802002'] };
    expect((await app.inject({ method: 'POST', url: '/api/users', headers: planner.headers, payload: body })).statusCode).toBe(403);
    const created = await app.inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: body });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as number;
    expect(created.json()).not.toHaveProperty('password_hash');
    expect((await app.inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: body })).statusCode).toBe(409);
    const np = await login('new_planner', 'new-planner-pass', '10.0.3.1');
    expect(np.statusCode).toBe(200);
    const off = await app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: admin.headers, payload: { active: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `wangge_session=${np.cookies[0].value}` } })).statusCode).toBe(401);
    expect((await login('new_planner', 'new-planner-pass', '10.0.3.2')).statusCode).toBe(401);
    const log = await app.inject({ method: 'GET', url: `/api/audit?entity=user&entityId=${id}`, headers: admin.headers });
    expect(log.statusCode).toBe(200);
    const items = log.json().items as Array<{ action: string; actor: string; before: unknown; after: Record<string, unknown> }>;
    expect(items.map((i) => i.action).filter((a) => a.startsWith('user.'))).toEqual(['user.update', 'user.create']);
    const upd = items.find((i) => i.action === 'user.update')!;
    expect(upd.actor).toBe('t_admin');
    expect(upd.before).toMatchObject({ active: true });
    expect(upd.after).toMatchObject({ active: false });
    expect(JSON.stringify(items)).not.toMatch(/scrypt|new-planner-pass/);
  });

  it("scopes plan edits to the planner's sub-districts and audits every successful write", async () => {
    const outsider = await createUser(
      app.db,
      { username: 'planner_002', password: 'planner-002-pass', role: 'planner', subdistricts: ['340802002'] },
      TEST_COST,
    );
    const out = await sessionFor(app.db, outsider.id);
    const mine = await loginAs(app, 'planner');
    const edit = { baseVersion: 1, moves: [{ unit: 'u6', to: '340802901001002' }] };
    const denied = await app.inject({ method: 'POST', url: `/api/plans/${planId}/edits`, headers: out.headers, payload: edit });
    expect(denied.statusCode).toBe(403);
    const leader = await loginAs(app, 'leader');
    expect((await app.inject({ method: 'POST', url: `/api/plans/${planId}/edits`, headers: leader.headers, payload: edit })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/api/plans/${planId}/edits`, payload: edit })).statusCode).toBe(401);
    const ok = await app.inject({ method: 'POST', url: `/api/plans/${planId}/edits`, headers: mine.headers, payload: edit });
    expect(ok.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/api/plans/${planId}`, headers: out.headers })).json().version).toBe(2); // reading is allowed
    const admin = await loginAs(app, 'admin');
    const page = await app.inject({ method: 'GET', url: '/api/audit?action=http.post&limit=1', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    expect(page.json().items).toHaveLength(1);
    expect(page.json().items[0]).toMatchObject({
      actor: 't_planner',
      actorRole: 'planner',
      method: 'POST',
      url: `/api/plans/${planId}/edits`,
      status: 200,
      entity: '/api/plans/:id/edits',
      entityId: String(planId),
    });
    const all = await app.inject({ method: 'GET', url: '/api/audit?limit=500', headers: admin.headers });
    const rows = all.json().items as Array<{ id: number; url: string | null; status: number | null }>;
    expect(rows.filter((r) => r.url === `/api/plans/${planId}/edits`)).toHaveLength(1); // refused writes are not "writes"
    const p2 = await app.inject({ method: 'GET', url: '/api/audit?limit=2&offset=1', headers: admin.headers });
    expect(p2.json().items[0].id).toBe(rows[1].id);
    expect(p2.json().total).toBe(all.json().total);
    expect((await app.inject({ method: 'GET', url: '/api/audit', headers: leader.headers })).statusCode).toBe(403);
  });

  it('refuses to seed demo users in production; seeds one per role otherwise', async () => {
    await expect(seedDemoUsers(app.db, { env: { NODE_ENV: 'production' }, cost: TEST_COST })).rejects.toBeInstanceOf(ProductionSeedError);
    expect((await app.db.query('SELECT 1 FROM users WHERE demo')).rows).toHaveLength(0);
    const created = await seedDemoUsers(app.db, { env: { NODE_ENV: 'development' }, cost: TEST_COST });
    expect(created).toEqual(DEMO_USERS.map((u) => u.username));
    expect(await seedDemoUsers(app.db, { env: {}, cost: TEST_COST })).toEqual([]);
    const d = DEMO_USERS.find((u) => u.role === 'coordinator')!;
    const res = await login(d.username, d.password, '10.0.4.1');
    expect(res.json().user).toMatchObject({ role: 'coordinator', demo: true });
  });

  // ---- issue N: accounts fit for production ----

  it('refuses "password" and other guessable passwords on create, reset and change (400, Chinese message)', async () => {
    const admin = await loginAs(app, 'admin');
    const weak = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { username: 'weak_user', password: 'password', role: 'leader' },
    });
    expect(weak.statusCode, weak.body).toBe(400);
    expect(weak.json().message).toMatch(/密码太容易被猜到/);
    expect((await app.db.query("SELECT 1 FROM users WHERE username = 'weak_user'")).rows).toHaveLength(0);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { username: 'weak_user', password: 'Wq7-plover-Anhui-31', role: 'leader' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const reset = await app.inject({ method: 'PATCH', url: `/api/users/${ok.json().id}`, headers: admin.headers, payload: { password: 'qwerty123456' } });
    expect(reset.statusCode).toBe(400);
    const me = await login('weak_user', 'Wq7-plover-Anhui-31', '10.0.6.1');
    const h = { cookie: me.cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'x-csrf-token': me.json().csrf };
    const change = await app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: h,
      payload: { currentPassword: 'Wq7-plover-Anhui-31', newPassword: 'password1' },
    });
    expect(change.statusCode).toBe(400);
    expect(change.json().message).toMatch(/密码太容易被猜到/);
  });

  it('locks an account after repeated failures whatever the address: 30 wrong guesses from 3 addresses, then the right password, gets 429', async () => {
    const wide = await buildApp({ db: app.db, auth: { enforce: true, passwordCost: TEST_COST } }); // default limit: 10 a minute per address
    try {
      const guess = (password: string, ip: string, username = 't_leader') =>
        wide.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress: ip });
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) codes.push((await guess(`wrong-guess-${i}`, `10.7.0.${i % 3}`)).statusCode);
      expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(codes.slice(5).every((c) => c === 429)).toBe(true); // locked after 5, never the per-address limit (10 each)
      const right = await guess(TEST_USERS.leader.password, '10.7.0.9');
      expect(right.statusCode, right.body).toBe(429);
      expect(right.json().message).toMatch(/锁定/);
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
      // other accounts are not affected; a name without an account locks the same way (no enumeration)
      expect((await guess(TEST_USERS.coordinator.password, '10.7.0.9', 't_coordinator')).statusCode).toBe(200);
      const ghost: number[] = [];
      for (let i = 0; i < 7; i++) ghost.push((await guess('nope-nope', `10.7.1.${i % 3}`, 'no_such_user')).statusCode);
      expect(ghost).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const audit = await app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'login.locked' AND entity_id = 't_leader'");
      expect(audit.rows[0].n).toBeGreaterThanOrEqual(25);
    } finally {
      await wide.close();
      await app.db.query("DELETE FROM login_failures WHERE username IN ('t_leader', 'no_such_user')");
    }
  });

  it('the lock grows and ends: after it the right password signs in and clears the count', async () => {
    const quick = await buildApp({
      db: app.db,
      auth: { enforce: true, passwordCost: TEST_COST, lockout: { freeFailures: 3, baseMs: 300, maxMs: 300, forgetMs: 60_000 } },
    });
    try {
      await createUser(app.db, { username: 'lock_user', password: 'Wq7-plover-Anhui-31', role: 'leader' }, TEST_COST);
      const go = (password: string, i: number) =>
        quick.inject({ method: 'POST', url: '/api/login', payload: { username: 'lock_user', password }, remoteAddress: `10.8.0.${i}` });
      for (let i = 0; i < 3; i++) expect((await go('wrong-one', i)).statusCode).toBe(401);
      expect((await go('Wq7-plover-Anhui-31', 4)).statusCode).toBe(429);
      await new Promise((r) => setTimeout(r, 400));
      expect((await go('Wq7-plover-Anhui-31', 5)).statusCode).toBe(200);
      expect((await go('wrong-one', 6)).statusCode).toBe(401); // the count started over
      expect((await go('Wq7-plover-Anhui-31', 7)).statusCode).toBe(200);
    } finally {
      await quick.close();
    }
  });

  it('WANGGE_TRUST_PROXY: behind a proxy the per-address login limit counts each client, not the proxy', async () => {
    const attempts = async (a: FastifyInstance, forwarded: string[]) => {
      const out: number[] = [];
      for (const [i, ip] of forwarded.entries()) {
        out.push(
          (
            await a.inject({
              method: 'POST',
              url: '/api/login',
              payload: { username: `proxy_probe_${i}`, password: 'nope-nope' },
              remoteAddress: '10.9.0.1',
              headers: { 'x-forwarded-for': ip },
            })
          ).statusCode,
        );
      }
      return out;
    };
    const saved = process.env.WANGGE_TRUST_PROXY;
    process.env.WANGGE_TRUST_PROXY = '10.9.0.1';
    const behind = await buildApp({ db: app.db, auth: { enforce: true, passwordCost: TEST_COST, loginRateLimit: { max: 2, timeWindow: '1 minute' } } });
    if (saved === undefined) delete process.env.WANGGE_TRUST_PROXY;
    else process.env.WANGGE_TRUST_PROXY = saved;
    const direct = await buildApp({ db: app.db, auth: { enforce: true, passwordCost: TEST_COST, loginRateLimit: { max: 2, timeWindow: '1 minute' } } });
    try {
      expect(await attempts(behind, ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'])).toEqual([401, 401, 401, 401]);
      expect(await attempts(behind, ['203.0.113.5', '203.0.113.5', '203.0.113.5'])).toEqual([401, 401, 429]);
      const ip = await app.db.query<{ ip: string }>(
        "SELECT ip FROM audit_log WHERE action = 'login.failed' AND entity_id = 'proxy_probe_0' ORDER BY id LIMIT 1",
      );
      expect(ip.rows[0].ip).toBe('203.0.113.1');
      // without the setting X-Forwarded-For is ignored: every client is the proxy
      expect(await attempts(direct, ['203.0.113.6', '203.0.113.7', '203.0.113.8'])).toEqual([401, 401, 429]);
    } finally {
      await behind.close();
      await direct.close();
      await app.db.query("DELETE FROM login_failures WHERE username LIKE 'proxy_probe_%'");
    }
  });

  it('NODE_ENV=production: demo accounts from a development start cannot sign in, their sessions end, and the log says so', async () => {
    await seedDemoUsers(app.db, { env: { NODE_ENV: 'development' }, cost: TEST_COST });
    const d = DEMO_USERS.find((u) => u.role === 'admin')!;
    const id = (await app.db.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [d.username])).rows[0].id;
    const old = await sessionFor(app.db, Number(id)); // signed in during development
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const prod = await buildApp({ db: app.db, logger: { level: 'warn', stream }, auth: { enforce: true, production: true, passwordCost: TEST_COST } });
    try {
      await prod.ready();
      const warning = lines.find((l) => /demo account/.test(l));
      expect(warning, lines.join('\n')).toMatch(/DISABLED/);
      expect(warning).toContain('demo_admin');
      const res = await prod.inject({ method: 'POST', url: '/api/login', payload: { username: d.username, password: d.password }, remoteAddress: '10.0.9.1' });
      expect(res.statusCode, res.body).toBe(401);
      expect((await prod.inject({ method: 'GET', url: '/api/me', headers: old.headers })).statusCode).toBe(401);
      expect((await prod.inject({ method: 'GET', url: '/api/session' })).json().demoAccounts).toEqual([]);
      // ordinary accounts are unaffected; the same demo account still works in development
      expect(
        (
          await prod.inject({
            method: 'POST',
            url: '/api/login',
            payload: { username: 't_planner', password: TEST_USERS.planner.password },
            remoteAddress: '10.0.9.2',
          })
        ).statusCode,
      ).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/me', headers: old.headers })).statusCode).toBe(200);
    } finally {
      await prod.close();
    }
  });

  it('with enforce off (the default while routes are being written) anonymous requests pass', async () => {
    const open = await buildApp({ db: app.db, auth: { enforce: false } });
    try {
      expect((await open.inject({ method: 'GET', url: '/api/plans' })).statusCode).toBe(200);
      expect((await open.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401); // no user, nothing to show
      expect((await app.inject({ method: 'GET', url: '/api/plans' })).statusCode).toBe(401); // the enforcing app
    } finally {
      await open.close();
    }
  });
});
