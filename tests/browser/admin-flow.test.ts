/**
 * The administrator's day, signed in as demo_admin through the login screen: create a planner
 * scoped to one sub-district (人民路 340802001; a weak password is refused with the server's
 * message in the form), the planner signs in and sees their role's tabs; the admin disables them
 * and they cannot sign in; a password reset (weak refused, then a strong one) and re-enabling let
 * them in with the new password only; the audit screen shows these actions with filters. The jobs
 * tab lists recent jobs; a dead-lettered one (its row as a queue worker leaves it after the last
 * failed run: failed, 3 runs, dead_letter, the error) is marked and shows its error.
 * Screenshots: test-results/admin-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { launchBrowser, openPage, screenshot, waitForReady } from '../helpers/browser';

let server: AppServer;
let browser: Browser;
const USER = 'planner_renmin';
const PASS1 = 'Renmin-plan-2026';
const PASS2 = 'New-renmin-pass-7';

beforeAll(async () => {
  server = await startAppServer({ data: 'demo', auth: true });
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const text = (page: Page, id: string) =>
  page
    .getByTestId(id)
    .textContent()
    .then((s) => s ?? '');

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login').waitFor({ timeout: 60_000 });
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await waitForReady(page);
}
async function signOut(page: Page): Promise<void> {
  await page.getByTestId('logout').click();
  await page.getByTestId('login').waitFor({ timeout: 60_000 });
}
/** A refused sign-in: the form stays with the error message. */
async function refused(page: Page, username: string, password: string): Promise<string> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect.poll(() => text(page, 'login-error'), { timeout: 30_000 }).not.toBe('');
  return text(page, 'login-error');
}
async function openAdmin(page: Page, tab: 'users' | 'audit' | 'jobs'): Promise<void> {
  await page.getByTestId('view-admin').click();
  await page.getByTestId(`admin-tab-${tab}`).click();
  await page.evaluate(() => window.__wanggeAdmin!.ready);
}
const userRow = (page: Page) => page.locator(`[data-testid="admin-users"] tr[data-user="${USER}"]`);

describe('admin (demo_admin)', () => {
  it('creates a scoped planner, disables them, resets the password, and sees it all in the audit log', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url);
    await page.getByTestId('login-demo-admin').click();
    await page.getByTestId('login-submit').click();
    await waitForReady(page);
    await openAdmin(page, 'users');
    expect(await text(page, 'admin-panel')).toContain('用户（5）');
    expect(await page.locator('[data-testid="admin-users"] tbody tr').count()).toBe(5);

    // create: a weak password is refused with the server's message, in the form
    await page.getByTestId('admin-user-new').click();
    await page.getByTestId('admin-user-username').fill(USER);
    await page.getByTestId('admin-user-password').fill('short');
    await page.getByTestId('admin-user-name').fill('人民路规划员');
    await page.getByTestId('admin-user-role').selectOption('planner');
    await page.getByTestId('admin-sub-340802001').check();
    await page.getByTestId('admin-user-create').click();
    await expect.poll(() => text(page, 'admin-user-status'), { timeout: 30_000 }).toMatch(/^密码至少 \d+ 个字符/);
    expect(await page.locator('[data-testid="admin-user-status"].error').count()).toBe(1);
    await screenshot(page, 'admin-weak-password');
    await page.getByTestId('admin-user-password').fill(PASS1);
    await page.getByTestId('admin-user-create').click();
    await expect.poll(() => text(page, 'admin-flash'), { timeout: 30_000 }).toBe(`已创建用户 ${USER}`);
    expect(await page.locator('[data-testid="admin-users"] tbody tr').count()).toBe(6);
    expect(await userRow(page).textContent()).toMatch(/人民路规划员.*规划员.*人民路街道.*启用/);
    const created = await server.db.query<{ role: string; subdistricts: string[]; active: boolean }>(
      'SELECT role, subdistricts, active FROM users WHERE username = $1',
      [USER],
    );
    expect(created.rows[0]).toMatchObject({ role: 'planner', subdistricts: ['340802001'], active: true });
    await screenshot(page, 'admin-created');

    // the new planner signs in: planner tabs, their scope, no administration
    await signOut(page);
    await signIn(page, USER, PASS1);
    expect(await page.locator('#user-chip').textContent()).toContain('人民路规划员');
    expect(await page.getByTestId('view-plan').count()).toBe(1);
    expect(await page.getByTestId('view-admin').count()).toBe(0);
    const me = await page.evaluate(async () => (await (await fetch('/api/me')).json()) as { user: { role: string; subdistricts: string[] } });
    expect(me.user).toMatchObject({ role: 'planner', subdistricts: ['340802001'] });
    expect(await page.evaluate(async () => (await fetch('/api/users')).status)).toBe(403);

    // the admin disables them: they cannot sign in
    await signOut(page);
    await signIn(page, 'demo_admin', 'demo-admin-pass');
    await openAdmin(page, 'users');
    await userRow(page).click();
    expect(await page.getByTestId('admin-user-form').getAttribute('data-user')).toBe(USER);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('admin-user-toggle').click();
    await expect.poll(() => text(page, 'admin-flash'), { timeout: 30_000 }).toBe(`已停用 ${USER}`);
    expect(await userRow(page).getByTestId('admin-user-state').textContent()).toBe('已停用');
    expect(await text(page, 'admin-user-toggle')).toBe('启用账号');
    await screenshot(page, 'admin-disabled');
    await signOut(page);
    expect(await refused(page, USER, PASS1)).toContain('用户名或密码错误');

    // reset the password (a weak one is refused in the form), enable again
    await signIn(page, 'demo_admin', 'demo-admin-pass');
    await openAdmin(page, 'users');
    await userRow(page).click();
    await page.getByTestId('admin-user-newpass').fill(USER);
    await page.getByTestId('admin-user-reset').click();
    await expect.poll(() => text(page, 'admin-user-status'), { timeout: 30_000 }).toContain('密码不能与用户名相同');
    await page.getByTestId('admin-user-newpass').fill(PASS2);
    await page.getByTestId('admin-user-reset').click();
    await expect.poll(() => text(page, 'admin-flash'), { timeout: 30_000 }).toBe(`已重置 ${USER} 的密码`);
    await page.getByTestId('admin-user-toggle').click();
    await expect.poll(() => text(page, 'admin-flash'), { timeout: 30_000 }).toBe(`已启用 ${USER}`);
    expect(await userRow(page).getByTestId('admin-user-state').textContent()).toBe('启用');

    // the old password no longer works, the new one does
    await signOut(page);
    expect(await refused(page, USER, PASS1)).toContain('用户名或密码错误');
    await signIn(page, USER, PASS2);
    expect(await page.locator('#user-chip').textContent()).toContain('人民路规划员');

    // the audit screen shows what happened
    await signOut(page);
    await signIn(page, 'demo_admin', 'demo-admin-pass');
    await openAdmin(page, 'audit');
    const rows = page.locator('[data-testid="audit-table"] tbody tr.ad-audit-row');
    const actions = async () => rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.action));
    const all = await actions();
    expect(all).toContain('user.create');
    expect(all).toContain('login.failed');
    expect(all[0]).toBe('login'); // newest first: this sign-in
    await screenshot(page, 'admin-audit');

    /** Runs one search and waits until its answer is drawn (the result's load counter moves). */
    const loads = () => page.getByTestId('audit-result').getAttribute('data-loads').then(Number);
    const run = async (click: () => Promise<void>) => {
      const n = await loads();
      await click();
      await expect.poll(loads, { timeout: 30_000 }).toBeGreaterThan(n);
    };
    const search = async (f: { actor?: string; action?: string; from?: string; to?: string }) => {
      await run(() => page.getByTestId('audit-clear').click());
      if (f.actor) await page.getByTestId('audit-actor').fill(f.actor);
      if (f.action) await page.getByTestId('audit-action').fill(f.action);
      if (f.from) await page.getByTestId('audit-from').fill(f.from);
      if (f.to) await page.getByTestId('audit-to').fill(f.to);
      await run(() => page.getByTestId('audit-search').click());
    };
    await search({ actor: 'demo_admin', action: 'user.update' });
    expect(await actions()).toEqual(['user.update', 'user.update', 'user.update']); // enable, reset, disable
    expect(await text(page, 'audit-page')).toBe('第 1–3 条，共 3 条');
    expect(await rows.first().textContent()).toContain('修改用户');
    // a row opens its before/after record: the last change re-enabled the user
    await rows.first().click();
    const record = await page.locator('[data-testid="audit-table"] tr.ad-audit-more:not([hidden]) pre').textContent();
    expect(record).toContain('"active": true');
    expect(await page.locator('[data-testid="audit-table"] tr.ad-audit-more:not([hidden])').getByTestId('audit-changes').textContent()).toContain(
      'active: false → true',
    );
    expect(record).toContain(`"username": "${USER}"`);
    await screenshot(page, 'admin-audit-updates');

    await search({ action: 'user.create' });
    expect(await text(page, 'audit-page')).toBe('第 1–1 条，共 1 条');
    await search({ action: 'login.failed' });
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain(USER);
    await search({ actor: USER, action: 'login' });
    expect(await rows.count()).toBe(2);

    // date filter (Shanghai days): yesterday has nothing, today has everything
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() + 8 * 3600e3 - 86400e3).toISOString().slice(0, 10);
    await search({ from: yesterday, to: yesterday });
    expect(await text(page, 'audit-page')).toBe('共 0 条');
    await search({ from: today, to: today });
    const todayTotal = Number(/共 (\d+) 条/.exec(await text(page, 'audit-page'))![1]);
    const dbTotal = Number((await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0].n);
    expect(todayTotal).toBe(dbTotal);
    // the refused sign-ins (401), the planner's GET /api/users (403) and the weak passwords (400) log resource errors
    expect(errors.filter((e) => !/status of (400|401|403)/.test(e))).toEqual([]);
    await page.close();
  }, 900_000);

  it('the jobs tab lists recent jobs; a dead-lettered job shows its error', async () => {
    // what server/jobs/queue-worker.ts records after the 3rd failed run of a partition on the PostGIS server
    await server.db.query(
      `INSERT INTO jobs (id, kind, status, progress, message, params, attempts, dead_letter, worker, created_at, updated_at) VALUES
         ('ui-dead', 'partition', 'failed', 0, '未知的街道编码：340802916', '{"subdistricts":["340802916"]}', 3, true, 'worker-host/4242', now(), now()),
         ('ui-ok', 'units', 'succeeded', 1, 'done', '{"subdistricts":["340802001"]}', 1, false, 'worker-host/4243', now() - interval '1 minute', now())`,
    );
    const { page, errors } = await openPage(browser);
    await page.goto(server.url);
    await page.getByTestId('login-demo-admin').click();
    await page.getByTestId('login-submit').click();
    await waitForReady(page);
    await openAdmin(page, 'jobs');
    const dead = page.locator('[data-testid="jobs-table"] tr[data-job="ui-dead"]');
    await dead.waitFor({ timeout: 30_000 });
    expect(await dead.getAttribute('data-status')).toBe('dead_letter');
    expect(await dead.getByTestId('job-dead').textContent()).toBe('死信');
    expect(await dead.getByTestId('job-error').textContent()).toBe('3 次运行均失败，已转入死信队列。错误：未知的街道编码：340802916');
    expect(await dead.isVisible()).toBe(true);
    expect(await page.locator('[data-testid="jobs-table"] tr[data-job="ui-ok"]').textContent()).toContain('已完成');
    await screenshot(page, 'admin-jobs');
    // the dead-letter filter leaves only it
    const loads = () => page.getByTestId('jobs-result').getAttribute('data-loads').then(Number);
    const n = await loads();
    await page.getByTestId('jobs-status').selectOption('dead_letter');
    await expect.poll(loads, { timeout: 30_000 }).toBeGreaterThan(n);
    expect(await page.locator('[data-testid="jobs-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')))).toEqual(['ui-dead']);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
