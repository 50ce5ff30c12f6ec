import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../db';
import { defenseReadScope } from '../defense/read-scope';
import { ROLES, type Role, type SessionUser } from './roles';

/**
 * What a route needs. Declare it on the route: `config: { access: { roles: ['planner', 'admin'],
 * scope: 'subdistrict' } }`. 'public' = anyone; 'authenticated' = any signed-in user;
 * roles = one of them (admin is NOT implied: list it). scope 'subdistrict' additionally checks the
 * sub-districts / grids the request names (see scopeOf and ./scope) against the user's.
 */
export type Access = 'public' | 'authenticated' | { roles: readonly Role[]; scope?: 'subdistrict' };

/** Resolves the sub-district ids / grid codes a request targets (null: not determinable here). */
export type ScopeResolver = (req: FastifyRequest, db: Queryable) => Promise<string[] | null>;

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
const READ = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isReadMethod = (m: string) => READ.has(m.toUpperCase());

export interface PolicyRule {
  /** 'read' = GET/HEAD/OPTIONS, 'write' = everything else, or one method. */
  methods: 'read' | 'write' | 'any' | Method;
  /** Route URL prefix on a path-segment boundary ('/api/plans' matches '/api/plans/:id/edits'). */
  path: string;
  access: Access;
  scopeOf?: ScopeResolver;
}

const ALL: Role[] = [...ROLES];
const roles = (...r: Role[]) => ({ roles: r });
const scoped = (...r: Role[]) => ({ roles: r, scope: 'subdistrict' as const });

/** Sub-districts of the plan named by :id. */
const planScope: ScopeResolver = async (req, db) => {
  const id = Number((req.params as Record<string, unknown> | undefined)?.id);
  if (!Number.isInteger(id) || id < 1) return null;
  const r = await db.query<{ subdistricts: string[] }>('SELECT subdistricts FROM plans WHERE id = $1', [id]);
  return r.rows[0]?.subdistricts ?? null;
};

/**
 * Sub-districts of the job named by :id (its params: `subdistricts` or `subdistrict`); none when the
 * job names none or does not exist (the route answers 404 for a job the caller does not see).
 */
export const jobScope: ScopeResolver = async (req, db) => {
  const id = (req.params as Record<string, unknown> | undefined)?.id;
  if (typeof id !== 'string' || !id) return null;
  const r = await db.query<{ params: Record<string, unknown> | string | null }>('SELECT params FROM jobs WHERE id = $1', [id]);
  const raw = r.rows[0]?.params;
  const params = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown> | null | undefined;
  const s = params?.subdistricts ?? params?.subdistrict;
  if (typeof s === 'string') return [s];
  if (Array.isArray(s)) return s.map(String);
  return null;
};

/** Any signed-in role, limited to the sub-districts the request names (the route adds what else it needs). */
export const ANY_ROLE_SCOPED: Access = { roles: ALL, scope: 'subdistrict' };

/**
 * The central fallback table for routes that do not declare `config.access` (first match wins).
 * Keep it short and by capability; a route-level declaration always takes precedence.
 */
export const POLICY: PolicyRule[] = [
  // system and session
  { methods: 'read', path: '/api/health', access: 'public' },
  { methods: 'POST', path: '/api/login', access: 'public' },
  { methods: 'any', path: '/api/logout', access: 'authenticated' },
  { methods: 'any', path: '/api/me', access: 'authenticated' },
  { methods: 'any', path: '/api/users', access: roles('admin') },
  { methods: 'any', path: '/api/audit', access: roles('admin') },
  { methods: 'any', path: '/api/backup', access: roles('admin') },
  // base map and layers (no personal data: the households table is not a layer)
  { methods: 'read', path: '/api/meta', access: 'authenticated' },
  { methods: 'read', path: '/api/subdistricts', access: 'authenticated' },
  { methods: 'read', path: '/api/communities', access: 'authenticated' },
  { methods: 'read', path: '/api/layers', access: 'authenticated' },
  { methods: 'read', path: '/api/tiles', access: 'authenticated' },
  { methods: 'read', path: '/api/jobs', access: 'authenticated' },
  { methods: 'read', path: '/api/stats', access: 'authenticated' },
  // grid plans and the automatic partition (planners of their sub-districts)
  { methods: 'read', path: '/api/plans', access: 'authenticated' },
  { methods: 'write', path: '/api/plans/:id', access: scoped('planner', 'admin'), scopeOf: planScope },
  { methods: 'write', path: '/api/plans', access: scoped('planner', 'admin') },
  { methods: 'read', path: '/api/partition', access: roles('planner', 'admin', 'leader') },
  { methods: 'write', path: '/api/partition', access: scoped('planner', 'admin') },
  { methods: 'any', path: '/api/import', access: roles('planner', 'admin') },
  // joint-defense groups, patrols, routing (coordinators of their sub-districts)
  // reads too are scoped (issue 15): a group, shop or sub-district outside the caller's is refused
  { methods: 'read', path: '/api/groups', access: scoped('coordinator', 'admin', 'leader'), scopeOf: defenseReadScope },
  { methods: 'write', path: '/api/groups', access: scoped('coordinator', 'admin') },
  { methods: 'read', path: '/api/patrols', access: scoped('coordinator', 'admin', 'leader'), scopeOf: defenseReadScope },
  { methods: 'write', path: '/api/patrols', access: scoped('coordinator', 'admin') },
  { methods: 'any', path: '/api/routing', access: roles('coordinator', 'admin', 'planner', 'leader') },
  { methods: 'read', path: '/api/shops', access: roles('coordinator', 'admin', 'leader') },
  { methods: 'write', path: '/api/shops', access: scoped('coordinator', 'admin') },
  // hot spots and the whistle workflow (leaders read; grid members report)
  { methods: 'read', path: '/api/hotspots', access: roles('leader', 'admin', 'coordinator') },
  { methods: 'write', path: '/api/hotspots', access: roles('leader', 'admin') },
  { methods: 'read', path: '/api/incidents', access: 'authenticated' },
  { methods: 'write', path: '/api/incidents', access: scoped('grid_member', 'admin') },
  { methods: 'read', path: '/api/cases', access: roles('leader', 'admin', 'grid_member', 'coordinator') },
  { methods: 'write', path: '/api/cases', access: scoped('grid_member', 'leader', 'admin') },
  { methods: 'read', path: '/api/visits', access: roles('grid_member', 'leader', 'admin') },
  { methods: 'write', path: '/api/visits', access: scoped('grid_member', 'admin') },
  // household-level personal data: admins and grid members of the household's grid only
  { methods: 'any', path: '/api/households', access: scoped('grid_member', 'admin') },
  // outside /api: tiles carry map data (authenticated); docs, styles, fonts, the client are public
  { methods: 'read', path: '/tiles', access: 'authenticated' },
];

function methodMatches(rule: PolicyRule['methods'], method: string): boolean {
  const m = method.toUpperCase();
  if (rule === 'any') return true;
  if (rule === 'read') return READ.has(m);
  if (rule === 'write') return !READ.has(m);
  return rule === m || (rule === 'GET' && m === 'HEAD');
}

function pathMatches(prefix: string, url: string): boolean {
  return url === prefix || url.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

export function findRule(method: string, url: string, table: PolicyRule[] = POLICY): PolicyRule | undefined {
  return table.find((r) => methodMatches(r.methods, method) && pathMatches(r.path, url));
}

export type AccessSource = 'declared' | 'fallback' | 'default' | 'missing';

export interface ResolvedAccess {
  access: Access;
  scopeOf?: ScopeResolver;
  source: AccessSource;
}

/**
 * The access of a route: its declaration, else the fallback table, else public outside /api
 * ('default'), else admin-only for an /api route nobody declared ('missing': fail closed).
 */
export function resolveAccess(method: string, url: string, declared?: Access, declaredScope?: ScopeResolver): ResolvedAccess {
  if (declared !== undefined) return { access: declared, scopeOf: declaredScope, source: 'declared' };
  const rule = findRule(method, url);
  if (rule) return { access: rule.access, scopeOf: declaredScope ?? rule.scopeOf, source: 'fallback' };
  if (!url.startsWith('/api/') && url !== '/api') return { access: 'public', source: 'default' };
  return { access: { roles: ['admin'] }, source: 'missing' };
}

/** 'ok', 401 (not signed in) or 403 (wrong role), before any scope check. */
export function checkRole(access: Access, user: SessionUser | null): 'ok' | 401 | 403 {
  if (access === 'public') return 'ok';
  if (!user) return 401;
  if (access === 'authenticated') return 'ok';
  return access.roles.includes(user.role) ? 'ok' : 403;
}

/** The roles an access admits (for documentation and the access-matrix test). */
export function allowedRoles(access: Access): Role[] {
  if (access === 'public' || access === 'authenticated') return [...ALL];
  return ALL.filter((r) => access.roles.includes(r));
}

export function describeAccess(access: Access): string {
  if (typeof access === 'string') return access;
  return `${access.roles.join(' | ')}${access.scope ? ` (own ${access.scope})` : ''}`;
}
