/**
 * The weekly patrol plan in real Chromium against the real server on the demo district: the
 * coordinator of 人民路 (340802001) generates next week's plan in the joint-defense view, sees the
 * coverage of the plan next to the current and random routes, the routes of one weekday on the map
 * and the schedule per group; moves a slot (the coverage figure is re-computed at once), saves,
 * publishes; a patrol log is linked to a planned patrol; the leader sees the coverage and planned vs
 * done in the hot-spot view. No request leaves our origin.
 * Screenshots: test-results/patrol-plan-generated.png, patrol-plan-friday.png, patrol-plan-edited.png,
 * patrol-plan-leader.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { foreignRequests, launchBrowser, openPage, screenshot, waitForIdle, waitForReady } from '../helpers/browser';
import { autoGroup } from '../../server/defense/service';

let server: AppServer;
let browser: Browser;
let page: Page;
let requests: string[];
const sub = '340802001';

async function login(p: Page, user: string, pass: string, view: string) {
  await p.goto(`${server.url}/#view=${view}`, { timeout: 180_000 });
  await p.getByTestId('login').waitFor({ timeout: 60_000 });
  await p.getByTestId('login-username').fill(user);
  await p.getByTestId('login-password').fill(pass);
  await p.getByTestId('login-submit').click();
  await waitForReady(p);
}

describe('weekly patrol plan (browser)', () => {
  beforeAll(async () => {
    server = await startAppServer({ auth: true });
    await autoGroup(server.db, { subdistrict: sub });
    browser = await launchBrowser();
    ({ page, requests } = await openPage(browser));
    await login(page, 'demo_coordinator', 'demo-coordinator-pass', 'groups');
    await page.waitForFunction(() => Boolean((window as any).__wanggeGroups));
    await page.evaluate(() => (window as any).__wanggeGroups.loaded());
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('generates the plan: coverage side by side, routes on the map, schedule per group', async () => {
    await page.getByTestId('plan-generate').click();
    await page.waitForSelector('[data-testid=plan-table] tbody tr', { timeout: 120_000 });
    const cov = async (id: string) => Number((await page.locator(`[data-testid=plan-cov-${id}] strong`).innerText()).replace('%', ''));
    const gen = await cov('generated'), cur = await cov('current'), rnd = await cov('random');
    console.log(`coverage in the browser: generated ${gen} %, current ${cur} %, random ${rnd} %`);
    expect(gen).toBeGreaterThan(0);
    expect(gen).toBeGreaterThanOrEqual(2 * rnd);
    const rows = await page.locator('[data-testid=plan-table] tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    // fit the routes
    const coords = await page.evaluate(() => {
      const { planState } = (window as any).__wanggePatrolPlan;
      return planState.patrols.flatMap((p: any) => p.geometry.coordinates);
    });
    const xs = coords.map((c: number[]) => c[0]), ys = coords.map((c: number[]) => c[1]);
    await page.evaluate((b) => (window as any).__wangge.map.fitBounds(b, { padding: 40, duration: 0 }), [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]]);
    await waitForIdle(page);
    await screenshot(page, 'patrol-plan-generated');
    // one weekday: only that day's patrols in the table and on the map
    const day = await page.evaluate(() => (window as any).__wanggePatrolPlan.planState.patrols[0].weekday);
    await page.locator(`[data-testid=plan-days] button[data-day="${day}"]`).click();
    const shown = await page.locator('[data-testid=plan-table] tbody tr').count();
    const ofDay = await page.evaluate((d) => (window as any).__wanggePatrolPlan.planState.patrols.filter((p: any) => p.weekday === d).length, day);
    expect(shown).toBe(ofDay);
    await waitForIdle(page);
    await screenshot(page, 'patrol-plan-friday');
  });

  it('moves a slot with the coverage updated live, saves and publishes', async () => {
    await page.locator('[data-testid=plan-days] button[data-day="0"]').click();
    const before = await page.locator('[data-testid=plan-cov-generated] strong').innerText();
    // move the most valuable patrol to 03:00 on its day: fewer incidents then
    const i = await page.evaluate(() => {
      const ps = (window as any).__wanggePatrolPlan.planState.patrols;
      let best = 0;
      ps.forEach((p: any, k: number) => { if (p.expected > ps[best].expected) best = k; });
      return best;
    });
    await page.locator(`[data-testid=plan-hour-${i}]`).selectOption('3');
    await page.waitForFunction((b) => document.querySelector('[data-testid=plan-cov-generated] strong')?.textContent !== b, before, { timeout: 30_000 });
    const after = await page.locator('[data-testid=plan-cov-generated] strong').innerText();
    console.log(`coverage ${before} → ${after} after moving a slot`);
    expect(Number(after.replace('%', ''))).toBeLessThan(Number(before.replace('%', '')));
    await screenshot(page, 'patrol-plan-edited');
    await page.getByTestId('plan-save').click();
    await page.waitForFunction(() => (window as any).__wanggePatrolPlan.planState.plan.version === 2, undefined, { timeout: 30_000 });
    await page.getByTestId('plan-publish').click();
    await page.waitForFunction(() => (window as any).__wanggePatrolPlan.planState.plan.status === 'published', undefined, { timeout: 30_000 });
    expect(await page.locator('[data-testid=plan-table] a[download]').count()).toBeGreaterThan(0);
  });

  it('the leader sees the coverage and planned vs done in the hot-spot view', async () => {
    const plan = await page.evaluate(() => (window as any).__wanggePatrolPlan.planState.plan);
    const p0 = plan.patrols[0];
    await server.db.query(`INSERT INTO patrol_logs (group_id, patrolled_at, patrollers, planned_patrol_id) VALUES ($1, now(), '张三', $2)`, [p0.group, p0.id]);
    const { page: leader } = await openPage(browser);
    await login(leader, 'demo_leader', 'demo-leader-pass', 'hotspots');
    await leader.waitForSelector('[data-testid=hotspots-patrol-coverage] details', { timeout: 60_000 });
    const text = await leader.locator('[data-testid=hotspots-patrol-coverage]').innerText();
    expect(text).toContain(`${(plan.coverage.generated.share * 100).toFixed(1)}%`);
    expect(text).toMatch(/1\/\d+/);
    await leader.locator('[data-testid=hotspots-patrol-coverage] summary').click();
    await waitForIdle(leader);
    await screenshot(leader, 'patrol-plan-leader');
    expect(foreignRequests(requests, server.url)).toEqual([]);
  });
});
