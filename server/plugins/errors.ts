import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';

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
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const status = err.validation ? 400 : (err.statusCode ?? 500);
      if (status >= 400 && status < 500) {
        const message = err.message;
        return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: message.trim() });
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
