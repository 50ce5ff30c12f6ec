/**
 * The session routes over HTTP: GET /api/session (what the login screen needs), POST /api/login,
 * GET /api/me, POST /api/logout. Shapes of server/plugins/account.ts's answers, read by the
 * client's api.ts.
 */
import type { Role, SessionUser } from './roles';
import type { UserRecord } from './users';

/** A demo account listed on the login screen (development only). */
export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
  displayName: string;
}

/** GET /api/session: whether sign-in is required, the signed-in user (or null), its CSRF token, the demo accounts. */
export interface SessionInfo {
  enforced: boolean;
  user: SessionUser | null;
  csrf: string | null;
  demoAccounts: DemoAccount[];
}

/** POST /api/login: the user (its admin record) and the CSRF token to echo on writes. */
export interface LoginAnswer {
  user: UserRecord;
  csrf: string;
}

/** GET /api/me: the signed-in user and the CSRF token. */
export interface MeAnswer {
  user: SessionUser;
  csrf: string;
}
