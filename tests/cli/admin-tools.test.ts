import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The admin tools follow the rule of every CLI here (issue N): bad arguments or a bad value exit 2
 * with exactly one `error:` line on stderr (usage inside it) and nothing on stdout. These cases are
 * refused before any database is opened.
 */
const dir = mkdtempSync(join(tmpdir(), 'admin-cli-'));
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const env: NodeJS.ProcessEnv = { ...process.env, WANGGE_DATA_DIR: join(dir, 'pglite') };
delete env.DATABASE_URL;
const run = (tool: string, args: string[]) => spawnSync(tsx, [join(process.cwd(), `scripts/${tool}.ts`), ...args], { encoding: 'utf8', timeout: 120_000, env });

function expectOneErrorLine(r: ReturnType<typeof spawnSync>, re: RegExp) {
  expect(r.status, String(r.stderr)).toBe(2);
  expect(r.stdout).toBe('');
  const lines = String(r.stderr).trim().split('\n');
  expect(lines, String(r.stderr)).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(re);
}

describe('admin tools: exit 2 with one error line', () => {
  it('create-admin: missing arguments, unknown option, bad user name, guessable password', () => {
    expectOneErrorLine(run('create-admin', []), /--user and --password are required; usage: npm run create-admin/);
    expectOneErrorLine(run('create-admin', ['--bogus']), /bogus/);
    expectOneErrorLine(run('create-admin', ['--user', 'a b', '--password', 'Wq7-plover-Anhui-31']), /user name/);
    expectOneErrorLine(run('create-admin', ['--user', 'root_admin', '--password', 'password']), /密码/);
    expect(run('create-admin', ['--help']).status).toBe(0);
  }, 120_000);

  it('backup and restore: missing arguments, unknown option, a backup file that does not exist', () => {
    expectOneErrorLine(run('backup', []), /--out FILE is required; usage: npm run backup/);
    expectOneErrorLine(run('backup', ['--bogus']), /bogus/);
    expectOneErrorLine(run('restore', []), /--file FILE is required; usage: npm run restore/);
    expectOneErrorLine(run('restore', ['--file', join(dir, 'nope.jsonl.gz')]), /nope\.jsonl\.gz: no such file/);
  }, 120_000);
});
