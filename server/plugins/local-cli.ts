import { timingSafeEqual } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { backupToStream } from '../audit/backup';
import { audit } from '../audit/log';
import { markAudited } from '../audit/request';
import { seedDemoUsers } from '../auth/demo';
import { CreateAdminError, createOrResetAdmin } from '../auth/create-admin';
import type { SessionUser } from '../auth/roles';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { errorSchema } from '../http/schemas';

/**
 * The command-line tools' door into the running server (docs/operations.md). The embedded data
 * directory has one owner (server/db/datadir-lock.ts); while the server owns it, `npm run
 * create-admin`, `backup` and `import` do their work through the server instead of opening the
 * directory. They authenticate with the server's local token: random per server start, written by
 * the server into `<dataDir>/wangge-server.json` (mode 0600, readable only by the account that runs
 * the server) and accepted only on connections from this machine. Such a request acts as an
 * administrator named `cli:<tool>` (audit log); the token never enables a browser session.
 */
export const LOCAL_TOKEN_HEADER = 'x-wangge-local-token';
export const LOCAL_CLI_HEADER = 'x-wangge-cli';

declare module 'fastify' {
  interface FastifyRequest {
    /** True when the request came from a local command-line tool with the server's token. */
    localCli: boolean;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** From this machine: loopback, or the connection's own address (server bound to one interface). */
function fromThisMachine(req: FastifyRequest): boolean {
  const remote = req.raw.socket.remoteAddress ?? '';
  return LOOPBACK.has(remote) || (remote !== '' && remote === req.raw.socket.localAddress);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token check: register BEFORE the auth plugin (its onRequest runs first). */
export const localCliAuth = fp<{ token: string }>(
  async (app, opts) => {
    app.decorateRequest('localCli', false);
    app.addHook('onRequest', async (req) => {
      const sent = req.headers[LOCAL_TOKEN_HEADER];
      if (sent === undefined) return;
      if (typeof sent !== 'string' || !fromThisMachine(req) || !sameSecret(sent, opts.token)) {
        throw new UnauthorizedError('本地令牌无效或请求不是来自本机 (wrong local token, or not from this machine)');
      }
      const tool =
        String(req.headers[LOCAL_CLI_HEADER] ?? 'cli')
          .replace(/[^a-z0-9-]/gi, '')
          .slice(0, 40) || 'cli';
      const user: SessionUser = { id: 0, username: `cli:${tool}`, displayName: null, role: 'admin', subdistricts: ['340802'], grids: [] };
      req.user = user;
      req.localCli = true;
    });
  },
  { name: 'wangge-local-cli-auth' },
);

const ONLY_LOCAL = '仅供本机命令行工具使用 (only for the local command-line tools)';

/** Routes only the local tools use (registered only when the server has a local token). */
export const localCliRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Body: { user?: string; password?: string; displayName?: string; reset?: boolean; demoUsers?: boolean } }>(
    '/local/create-admin',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['system'],
        summary: 'npm run create-admin through the running server (local token only)',
        body: {
          type: 'object',
          properties: {
            user: { type: 'string', maxLength: 64 },
            password: { type: 'string', maxLength: 200 },
            displayName: { type: 'string', maxLength: 200 },
            reset: { type: 'boolean' },
            demoUsers: { type: 'boolean' },
          },
          additionalProperties: false,
        },
        response: { 400: errorSchema, 403: errorSchema },
      },
    },
    async (req) => {
      if (!req.localCli) throw new ForbiddenError(ONLY_LOCAL);
      const b = req.body;
      // bad input (CreateAdminError) and demo users in production (ProductionSeedError): 400 from the error handler
      try {
        if (b.demoUsers) {
          const created = await seedDemoUsers(app.db);
          return { created };
        }
        if (!b.user || !b.password) throw new CreateAdminError('user and password are required');
        return await createOrResetAdmin(app.db, { user: b.user, password: b.password, displayName: b.displayName, reset: b.reset }, req.user!.username);
      } finally {
        markAudited(req); // cleanup, not error handling: createOrResetAdmin wrote its own row, whatever the answer
      }
    },
  );

  app.get(
    '/local/backup',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['system'],
        summary: 'npm run backup through the running server: the backup as JSON lines (local token only)',
        response: { 403: errorSchema },
      },
    },
    async (req, reply) => {
      if (!req.localCli) throw new ForbiddenError(ONLY_LOCAL);
      const out = new PassThrough();
      const t0 = Date.now();
      backupToStream(app.db, out)
        .then(async (s) => {
          out.end();
          await audit(app.db, {
            actor: req.user!.username,
            action: 'db.backup',
            entity: 'backup',
            after: { rows: s.rows, ms: Date.now() - t0 },
            method: 'GET',
            url: req.url,
            ip: req.ip,
          });
        })
        .catch((err: unknown) => {
          req.log.error({ err }, 'backup through the server failed');
          out.destroy(err instanceof Error ? err : new Error(String(err))); // the reader sees no end marker
        });
      markAudited(req);
      return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(out);
    },
  );
};
