import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { InvalidRequestError } from '../errors';

/** Deepest nesting of arrays/objects a JSON body may have (GeoJSON needs 5; plan imports send files as strings). */
export const MAX_JSON_DEPTH = 64;

export type InputProblem = 'nul' | 'depth' | 'number';

/**
 * The first problem of a request value that no route can take, or null: a string (or key) holding a
 * NUL character (PostgreSQL text cannot store U+0000: SQLSTATE 22021), nesting deeper than
 * MAX_JSON_DEPTH, or (with `numbers`) a number beyond ±2^53 that no id, count or coordinate needs
 * (PostgreSQL bigint/integer overflow: SQLSTATE 22003). Iterative: a value nested 100,000 deep does
 * not overflow the stack here.
 */
export function inputProblem(value: unknown, opts: { numbers?: boolean } = {}): InputProblem | null {
  if (value === null || value === undefined || Buffer.isBuffer(value) || value instanceof Uint8Array) return null;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return 'nul';
    } else if (typeof v === 'number') {
      if (opts.numbers && Number.isFinite(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER) return 'number';
    } else if (v && typeof v === 'object') {
      if (Buffer.isBuffer(v) || v instanceof Uint8Array) continue;
      if (depth >= MAX_JSON_DEPTH) return 'depth';
      if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
      else
        for (const [k, x] of Object.entries(v)) {
          if (k.includes('\u0000')) return 'nul';
          stack.push([x, depth + 1]);
        }
    }
  }
  return null;
}

const MESSAGES: Record<InputProblem, string> = {
  nul: '请求中含有空字符 (U+0000)，无法处理 (a value in the request contains a NUL character)',
  depth: `请求数据嵌套过深（超过 ${MAX_JSON_DEPTH} 层） (request nested too deeply)`,
  number: '请求中的数值超出范围 (a number in the request is out of range)',
};

function refuse(problem: InputProblem): never {
  throw new InvalidRequestError(MESSAGES[problem]);
}

/**
 * Request values no route can take, refused with 400 before any route sees them: NUL characters and
 * deep nesting anywhere in the path parameters, query string and JSON body (before validation), and
 * numbers beyond ±2^53 (after validation, which turns query and path values into numbers). Register
 * before every plugin that adds routes. Raw bodies (file uploads) are left to their parsers.
 */
export default fp(
  async (app) => {
    app.addHook('preValidation', async (req: FastifyRequest) => {
      const p = inputProblem(req.params) ?? inputProblem(req.query) ?? inputProblem(req.body);
      if (p) refuse(p);
    });
    app.addHook('preHandler', async (req: FastifyRequest) => {
      const p = inputProblem(req.params, { numbers: true }) ?? inputProblem(req.query, { numbers: true }) ?? inputProblem(req.body, { numbers: true });
      if (p) refuse(p);
    });
  },
  { name: 'wangge-input-guard' },
);
