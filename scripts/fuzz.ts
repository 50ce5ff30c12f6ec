/**
 * Fuzzes every route of the app from its OpenAPI schema (fast-check): schema-valid requests that
 * reach the handlers and mutated ones that must be refused, as an admin (auth enforced, so requests
 * pass the access checks) and anonymously. Checks: no 5xx, no stack trace or internal path in any
 * response, and no database change on any rejected request (row triggers count every committed
 * row change; md5 table checksums on request). Routes outside the OpenAPI document (registered
 * before it: login, users, audit) are fuzzed with schema-less inputs.
 *
 *   npm run fuzz -- [--requests 10000] [--backend pglite|postgres] [--seed 1] [--md5]
 *
 * Prints one JSON summary; exit 1 when any request failed a check. The vitest test
 * tests/server/fuzz.test.ts runs a smaller set through the same engine.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { buildApp } from '../server/app';
import type { Db } from '../server/db';
import { partitionToPlan } from '../server/partition/service';
import { publishPlan } from '../server/plans/store';
import { changedTables, dbChecksum, userTables } from '../tests/faults/db-checksum';
import { seedTestUsers, sessionFor, type TestLogin } from '../tests/helpers/auth';
import { openTestDb } from '../tests/helpers/backends';
import { insertFixture } from '../tests/helpers/demo-fixture';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

export interface Operation {
  method: string;
  /** Fastify form: /api/plans/:id */
  path: string;
  pathParams: Array<{ name: string; schema: Schema }>;
  queryParams: Array<{ name: string; schema: Schema; required: boolean }>;
  body?: Schema;
  /** false: the route reads raw bytes (uploads) or is not in the OpenAPI document */
  jsonBody: boolean;
  fromOpenApi: boolean;
}

export interface FuzzRequest {
  op: Operation;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  principal: 'admin' | 'anonymous';
  valid: boolean;
}

export interface FuzzFailure {
  request: string;
  status: number;
  problem: string;
  body: string;
}

export interface FuzzSummary {
  backend: string;
  requests: number;
  seed: number;
  operations: number;
  operationsReached: number;
  byStatus: Record<string, number>;
  /** requests answered 2xx/3xx per principal */
  admitted: { admin: number; anonymous: number };
  rejected: number;
  rejectedChecked: number;
  md5Checks: number;
  failures: FuzzFailure[];
  ms: number;
}

/* ------------------------------------------------------------------------------------------------
 * Operations from the OpenAPI document (+ the routes it does not list)
 * --------------------------------------------------------------------------------------------- */

/** Routes not to fuzz with an admin session (they end or weaken it); they are fuzzed anonymously. */
const ADMIN_SKIP = new Set(['POST /api/logout', 'POST /api/me/password']);
/** Outside the API: the docs UI and its assets (static files). */
const SKIP = (method: string, path: string) => path.startsWith('/docs') || method === 'HEAD' || method === 'OPTIONS';

function deref(doc: Schema, s: unknown): Schema {
  let x = (s ?? {}) as Schema;
  for (let i = 0; i < 10 && typeof x.$ref === 'string'; i++) {
    const parts = (x.$ref as string).replace(/^#\//, '').split('/');
    let cur: unknown = doc;
    for (const p of parts) cur = (cur as Record<string, unknown>)?.[p];
    x = (cur ?? {}) as Schema;
  }
  return x;
}

export function operationsOf(app: FastifyInstance): Operation[] {
  const doc = app.swagger() as unknown as Schema & { paths: Record<string, Record<string, Schema>> };
  const ops: Operation[] = [];
  const seen = new Set<string>();
  for (const [p, item] of Object.entries(doc.paths)) {
    const path = p.replace(/\{(\w+)\}/g, ':$1');
    for (const [m, opRaw] of Object.entries(item)) {
      const method = m.toUpperCase();
      if (SKIP(method, path)) continue;
      const op = opRaw as Schema & { parameters?: Schema[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };
      const params = (op.parameters ?? []).map((x) => deref(doc, x)) as Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
      const json = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method,
        path,
        pathParams: params.filter((x) => x.in === 'path').map((x) => ({ name: x.name, schema: deref(doc, x.schema) })),
        queryParams: params.filter((x) => x.in === 'query').map((x) => ({ name: x.name, schema: deref(doc, x.schema), required: !!x.required })),
        body: json ? deref(doc, json) : undefined,
        jsonBody: !!json || (method !== 'GET' && method !== 'DELETE' && !op.requestBody),
        fromOpenApi: true,
      });
      seen.add(`${method} ${path}`);
    }
  }
  // Routes registered before the OpenAPI plugin (auth, audit): no schema here, fuzzed generically.
  for (const r of app.routeAccess) {
    if (SKIP(r.method, r.url) || seen.has(`${r.method} ${r.url}`)) continue;
    seen.add(`${r.method} ${r.url}`);
    const names = [...r.url.matchAll(/:(\w+)/g)].map((x) => x[1]);
    ops.push({
      method: r.method,
      path: r.url,
      pathParams: names.map((name) => ({ name, schema: {} })),
      queryParams: [],
      body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      jsonBody: true,
      fromOpenApi: false,
    });
  }
  // Raw-body upload routes: the OpenAPI document has no JSON body for them.
  for (const op of ops) if (op.fromOpenApi && !op.body && /import$/.test(op.path) && op.method === 'POST') op.jsonBody = false;
  return ops.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/* ------------------------------------------------------------------------------------------------
 * Values from schemas
 * --------------------------------------------------------------------------------------------- */

/** Strings known to the database (ids, codes): schema-valid values that reach real rows. */
export interface Pool {
  strings: string[];
  integers: number[];
}

const NASTY_STRINGS = [
  '',
  ' ',
  "'; DROP TABLE plans; --",
  '" OR 1=1 --',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '<script>alert(1)</script>',
  '网格'.repeat(50),
  '𠀀𠀁😀',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '9'.repeat(40),
  '{"$ref":"#"}',
  '__proto__',
  'constructor',
  'x'.repeat(5000),
  '340802001001001',
  '340802001',
  '2024-02-30T25:61:00Z',
];
const NASTY_NUMBERS = [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e308, -1e308, 0.5, 1e-9, 9007199254740993];

const nasty = (): fc.Arbitrary<Json> =>
  fc.oneof(
    fc.constantFrom<Json>(...NASTY_STRINGS),
    fc.constantFrom<Json>(...NASTY_NUMBERS),
    fc.constantFrom<Json>(null, true, false, [], {}, [null], { a: null }),
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double({ noNaN: true }),
  );

function typesOf(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type as string[];
  if (typeof s.type === 'string') return [s.type as string];
  if (s.enum) return ['enum'];
  if (s.properties) return ['object'];
  if (s.items) return ['array'];
  return [];
}

function safeRegex(p: string): RegExp | null {
  try {
    return new RegExp(p, 'u');
  } catch {
    try {
      return new RegExp(p);
    } catch {
      return null;
    }
  }
}

/** A schema-valid value (most of the time: patterns and formats are honoured where fast-check can). */
export function validArb(s: Schema, pool: Pool, depth = 0): fc.Arbitrary<Json> {
  const alts = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (alts?.length) return fc.oneof(...alts.map((a) => validArb(a, pool, depth + 1)));
  if (s.const !== undefined) return fc.constant(s.const as Json);
  if (Array.isArray(s.enum) && s.enum.length) return fc.constantFrom(...(s.enum as Json[]));
  const types = typesOf(s);
  if (types.length === 0) return depth > 2 ? fc.constant(null) : (fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>);
  return fc.oneof(...types.map((t) => validOfType(t, s, pool, depth)));
}

function validOfType(t: string, s: Schema, pool: Pool, depth: number): fc.Arbitrary<Json> {
  switch (t) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : -1e6;
      const max = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : 1e6;
      const known = pool.integers.filter((n) => n >= min && n <= max);
      const base: fc.Arbitrary<number> =
        t === 'integer' ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
      const edges = [min, max].filter((n) => Number.isFinite(n) && (t === 'number' || Number.isInteger(n)));
      const parts: fc.Arbitrary<number>[] = [base];
      if (known.length) parts.push(fc.constantFrom(...known), fc.constantFrom(...known));
      if (edges.length) parts.push(fc.constantFrom(...edges));
      return fc.oneof(...parts);
    }
    case 'string': {
      const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
      const maxLength = typeof s.maxLength === 'number' ? Math.min(s.maxLength, 60) : 60;
      const re = typeof s.pattern === 'string' ? safeRegex(s.pattern) : null;
      const fits = (x: string) => x.length >= minLength && x.length <= (typeof s.maxLength === 'number' ? s.maxLength : Infinity) && (!re || re.test(x));
      const known = pool.strings.filter(fits);
      const parts: fc.Arbitrary<string>[] = [];
      if (re) parts.push(fc.stringMatching(re).filter(fits));
      else if (s.format === 'date-time') parts.push(fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));
      else if (s.format === 'date') parts.push(fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
      else parts.push(fc.string({ minLength, maxLength: Math.max(minLength, maxLength) }));
      if (known.length) parts.push(fc.constantFrom(...known), fc.constantFrom(...known), fc.constantFrom(...known));
      return fc.oneof(...parts);
    }
    case 'array': {
      const items = (s.items ?? {}) as Schema;
      const minItems = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxItems = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 5, Math.max(minItems, 5));
      if (depth > 4) return fc.constant([]);
      return fc.array(validArb(items, pool, depth + 1), { minLength: minItems, maxLength: maxItems });
    }
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      if (depth > 4) return fc.constant({});
      const rec: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props)) rec[k] = validArb(v, pool, depth + 1);
      const keys = Object.keys(rec);
      return fc.record(rec, { requiredKeys: keys.filter((k) => required.has(k)) }) as fc.Arbitrary<Json>;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

/** A value that breaks the schema somewhere (or a nasty value that may happen to fit). */
export function invalidArb(s: Schema, pool: Pool, depth = 0): fc.Arbitrary<Json> {
  const types = typesOf(s);
  const parts: fc.Arbitrary<Json>[] = [nasty()];
  if (types.includes('object') && s.properties && depth < 3) {
    const props = s.properties as Record<string, Schema>;
    const keys = Object.keys(props);
    // one property broken, the rest valid; or an unknown extra property; or a required one missing
    parts.push(
      validArb(s, pool, depth).chain((v) =>
        fc.oneof(
          keys.length
            ? fc.constantFrom(...keys).chain((k) => invalidArb(props[k], pool, depth + 1).map((bad) => ({ ...(v as object), [k]: bad }) as Json))
            : fc.constant(v),
          fc.string({ minLength: 1, maxLength: 8 }).map((k) => ({ ...(v as object), [`x_${k}`]: 1 }) as Json),
          keys.length ? fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(v as object).filter(([kk]) => kk !== k)) as Json) : fc.constant(v),
        ),
      ),
    );
  }
  if (types.includes('array') && depth < 3) {
    const items = (s.items ?? {}) as Schema;
    parts.push(fc.array(invalidArb(items, pool, depth + 1), { minLength: 1, maxLength: 4 }));
    if (typeof s.maxItems === 'number' && s.maxItems < 300) parts.push(validArb(items, pool, depth + 1).map((x) => Array.from({ length: (s.maxItems as number) + 1 }, () => x)));
  }
  if (types.includes('integer') || types.includes('number')) {
    const out: Json[] = [];
    if (typeof s.minimum === 'number') out.push(s.minimum - 1);
    if (typeof s.maximum === 'number') out.push(s.maximum + 1);
    out.push(1.5, '12abc', 'NaN', -0.0001);
    parts.push(fc.constantFrom(...out));
  }
  if (types.includes('string')) {
    const out: Json[] = [12, true, ['a']];
    if (typeof s.maxLength === 'number' && s.maxLength < 100_000) out.push('x'.repeat(s.maxLength + 1));
    if (typeof s.minLength === 'number' && s.minLength > 0) out.push('');
    parts.push(fc.constantFrom(...out));
  }
  return fc.oneof(...parts);
}

/* ------------------------------------------------------------------------------------------------
 * Requests
 * --------------------------------------------------------------------------------------------- */

const queryValue = (v: Json): string[] =>
  v === null || v === undefined ? [] : Array.isArray(v) ? v.flatMap((x) => queryValue(x)) : [typeof v === 'object' ? JSON.stringify(v) : String(v)];

const RAW_BODIES: Array<{ ct: string; body: Buffer }> = [
  { ct: 'text/csv', body: Buffer.from('lon,lat,name\n117.05,30.52,店\n') },
  { ct: 'text/csv', body: Buffer.from('lon,lat,time\n117.05,30.52,2024-01-01\n') },
  { ct: 'text/csv', body: Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x2c, 0xff, 0xfe, 0x0a]) },
  { ct: 'application/json', body: Buffer.from('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[30.52,117.05]}}]}') },
  { ct: 'application/json', body: Buffer.from('{"type":"FeatureCollection","features":[') },
  { ct: 'multipart/form-data; boundary=b', body: Buffer.from('--b\r\ncontent-disposition: form-data; name="datum"\r\n\r\nxx\r\n--b--\r\n') },
  { ct: 'application/octet-stream', body: Buffer.alloc(0) },
  { ct: 'application/xml', body: Buffer.from('<osm><node id="1" lat="30.52" lon="117.05"/></osm>') },
];

export function requestArb(op: Operation, pool: Pool): fc.Arbitrary<FuzzRequest> {
  const principal = ADMIN_SKIP.has(`${op.method} ${op.path}`) ? fc.constant<'anonymous'>('anonymous') : fc.constantFrom<'admin' | 'anonymous'>('admin', 'admin', 'admin', 'anonymous');
  const valid = op.fromOpenApi ? fc.boolean() : fc.constant(false);
  return fc.tuple(principal, valid).chain(([who, ok]) => {
    const part = (s: Schema) => (ok ? validArb(s, pool) : fc.oneof({ weight: 2, arbitrary: validArb(s, pool) }, { weight: 1, arbitrary: invalidArb(s, pool) }));
    const pathArb = fc.tuple(...op.pathParams.map((p) => (op.fromOpenApi ? part(p.schema) : fc.oneof(fc.constantFrom<Json>(...pool.integers.slice(0, 5), 1), nasty()))));
    const queryArb = fc.record(
      Object.fromEntries(op.queryParams.map((q) => [q.name, part(q.schema)])),
      { requiredKeys: ok ? op.queryParams.filter((q) => q.required).map((q) => q.name) : [] },
    );
    const extraQuery = ok ? fc.constant({}) : fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), nasty(), { maxKeys: 2 }), { nil: {} });
    const bodyArb: fc.Arbitrary<{ ct: string; body?: string | Buffer }> = !op.jsonBody
      ? fc.constantFrom(...RAW_BODIES).map((r) => ({ ct: r.ct, body: r.body }))
      : op.body
        ? fc.oneof(
            { weight: 8, arbitrary: (op.fromOpenApi ? part(op.body) : fc.oneof(nasty(), fc.dictionary(fc.constantFrom('username', 'password', 'role', 'active', 'newPassword', 'currentPassword', 'x'), nasty()))).map((b) => ({ ct: 'application/json', body: JSON.stringify(b) })) },
            { weight: ok ? 0 : 1, arbitrary: fc.constantFrom('{"a":', '[', 'null', '"', '{"__proto__":{"admin":true}}', '\u0000').map((b) => ({ ct: 'application/json', body: b })) },
            { weight: ok ? 0 : 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml').map((ct) => ({ ct, body: 'a=1&b=2' })) },
          )
        : fc.constant({ ct: '' });
    return fc.tuple(pathArb, queryArb, extraQuery, bodyArb).map(([pathVals, query, extra, body]) => {
      let url = op.path;
      op.pathParams.forEach((p, i) => {
        const v = pathVals[i];
        const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
        url = url.replace(`:${p.name}`, encodeURIComponent(s) || '0');
      });
      if (url.includes('*')) url = url.replace('*', 'x');
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...(extra as object), ...(query as object) })) for (const s of queryValue(v as Json)) qs.append(k, s);
      // uploads wait for their job so that its writes are attributed to this request
      if (!op.jsonBody && /import$/.test(op.path) && op.path === '/api/import' && !qs.has('wait') && ok) qs.set('wait', 'true');
      const q = qs.toString();
      const headers: Record<string, string> = {}; // the admin's cookie and CSRF token are added when sent
      if (body.body !== undefined) headers['content-type'] = body.ct;
      return { op, url: q ? `${url}?${q}` : url, headers, payload: body.body, principal: who, valid: ok };
    });
  });
}

/* ------------------------------------------------------------------------------------------------
 * The run
 * --------------------------------------------------------------------------------------------- */

const LEAK = /\n\s+at [\w<.]|node_modules|\/work\/|[\w-]+\.ts:\d+|\bTypeError\b|\bReferenceError\b|\bSyntaxError: Unexpected token\b(?![^"]*JSON)|duplicate key value|violates (?:foreign key|check|not-null|unique) constraint|syntax error at or near|relation "[^"]+" does not exist|column "[^"]+" does not exist/;

/** Row-level triggers on every table count committed row changes per table (rolled back work leaves no count). */
export async function installChangeCounter(db: Db): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS fuzz_changes (t text PRIMARY KEY, n bigint NOT NULL);
    CREATE OR REPLACE FUNCTION fuzz_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO fuzz_changes VALUES (TG_TABLE_NAME, 1) ON CONFLICT (t) DO UPDATE SET n = fuzz_changes.n + 1; RETURN NULL; END $$;`);
  for (const t of await userTables(db)) {
    if (t === 'fuzz_changes') continue;
    await db.exec(`DROP TRIGGER IF EXISTS fuzz_bump ON "${t}"; CREATE TRIGGER fuzz_bump AFTER INSERT OR UPDATE OR DELETE ON "${t}" FOR EACH ROW EXECUTE FUNCTION fuzz_bump();`);
  }
}

async function changeCounts(db: Db): Promise<Map<string, number>> {
  const r = await db.query<{ t: string; n: string }>('SELECT t, n::text AS n FROM fuzz_changes');
  return new Map(r.rows.map((x) => [x.t, Number(x.n)]));
}

/** Tables a refused request may change by design: a failed login is itself audited. */
const EXPECTED_ON_REFUSAL: Record<string, string[]> = { 'POST /api/login': ['audit_log'] };

export interface FuzzApp {
  app: FastifyInstance;
  db: Db;
  /** x-fuzz-seq of the requests whose onResponse hooks have all run */
  responded: Set<string>;
  admin: TestLogin;
  adminId: number;
  pool: Pool;
  close(): Promise<void>;
}

/** The app on a small district with a published plan, users of every role, enforce: true, change counter installed. */
export async function setupFuzzApp(backend: 'pglite' | 'postgres', opts: { extend?: (app: FastifyInstance) => void } = {}): Promise<FuzzApp> {
  const db = await openTestDb(backend);
  await insertFixture(db);
  const users = await seedTestUsers(db);
  const out = await partitionToPlan(db, { subdistricts: 'all', min: 100, max: 900, seed: 1, name: 'fuzz' });
  await publishPlan(db, out.planId, 1);
  await partitionToPlan(db, { subdistricts: ['340802001'], min: 100, max: 900, seed: 2, name: 'fuzz draft' });
  const app = await buildApp({ db, auth: { enforce: true } });
  // Runs after every other onResponse hook (the audit row of a write is written in one of them):
  // the fuzzer waits for it before it compares the database.
  const responded = new Set<string>();
  app.addHook('onResponse', async (req) => {
    const seq = req.headers['x-fuzz-seq'];
    if (typeof seq === 'string') responded.add(seq);
  });
  opts.extend?.(app);
  await app.ready();
  const pool = await poolOf(db);
  await installChangeCounter(db);
  const admin = await sessionFor(db, users.admin.id);
  return {
    app,
    db,
    responded,
    admin,
    adminId: users.admin.id,
    pool,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

async function poolOf(db: Db): Promise<Pool> {
  const strings = new Set<string>();
  const integers = new Set<number>([1, 2]);
  const grab = async (sql: string) => {
    try {
      for (const r of (await db.query<{ v: unknown }>(sql)).rows) {
        if (typeof r.v === 'number' || (typeof r.v === 'string' && /^\d{1,9}$/.test(r.v))) integers.add(Number(r.v));
        if (r.v !== null && r.v !== undefined) strings.add(String(r.v));
      }
    } catch {
      /* table absent on this schema version */
    }
  };
  await grab('SELECT id AS v FROM subdistricts');
  await grab('SELECT id AS v FROM communities');
  await grab('SELECT code AS v FROM grids LIMIT 20');
  await grab('SELECT id AS v FROM units LIMIT 20');
  await grab('SELECT id AS v FROM shops LIMIT 10');
  await grab('SELECT id AS v FROM plans');
  await grab('SELECT id AS v FROM jobs LIMIT 5');
  await grab('SELECT id AS v FROM defense_groups LIMIT 5');
  await grab('SELECT id AS v FROM cases LIMIT 5');
  for (const s of ['buildings', 'streets', 'shops', 'subdistricts', 'communities', 'grids', 'wgs84', 'gcj02', 'draft', 'published']) strings.add(s);
  return { strings: [...strings], integers: [...integers] };
}

export interface FuzzOptions {
  requests: number;
  seed: number;
  /** md5 checksum of every table before and after each rejected write (slow; default: only the counter) */
  md5?: boolean;
  perRequestMs?: number;
  /** only these operations (default: all) */
  only?: (op: Operation) => boolean;
  onProgress?: (done: number, failures: number) => void;
}

const isSse = (op: Operation) => op.path.endsWith('/events');

export async function runFuzz(f: FuzzApp, backend: string, opts: FuzzOptions): Promise<FuzzSummary> {
  const t0 = Date.now();
  const ops = operationsOf(f.app).filter(opts.only ?? (() => true));
  const arb = fc.constantFrom(...ops).chain((op) => requestArb(op, f.pool));
  const reqs = fc.sample(arb, { numRuns: opts.requests, seed: opts.seed });
  const summary: FuzzSummary = {
    backend,
    requests: 0,
    seed: opts.seed,
    operations: ops.length,
    operationsReached: 0,
    byStatus: {},
    admitted: { admin: 0, anonymous: 0 },
    rejected: 0,
    rejectedChecked: 0,
    md5Checks: 0,
    failures: [],
    ms: 0,
  };
  const reached = new Set<string>();
  const perRequestMs = opts.perRequestMs ?? 20_000;
  const settle = async (seq: string) => {
    const until = Date.now() + 3000;
    while (!f.responded.has(seq) && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
    f.responded.delete(seq);
    await f.app.jobs.idle();
  };
  for (const r of reqs) {
    const key = `${r.op.method} ${r.op.path}`;
    opts.onProgress?.(summary.requests, summary.failures.length);
    const write = r.op.method !== 'GET';
    const c0 = await changeCounts(f.db);
    const m0 = opts.md5 && write ? await dbChecksum(f.db) : null;
    let timer: NodeJS.Timeout | undefined;
    const res = await Promise.race([
      f.app.inject({ method: r.op.method as 'GET', url: r.url, headers: { ...r.headers, ...(r.principal === 'admin' ? f.admin.headers : {}), 'x-fuzz-seq': String(summary.requests) }, payload: r.payload, remoteAddress: `198.18.${(summary.requests >> 8) & 255}.${summary.requests & 255}` }),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), isSse(r.op) ? 2000 : perRequestMs))),
    ]);
    clearTimeout(timer);
    const seq = String(summary.requests);
    summary.requests++;
    const fail = (problem: string, status: number, body = '') =>
      summary.failures.length < 50 && summary.failures.push({ request: `${r.principal} ${r.op.method} ${r.url.slice(0, 300)}${r.payload ? ` ${String(r.payload).slice(0, 300)}` : ''}`, status, problem, body: body.slice(0, 400) });
    if (!res) {
      if (!isSse(r.op)) fail(`no answer within ${perRequestMs} ms`, 0);
      await settle(seq);
      continue;
    }
    const status = res.statusCode;
    summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
    if (status >= 500) fail('5xx', status, res.body);
    if (LEAK.test(res.body)) fail('internal detail (stack trace, source path or SQL error) in the response', status, res.body);
    await settle(seq);
    if (status < 400) {
      summary.admitted[r.principal]++;
      reached.add(key);
      // a successful write may end the admin session or demote the admin (users routes): restore both
      if (write && /^\/api\/(users|me)/.test(r.op.path)) {
        await f.db.query("UPDATE users SET role = 'admin', active = true, subdistricts = '{340802}' WHERE id = $1", [f.adminId]);
        f.admin = await sessionFor(f.db, f.adminId);
      }
      continue;
    }
    summary.rejected++;
    if (r.principal === 'admin' && status === 401) {
      f.admin = await sessionFor(f.db, f.adminId);
    }
    const c1 = await changeCounts(f.db);
    const allowed = new Set(EXPECTED_ON_REFUSAL[key] ?? []);
    summary.rejectedChecked++;
    const moved = [...c1].filter(([t, n]) => n !== (c0.get(t) ?? 0) && !allowed.has(t)).map(([t, n]) => `${t} +${n - (c0.get(t) ?? 0)}`);
    if (moved.length) fail(`rejected request changed rows: ${moved.join(', ')}`, status, res.body);
    if (m0) {
      const changed = changedTables(m0, await dbChecksum(f.db)).filter((t) => !allowed.has(t) && t !== 'fuzz_changes');
      summary.md5Checks++;
      if (changed.length) fail(`rejected request changed tables ${changed.join(', ')}`, status, res.body);
    }
    opts.onProgress?.(summary.requests, summary.failures.length);
  }
  summary.operationsReached = reached.size;
  summary.ms = Date.now() - t0;
  return summary;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const requests = Number(arg('requests') ?? 10_000);
  const seed = Number(arg('seed') ?? Date.now() % 1e9);
  const backend = (arg('backend') ?? 'pglite') as 'pglite' | 'postgres';
  const f = await setupFuzzApp(backend);
  let last = Date.now();
  const summary = await runFuzz(f, backend, {
    requests,
    seed,
    md5: process.argv.includes('--md5'),
    onProgress: (done, failures) => {
      if (Date.now() - last > 10_000) {
        last = Date.now();
        process.stderr.write(`fuzz: ${done}/${requests} requests, ${failures} failures\n`);
      }
    },
  });
  await f.close();
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  process.exit(summary.failures.length ? 1 : 0);
}

const invokedDirectly = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(2);
  });
}
