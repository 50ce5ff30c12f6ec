import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { auditWrite } from '../audit/request';
import { passwordProblem } from '../auth/password';
import type { NewUserBody, UserPatchBody } from '../../common/http/users';
import { ROLES } from '../auth/roles';
import { deleteUserSessions } from '../auth/sessions';
import { createUser, getUser, listUsers, setPassword, updateUser } from '../auth/users';
import { codes, userSchema } from './auth';
import { InvalidRequestError, NotFoundError } from '../errors';
import { errorSchema } from '../http/schemas';

/**
 * User administration (admin): list, create, change. Registered after the docs and errors plugins
 * (OpenAPI, the shared error handler); passwords must pass passwordProblem (length, not the user
 * name, not guessable).
 */
export default fp(
  async (app: FastifyInstance) => {
    const { cost } = app.authSettings;
    // ---- user administration (admin) ----
    const admin = { access: { roles: ['admin'] } } as const;
    app.get(
      '/api/users',
      { config: admin, schema: { tags: ['auth'], summary: 'All users (admin)', response: { 200: { type: 'array', items: userSchema } } } },
      async () => listUsers(app.db),
    );

    app.post<{ Body: NewUserBody }>(
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
        const problem = passwordProblem(req.body.password, req.body.username, req.body.displayName);
        if (problem) throw new InvalidRequestError(problem);
        // a taken user name: DuplicateUserError (409), formatted by the error handler
        const u = await app.db.transaction(async (tx) => {
          const created = await createUser(tx, req.body, cost);
          await auditWrite(req, tx, { action: 'user.create', entity: 'user', entityId: created.id, after: created });
          return created;
        });
        return reply.code(201).send(u);
      },
    );

    app.patch<{
      Params: { id: number };
      Body: UserPatchBody;
    }>(
      '/api/users/:id',
      {
        config: admin,
        schema: {
          tags: ['auth'],
          summary: 'Change a user: role, scope, active flag, or reset the password (admin; ends their sessions)',
          params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } }, required: ['id'] },
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
      async (req) => {
        const { password, ...patch } = req.body;
        const before = await getUser(app.db, req.params.id);
        if (!before) throw new NotFoundError(`用户 ${req.params.id} 不存在 (user ${req.params.id} does not exist)`);
        if (password !== undefined) {
          const problem = passwordProblem(password, before.username, patch.displayName ?? before.displayName);
          if (problem) throw new InvalidRequestError(problem);
        }
        const after = await app.db.transaction(async (tx) => {
          const u = await updateUser(tx, req.params.id, patch);
          if (password !== undefined) await setPassword(tx, req.params.id, password, cost);
          if (password !== undefined || patch.active === false || patch.role !== undefined) await deleteUserSessions(tx, req.params.id);
          await auditWrite(req, tx, {
            action: 'user.update',
            entity: 'user',
            entityId: req.params.id,
            before,
            after: { ...u, passwordReset: password !== undefined },
          });
          return u;
        });
        return after;
      },
    );
  },
  { name: 'wangge-users', dependencies: ['wangge-auth', 'wangge-errors'] },
);
