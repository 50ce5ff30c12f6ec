import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { DB_UNAVAILABLE_MESSAGE, isConnectionError } from '../db/connection-errors';
import { addSharedSchemas } from '../http/schemas';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route's 413 message in a planner's words (its body over the route's bodyLimit); else Fastify's. */
    tooLargeMessage?: string;
  }
}

/** Paths that never fall back to the client's index.html. */
const NON_PAGE = /^\/(api|tiles|docs|fonts)(\/|$)/;

/**
 * Global error and not-found handling: validation errors -> 400 with a plain message, other client
 * errors keep their status and message, anything else -> 500 with a generic message (logged, never
 * a stack trace). Unknown /api (and other non-page) routes -> 404 JSON; unknown page paths -> the
 * client's index.html when the built client is served.
 */
export default fp(
  async (app) => {
    addSharedSchemas(app); // once, at the root, before any route: routes reference them by $ref
    app.setErrorHandler((err: FastifyError, req, reply) => {
      // SQLSTATE class 22 (data exception): a request value the database cannot take, e.g. an id of
      // 1e308 that passed a {type: integer} schema, or an out-of-range date. The client's fault: 400.
      if (!err.statusCode && !err.validation && typeof err.code === 'string' && /^22[0-9A-Z]{3}$/.test(err.code)) {
        req.log.warn({ err: { code: err.code, message: err.message } }, 'request value refused by the database');
        return reply
          .code(400)
          .send({ statusCode: 400, error: 'Bad Request', message: '请求中的数值超出范围或格式不正确 (a value in the request is out of range or malformed)' });
      }
      // The database server is away (stopped, restarting, our connection terminated): 503, and the
      // pool reconnects by itself once it is back.
      if (!err.statusCode && isConnectionError(err)) {
        req.log.warn({ err: { code: err.code, message: err.message } }, 'database unavailable');
        return reply.code(503).header('retry-after', '5').send({ statusCode: 503, error: 'Service Unavailable', message: DB_UNAVAILABLE_MESSAGE });
      }
      // SQLSTATE 23503/23514 (a referenced row is missing, a check constraint): what the request
      // named cannot be written: 422, as the capability's own checks answer.
      if (!err.statusCode && !err.validation && (err.code === '23503' || err.code === '23514')) {
        const message =
          err.code === '23503'
            ? '引用的记录（如巡逻路线）不存在 (a record the request refers to does not exist)'
            : `数据不合法：${err.message} (invalid data: ${err.message})`;
        return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message });
      }
      const status = err.validation ? 400 : (err.statusCode ?? 500);
      if (status >= 400 && status < 500) {
        // domain errors (server/errors.ts) add their own fields, e.g. a stale edit's current version
        const details = (err as { details?: unknown }).details;
        const extra = details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
        const tooLarge = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? req.routeOptions.config?.tooLargeMessage : undefined;
        return reply.code(status).send({ ...extra, statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: (tooLarge ?? err.message).trim() });
      }
      req.log.error({ err }, 'request failed');
      return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'internal server error' });
    });

    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0];
      const lastSegment = path.slice(path.lastIndexOf('/') + 1);
      const page = (req.method === 'GET' || req.method === 'HEAD') && !NON_PAGE.test(path) && !lastSegment.includes('.');
      if (page && app.clientIndex) return reply.type('text/html; charset=utf-8').sendFile('index.html');
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${path}` });
    });
  },
  { name: 'wangge-errors' },
);
