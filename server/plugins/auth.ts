import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import { seedDemoUsers } from '../auth/demo';
import { DEFAULT_LOCKOUT, type LockoutPolicy } from '../auth/lockout';
import { DEFAULT_COST, type ScryptCost } from '../auth/password';
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
import { CSRF_HEADER, findSession, SESSION_COOKIE } from '../auth/sessions';
import { ForbiddenError, UnauthorizedError } from '../errors';

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
  /** Production mode (default NODE_ENV=production): demo accounts cannot sign in and their sessions end. */
  production?: boolean;
  /** Per-account lockout after repeated failed sign-ins, whatever the client address (server/auth/lockout.ts). */
  lockout?: LockoutPolicy;
}

/** The auth options with their defaults applied, shared by the session and user routes (account.ts, users.ts). */
export interface AuthSettings {
  enforce: boolean;
  secure: boolean;
  cost: ScryptCost;
  loginLimit: { max: number; timeWindow: number | string };
  production: boolean;
  /** The login screen lists the demo accounts (development with demo users on). */
  demoListed: boolean;
  lockout: LockoutPolicy;
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
    authSettings: AuthSettings;
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

/** The error a refused request is answered with: 401 without a session, 403 without the right. */
export function denied(code: 401 | 403, message: string): Error {
  return code === 401 ? new UnauthorizedError(message) : new ForbiddenError(message);
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

export const userSchema = {
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
export const codes = { type: 'array', items: { type: 'string', pattern: '^\\d{6,15}$' }, maxItems: 500 } as const;
/**
 * Sessions, access control and CSRF. Register BEFORE every plugin that adds routes: its onRoute
 * hook resolves each route's access (declaration or fallback table) at registration. It adds no
 * routes itself: the session routes (account.ts) and user routes (users.ts) are registered after the
 * docs and errors plugins, so they are in the OpenAPI document and under the shared error handler;
 * they read the resolved options from `app.authSettings`.
 */
export default fp<AuthOptions>(
  async (app: FastifyInstance, opts) => {
    const enforce = opts.enforce ?? defaultEnforce();
    const secure = opts.secureCookies ?? (process.env.NODE_ENV === 'production' && process.env.WANGGE_SECURE_COOKIES !== 'off');
    const cost = opts.passwordCost ?? DEFAULT_COST;
    const production = opts.production ?? process.env.NODE_ENV === 'production';
    const seedDemo = opts.demoUsers ?? process.env.WANGGE_DEMO_USERS === 'on';
    app.decorate('authEnforced', enforce);
    app.decorate('authSettings', {
      enforce,
      secure,
      cost,
      loginLimit: opts.loginRateLimit ?? { max: 10, timeWindow: '1 minute' },
      production,
      demoListed: seedDemo && !production,
      lockout: opts.lockout ?? DEFAULT_LOCKOUT,
    } satisfies AuthSettings);
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

    app.addHook('onRequest', async (req) => {
      const token = req.cookies?.[SESSION_COOKIE];
      if (token) {
        const s = await findSession(app.db, token, { allowDemo: !production });
        if (s) {
          req.user = s.user;
          req.session = { tokenHash: s.tokenHash, csrf: s.csrf };
        }
      }
      if (!enforce) return;
      const resolved = req.routeOptions.config?.resolvedAccess;
      if (!resolved) return; // no route: 404 follows
      if (!isReadMethod(req.method)) {
        if (crossSite(req)) throw denied(403, '拒绝跨站请求 (cross-site request refused)');
        if (req.session && resolved.access !== 'public') {
          const sent = req.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !safeEqual(sent, req.session.csrf)) {
            throw denied(403, `缺少或错误的 CSRF 令牌 (missing or wrong ${CSRF_HEADER} header)`);
          }
        }
      }
      const verdict = checkRole(resolved.access, req.user);
      if (verdict === 401) throw denied(401, '请先登录 (sign in first)');
      if (verdict === 403) throw denied(403, `无权访问：需要 ${describeAccess(resolved.access)} (forbidden for role ${req.user?.role})`);
    });

    // Scope: after body parsing and validation, the sub-districts / grids a request names must be the user's.
    app.addHook('preHandler', async (req) => {
      if (!enforce || !req.user || req.user.role === 'admin') return;
      const resolved = req.routeOptions.config?.resolvedAccess;
      if (!resolved || typeof resolved.access === 'string' || !resolved.access.scope) return;
      const fromRoute = resolved.scopeOf ? await resolved.scopeOf(req, app.db) : null;
      const targets = [...(fromRoute ?? []), ...targetCodes(req.params, req.query, req.body)];
      if (!coversAll(req.user, targets)) {
        throw denied(403, '超出您负责的街道/网格范围 (outside your sub-districts or grids)');
      }
    });

    if (seedDemo) {
      app.addHook('onReady', async () => {
        const created = await seedDemoUsers(app.db);
        if (created.length) app.log.warn({ users: created }, 'created demo users with known passwords (development only)');
      });
    }
    if (production) {
      // Demo accounts a development start created in this database: they cannot sign in and their
      // sessions are ignored in production; say so once at start-up.
      app.addHook('onReady', async () => {
        const demo = await app.db.query<{ username: string }>('SELECT username FROM users WHERE demo ORDER BY username');
        if (demo.rows.length) {
          app.log.warn(
            { users: demo.rows.map((r) => r.username) },
            `NODE_ENV=production: ${demo.rows.length} demo account(s) with known passwords exist in this database and are DISABLED (cannot sign in, sessions ignored); delete them or keep them disabled`,
          );
        }
      });
    }
  },
  { name: 'wangge-auth' },
);
