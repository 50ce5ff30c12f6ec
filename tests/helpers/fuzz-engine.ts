/**
 * Fuzzes every route of the app from its OpenAPI schema (fast-check): schema-valid requests that
 * reach the handlers and mutated ones that must be refused, as an admin (auth enforced, so requests
 * pass the access checks) and anonymously. Checks: no 5xx, no stack trace or internal path in any
 * response, and no database change on any rejected request (row triggers count every committed
 * row change; md5 table checksums on request). Every /api route is in the OpenAPI document (the
 * session, user and audit routes too); a route outside it would be fuzzed with schema-less inputs.
 * Broken values include, in every string field, the valid value with a NUL character inside; in
 * every number field huge numerals (1e20, 1e308, 2^63, as numbers and as text); in every array
 * field a valid item nested 2,000 arrays deep.
 *
 * Valid requests are state-aware: each is drawn just before it is sent from the identifiers the
 * database holds then (Live, re-read after every admitted write), bound to field names by route
 * (BINDINGS): a plan id and its current version, grids and units of that plan, a case and a
 * transition allowed from its status, a group, its members and its sub-district's version, ... so
 * that (nearly) every handler is reached past validation. The summary counts requests and admitted
 * ones (status < 400) per operation and lists the operations never admitted with the refusals seen.
 *
 *   npm run fuzz -- [--requests 10000] [--backend pglite|postgres] [--seed 1] [--md5]
 *
 * Prints one JSON summary; exit 1 when any request failed a check. The vitest test
 * tests/server/fuzz.test.ts runs a smaller set through the same engine.
 */
import { readdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { buildApp } from '../../server/app';
import { createUser } from '../../server/auth/users';
import { allowedNext, KINDS as CASE_KINDS } from '../../server/cases/workflow';
import { KINDS as RECORD_SPECS, RECORD_KINDS, type RecordKind } from '../../server/defense/records';
import { LAYER_IDS } from '../../server/queries/layers';
import { DEFAULT_FONTS_DIR } from '../../server/plugins/static';
import type { Db } from '../../server/db';
import { partitionToPlan } from '../../server/partition/service';
import { publishPlan } from '../../server/plans/store';
import { changedTables, dbChecksum, userTables } from '../faults/db-checksum';
import { seedTestUsers, sessionFor, TEST_COST, TEST_USERS, type TestLogin } from './auth';
import { openTestDb } from './backends';
import { insertFixture } from './demo-fixture';

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

/** admin: the fuzzing admin's session; spare: a fresh session of a planner kept for logout and password change */
export type Principal = 'admin' | 'anonymous' | 'spare';

export interface FuzzRequest {
  op: Operation;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  principal: Principal;
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
  /** per operation ("METHOD /path"): requests sent, admitted (status < 400), and the statuses seen */
  perOperation: Record<string, { requests: number; admitted: number; byStatus: Record<string, number>; refusals?: string[] }>;
  /** operations never admitted in this run */
  operationsNotReached: string[];
  byStatus: Record<string, number>;
  /** requests answered 2xx/3xx per principal */
  admitted: { admin: number; anonymous: number; spare: number };
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
  // Routes outside the OpenAPI document (none in the app since issue N: every /api route is in it): fuzzed generically.
  for (const r of app.routeAccess) {
    if (SKIP(r.method, r.url) || seen.has(`${r.method} ${r.url}`)) continue;
    seen.add(`${r.method} ${r.url}`);
    const names = [...r.url.matchAll(/:(\w+)/g)].map((x) => x[1]).concat(r.url.includes('*') ? ['*'] : []);
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

/**
 * Values known to the database. `strings`/`integers`: ids and codes of any kind, for fields nothing
 * else names; `named`: the live values of one field or parameter name in the request being built
 * (bound by route and context, see BINDINGS), e.g. `baseVersion` = the current version of the plan
 * the path names. Special names: `$body` (whole JSON bodies), `$schema` (a body schema the OpenAPI
 * document leaves open), `$raw` (upload bodies as {ct, body}).
 */
export interface Pool {
  strings: string[];
  integers: number[];
  named?: (name: string) => Json[] | undefined;
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
const NASTY_NUMBERS = [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e308, -1e308, 0.5, 1e-9, 9007199254740993, 1e20, 2 ** 63, -(2 ** 63)];
/** Huge numerals as text: query and path values arrive as text and are coerced by the schemas. */
const HUGE_NUMERALS = ['99999999999999999999', '1e308', '-1e308', '9223372036854775808', '2147483648', '1' + '0'.repeat(400)];
/** Arrays nested far deeper than any route takes (the JSON body guard refuses beyond 64 levels). */
const DEEP_DEPTH = 2000;
const deepArray = (leaf: Json): Json => {
  let v: Json = [leaf];
  for (let i = 1; i < DEEP_DEPTH; i++) v = [v];
  return v;
};
/** A string with a NUL character inside (PostgreSQL text cannot hold U+0000: SQLSTATE 22021). */
const withNul = (v: string): string => (v.length ? `${v.slice(0, Math.ceil(v.length / 2))}\u0000${v.slice(Math.ceil(v.length / 2))}` : 'a\u0000b');

const nasty = (): fc.Arbitrary<Json> =>
  fc.oneof(
    fc.constantFrom<Json>(...NASTY_STRINGS),
    fc.constantFrom<Json>(...HUGE_NUMERALS, deepArray(1), { a: deepArray('x') }),
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

/** Whether a value fits a schema (type, enum, bounds, pattern, lengths; not nested properties). */
export function fitsSchema(v: Json, s: Schema): boolean {
  const alts = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (alts?.length) return alts.some((a) => fitsSchema(v, a));
  if (Array.isArray(s.enum)) return (s.enum as Json[]).includes(v);
  const types = typesOf(s);
  if (v === null) return types.includes('null') || s.nullable === true || types.length === 0;
  if (types.length === 0) return true;
  if (Array.isArray(v)) return types.includes('array') && v.length >= ((s.minItems as number) ?? 0) && v.length <= ((s.maxItems as number) ?? Infinity);
  if (typeof v === 'string') {
    const re = typeof s.pattern === 'string' ? safeRegex(s.pattern) : null;
    return types.includes('string') && v.length >= ((s.minLength as number) ?? 0) && v.length <= ((s.maxLength as number) ?? Infinity) && (!re || re.test(v));
  }
  if (typeof v === 'number')
    return (
      (types.includes('number') || (types.includes('integer') && Number.isInteger(v))) &&
      v >= ((s.minimum as number) ?? -Infinity) &&
      v <= ((s.maximum as number) ?? Infinity)
    );
  if (typeof v === 'boolean') return types.includes('boolean');
  return types.includes('object');
}

/**
 * A schema-valid value (most of the time: patterns and formats are honoured where fast-check can).
 * `name`: the property or parameter the value is for; its live values (pool.named) are preferred 4:1.
 */
export function validArb(s: Schema, pool: Pool, depth = 0, name?: string): fc.Arbitrary<Json> {
  const known = name === undefined ? undefined : pool.named?.(name)?.filter((v) => fitsSchema(v, s));
  const gen = validAny(s, pool, depth, name);
  return known?.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: gen }) : gen;
}

function validAny(s: Schema, pool: Pool, depth: number, name?: string): fc.Arbitrary<Json> {
  const alts = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (alts?.length) return fc.oneof(...alts.map((a) => validArb(a, pool, depth + 1, name)));
  if (s.const !== undefined) return fc.constant(s.const as Json);
  if (Array.isArray(s.enum) && s.enum.length) return fc.constantFrom(...(s.enum as Json[]));
  const types = typesOf(s);
  if (types.length === 0) return depth > 2 ? fc.constant(null) : (fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>);
  return fc.oneof(...types.map((t) => validOfType(t, s, pool, depth, name)));
}

function validOfType(t: string, s: Schema, pool: Pool, depth: number, name?: string): fc.Arbitrary<Json> {
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
        t === 'integer'
          ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) })
          : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
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
      const known = s.format ? [] : pool.strings.filter(fits);
      const parts: fc.Arbitrary<string>[] = [];
      if (re) parts.push(fc.stringMatching(re).filter(fits));
      else if (s.format === 'date-time')
        parts.push(fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));
      else if (s.format === 'date')
        parts.push(fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
      else parts.push(fc.string({ minLength, maxLength: Math.max(minLength, maxLength) }));
      if (known.length) parts.push(fc.constantFrom(...known), fc.constantFrom(...known), fc.constantFrom(...known));
      return fc.oneof(...parts);
    }
    case 'array': {
      const items = (s.items ?? {}) as Schema;
      const minItems = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxItems = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 5, Math.max(minItems, 5));
      if (depth > 4) return fc.constant([]);
      return fc.array(validArb(items, pool, depth + 1, name), { minLength: minItems, maxLength: maxItems });
    }
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      if (depth > 4) return fc.constant({});
      const rec: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props)) rec[k] = validArb(v, pool, depth + 1, k);
      const keys = Object.keys(rec);
      return fc.record(rec, { requiredKeys: keys.filter((k) => required.has(k)) }) as fc.Arbitrary<Json>;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

/** A value that breaks the schema somewhere (or a nasty value that may happen to fit). */
export function invalidArb(s: Schema, pool: Pool, depth = 0, name?: string): fc.Arbitrary<Json> {
  const types = typesOf(s);
  const parts: fc.Arbitrary<Json>[] = [nasty()];
  if (types.includes('object') && s.properties && depth < 3) {
    const props = s.properties as Record<string, Schema>;
    const keys = Object.keys(props);
    // one property broken, the rest valid; or an unknown extra property; or a required one missing
    parts.push(
      validArb(s, pool, depth, name).chain((v) =>
        fc.oneof(
          keys.length
            ? fc.constantFrom(...keys).chain((k) => invalidArb(props[k], pool, depth + 1, k).map((bad) => ({ ...(v as object), [k]: bad }) as Json))
            : fc.constant(v),
          fc.string({ minLength: 1, maxLength: 8 }).map((k) => ({ ...(v as object), [`x_${k}`]: 1 }) as Json),
          keys.length
            ? fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(v as object).filter(([kk]) => kk !== k)) as Json)
            : fc.constant(v),
        ),
      ),
    );
  }
  if (types.includes('array') && depth < 3) {
    const items = (s.items ?? {}) as Schema;
    parts.push(fc.array(invalidArb(items, pool, depth + 1, name), { minLength: 1, maxLength: 4 }));
    // deep nesting: a valid item wrapped 2,000 arrays deep
    parts.push(validArb(items, pool, depth + 1, name).map((x) => deepArray(x)));
    if (typeof s.maxItems === 'number' && s.maxItems < 300)
      parts.push(validArb(items, pool, depth + 1, name).map((x) => Array.from({ length: (s.maxItems as number) + 1 }, () => x)));
  }
  if (types.includes('integer') || types.includes('number')) {
    const out: Json[] = [];
    if (typeof s.minimum === 'number') out.push(s.minimum - 1);
    if (typeof s.maximum === 'number') out.push(s.maximum + 1);
    out.push(1.5, '12abc', 'NaN', -0.0001, ...HUGE_NUMERALS, 1e20, 1e308, -1e308, 2 ** 63);
    parts.push(fc.constantFrom(...out));
  }
  if (types.includes('string')) {
    const out: Json[] = [12, true, ['a']];
    if (typeof s.maxLength === 'number' && s.maxLength < 100_000) out.push('x'.repeat(s.maxLength + 1));
    if (typeof s.minLength === 'number' && s.minLength > 0) out.push('');
    parts.push(fc.constantFrom(...out));
    // a NUL character inside an otherwise valid value (twice: the most likely way past validation)
    const nul = validArb(s, pool, depth, name).map((v) => (typeof v === 'string' ? withNul(v) : v));
    parts.push(nul, nul);
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
  {
    ct: 'application/json',
    body: Buffer.from('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[30.52,117.05]}}]}'),
  },
  { ct: 'application/json', body: Buffer.from('{"type":"FeatureCollection","features":[') },
  { ct: 'multipart/form-data; boundary=b', body: Buffer.from('--b\r\ncontent-disposition: form-data; name="datum"\r\n\r\nxx\r\n--b--\r\n') },
  { ct: 'application/octet-stream', body: Buffer.alloc(0) },
  { ct: 'application/xml', body: Buffer.from('<osm><node id="1" lat="30.52" lon="117.05"/></osm>') },
];

const str = (v: Json) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
/** A wildcard path (/fonts/*) keeps its slashes; every segment is encoded. */
const encodePath = (v: string) => v.split('/').map(encodeURIComponent).join('/');

/**
 * One request for an operation: valid (schema-valid, live values preferred) or possibly broken, as
 * the admin or anonymously; routes that end or weaken the session (ADMIN_SKIP) go as a spare user.
 */
export function requestArb(op: Operation, pool: Pool): fc.Arbitrary<FuzzRequest> {
  const principal: fc.Arbitrary<Principal> = ADMIN_SKIP.has(`${op.method} ${op.path}`)
    ? fc.constantFrom<Principal>('spare', 'anonymous')
    : fc.constantFrom<Principal>('admin', 'admin', 'admin', 'anonymous');
  const examples = pool.named?.('$body') ?? [];
  // schema-less routes (outside the OpenAPI document) are valid only with their examples
  const valid = op.fromOpenApi || examples.length || !op.body ? fc.boolean() : fc.constant(false);
  const bodySchema = (pool.named?.('$schema')?.[0] as Schema | undefined) ?? op.body;
  return fc.tuple(principal, valid).chain(([who, ok]) => {
    const part = (s: Schema, name?: string) =>
      ok ? validArb(s, pool, 0, name) : fc.oneof({ weight: 2, arbitrary: validArb(s, pool, 0, name) }, { weight: 1, arbitrary: invalidArb(s, pool, 0, name) });
    const pathArb = fc.tuple(
      ...op.pathParams.map((p) => {
        if (op.fromOpenApi) return part(p.schema, p.name);
        const known = pool.named?.(p.name) ?? [];
        return ok && known.length ? fc.constantFrom(...known) : fc.oneof(fc.constantFrom<Json>(...pool.integers.slice(0, 5), 1), nasty());
      }),
    );
    const queryExamples = pool.named?.('$query') ?? [];
    const queryGen = fc.record(Object.fromEntries(op.queryParams.map((q) => [q.name, part(q.schema, q.name)])), {
      requiredKeys: ok ? op.queryParams.filter((q) => q.required).map((q) => q.name) : [],
    });
    const queryArb =
      ok && queryExamples.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...queryExamples) }, { weight: 1, arbitrary: queryGen }) : queryGen;
    const extraQuery = ok ? fc.constant({}) : fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), nasty(), { maxKeys: 2 }), { nil: {} });
    const json = (a: fc.Arbitrary<Json>) => a.map((b) => ({ ct: 'application/json', body: JSON.stringify(b) }));
    const raw = (pool.named?.('$raw') ?? []) as Array<{ ct: string; body: string }>;
    const rawBody = fc.constantFrom(...RAW_BODIES).map((r) => ({ ct: r.ct, body: r.body as string | Buffer | undefined }));
    const bodyArb: fc.Arbitrary<{ ct: string; body?: string | Buffer }> =
      (op.method === 'GET' || op.method === 'DELETE') && !op.body
        ? ok
          ? fc.constant({ ct: '' }) // no body; a broken request may carry one anyway
          : fc.oneof({ weight: 3, arbitrary: fc.constant({ ct: '' }) }, { weight: 1, arbitrary: rawBody })
        : !op.jsonBody
          ? fc.oneof(
              { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((r) => ({ ct: r.ct, body: r.body })) },
              { weight: ok && raw.length ? 3 : 0, arbitrary: raw.length ? fc.constantFrom(...raw) : fc.constant(RAW_BODIES[0]) },
            )
          : bodySchema
            ? fc.oneof(
                {
                  weight: 8,
                  arbitrary: json(
                    op.fromOpenApi || ok
                      ? fc.oneof(
                          { weight: 1, arbitrary: part(bodySchema, '$root') },
                          { weight: examples.length ? 3 : 0, arbitrary: examples.length ? fc.constantFrom(...examples) : fc.constant(null) },
                        )
                      : fc.oneof(
                          nasty(),
                          fc.dictionary(fc.constantFrom('username', 'password', 'role', 'active', 'newPassword', 'currentPassword', 'x'), nasty()),
                        ),
                  ),
                },
                {
                  weight: ok ? 0 : 1,
                  arbitrary: fc
                    .constantFrom('{"a":', '[', 'null', '"', '{"__proto__":{"admin":true}}', '\u0000')
                    .map((b) => ({ ct: 'application/json', body: b })),
                },
                {
                  weight: ok ? 0 : 1,
                  arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml').map((ct) => ({ ct, body: 'a=1&b=2' })),
                },
              )
            : fc.constant({ ct: '' });
    return fc.tuple(pathArb, queryArb, extraQuery, bodyArb).map(([pathVals, query, extra, body]) => {
      let url = op.path;
      op.pathParams.forEach((p, i) => {
        const v = str(pathVals[i]);
        url = p.name === '*' ? url.replace('*', encodePath(v) || 'x') : url.replace(`:${p.name}`, encodeURIComponent(v) || '0');
      });
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...(extra as object), ...(query as object) })) for (const s of queryValue(v as Json)) qs.append(k, s);
      // uploads wait for their job so that its writes are attributed to this request
      if (!op.jsonBody && /import$/.test(op.path) && op.path === '/api/import' && !qs.has('wait') && ok) qs.set('wait', 'true');
      const q = qs.toString();
      const headers: Record<string, string> = {}; // the principal's cookie and CSRF token are added when sent
      if (body.body !== undefined) headers['content-type'] = body.ct;
      return { op, url: q ? `${url}?${q}` : url, headers, payload: body.body, principal: who, valid: ok };
    });
  });
}

/* ------------------------------------------------------------------------------------------------
 * Live identifiers: what the database holds now, bound to field names by route
 * --------------------------------------------------------------------------------------------- */

export interface LivePlan {
  id: number;
  version: number;
  status: string;
  subdistricts: string[];
  grids: string[];
  units: string[];
  /** neighbouring grids of one sub-district (merge, rebalance) */
  pairs: Array<[string, string]>;
  /** the plan's assignment as an import CSV (unit_id,grid_code) */
  csv: string;
  /** it has an undone edit (redo is possible) */
  redoable: boolean;
}

export interface LiveGroup {
  id: string;
  version: number;
  subdistrict: string;
  /** version of the sub-district's grouping (baseVersion of leader/move/swap/auto) */
  setVersion: number;
  members: string[];
}

export interface Live {
  plans: LivePlan[];
  cases: Array<{ id: string; status: string; version: number }>;
  groups: LiveGroup[];
  records: Array<{ group: string; kind: RecordKind; id: number; version: number }>;
  jobs: string[];
  routes: number[];
  users: Array<{ id: number; username: string }>;
  subdistricts: string[];
  /** grid codes of the published plans */
  grids: string[];
  shops: Array<{ id: string; lon: number; lat: number }>;
  /** points inside units (where cases are reported) */
  points: Array<{ lon: number; lat: number }>;
  incidents: string[];
  incidentTypes: string[];
  departments: string[];
  /** ledger entry ids (disputes first) and visit photo ids */
  ledgerEntries: number[];
  photos: number[];
  /** glyph files under /fonts/ */
  fonts: string[];
  /** known passwords by user name (test users; updated after every admitted password change) */
  passwords: Map<string, string>;
  /** households with personal data (credit entries name them) */
  households: string[];
  /** credit entries with their versions (reviews) */
  creditEntries: Array<{ id: number; version: number }>;
  /** serving party members and one grid each links (visits) */
  partyMembers: Array<{ id: number; grid: string }>;
  /** big party committee: needs (open first), projects with their versions, member units */
  committeeNeeds: number[];
  committeeProjects: Array<{ id: number; version: number; status: string }>;
  committeeUnits: string[];
  /** party branches and work teams (management) */
  partyBranches: string[];
  partyTeams: number[];
}

/** Reads the live identifiers (after every admitted write, so versions are current). */
export async function readLive(db: Db, passwords: Map<string, string>): Promise<Live> {
  const rows = async <T>(sql: string, params: unknown[] = []) => (await db.query<T & Record<string, unknown>>(sql, params)).rows as T[];
  const plansRaw = await rows<{ id: number; version: number; status: string; subdistricts: string[] }>(
    `SELECT id::int AS id, version, status, subdistricts FROM plans ORDER BY (status = 'published') DESC, id DESC LIMIT 12`,
  );
  const ids = plansRaw.map((p) => p.id);
  const grids = await rows<{ p: number; code: string }>('SELECT plan_id::int AS p, code FROM grids WHERE plan_id = ANY($1::bigint[]) ORDER BY code', [ids]);
  const assign = await rows<{ p: number; u: string; g: string | null }>(
    'SELECT plan_id::int AS p, unit_id AS u, grid_code AS g FROM plan_assignments WHERE plan_id = ANY($1::bigint[]) ORDER BY unit_id',
    [ids],
  );
  const pairs = await rows<{ p: number; a: string; b: string }>(
    `SELECT a.plan_id::int AS p, a.code AS a, b.code AS b FROM grids a JOIN grids b ON b.plan_id = a.plan_id AND a.code < b.code AND b.subdistrict_id = a.subdistrict_id AND ST_Intersects(a.geom, b.geom)
     WHERE a.plan_id = ANY($1::bigint[])`,
    [ids],
  );
  const redoable = new Set(
    (await rows<{ p: number }>('SELECT DISTINCT plan_id::int AS p FROM plan_edits WHERE undone AND plan_id = ANY($1::bigint[])', [ids])).map((x) =>
      Number(x.p),
    ),
  );
  const plans = plansRaw.map((p): LivePlan => {
    const mine = assign.filter((a) => a.p === p.id);
    return {
      ...p,
      version: Number(p.version),
      grids: grids.filter((g) => g.p === p.id).map((g) => g.code),
      units: mine.map((a) => a.u),
      pairs: pairs.filter((x) => x.p === p.id).map((x) => [x.a, x.b]),
      csv: ['unit_id,grid_code', ...mine.map((a) => `${a.u},${a.g ?? ''}`)].join('\n'),
      redoable: redoable.has(p.id),
    };
  });
  const groups = await rows<{ id: string; version: number; subdistrict: string; sv: number; members: string[] | null }>(
    `SELECT g.id, g.version, g.subdistrict_id AS subdistrict, COALESCE(s.version, 0) AS sv, array_remove(array_agg(m.shop_id ORDER BY m.shop_id), NULL) AS members
       FROM defense_groups g LEFT JOIN defense_sets s ON s.subdistrict_id = g.subdistrict_id LEFT JOIN defense_members m ON m.group_id = g.id
      GROUP BY g.id, s.version ORDER BY g.id LIMIT 40`,
  );
  const records = await rows<{ group: string; kind: RecordKind; id: number; version: number }>(
    `SELECT * FROM (${RECORD_KINDS.map((k) => `SELECT group_id AS group, '${k}' AS kind, id::int AS id, version FROM ${RECORD_SPECS[k].table}`).join(' UNION ALL ')}) r ORDER BY id DESC LIMIT 40`,
  );
  const col = async (sql: string) => (await rows<{ v: string }>(sql)).map((r) => r.v);
  let fonts: string[] = [];
  try {
    for (const stack of readdirSync(DEFAULT_FONTS_DIR))
      fonts.push(
        ...readdirSync(`${DEFAULT_FONTS_DIR}/${stack}`)
          .slice(0, 3)
          .map((f) => `${stack}/${f}`),
      );
  } catch {
    fonts = [];
  }
  return {
    plans,
    cases: (
      await rows<{ id: string; status: string; version: number }>(
        `SELECT id, status, version FROM cases ORDER BY (status IN ('evaluated', 'closed')), updated_at DESC LIMIT 30`,
      )
    ).map((c) => ({ ...c, version: Number(c.version) })),
    groups: groups.map((g) => ({ id: g.id, version: Number(g.version), subdistrict: g.subdistrict, setVersion: Number(g.sv), members: g.members ?? [] })),
    records: records.map((r) => ({ ...r, version: Number(r.version) })),
    jobs: await col('SELECT id AS v FROM jobs ORDER BY created_at DESC LIMIT 10'),
    routes: (await col('SELECT id::int AS v FROM patrol_routes ORDER BY id DESC LIMIT 10')).map(Number),
    users: (await rows<{ id: number; username: string }>('SELECT id::int AS id, username FROM users ORDER BY id')).map((u) => ({
      id: Number(u.id),
      username: u.username,
    })),
    subdistricts: await col('SELECT id AS v FROM subdistricts ORDER BY id'),
    grids: await col(`SELECT g.code AS v FROM grids g JOIN plans p ON p.id = g.plan_id WHERE p.status = 'published' ORDER BY g.code LIMIT 40`),
    shops: (await rows<{ id: string; lon: number; lat: number }>('SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM shops ORDER BY id LIMIT 60')).map(
      (x) => ({ id: x.id, lon: Number(x.lon), lat: Number(x.lat) }),
    ),
    points: (
      await rows<{ lon: number; lat: number }>(
        'SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM units ORDER BY id LIMIT 20',
      )
    ).map((x) => ({ lon: Number(x.lon), lat: Number(x.lat) })),
    incidents: await col('SELECT id AS v FROM incidents ORDER BY id LIMIT 20'),
    incidentTypes: await col('SELECT DISTINCT type AS v FROM incidents ORDER BY 1'),
    departments: await col('SELECT name AS v FROM case_departments ORDER BY sort_order, name'),
    ledgerEntries: (await col("SELECT id::int AS v FROM ledger_entries ORDER BY (kind = 'dispute' AND outcome IS NULL) DESC, id DESC LIMIT 20")).map(Number),
    photos: (await col('SELECT id::int AS v FROM field_photos ORDER BY id DESC LIMIT 10')).map(Number),
    fonts,
    passwords,
    households: await col('SELECT id AS v FROM households ORDER BY id LIMIT 20'),
    creditEntries: (await rows<{ id: number; version: number }>('SELECT id::int AS id, version FROM credit_entries ORDER BY id DESC LIMIT 20')).map((e) => ({
      id: Number(e.id),
      version: Number(e.version),
    })),
    partyMembers: (
      await rows<{ id: number; grid: string }>(
        'SELECT member_id::int AS id, min(grid_code) AS grid FROM party_member_grids GROUP BY member_id ORDER BY member_id LIMIT 20',
      )
    ).map((m) => ({ id: Number(m.id), grid: m.grid })),
    committeeNeeds: (await col("SELECT id::int AS v FROM committee_needs ORDER BY (status = 'open') DESC, id DESC LIMIT 20")).map(Number),
    committeeProjects: (
      await rows<{ id: number; version: number; status: string }>(
        "SELECT id::int AS id, version, status FROM committee_projects ORDER BY (status <> 'done') DESC, id DESC LIMIT 20",
      )
    ).map((p) => ({ id: Number(p.id), version: Number(p.version), status: p.status })),
    committeeUnits: await col('SELECT id AS v FROM committee_units ORDER BY id LIMIT 20'),
    partyBranches: await col('SELECT id AS v FROM party_branches ORDER BY id LIMIT 20'),
    partyTeams: (await col('SELECT id::int AS v FROM party_work_teams ORDER BY id LIMIT 20')).map(Number),
  };
}

/** What one request is about: entities picked from Live (by fast-check, so a seed repeats a run). */
export interface Ctx {
  plan?: LivePlan;
  other?: LivePlan;
  /** a plan with an undone edit */
  redo?: LivePlan;
  draft?: LivePlan;
  tile: { z: number; x: number; y: number };
  kase?: Live['cases'][number];
  group?: LiveGroup;
  record?: Live['records'][number];
  kind: RecordKind;
  point?: { lon: number; lat: number };
  login?: [string, string];
  /** a number for names that must be new (users, passwords, plan names) */
  n: number;
}

const pick = <T>(xs: T[]): fc.Arbitrary<T | undefined> => (xs.length ? fc.constantFrom(...xs) : fc.constant(undefined));

export function ctxArb(l: Live): fc.Arbitrary<Ctx> {
  return fc.record({
    plan: pick(l.plans),
    other: pick(l.plans),
    redo: pick(l.plans.filter((p) => p.redoable)),
    draft: pick(l.plans.filter((p) => p.status === 'draft')),
    tile: fc.integer({ min: 8, max: 16 }).map((z) => tileAt(117.05 + (z % 3) * 0.004, 30.52, z)),
    kase: pick(l.cases),
    group: pick(l.groups),
    record: pick(l.records),
    kind: fc.constantFrom(...RECORD_KINDS),
    point: pick(l.points),
    login: pick([...l.passwords]),
    n: fc.nat(999_999),
  });
}

/** The body schema of a group record of one kind (the OpenAPI document leaves it open). */
function recordSchema(kind: RecordKind, update: boolean): Schema {
  const spec = RECORD_SPECS[kind];
  return {
    type: 'object',
    properties: { ...spec.schema, ...(update ? { version: { type: 'integer', minimum: 1 } } : {}) },
    required: update ? ['version'] : spec.required,
    additionalProperties: false,
  };
}

/** The slippy-map tile holding a point at zoom z. */
function tileAt(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) };
}

const otherGroups = (l: Live, c: Ctx) => l.groups.filter((g) => c.group && g.subdistrict === c.group.subdistrict && g.id !== c.group.id);
const DATES = { from: ['2023-01-01', '2023-02-01T00:00:00Z'], to: ['2023-12-31', '2030-01-01T00:00:00+08:00'], asOf: ['2025-06-01T08:00:00Z'] };
export const SPARE_USER = 't_fuzz_spare';

/**
 * Field and parameter names → live values, by route ("METHOD /path" matched by the regex; the first
 * entry with values wins). One table instead of per-route generators: every schema-valid request
 * takes a field's live values 3 times out of 4 (validArb), random schema-valid ones otherwise.
 */
export const BINDINGS: Array<[RegExp, string[], (l: Live, c: Ctx, name: string) => Json[]]> = [
  // plans: the path names a live plan; versions, grids and units are that plan's
  [/ \/api\/plans\/:id\/diff$/, ['against'], (_l, c) => (c.other ? [c.other.id] : [])],
  [/ \/api\/plans\/:id\/diff$/, ['version'], (_l, c) => (c.plan ? [c.plan.version] : [])],
  [/ \/api\/plans\/:id\/diff$/, ['againstVersion'], (_l, c) => (c.other ? [c.other.version] : [])],
  [/ \/api\/plans\/:id\/redo$/, ['id'], (_l, c) => (c.redo ? [c.redo.id] : [])],
  [/ \/api\/plans\/:id\/redo$/, ['baseVersion'], (_l, c) => (c.redo ? [c.redo.version] : [])],
  [
    / \/api\/plans\/:id\/staff\/import$/,
    ['$body'],
    (_l, c) =>
      c.plan?.grids.length
        ? [{ content: `name,role,phone,grid_code\n示例组长${c.n},leader,,${c.plan.grids[0]}\n示例网格员${c.n},member,,${c.plan.grids[0]}` }]
        : [],
  ],
  [/ \/api\/plans\/:id\/merge$/, ['codes'], (_l, c) => c.plan?.pairs ?? []],
  [/ \/api\/plans\/:id\/merge$/, ['$body'], (_l, c) => (c.plan?.pairs ?? []).map((codes) => ({ baseVersion: c.plan!.version, codes }))],
  [/ \/api\/plans\/:id\/split$/, ['$body'], (_l, c) => (c.plan?.grids ?? []).map((code) => ({ baseVersion: c.plan!.version, code }))],
  [/ \/api\/plans\/:id\/new-grid$/, ['$body'], (_l, c) => (c.plan?.units ?? []).map((u) => ({ baseVersion: c.plan!.version, units: [u] }))],
  [
    / \/api\/plans\/:id\/edits$/,
    ['$body'],
    (_l, c) =>
      c.plan ? c.plan.units.flatMap((unit) => [...c.plan!.grids, null].map((to) => ({ baseVersion: c.plan!.version, moves: [{ unit, to }] })) as Json[]) : [],
  ],
  [/ \/api\/plans\/:id\/rebalance$/, ['codes'], (_l, c) => (c.plan ? [...c.plan.pairs, ...c.plan.grids.map((g) => [g]), ...c.plan.grids] : [])],
  [/ \/api\/plans\/:id/, ['id'], (_l, c) => (c.plan ? [c.plan.id] : [])],
  [/ \/api\/plans\/:id/, ['baseVersion'], (_l, c) => (c.plan ? [c.plan.version] : [])],
  [/ \/api\/plans\/:id/, ['code', 'codes', 'to'], (_l, c) => c.plan?.grids ?? []],
  [/ \/api\/plans\/:id/, ['unit', 'units'], (_l, c) => c.plan?.units ?? []],
  [/ \/api\/plans\/import$/, ['$body'], (_l, c) => (c.plan?.units.length ? [{ name: `导入 ${c.n}`, format: 'csv', content: c.plan.csv }] : [])],
  [/ \/api\/partition$/, ['previousPlan'], (l) => l.plans.map((p) => p.id)],
  [/ \/api\/partition$/, ['$body'], (l, c) => l.subdistricts.map((subdistrict) => ({ subdistrict, min: 100, max: 900, seed: c.n, name: `分区 ${c.n}` }))],
  // whistle cases: a live case, its version, the transitions allowed from its status
  [/ \/api\/cases\/:id/, ['id'], (_l, c) => (c.kase ? [c.kase.id] : [])],
  [/ \/api\/cases\/:id\/transitions$/, ['baseVersion'], (_l, c) => (c.kase ? [c.kase.version] : [])],
  [/ \/api\/cases\/:id\/transitions$/, ['to'], (_l, c) => (c.kase ? [...allowedNext(c.kase.status)] : [])],
  [
    / \/api\/cases\/:id\/transitions$/,
    ['$body'],
    (l, c) =>
      c.kase
        ? allowedNext(c.kase.status).map((to) => ({
            to,
            baseVersion: c.kase!.version,
            note: `fuzz ${c.n}`,
            ...(to === 'dispatched' && l.departments.length
              ? { kind: CASE_KINDS[c.n % CASE_KINDS.length], department: l.departments[c.n % l.departments.length] }
              : {}),
          }))
        : [],
  ],
  [/^POST \/api\/cases$/, ['lon'], (_l, c) => (c.point ? [c.point.lon] : [])],
  [/^POST \/api\/cases$/, ['lat'], (_l, c) => (c.point ? [c.point.lat] : [])],
  [/^POST \/api\/cases$/, ['incidentId'], (l) => l.incidents],
  [/ \/api\/(cases|layers|hotspots)/, ['from', 'to', 'asOf'], (_l, _c, name) => DATES[name as keyof typeof DATES]],
  [/ \/api\/cases/, ['department'], (l) => l.departments],
  // joint-defense groups: a live group, its members, its sub-district's grouping version, its records
  [/ \/api\/groups\/:id\/:kind\/:recordId$/, ['id'], (_l, c) => (c.record ? [c.record.group] : [])],
  [/ \/api\/groups\/:id\/:kind\/:recordId$/, ['kind'], (_l, c) => (c.record ? [c.record.kind] : [])],
  [/ \/api\/groups\/:id\/:kind\/:recordId$/, ['recordId'], (_l, c) => (c.record ? [c.record.id] : [])],
  [/ \/api\/groups\/:id\/:kind\/:recordId$/, ['version'], (_l, c) => (c.record ? [c.record.version] : [])],
  [/^PUT \/api\/groups\/:id\/:kind\/:recordId$/, ['$schema'], (_l, c) => [recordSchema(c.record?.kind ?? c.kind, true) as Json]],
  [/^POST \/api\/groups\/:id\/:kind$/, ['$schema'], (_l, c) => [recordSchema(c.kind, false) as Json]],
  [/ \/api\/groups\/:id\/:kind$/, ['kind'], (_l, c) => [c.kind]],
  [/ \/api\/groups\/:id/, ['id'], (_l, c) => (c.group ? [c.group.id] : [])],
  [/ \/api\/groups\/:id/, ['version'], (_l, c) => (c.group ? [c.group.version] : [])],
  [/ \/api\/groups\/:id/, ['route_id'], (l) => l.routes],
  [/ \/api\/groups\/(leader|move|swap|auto)$/, ['subdistrict'], (_l, c) => (c.group ? [c.group.subdistrict] : [])],
  [/ \/api\/groups\/(leader|move|swap|auto)$/, ['baseVersion'], (_l, c) => (c.group ? [c.group.setVersion] : [])],
  [/ \/api\/groups\/auto$/, ['$body'], (_l, c) => (c.group ? [{ subdistrict: c.group.subdistrict, baseVersion: c.group.setVersion, wait: true }] : [])],
  [/ \/api\/groups\/leader$/, ['group'], (_l, c) => (c.group ? [c.group.id] : [])],
  // consistent edits of a grouping (sub-district, its version, shops of its groups)
  [
    / \/api\/groups\/leader$/,
    ['$body'],
    (_l, c) =>
      c.group ? c.group.members.map((shop) => ({ subdistrict: c.group!.subdistrict, baseVersion: c.group!.setVersion, group: c.group!.id, shop })) : [],
  ],
  [
    / \/api\/groups\/move$/,
    ['$body'],
    (l, c) =>
      c.group
        ? c.group.members.flatMap(
            (shop) =>
              [...otherGroups(l, c).map((g) => g.id), null].map((to) => ({
                subdistrict: c.group!.subdistrict,
                baseVersion: c.group!.setVersion,
                shop,
                to,
              })) as Json[],
          )
        : [],
  ],
  [
    / \/api\/groups\/swap$/,
    ['$body'],
    (l, c) =>
      c.group
        ? c.group.members.flatMap((a) =>
            otherGroups(l, c)
              .flatMap((g) => g.members)
              .map((b) => ({ subdistrict: c.group!.subdistrict, baseVersion: c.group!.setVersion, a, b })),
          )
        : [],
  ],
  [/ \/api\/groups\/(leader|move|swap)$/, ['shop', 'a'], (_l, c) => c.group?.members ?? []],
  [/ \/api\/groups\/swap$/, ['b'], (l, c) => otherGroups(l, c).flatMap((g) => g.members)],
  [/ \/api\/groups\/move$/, ['to'], (l, c) => [...otherGroups(l, c).map((g) => g.id), null]],
  [/ \/api\/groups/, ['shop', 'leaders'], (l) => l.shops.map((s) => s.id)],
  // patrols; weekly patrol plans (generate waits, on the group's sub-district)
  [/ \/api\/patrols\/plans$/, ['subdistrict'], (_l, c) => (c.group ? [c.group.subdistrict] : [])],
  [/^POST \/api\/patrols\/plans$/, ['wait'], () => [true]],
  [/ \/api\/patrols\/routes\/:id/, ['id'], (l) => l.routes],
  [/ \/api\/patrols\//, ['group'], (_l, c) => (c.group ? [c.group.id] : [])],
  [/ \/api\/patrols\/route$/, ['save'], () => [true]],
  [/ \/api\/patrols\/route$/, ['$body'], (_l, c): Json[] => (c.group ? [{ group: c.group.id, save: true, name: `巡逻 ${c.n}` }, { group: c.group.id }] : [])],
  [
    / \/api\/patrols\/route$/,
    ['stops'],
    (l, c) => {
      const stops = l.shops.filter((s) => c.group?.members.includes(s.id)).map((s) => ({ id: s.id, lon: s.lon, lat: s.lat }));
      return stops.length ? [stops, stops.slice(0, 2)] : [];
    },
  ],
  // jobs, layers, hot spots, tiles, fonts
  [/ \/api\/jobs\/:id/, ['id'], (l) => l.jobs],
  [/ \/api\/layers\/:layer$/, ['layer'], () => [...LAYER_IDS]],
  [/ \/api\/layers\/:layer\/labels$/, ['layer'], () => ['water', 'compounds', 'communities', 'subdistricts']],
  // filters apply to the incidents layer only
  [
    / \/api\/layers\/:layer$/,
    ['$query'],
    (l): Json[] => [
      {},
      { bbox: '117.03,30.50,117.09,30.54' },
      { limit: 20 },
      ...l.incidentTypes.map((type) => ({ from: '2023-01-01', to: '2023-12-31', type })),
    ],
  ],
  [/ \/tiles\//, ['z'], (_l, c) => [c.tile.z]],
  [/ \/tiles\//, ['x'], (_l, c) => [c.tile.x]],
  [/ \/tiles\//, ['y'], (_l, c) => [c.tile.y]],
  [/ \/api\/import$/, ['layer'], () => ['shops']],
  [/ \/api\/import$/, ['datum'], () => ['wgs84']],
  [
    / \/api\/import$/,
    ['$raw'],
    (_l, c) => [
      {
        ct: 'application/geo+json',
        body: JSON.stringify({
          type: 'FeatureCollection',
          features: [{ type: 'Feature', properties: { id: `fz-${c.n}`, name: `新店${c.n}` }, geometry: { type: 'Point', coordinates: [117.045, 30.5155] } }],
        }),
      },
      { ct: 'text/csv', body: `id,name,lon,lat\nfz-${c.n},新店${c.n},117.0455,30.5152\n` },
    ],
  ],
  [/ \/api\/layers\/:layer$/, ['bbox'], () => ['117.03,30.50,117.09,30.54', '117.045,30.51,117.055,30.52']],
  [/ \/api\/(layers|hotspots)/, ['type', 'types'], (l) => l.incidentTypes],
  [/ \/api\/hotspots$/, ['hours'], () => ['0-23', '8,9,18-23']],
  [/ \/api\/hotspots$/, ['weekdays'], () => ['1-7', '6,7']],
  [/ \/fonts\//, ['*'], (l) => l.fonts],
  // accounts (outside the OpenAPI document: valid bodies by example)
  [/^POST \/api\/login$/, ['$body'], (_l, c) => (c.login ? [{ username: c.login[0], password: c.login[1] }] : [])],
  [/^POST \/api\/logout$/, ['$body'], () => [{}]],
  [
    /^POST \/api\/me\/password$/,
    ['$body'],
    (l, c) => (l.passwords.has(SPARE_USER) ? [{ currentPassword: l.passwords.get(SPARE_USER)!, newPassword: `spare-pass-${c.n}` }] : []),
  ],
  [/^POST \/api\/users$/, ['$body'], (_l, c) => [{ username: `fuzz_${c.n}`, password: `fuzz-pass-${c.n}`, role: 'leader', subdistricts: ['340802'] }]],
  [/^PATCH \/api\/users\/:id$/, ['id'], (l) => l.users.map((u) => u.id)],
  [
    /^PATCH \/api\/users\/:id$/,
    ['$body'],
    (_l, c): Json[] => [{ displayName: `用户${c.n}` }, { role: 'leader' }, { active: true }, { subdistricts: ['340802'] }, { password: `fuzz-pass-${c.n}` }],
  ],
  // field work and the grid ledger: a live grid, a point inside units, a live ledger entry
  [/^POST \/api\/field\/visits$/, ['lon'], (_l, c) => (c.point ? [c.point.lon] : [])],
  [/^POST \/api\/field\/visits$/, ['lat'], (_l, c) => (c.point ? [c.point.lat] : [])],
  [/^POST \/api\/(field\/visits|ledger\/entries)$/, ['clientKey'], (_l, c) => [`00000000-0000-4000-8000-${String(c.n).padStart(12, '0')}`]],
  [/^POST \/api\/field\/visits$/, ['startedAt'], () => [new Date(Date.now() - 2 * 3600e3).toISOString()]],
  [/^POST \/api\/field\/visits$/, ['endedAt'], () => [new Date(Date.now() - 3600e3).toISOString()]],
  [/^POST \/api\/ledger\/entries$/, ['occurredAt'], () => [new Date(Date.now() - 3600e3).toISOString()]],
  [/ \/api\/ledger\/entries\/:id$/, ['id'], (l) => l.ledgerEntries],
  [/ \/api\/field\/photos\/:id$/, ['id'], (l) => l.photos],
  // party building and the credit community: live households, entries (with versions), serving members
  [/ \/api\/credit\/entries\/:id\/review$/, ['id'], (l) => l.creditEntries.map((e) => e.id)],
  [
    / \/api\/credit\/entries\/:id\/review$/,
    ['$body'],
    (l, c) => l.creditEntries.map((e) => ({ decision: c.n % 2 ? 'approve' : 'reject', version: e.version })),
  ],
  [/ \/api\/credit\/entries$/, ['household'], (l) => l.households],
  [/^POST \/api\/credit\/entries$/, ['occurredOn'], () => ['2024-03-01']],
  [
    /^POST \/api\/party\/visits$/,
    ['$body'],
    (l, c) => l.partyMembers.map((m) => ({ memberId: m.id, grid: m.grid, visitedOn: '2024-03-01', note: `fuzz ${c.n}` })),
  ],
  // the big party committee: live needs, projects (with versions and a forward move), units
  [/ \/api\/party\/committee\/needs\/:id\/matches$/, ['id'], (l) => l.committeeNeeds],
  [/^POST \/api\/party\/committee\/projects$/, ['needId'], (l) => l.committeeNeeds],
  [/^POST \/api\/party\/committee\/projects$/, ['unitId'], (l) => l.committeeUnits],
  [/^PATCH \/api\/party\/committee\/projects\/:id$/, ['id'], (l) => l.committeeProjects.map((p) => p.id)],
  [
    /^PATCH \/api\/party\/committee\/projects\/:id$/,
    ['$body'],
    (l) => l.committeeProjects.map((p) => ({ status: p.status === 'planned' ? 'in_progress' : 'done', version: p.version })),
  ],
  [/ \/api\/party\/branches\/:id\/grids$/, ['id'], (l) => l.partyBranches],
  [/ \/api\/party\/teams\/:id\/members$/, ['id'], (l) => l.partyTeams],
  [/ \/api\/party\/members\/:id\/grids$/, ['id'], (l) => l.partyMembers.map((m) => m.id)],
  [/ \/api\/party\/(branches|members)\/:id\/grids$/, ['$body'], (l) => l.partyMembers.map((m) => ({ grids: [m.grid] }))],
  [/^POST \/api\/party\/committee\/needs$/, ['lon'], (_l, c) => (c.point ? [c.point.lon] : [])],
  [/^POST \/api\/party\/committee\/needs$/, ['lat'], (_l, c) => (c.point ? [c.point.lat] : [])],
  [/ \/api\/(party|credit)\//, ['prefix'], (l) => [...l.subdistricts, ...l.grids]],
  [/ \/api\/party\//, ['quarter'], () => ['2024Q1', '2026Q4']],
  // anywhere
  [/./, ['subdistrict', 'subdistricts'], (l) => l.subdistricts],
  [/./, ['grid'], (l) => l.grids],
];

/** The pool of one request: live values by name for this route and context. */
export function scopedPool(base: Pool, l: Live, op: Operation, ctx: Ctx): Pool {
  const key = `${op.method} ${op.path}`;
  // edits, history, locks and publishing act on drafts only
  const c = /^POST \/api\/plans\/:id\/(edits|undo|merge|split|new-grid|publish|locks)$/.test(key) ? { ...ctx, plan: ctx.draft } : ctx;
  return {
    ...base,
    named(name) {
      for (const [re, names, fn] of BINDINGS) {
        if (!names.includes(name) || !re.test(key)) continue;
        const v = fn(l, c, name);
        if (v.length) return v;
      }
      return undefined;
    },
  };
}

/* ------------------------------------------------------------------------------------------------
 * The run
 * --------------------------------------------------------------------------------------------- */

const LEAK =
  /\n\s+at [\w<.]|node_modules|\/work\/|[\w-]+\.ts:\d+|\bTypeError\b|\bReferenceError\b|\bSyntaxError: Unexpected token\b(?![^"]*JSON)|duplicate key value|violates (?:foreign key|check|not-null|unique) constraint|syntax error at or near|relation "[^"]+" does not exist|column "[^"]+" does not exist|invalid byte sequence for encoding|out of range for type|invalid input syntax for type|value too long for type|SQLSTATE/;

/** Row-level triggers on every table count committed row changes per table (rolled back work leaves no count). */
export async function installChangeCounter(db: Db): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS fuzz_changes (t text PRIMARY KEY, n bigint NOT NULL);
    CREATE OR REPLACE FUNCTION fuzz_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO fuzz_changes VALUES (TG_TABLE_NAME, 1) ON CONFLICT (t) DO UPDATE SET n = fuzz_changes.n + 1; RETURN NULL; END $$;`);
  for (const t of await userTables(db)) {
    if (t === 'fuzz_changes') continue;
    await db.exec(
      `DROP TRIGGER IF EXISTS fuzz_bump ON "${t}"; CREATE TRIGGER fuzz_bump AFTER INSERT OR UPDATE OR DELETE ON "${t}" FOR EACH ROW EXECUTE FUNCTION fuzz_bump();`,
    );
  }
}

async function changeCounts(db: Db): Promise<Map<string, number>> {
  const r = await db.query<{ t: string; n: string }>('SELECT t, n::text AS n FROM fuzz_changes');
  return new Map(r.rows.map((x) => [x.t, Number(x.n)]));
}

/** Tables a refused request may change by design: a failed login is itself audited and counted (per-account lockout). */
const EXPECTED_ON_REFUSAL: Record<string, string[]> = { 'POST /api/login': ['audit_log', 'login_failures'] };

export interface FuzzApp {
  app: FastifyInstance;
  db: Db;
  /** x-fuzz-seq of the requests whose onResponse hooks have all run */
  responded: Set<string>;
  admin: TestLogin;
  adminId: number;
  /** the spare planner whose sessions logout and password change end */
  spareId: number;
  /** known passwords by user name */
  passwords: Map<string, string>;
  pool: Pool;
  close(): Promise<void>;
}

/**
 * Live state for the handlers to act on, made through the API as the admin (so it is what the app
 * itself writes): joint-defense groups in both sub-districts, an equipment record, a saved patrol
 * route, three reported cases, and a partition job. Throws when any of it is refused.
 */
async function seedLiveState(app: FastifyInstance, admin: TestLogin): Promise<void> {
  const call = async (method: 'POST', url: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await app.inject({ method, url, payload, headers: admin.headers });
    if (res.statusCode >= 300) throw new Error(`fuzz setup: ${method} ${url} answered ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json();
  };
  for (const subdistrict of ['340802001', '340802002']) await call('POST', '/api/groups/auto', { subdistrict, wait: true, size: 4, min: 2, max: 6 });
  const g = await app.db.query<{ id: string }>('SELECT id FROM defense_groups ORDER BY id LIMIT 1');
  if (!g.rows[0]) throw new Error('fuzz setup: no joint-defense group was formed');
  await call('POST', `/api/groups/${g.rows[0].id}/equipment`, { kind: 'whistle', quantity: 2 });
  await call('POST', '/api/patrols/route', { group: g.rows[0].id, save: true, name: '巡逻' });
  for (const [lon, lat] of [
    [117.045, 30.515],
    [117.055, 30.515],
    [117.045, 30.525],
  ])
    await call('POST', '/api/cases', { title: '占道经营', lon, lat });
  await call('POST', '/api/partition', { subdistrict: '340802001', min: 100, max: 900, seed: 3, name: 'fuzz job' });
  await app.jobs.idle();
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
  const admin = await sessionFor(db, users.admin.id);
  await seedLiveState(app, admin);
  await seedCommittee(db);
  const spare = await createUser(db, { username: SPARE_USER, password: 'spare-pass-start', role: 'planner', subdistricts: ['340802'] }, TEST_COST);
  const passwords = new Map<string, string>([
    ...Object.values(TEST_USERS).map((u) => [u.username, u.password] as [string, string]),
    [SPARE_USER, 'spare-pass-start'],
  ]);
  const pool = await poolOf(db);
  await installChangeCounter(db);
  return {
    app,
    db,
    responded,
    admin,
    adminId: users.admin.id,
    spareId: spare.id,
    passwords,
    pool,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** A few big-party-committee rows (units at unit centres, an open need per published grid, a planned project) for the fuzzer to act on. */
async function seedCommittee(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO committee_units (id, subdistrict_id, name, kind, contact, phone, joined_on, geom)
     SELECT 'fu' || row_number() OVER (ORDER BY u.id), u.subdistrict_id, '单位' || u.id, 'enterprise', '党建办公室', '0556-5000000', '2022-01-01', ST_PointOnSurface(u.geom)
       FROM (SELECT id, subdistrict_id, geom FROM units ORDER BY id LIMIT 6) u`,
  );
  await db.query("INSERT INTO committee_resources (unit_id, category) SELECT id, 'parking' FROM committee_units");
  await db.query(
    `INSERT INTO committee_needs (grid_code, category, title, geom)
     SELECT g.code, 'parking', '停车难', ST_PointOnSurface(g.geom) FROM current_grids g ORDER BY g.code LIMIT 6`,
  );
  await db.query(
    `INSERT INTO committee_projects (kind, subdistrict_id, title, unit_id)
     SELECT 'project', subdistrict_id, '共建项目', id FROM committee_units ORDER BY id LIMIT 3`,
  );
  // a branch per community in force with its grids, a work team with two serving members (management routes)
  await db.query(
    `INSERT INTO party_branches (id, community_id, name, kind) SELECT 'FB' || c.id, c.id, c.name || '党支部', 'grid' FROM communities c
      WHERE EXISTS (SELECT 1 FROM current_grids g WHERE g.community_id = c.id)`,
  );
  await db.query(`INSERT INTO party_branch_grids (grid_code, branch_id) SELECT code, 'FB' || community_id FROM current_grids WHERE community_id IS NOT NULL`);
  const team = await db.query<{ id: string; community_id: string }>(
    `INSERT INTO party_work_teams (community_id, name) SELECT community_id, '党建工作队' FROM current_grids WHERE community_id IS NOT NULL ORDER BY code LIMIT 1 RETURNING id, community_id`,
  );
  if (team.rows[0]) {
    const m = await db.query<{ id: string }>(`INSERT INTO party_team_members (team_id, name) VALUES ($1, '报到党员甲'), ($1, '报到党员乙') RETURNING id`, [
      team.rows[0].id,
    ]);
    await db.query(
      `INSERT INTO party_member_grids (member_id, grid_code) SELECT m, (SELECT code FROM current_grids WHERE community_id = $2 ORDER BY code LIMIT 1) FROM unnest($1::bigint[]) AS m`,
      [m.rows.map((r) => r.id), team.rows[0].community_id],
    );
  }
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

/** Passwords set by an admitted account write, so later logins and password changes use them. */
function notePasswords(f: FuzzApp, live: Live, r: FuzzRequest): void {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(String(r.payload ?? '{}')) as Record<string, unknown>;
  } catch {
    return;
  }
  if (r.op.path === '/api/me/password' && r.principal === 'spare' && typeof body.newPassword === 'string') f.passwords.set(SPARE_USER, body.newPassword);
  if (r.op.path === '/api/users' && typeof body.username === 'string' && typeof body.password === 'string') f.passwords.set(body.username, body.password);
  if (r.op.path === '/api/users/:id' && typeof body.password === 'string') {
    const id = Number(decodeURIComponent(r.url.split('?')[0].split('/').pop() ?? ''));
    const u = live.users.find((x) => x.id === id);
    if (u) f.passwords.set(u.username, body.password);
  }
}

export async function runFuzz(f: FuzzApp, backend: string, opts: FuzzOptions): Promise<FuzzSummary> {
  const t0 = Date.now();
  const ops = operationsOf(f.app).filter(opts.only ?? (() => true));
  // The operations are drawn up front; each request is drawn just before it is sent, from the live
  // identifiers as they are then (re-read after every admitted write).
  const opSeq = fc.sample(fc.constantFrom(...ops), { numRuns: opts.requests, seed: opts.seed });
  let live = await readLive(f.db, f.passwords);
  let stale = false;
  const summary: FuzzSummary = {
    backend,
    requests: 0,
    seed: opts.seed,
    operations: ops.length,
    operationsReached: 0,
    perOperation: Object.fromEntries(ops.map((op) => [`${op.method} ${op.path}`, { requests: 0, admitted: 0, byStatus: {} }])),
    operationsNotReached: [],
    byStatus: {},
    admitted: { admin: 0, anonymous: 0, spare: 0 },
    rejected: 0,
    rejectedChecked: 0,
    md5Checks: 0,
    failures: [],
    ms: 0,
  };
  const reached = new Set<string>();
  const refusals: Record<string, string[]> = {};
  const perRequestMs = opts.perRequestMs ?? 20_000;
  const settle = async (seq: string) => {
    const until = Date.now() + 3000;
    while (!f.responded.has(seq) && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
    f.responded.delete(seq);
    await f.app.jobs.idle();
  };
  for (const [i, op] of opSeq.entries()) {
    if (stale) {
      live = await readLive(f.db, f.passwords);
      stale = false;
    }
    const [r] = fc.sample(
      ctxArb(live).chain((c) => requestArb(op, scopedPool(f.pool, live, op, c))),
      { numRuns: 1, seed: (opts.seed * 7919 + i) | 0 },
    );
    const key = `${r.op.method} ${r.op.path}`;
    opts.onProgress?.(summary.requests, summary.failures.length);
    const write = r.op.method !== 'GET';
    const auth = r.principal === 'admin' ? f.admin.headers : r.principal === 'spare' ? (await sessionFor(f.db, f.spareId)).headers : {};
    const c0 = await changeCounts(f.db);
    const m0 = opts.md5 && write ? await dbChecksum(f.db) : null;
    let timer: NodeJS.Timeout | undefined;
    const res = await Promise.race([
      f.app.inject({
        method: r.op.method as 'GET',
        url: r.url,
        headers: { ...r.headers, ...auth, 'x-fuzz-seq': String(summary.requests) },
        payload: r.payload,
        remoteAddress: `198.18.${(summary.requests >> 8) & 255}.${summary.requests & 255}`,
      }),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), isSse(r.op) ? 2000 : perRequestMs))),
    ]);
    clearTimeout(timer);
    const seq = String(summary.requests);
    summary.requests++;
    const per = summary.perOperation[key];
    per.requests++;
    const fail = (problem: string, status: number, body = '') =>
      summary.failures.length < 50 &&
      summary.failures.push({
        request: `${r.principal} ${r.op.method} ${r.url.slice(0, 300)}${r.payload ? ` ${String(r.payload).slice(0, 300)}` : ''}`,
        status,
        problem,
        body: body.slice(0, 400),
      });
    if (!res) {
      if (!isSse(r.op)) fail(`no answer within ${perRequestMs} ms`, 0);
      await settle(seq);
      continue;
    }
    const status = res.statusCode;
    summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
    per.byStatus[status] = (per.byStatus[status] ?? 0) + 1;
    if (status < 400) per.admitted++;
    else if (r.valid && r.principal !== 'anonymous') {
      // why a valid request was refused (kept for operations never admitted)
      const why = `${status} ${/"message":"([^"]{0,160})/.exec(res.body)?.[1] ?? res.body.slice(0, 160)}`;
      const seen = (refusals[key] ??= []);
      if (seen.length < 3 && !seen.includes(why)) seen.push(why);
    }
    if (status >= 500) fail('5xx', status, res.body);
    if (LEAK.test(res.body)) fail('internal detail (stack trace, source path or SQL error) in the response', status, res.body);
    await settle(seq);
    if (status < 400) {
      summary.admitted[r.principal]++;
      reached.add(key);
      if (write) stale = true;
      // a successful write may end the admin session or demote the admin or the spare user (users
      // routes): restore both; remember the passwords it set
      if (write && /^\/api\/(users|me)/.test(r.op.path)) {
        notePasswords(f, live, r);
        await f.db.query(
          "UPDATE users SET role = CASE WHEN id = $1 THEN 'admin' ELSE 'planner' END, active = true, subdistricts = '{340802}' WHERE id = ANY($2::int[])",
          [f.adminId, [f.adminId, f.spareId]],
        );
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
  summary.operationsNotReached = ops.map((op) => `${op.method} ${op.path}`).filter((k) => !reached.has(k));
  // why valid requests were refused: for the operations never admitted (FUZZ_REFUSALS=all: every operation)
  for (const k of process.env.FUZZ_REFUSALS === 'all' ? Object.keys(refusals) : summary.operationsNotReached)
    summary.perOperation[k].refusals = refusals[k] ?? [];
  summary.ms = Date.now() - t0;
  return summary;
}
