/**
 * The planner's day, signed in as demo_planner (scoped to 人民路 340802001 and 新河路 340802002),
 * not as admin, on the demo district with a published district plan: copy the published plan (a
 * draft of the planner's two sub-districts only), partition 人民路 from the UI (progress, result
 * opened as a draft), publish it after the dialog says what it replaces, and see that the rest of
 * the district stays published. Screenshots: test-results/planner-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createPlan, publishPlan } from '../../server/plans/store';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { launchBrowser, openPage, screenshot, signInAsDemo, waitForReady, textOf } from '../helpers/browser';

let server: AppServer;
let browser: Browser;
let district: number;

beforeAll(async () => {
  server = await startAppServer({ data: 'demo', auth: true });
  // a published district plan: one grid per community (coarse, but a real plan of all eight)
  const units = await server.db.query<{ id: string; community_id: string }>('SELECT id, community_id FROM units');
  const assignment = Object.fromEntries(units.rows.map((u) => [u.id, `${u.community_id}001`]));
  const subs = (await server.db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
  district = await createPlan(server.db, { name: '全区方案', author: 'system', subdistricts: subs, assignment });
  await publishPlan(server.db, district, 1);
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const status = (page: Page) => page.getByTestId('plan-status').textContent();
const openedPlan = (page: Page) =>
  page.evaluate(async () => {
    const id = Number(/plan=(\d+)/.exec(location.hash)?.[1] ?? (document.querySelector('[data-testid="plan-select"]') as HTMLSelectElement | null)?.value);
    return (await (await fetch(`/api/plans/${id}`)).json()) as { id: number; status: string; subdistricts: string[]; grids: number };
  });

describe('planner (demo_planner, 人民路 + 新河路)', () => {
  it('copies the district plan, partitions 人民路 from the UI, publishes it; the rest stays published', async () => {
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, server.url, 'planner');
    await page.goto(`${server.url}/#view=plan&plan=${district}`);
    await page.reload();
    await waitForReady(page);
    await page.getByTestId('plan-copy').waitFor({ timeout: 120_000 });
    expect(await status(page)).toBe('已发布');

    // copy: the draft holds the planner's two sub-districts only, and the message says so
    await page.getByTestId('plan-copy').click();
    await expect.poll(() => status(page), { timeout: 60_000 }).toBe('草稿');
    await expect.poll(textOf(page, 'plan-message')).toMatch(/已复制为草稿：人民路街道、新河路街道/);
    const copy = await openedPlan(page);
    expect(copy.subdistricts).toEqual(['340802001', '340802002']);
    await screenshot(page, 'planner-copied');

    // partition from the UI: only the planner's sub-districts are offered
    await page.locator('[data-testid="plan-partition"] > summary').click();
    const boxes = page.locator('[data-testid="partition-subdistricts"] input[type=checkbox]');
    await expect.poll(() => boxes.count()).toBe(2);
    await page.getByTestId('partition-sub-340802001').check();
    await page.getByTestId('partition-sub-340802002').uncheck();
    await page.getByTestId('partition-start').click();
    await expect.poll(() => page.getByTestId('partition-status').textContent(), { timeout: 240_000, interval: 500 }).toMatch(/划分完成：\d+ 个网格/);
    await expect.poll(async () => (await openedPlan(page)).subdistricts, { timeout: 60_000 }).toEqual(['340802001']);
    const draft = await openedPlan(page);
    expect(draft.status).toBe('draft');
    expect(draft.grids).toBeGreaterThan(10);
    await page.getByTestId('grid-stats').or(page.getByTestId('plan-summary')).first().waitFor();
    await screenshot(page, 'planner-partitioned');

    // the impact button says what it will do next (regression: it kept its "show" label while shown)
    await page.locator('details:has([data-testid="plan-impact"]) > summary').click();
    expect(await page.getByTestId('plan-impact').textContent()).toBe('显示变化区域');
    await page.getByTestId('plan-impact').click();
    await expect.poll(() => page.getByTestId('plan-impact').textContent(), { timeout: 60_000 }).toBe('隐藏变化区域');
    await page.getByTestId('plan-impact').click();
    await expect.poll(() => page.getByTestId('plan-impact').textContent()).toBe('显示变化区域');

    // publish: the dialog names what is replaced and what stays; only 人民路 changes
    const dialog = new Promise<string>((resolve) => page.once('dialog', (d) => void d.accept().then(() => resolve(d.message()))));
    await page.getByTestId('plan-publish').click();
    const asked = await dialog;
    expect(asked).toMatch(/将替换「全区方案」中 人民路街道 的 \d+ 个已发布网格/);
    expect(asked).toMatch(/「全区方案」中其余 .*新河路街道.* 的 \d+ 个网格保持发布/);
    await expect.poll(() => status(page), { timeout: 60_000 }).toBe('已发布');
    const published = await page.evaluate(async () => (await (await fetch('/api/plans/published')).json()) as Array<{ subdistricts: string[] }>);
    expect(published.flatMap((p) => p.subdistricts).sort()).toEqual(
      (await server.db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id),
    );
    expect(published).toHaveLength(2);
    await screenshot(page, 'planner-published');
    expect(errors).toEqual([]);
    await page.close();
  }, 900_000);
});
