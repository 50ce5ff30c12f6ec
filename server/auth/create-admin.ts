import type { Db } from '../db';
import { audit } from '../audit/log';
import { passwordProblem } from './password';
import { createUser, findForLogin, setPassword, updateUser } from './users';

/** Bad input of create-admin (CLI exit 1 with the message; HTTP 400). */
export class CreateAdminError extends Error {
  readonly statusCode = 400;
}

export interface CreateAdminInput {
  user: string;
  password: string;
  displayName?: string | null;
  /** Set the password of an existing user (and activate it) instead of refusing. */
  reset?: boolean;
}

/**
 * `npm run create-admin`: creates an administrator, or with reset sets an existing user's password,
 * activates it and ends its sessions; one transaction with its audit row. Shared by the CLI on its
 * own database and by the running server's local route (server/plugins/local-cli.ts).
 */
export async function createOrResetAdmin(db: Db, input: CreateAdminInput, actor = 'cli:create-admin'): Promise<{ user: string; role: string; reset: boolean }> {
  const { user, password } = input;
  if (!/^[A-Za-z0-9_.@-]{2,64}$/.test(user)) throw new CreateAdminError('user name: 2-64 characters of A-Z a-z 0-9 _ . @ -');
  const problem = passwordProblem(password, user);
  if (problem) throw new CreateAdminError(problem);
  const existing = await findForLogin(db, user);
  if (existing && !input.reset) throw new CreateAdminError(`user ${user} exists (use --reset to set its password)`);
  await db.transaction(async (tx) => {
    if (existing) {
      await setPassword(tx, existing.user.id, password);
      await updateUser(tx, existing.user.id, { active: true });
      await tx.query('DELETE FROM sessions WHERE user_id = $1', [existing.user.id]);
      await audit(tx, { actor, action: 'user.password', entity: 'user', entityId: existing.user.id });
    } else {
      const u = await createUser(tx, { username: user, password, role: 'admin', subdistricts: ['340802'], displayName: input.displayName ?? null });
      await audit(tx, { actor, action: 'user.create', entity: 'user', entityId: u.id, after: u });
    }
  });
  return { user, role: existing?.user.role ?? 'admin', reset: Boolean(existing) };
}
