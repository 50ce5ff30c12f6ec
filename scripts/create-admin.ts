/**
 * npm run create-admin -- --user NAME --password PASS [--display-name TEXT]
 *   Creates an admin (or, with --reset, sets the password of an existing user and activates it).
 * npm run create-admin -- --demo-users
 *   Creates the demo users of docs/security.md (development only; refused when NODE_ENV=production).
 * Uses DATABASE_URL (PostGIS server) or WANGGE_DATA_DIR (embedded, default .data/pglite); stop the
 * server first when it uses the embedded database.
 */
import { parseArgs } from 'node:util';
import { ProductionSeedError, seedDemoUsers } from '../server/auth/demo';
import { passwordProblem } from '../server/auth/password';
import { createUser, findForLogin, setPassword, updateUser } from '../server/auth/users';
import { audit } from '../server/audit/log';
import { openDb } from '../server/db';

/** Bad arguments or a refused value: exit 2 with one `error:` line (the rule of every CLI here). */
class UsageError extends Error {}
const USAGE = 'usage: npm run create-admin -- --user NAME --password PASS [--display-name TEXT] [--reset] | --demo-users';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
    options: {
      user: { type: 'string' },
      password: { type: 'string' },
      'display-name': { type: 'string' },
      reset: { type: 'boolean', default: false },
      'demo-users': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; ${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values['demo-users'] && (!values.user || !values.password)) throw new UsageError(`--user and --password are required; ${USAGE}`);
  const user = values.user ?? '';
  const password = values.password ?? '';
  if (!values['demo-users']) {
    if (!/^[A-Za-z0-9_.@-]{2,64}$/.test(user)) throw new UsageError('user name: 2-64 characters of A-Z a-z 0-9 _ . @ -');
    const problem = passwordProblem(password, user, values['display-name']);
    if (problem) throw new UsageError(problem);
  }
  const db = await openDb();
  try {
    if (values['demo-users']) {
      const created = await seedDemoUsers(db);
      process.stdout.write(`${JSON.stringify({ created })}\n`);
      return 0;
    }
    const existing = await findForLogin(db, user);
    if (existing && !values.reset) throw new UsageError(`user ${user} exists (use --reset to set its password)`);
    await db.transaction(async (tx) => {
      if (existing) {
        await setPassword(tx, existing.user.id, password);
        await updateUser(tx, existing.user.id, { active: true });
        await tx.query('DELETE FROM sessions WHERE user_id = $1', [existing.user.id]);
        await audit(tx, { actor: 'cli:create-admin', action: 'user.password', entity: 'user', entityId: existing.user.id });
      } else {
        const u = await createUser(tx, { username: user, password, role: 'admin', subdistricts: ['340802'], displayName: values['display-name'] ?? null });
        await audit(tx, { actor: 'cli:create-admin', action: 'user.create', entity: 'user', entityId: u.id, after: u });
      }
    });
    process.stdout.write(`${JSON.stringify({ user, role: existing?.user.role ?? 'admin', reset: Boolean(existing) })}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const bad = err instanceof UsageError || err instanceof ProductionSeedError;
    process.stderr.write(`error: ${(err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(bad ? 2 : 1);
  },
);
