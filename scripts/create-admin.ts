/**
 * npm run create-admin -- --user NAME --password PASS [--display-name TEXT]
 *   Creates an admin (or, with --reset, sets the password of an existing user and activates it).
 * npm run create-admin -- --demo-users
 *   Creates the demo users of docs/security.md (development only; refused when NODE_ENV=production).
 * Uses DATABASE_URL (PostGIS server) or WANGGE_DATA_DIR (embedded, default .data/pglite). When the
 * running server owns the embedded data directory, the work goes through it (its local token:
 * server/plugins/local-cli.ts), so the server sees the new administrator at once.
 */
import { ProductionSeedError, seedDemoUsers } from '../server/auth/demo';
import { passwordProblem } from '../server/auth/password';
import { CreateAdminError, createOrResetAdmin } from '../server/auth/create-admin';
import { adminFlags, failWith, UsageError } from './lib/cli';
import { callServer, exitOnDataDirError, openTarget, serverError } from './lib/db-or-server';

const USAGE = 'usage: npm run create-admin -- --user NAME --password PASS [--display-name TEXT] [--reset] | --demo-users';

async function main(): Promise<number> {
  const values = adminFlags(
    {
      user: { type: 'string' },
      password: { type: 'string' },
      'display-name': { type: 'string' },
      reset: { type: 'boolean', default: false },
      'demo-users': { type: 'boolean', default: false },
    } as const,
    USAGE,
  );
  if (!values) return 0;
  if (!values['demo-users'] && (!values.user || !values.password)) throw new UsageError(`--user and --password are required; ${USAGE}`);
  const user = values.user ?? '';
  const password = values.password ?? '';
  if (!values['demo-users']) {
    if (!/^[A-Za-z0-9_.@-]{2,64}$/.test(user)) throw new UsageError('user name: 2-64 characters of A-Z a-z 0-9 _ . @ -');
    const problem = passwordProblem(password, user, values['display-name']);
    if (problem) throw new UsageError(problem);
  }
  const target = await openTarget({ tool: 'create-admin', viaServer: true });
  if (target.server) {
    const body = values['demo-users']
      ? { demoUsers: true }
      : { user: values.user, password: values.password, displayName: values['display-name'], reset: values.reset };
    const res = await callServer(target.server, 'create-admin', 'POST', '/api/local/create-admin', JSON.stringify(body), {
      'content-type': 'application/json',
    });
    if (!res.ok) throw new Error(await serverError(res));
    process.stderr.write(`create-admin: done through the running server (pid ${target.server.pid})\n`);
    process.stdout.write(`${JSON.stringify(await res.json())}\n`);
    return 0;
  }
  const db = target.db;
  try {
    if (values['demo-users']) {
      const created = await seedDemoUsers(db);
      process.stdout.write(`${JSON.stringify({ created })}\n`);
      return 0;
    }
    const out = await createOrResetAdmin(db, { user, password, displayName: values['display-name'], reset: values.reset });
    process.stdout.write(`${JSON.stringify(out)}
`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    exitOnDataDirError(err);
    const bad = err instanceof UsageError || err instanceof ProductionSeedError || err instanceof CreateAdminError;
    failWith(err, bad);
  },
);
