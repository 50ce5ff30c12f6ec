import type { Db } from '../db';
import { DEFAULT_COST, type ScryptCost } from './password';
import type { Role } from './roles';
import { createUser, findForLogin } from './users';

/** Demo users, one per role: DEVELOPMENT ONLY (documented in docs/security.md). */
export const DEMO_USERS: ReadonlyArray<{ username: string; password: string; role: Role; displayName: string; subdistricts: string[]; grids: string[] }> = [
  { username: 'demo_admin', password: 'demo-admin-pass', role: 'admin', displayName: '演示管理员', subdistricts: ['340802'], grids: [] },
  {
    username: 'demo_planner',
    password: 'demo-planner-pass',
    role: 'planner',
    displayName: '演示规划员 (人民路/新河路)',
    subdistricts: ['340802001', '340802002'],
    grids: [],
  },
  {
    username: 'demo_coordinator',
    password: 'demo-coordinator-pass',
    role: 'coordinator',
    displayName: '演示警务协调员 (人民路)',
    subdistricts: ['340802001'],
    grids: [],
  },
  { username: 'demo_leader', password: 'demo-leader-pass', role: 'leader', displayName: '演示区领导 (全区)', subdistricts: ['340802'], grids: [] },
  {
    username: 'demo_grid_member',
    password: 'demo-grid-member-pass',
    role: 'grid_member',
    displayName: '演示网格员',
    subdistricts: ['340802001'],
    grids: ['340802001001001'],
  },
];

/** Demo users asked for in production (CLI: the message; HTTP 400). */
export class ProductionSeedError extends Error {
  readonly statusCode = 400;
  constructor() {
    super('NODE_ENV=production: refusing to create demo users with known passwords (use npm run create-admin)');
  }
}

/**
 * Creates the demo users that do not exist yet (idempotent). Throws in production: there are no
 * default passwords in production mode.
 */
export async function seedDemoUsers(db: Db, opts: { env?: NodeJS.ProcessEnv; cost?: ScryptCost } = {}): Promise<string[]> {
  const env = opts.env ?? process.env;
  if (env.NODE_ENV === 'production') throw new ProductionSeedError();
  const created: string[] = [];
  for (const u of DEMO_USERS) {
    if (await findForLogin(db, u.username)) continue;
    await createUser(db, { ...u, demo: true }, opts.cost ?? DEFAULT_COST);
    created.push(u.username);
  }
  return created;
}
