import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { SessionInfo } from '../../common/http/session';
import { audit } from '../audit/log';
import { actorOf, markAudited } from '../audit/request';
import { DEMO_USERS } from '../auth/demo';
import { clearFailures, lockedForMs, recordFailure } from '../auth/lockout';
import { dummyHash, passwordProblem, verifyPassword } from '../auth/password';
import { createSession, CSRF_COOKIE, deleteSession, deleteUserSessions, SESSION_COOKIE, SESSION_TTL_MS } from '../auth/sessions';
import { findForLogin, setPassword, toSessionUser } from '../auth/users';
import { InvalidRequestError, TooManyRequestsError } from '../errors';
import { denied, userSchema } from './auth';
import { errorSchema } from '../http/schemas';

const lockedMessage = (ms: number) =>
  `该账户连续登录失败次数过多，已暂时锁定，请 ${Math.max(1, Math.ceil(ms / 60000))} 分钟后再试 (account locked for a while after repeated failed sign-ins)`;

/**
 * The session routes: sign in / out, the session, the own user, the own password. Registered after
 * the docs and errors plugins (OpenAPI, the shared error handler); the access rules, cookies and rate
 * limiter come from the auth plugin (server/plugins/auth.ts), registered first.
 */
export default fp(
  async (app: FastifyInstance) => {
    const { secure, cost, loginLimit, production, demoListed, lockout } = app.authSettings;
    const enforce = app.authEnforced;

    const setSessionCookies = (reply: FastifyReply, token: string, csrf: string) => {
      const maxAge = Math.floor(SESSION_TTL_MS / 1000);
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge });
      reply.setCookie(CSRF_COOKIE, csrf, { path: '/', httpOnly: false, sameSite: 'strict', secure, maxAge });
    };
    const clearSessionCookies = (reply: FastifyReply) => {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
    };

    app.post<{ Body: { username: string; password: string } }>(
      '/api/login',
      {
        config: { access: 'public', rateLimit: loginLimit },
        schema: {
          tags: ['auth'],
          summary: 'Sign in: sets the http-only session cookie and the CSRF cookie; returns the user and the CSRF token',
          description:
            'Limited per client address (WANGGE_TRUST_PROXY decides whether X-Forwarded-For names it) and per account: after repeated ' +
            'failures the account is locked for a growing delay (429 with Retry-After), whatever the address. Demo accounts cannot sign in in production.',
          body: {
            type: 'object',
            properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
            required: ['username', 'password'],
            additionalProperties: false,
          },
          response: { 200: { type: 'object', properties: { user: userSchema, csrf: { type: 'string' } } }, 401: errorSchema, 429: errorSchema },
        },
      },
      async (req, reply) => {
        const { username, password } = req.body;
        const failed = (action: string) =>
          audit(app.db, {
            actor: 'anonymous',
            action,
            entity: 'user',
            entityId: username.slice(0, 64),
            method: 'POST',
            url: '/api/login',
            status: 401,
            ip: req.ip,
          });
        const locked = await lockedForMs(app.db, username);
        if (locked > 0) {
          await audit(app.db, {
            actor: 'anonymous',
            action: 'login.locked',
            entity: 'user',
            entityId: username.slice(0, 64),
            method: 'POST',
            url: '/api/login',
            status: 429,
            ip: req.ip,
          });
          reply.header('retry-after', String(Math.ceil(locked / 1000)));
          throw new TooManyRequestsError(lockedMessage(locked));
        }
        const found = await findForLogin(app.db, username);
        const ok = found ? await verifyPassword(password, found.hash) : (await verifyPassword(password, await dummyHash()), false);
        if (!found || !ok || !found.user.active) {
          await failed('login.failed');
          await recordFailure(app.db, username, lockout);
          throw denied(401, '用户名或密码错误 (wrong user name or password)');
        }
        if (found.user.demo && production) {
          // the right demo password, but demo accounts are development-only: same answer as a wrong one
          await failed('login.demo_disabled');
          throw denied(401, '用户名或密码错误 (wrong user name or password)');
        }
        await clearFailures(app.db, username);
        const s = await createSession(app.db, found.user.id, { ip: req.ip, userAgent: req.headers['user-agent'] });
        req.user = toSessionUser(found.user);
        req.session = { tokenHash: '', csrf: s.csrf };
        await audit(app.db, {
          actor: { username: found.user.username, id: found.user.id, role: found.user.role },
          action: 'login',
          entity: 'user',
          entityId: found.user.id,
          method: 'POST',
          url: '/api/login',
          status: 200,
          ip: req.ip,
        });
        markAudited(req);
        setSessionCookies(reply, s.token, s.csrf);
        return { user: found.user, csrf: s.csrf };
      },
    );

    app.post(
      '/api/logout',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Sign out: ends the session and clears the cookies',
          response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
        },
      },
      async (req, reply) => {
        if (req.session) await deleteSession(app.db, req.session.tokenHash);
        clearSessionCookies(reply);
        return { ok: true };
      },
    );

    // Public: what the login screen needs. Demo accounts are listed only while demo users are
    // enabled (development; seeding them is refused in production).
    app.get(
      '/api/session',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Whether sign-in is required, the signed-in user (or null), its CSRF token, and the demo accounts (development only)',
          response: {
            200: {
              type: 'object',
              properties: {
                enforced: { type: 'boolean' },
                user: { anyOf: [userSchema, { type: 'null' }] },
                csrf: { type: ['string', 'null'] },
                demoAccounts: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { username: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, displayName: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
      async (req): Promise<SessionInfo> => ({
        enforced: enforce,
        user: req.user ?? null,
        csrf: req.session?.csrf ?? null,
        demoAccounts: demoListed ? DEMO_USERS.map(({ username, password, role, displayName }) => ({ username, password, role, displayName })) : [],
      }),
    );

    app.get(
      '/api/me',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'The signed-in user and the CSRF token to echo in x-csrf-token on writes',
          response: { 200: { type: 'object', properties: { user: userSchema, csrf: { type: 'string' } } }, 401: errorSchema },
        },
      },
      async (req) => {
        if (!req.user || !req.session) throw denied(401, '请先登录 (sign in first)');
        return { user: req.user, csrf: req.session.csrf };
      },
    );

    app.post<{ Body: { currentPassword: string; newPassword: string } }>(
      '/api/me/password',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Change the own password (other sessions of the user end)',
          body: {
            type: 'object',
            properties: { currentPassword: { type: 'string', maxLength: 200 }, newPassword: { type: 'string', maxLength: 200 } },
            required: ['currentPassword', 'newPassword'],
            additionalProperties: false,
          },
          response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, 400: errorSchema, 401: errorSchema, 403: errorSchema },
        },
      },
      async (req) => {
        if (!req.user || !req.session) throw denied(401, '请先登录 (sign in first)');
        const found = await findForLogin(app.db, req.user.username);
        if (!found || !(await verifyPassword(req.body.currentPassword, found.hash))) throw denied(403, '当前密码错误 (current password is wrong)');
        const problem = passwordProblem(req.body.newPassword, req.user.username, req.user.displayName);
        if (problem) throw new InvalidRequestError(problem);
        await setPassword(app.db, req.user.id, req.body.newPassword, cost);
        await deleteUserSessions(app.db, req.user.id, req.session.tokenHash);
        await audit(app.db, {
          actor: actorOf(req),
          action: 'user.password',
          entity: 'user',
          entityId: req.user.id,
          method: 'POST',
          url: req.url,
          status: 200,
          ip: req.ip,
        });
        markAudited(req);
        return { ok: true };
      },
    );
  },
  { name: 'wangge-account', dependencies: ['wangge-auth', 'wangge-errors'] },
);
