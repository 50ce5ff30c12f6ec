import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import { DEMO_USERS, seedDemoUsers } from '../auth/demo';
import { DEFAULT_COST, dummyHash, passwordProblem, verifyPassword, type ScryptCost } from '../auth/password';
import {
  checkRole,
  describeAccess,
  isReadMethod,
  resolveAccess,
  type Access,
  type AccessSource,
  type ResolvedAccess,
  type ScopeResolver,
} from '../auth/policy';
import { ROLES, type SessionUser } from '../auth/roles';
import { coversAll, targetCodes } from '../auth/scope';
import {
  createSession,
  CSRF_COOKIE,
  CSRF_HEADER,
  deleteSession,
  deleteUserSessions,
  findSession,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from '../auth/sessions';
import { createUser, DuplicateUserError, findForLogin, getUser, listUsers, setPassword, toSessionUser, updateUser } from '../auth/users';
import { audit } from '../audit/log';
import { actorOf, auditWrite, markAudited } from '../audit/request';
import { errorSchema } from './errors';

export interface AuthOptions {
  /** Enforce access rules and CSRF (default: WANGGE_AUTH=on or NODE_ENV=production). */
  enforce?: boolean;
  /** Throw at start-up when an /api route has neither `config.access` nor a fallback rule. */
  strictRoutes?: boolean;
  /** Login attempts per client IP and window (default 10 per minute). */
  loginRateLimit?: { max: number; timeWindow: number | string };
  /** Create the demo users at start-up (default WANGGE_DEMO_USERS=on); refused in production. */
  demoUsers?: boolean;
  /** Secure flag on cookies (default: NODE_ENV=production unless WANGGE_SECURE_COOKIES=off). */
  secureCookies?: boolean;
  /** scrypt cost for passwords set through the API (tests lower it). */
  passwordCost?: ScryptCost;
}

export interface RouteAccessInfo {
  method: string;
  url: string;
  access: Access;
  source: AccessSource;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null. */
    user: SessionUser | null;
    /** The session behind request.user (token hash and CSRF token), or null. */
    session: { tokenHash: string; csrf: string } | null;
  }
  interface FastifyInstance {
    authEnforced: boolean;
    /** Every registered route with its resolved access (for docs and the access-matrix test). */
    routeAccess: RouteAccessInfo[];
  }
  interface FastifyContextConfig {
    /** What the route needs; routes without it use the fallback table in server/auth/policy.ts. */
    access?: Access;
    /** Sub-districts / grid codes a scoped route targets, for `scope: 'subdistrict'`. */
    scopeOf?: ScopeResolver;
    /** Filled in at registration by the auth plugin. */
    resolvedAccess?: ResolvedAccess;
  }
}

export const defaultEnforce = (env: NodeJS.ProcessEnv = process.env) => env.WANGGE_AUTH === 'on' || env.NODE_ENV === 'production';

function deny(reply: FastifyReply, code: 401 | 403, message: string) {
  return reply.code(code).send({ statusCode: code, error: code === 401 ? 'Unauthorized' : 'Forbidden', message });
}

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A write from another site: an Origin that is not ours, or Sec-Fetch-Site: cross-site. */
function crossSite(req: FastifyRequest): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  try {
    return new URL(origin).host !== new URL(`http://${req.headers.host ?? ''}`).host;
  } catch {
    return true;
  }
}

const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    displayName: { type: ['string', 'null'] },
    role: { type: 'string', enum: [...ROLES] },
    subdistricts: { type: 'array', items: { type: 'string' } },
    grids: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    demo: { type: 'boolean' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;
const codes = { type: 'array', items: { type: 'string', pattern: '^\\d{6,15}$' }, maxItems: 500 } as const;
/**
 * Sessions, access control and CSRF. Register BEFORE every plugin that adds routes: its onRoute
 * hook resolves each route's access (declaration or fallback table) at registration.
 */
export default fp<AuthOptions>(
  async (app: FastifyInstance, opts) => {
    const enforce = opts.enforce ?? defaultEnforce();
    const secure = opts.secureCookies ?? (process.env.NODE_ENV === 'production' && process.env.WANGGE_SECURE_COOKIES !== 'off');
    const cost = opts.passwordCost ?? DEFAULT_COST;
    app.decorate('authEnforced', enforce);
    app.decorate('routeAccess', [] as RouteAccessInfo[]);
    app.decorateRequest('user', null);
    app.decorateRequest('session', null);

    app.addHook('onRoute', (ro) => {
      const methods = (Array.isArray(ro.method) ? ro.method : [ro.method]).map(String);
      const config = (ro.config ??= {}) as NonNullable<typeof ro.config> & { access?: Access; scopeOf?: ScopeResolver; resolvedAccess?: ResolvedAccess };
      const main = methods.find((m) => m !== 'HEAD') ?? methods[0];
      const resolved = resolveAccess(main, ro.url, config.access, config.scopeOf);
      config.resolvedAccess = resolved;
      for (const m of methods) app.routeAccess.push({ method: m, url: ro.url, access: resolved.access, source: resolved.source });
      if (resolved.source === 'missing') {
        const msg = `route ${methods.join(',')} ${ro.url} declares no config.access and matches no rule in server/auth/policy.ts (admin-only until fixed)`;
        if (opts.strictRoutes) throw new Error(msg);
        app.log.warn(msg);
      }
    });

    await app.register(cookie);
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_req, ctx) => ({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `登录尝试过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试 (too many login attempts)`,
      }),
    });

    const setSessionCookies = (reply: FastifyReply, token: string, csrf: string) => {
      const maxAge = Math.floor(SESSION_TTL_MS / 1000);
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge });
      reply.setCookie(CSRF_COOKIE, csrf, { path: '/', httpOnly: false, sameSite: 'strict', secure, maxAge });
    };
    const clearSessionCookies = (reply: FastifyReply) => {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
    };

    app.addHook('onRequest', async (req, reply) => {
      const token = req.cookies?.[SESSION_COOKIE];
      if (token) {
        const s = await findSession(app.db, token);
        if (s) {
          req.user = s.user;
          req.session = { tokenHash: s.tokenHash, csrf: s.csrf };
        }
      }
      if (!enforce) return;
      const resolved = req.routeOptions.config?.resolvedAccess;
      if (!resolved) return; // no route: 404 follows
      if (!isReadMethod(req.method)) {
        if (crossSite(req)) return deny(reply, 403, '拒绝跨站请求 (cross-site request refused)');
        if (req.session && resolved.access !== 'public') {
          const sent = req.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !safeEqual(sent, req.session.csrf)) {
            return deny(reply, 403, `缺少或错误的 CSRF 令牌 (missing or wrong ${CSRF_HEADER} header)`);
          }
        }
      }
      const verdict = checkRole(resolved.access, req.user);
      if (verdict === 401) return deny(reply, 401, '请先登录 (sign in first)');
      if (verdict === 403) return deny(reply, 403, `无权访问：需要 ${describeAccess(resolved.access)} (forbidden for role ${req.user?.role})`);
    });

    // Scope: after body parsing and validation, the sub-districts / grids a request names must be the user's.
    app.addHook('preHandler', async (req, reply) => {
      if (!enforce || !req.user || req.user.role === 'admin') return;
      const resolved = req.routeOptions.config?.resolvedAccess;
      if (!resolved || typeof resolved.access === 'string' || !resolved.access.scope) return;
      const fromRoute = resolved.scopeOf ? await resolved.scopeOf(req, app.db) : null;
      const targets = [...(fromRoute ?? []), ...targetCodes(req.params, req.query, req.body)];
      if (!coversAll(req.user, targets)) {
        return deny(reply, 403, '超出您负责的街道/网格范围 (outside your sub-districts or grids)');
      }
    });

    // ---- session routes ----
    const loginLimit = opts.loginRateLimit ?? { max: 10, timeWindow: '1 minute' };
    app.post<{ Body: { username: string; password: string } }>(
      '/api/login',
      {
        config: { access: 'public', rateLimit: loginLimit },
        schema: {
          tags: ['auth'],
          summary: 'Sign in: sets the http-only session cookie and the CSRF cookie; returns the user and the CSRF token',
          body: {
            type: 'object',
            properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
            required: ['username', 'password'],
            additionalProperties: false,
          },
          response: { 200: { type: 'object', properties: { user: userSchema, csrf: { type: 'string' } } }, 401: errorSchema },
        },
      },
      async (req, reply) => {
        const { username, password } = req.body;
        const found = await findForLogin(app.db, username);
        const ok = found ? await verifyPassword(password, found.hash) : (await verifyPassword(password, await dummyHash()), false);
        if (!found || !ok || !found.user.active) {
          await audit(app.db, { actor: 'anonymous', action: 'login.failed', entity: 'user', entityId: username.slice(0, 64), method: 'POST', url: '/api/login', status: 401, ip: req.ip });
          return deny(reply, 401, '用户名或密码错误 (wrong user name or password)');
        }
        const s = await createSession(app.db, found.user.id, { ip: req.ip, userAgent: req.headers['user-agent'] });
        req.user = toSessionUser(found.user);
        req.session = { tokenHash: '', csrf: s.csrf };
        await audit(app.db, { actor: { username: found.user.username, id: found.user.id, role: found.user.role }, action: 'login', entity: 'user', entityId: found.user.id, method: 'POST', url: '/api/login', status: 200, ip: req.ip });
        markAudited(req);
        setSessionCookies(reply, s.token, s.csrf);
        return { user: found.user, csrf: s.csrf };
      },
    );

    app.post(
      '/api/logout',
      { config: { access: 'authenticated' }, schema: { tags: ['auth'], summary: 'Sign out: ends the session and clears the cookies', response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } },
      async (req, reply) => {
        if (req.session) await deleteSession(app.db, req.session.tokenHash);
        clearSessionCookies(reply);
        return { ok: true };
      },
    );

    // Public: what the login screen needs. Demo accounts are listed only while demo users are
    // enabled (development; seeding them is refused in production).
    const demoEnabled = (opts.demoUsers ?? process.env.WANGGE_DEMO_USERS === 'on') && process.env.NODE_ENV !== 'production';
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
                  items: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, displayName: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
      async (req) => ({
        enforced: enforce,
        user: req.user ?? null,
        csrf: req.session?.csrf ?? null,
        demoAccounts: demoEnabled ? DEMO_USERS.map(({ username, password, role, displayName }) => ({ username, password, role, displayName })) : [],
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
      async (req, reply) => {
        if (!req.user || !req.session) return deny(reply, 401, '请先登录 (sign in first)');
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
      async (req, reply) => {
        if (!req.user || !req.session) return deny(reply, 401, '请先登录 (sign in first)');
        const found = await findForLogin(app.db, req.user.username);
        if (!found || !(await verifyPassword(req.body.currentPassword, found.hash))) return deny(reply, 403, '当前密码错误 (current password is wrong)');
        const problem = passwordProblem(req.body.newPassword, req.user.username);
        if (problem) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: problem });
        await setPassword(app.db, req.user.id, req.body.newPassword, cost);
        await deleteUserSessions(app.db, req.user.id, req.session.tokenHash);
        await audit(app.db, { actor: actorOf(req), action: 'user.password', entity: 'user', entityId: req.user.id, method: 'POST', url: req.url, status: 200, ip: req.ip });
        markAudited(req);
        return { ok: true };
      },
    );

    // ---- user administration (admin) ----
    const admin = { access: { roles: ['admin'] } } as const;
    app.get('/api/users', { config: admin, schema: { tags: ['auth'], summary: 'All users (admin)', response: { 200: { type: 'array', items: userSchema } } } }, async () => listUsers(app.db));

    app.post<{ Body: { username: string; password: string; role: (typeof ROLES)[number]; displayName?: string; subdistricts?: string[]; grids?: string[] } }>(
      '/api/users',
      {
        config: admin,
        schema: {
          tags: ['auth'],
          summary: 'Create a user (admin)',
          body: {
            type: 'object',
            properties: {
              username: { type: 'string', pattern: '^[A-Za-z0-9_.@-]{2,64}$' },
              password: { type: 'string', maxLength: 200 },
              role: { type: 'string', enum: [...ROLES] },
              displayName: { type: 'string', maxLength: 100 },
              subdistricts: codes,
              grids: codes,
            },
            required: ['username', 'password', 'role'],
            additionalProperties: false,
          },
          response: { 201: userSchema, 400: errorSchema, 409: errorSchema },
        },
      },
      async (req, reply) => {
        const problem = passwordProblem(req.body.password, req.body.username);
        if (problem) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: problem });
        try {
          const u = await app.db.transaction(async (tx) => {
            const created = await createUser(tx, req.body, cost);
            await auditWrite(req, tx, { action: 'user.create', entity: 'user', entityId: created.id, after: created });
            return created;
          });
          return reply.code(201).send(u);
        } catch (err) {
          if (err instanceof DuplicateUserError) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: err.message });
          throw err;
        }
      },
    );

    app.patch<{ Params: { id: number }; Body: { role?: (typeof ROLES)[number]; displayName?: string | null; subdistricts?: string[]; grids?: string[]; active?: boolean; password?: string } }>(
      '/api/users/:id',
      {
        config: admin,
        schema: {
          tags: ['auth'],
          summary: 'Change a user: role, scope, active flag, or reset the password (admin; ends their sessions)',
          params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
          body: {
            type: 'object',
            properties: {
              role: { type: 'string', enum: [...ROLES] },
              displayName: { type: ['string', 'null'], maxLength: 100 },
              subdistricts: codes,
              grids: codes,
              active: { type: 'boolean' },
              password: { type: 'string', maxLength: 200 },
            },
            additionalProperties: false,
          },
          response: { 200: userSchema, 400: errorSchema, 404: errorSchema },
        },
      },
      async (req, reply) => {
        const { password, ...patch } = req.body;
        const before = await getUser(app.db, req.params.id);
        if (!before) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `用户 ${req.params.id} 不存在` });
        if (password !== undefined) {
          const problem = passwordProblem(password, before.username);
          if (problem) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: problem });
        }
        const after = await app.db.transaction(async (tx) => {
          const u = await updateUser(tx, req.params.id, patch);
          if (password !== undefined) await setPassword(tx, req.params.id, password, cost);
          if (password !== undefined || patch.active === false || patch.role !== undefined) await deleteUserSessions(tx, req.params.id);
          await auditWrite(req, tx, { action: 'user.update', entity: 'user', entityId: req.params.id, before, after: { ...u, passwordReset: password !== undefined } });
          return u;
        });
        return after;
      },
    );

    if (opts.demoUsers ?? process.env.WANGGE_DEMO_USERS === 'on') {
      app.addHook('onReady', async () => {
        const created = await seedDemoUsers(app.db);
        if (created.length) app.log.warn({ users: created }, 'created demo users with known passwords (development only)');
      });
    }
  },
  { name: 'wangge-auth' },
);
