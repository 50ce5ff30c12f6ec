/**
 * The grid member's day, signed in as demo_grid_member (grid 340802001001001 in 人民路) through the
 * login screen, on the demo district with a published plan: the first view is "网格上报" (opening on
 * today's visits) with the member's grid outlined; on its "上报事项" tab, a click outside the grid is refused, a click inside sets the location; a
 * fire-safety matter is reported and opens at its first step (已上报); after a reload it is in "my
 * cases" with its timeline; the district whistle dashboard (#view=cases) is not offered and cannot
 * be opened by URL. Screenshots: test-results/grid-member-*.png (the last one 360 px wide).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createPlan, publishPlan } from '../../server/plans/store';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { launchBrowser, openPage, screenshot, waitForIdle, waitForReady } from '../helpers/browser';

let server: AppServer;
let browser: Browser;
const GRID = '340802001001001';

beforeAll(async () => {
  server = await startAppServer({ data: 'demo', auth: true });
  // a published district plan: one grid per community, so the member's grid is <community>001
  const units = await server.db.query<{ id: string; community_id: string }>('SELECT id, community_id FROM units');
  const assignment = Object.fromEntries(units.rows.map((u) => [u.id, `${u.community_id}001`]));
  const subs = (await server.db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
  const plan = await createPlan(server.db, { name: '全区方案', author: 'system', subdistricts: subs, assignment });
  await publishPlan(server.db, plan, 1);
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const fieldReady = (page: Page) =>
  page.waitForFunction(() => Boolean(window.__wanggeField), null, { timeout: 120_000 }).then(() => page.evaluate(() => window.__wanggeField!.ready));
const text = (page: Page, id: string) =>
  page
    .getByTestId(id)
    .textContent()
    .then((s) => s ?? '');
/** Screen position of a lon/lat on the map, in page coordinates. */
const screenOf = (page: Page, lonLat: [number, number]) =>
  page.evaluate((p) => {
    const map = window.__wangge.map;
    const pt = map.project(p as [number, number]);
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + pt.x, y: r.top + pt.y };
  }, lonLat);

describe('grid member (demo_grid_member, grid 340802001001001)', () => {
  it('reports a matter inside the grid, finds it in "my cases" after a reload, and cannot open the district dashboard', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url);
    await page.getByTestId('login').waitFor({ timeout: 60_000 });
    await page.getByTestId('login-demo-grid_member').click();
    await page.getByTestId('login-submit').click();
    await waitForReady(page);
    await fieldReady(page);
    // the view opens on today's visits (tests/browser/field-offline.test.ts); reporting is the next tab
    expect(await page.getByTestId('fw-visit').count()).toBe(1);
    await page.getByTestId('field-tab-report').click();

    // the member's own view comes first; no whistle dashboard tab
    expect(page.url()).toContain('#view=field');
    expect(await page.getByTestId('view-field').count()).toBe(1);
    expect(await page.getByTestId('view-cases').count()).toBe(0);
    expect(await page.locator('#user-chip').textContent()).toContain('网格员');
    expect(await page.getByTestId('field-form').textContent()).toContain(`您的网格：${GRID}`);
    const before = await page.evaluate(() => window.__wanggeField!.cases().length);
    expect(await text(page, 'field-tab-mine')).toBe(`我的案件（${before}）`);
    expect(await text(page, 'field-location')).toMatch(/^网格中心（117\.\d+, 30\.\d+）$/);
    expect(await page.getByTestId('field-pin').count()).toBe(1);

    // missing category / title are refused in the form
    await page.getByTestId('field-submit').click();
    expect(await text(page, 'field-status')).toBe('请选择类别');
    await page.getByTestId('field-cat-fire').click();
    await page.getByTestId('field-submit').click();
    expect(await text(page, 'field-status')).toBe('请填写事项');

    // a click outside the grid is refused; one inside moves the pin
    const pin0 = await pinLonLat(page);
    const sub = await server.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM subdistricts WHERE id <> '340802001' ORDER BY id DESC LIMIT 1) x`,
    );
    await page.evaluate((p) => window.__wangge.map.jumpTo({ center: p as [number, number], zoom: 13 }), [sub.rows[0].lon, sub.rows[0].lat]);
    const far = await screenOf(page, [sub.rows[0].lon, sub.rows[0].lat]);
    await page.mouse.click(far.x, far.y);
    await expect.poll(() => text(page, 'field-status'), { timeout: 30_000 }).toBe('该位置不在您的网格内，请在虚线范围内点选');
    expect(await pinLonLat(page)).toEqual(pin0);
    await page.evaluate((c) => window.__wangge.map.jumpTo({ center: c as [number, number], zoom: 17 }), pin0);
    const inside = await screenOf(page, pin0);
    await page.mouse.click(inside.x + 12, inside.y + 9);
    await expect.poll(() => text(page, 'field-location'), { timeout: 30_000 }).toMatch(/^地图选点（117\.\d+, 30\.\d+）改回网格中心$/);
    const picked = await pinLonLat(page);
    expect(picked).not.toEqual(pin0);

    const title = `楼道堆放杂物 ${Date.now() % 100000}`;
    await page.getByTestId('field-title').fill(title);
    await page.getByTestId('field-note').fill('3 号楼 2 单元一楼楼道堆满纸箱，堵塞消防通道');
    await waitForIdle(page).catch(() => undefined);
    await screenshot(page, 'grid-member-report');
    await page.getByTestId('field-submit').click();

    // the new case opens at its first step, in the member's grid
    await page.getByTestId('field-detail').waitFor({ timeout: 60_000 });
    const detail = page.locator('[data-testid="field-detail"] .cs-detail');
    const id = (await detail.getAttribute('data-case'))!;
    expect(await detail.getAttribute('data-status')).toBe('reported');
    expect(await detail.locator('.cs-title').textContent()).toBe(`消防安全：${title}`);
    expect(await detail.locator('.cs-facts').textContent()).toContain(GRID);
    expect(await detail.locator('.cs-ev').count()).toBe(1);
    expect(await detail.locator('.cs-ev').first().textContent()).toContain('3 号楼 2 单元');
    expect(await text(page, 'field-tab-mine')).toBe(`我的案件（${before + 1}）`);
    const row = await server.db.query<{ status: string; grid_code: string; title: string; lon: number; lat: number }>(
      'SELECT status, grid_code, title, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM cases WHERE id = $1',
      [id],
    );
    expect(row.rows[0]).toMatchObject({ status: 'reported', grid_code: GRID, title: `消防安全：${title}` });
    expect(Number(row.rows[0].lon)).toBeCloseTo(picked[0], 4);
    expect(Number(row.rows[0].lat)).toBeCloseTo(picked[1], 4);
    await screenshot(page, 'grid-member-reported');

    // after a reload: in "my cases" with its status, marked as reported by me; opens its timeline
    await page.reload();
    await waitForReady(page);
    await fieldReady(page);
    await page.getByTestId('field-tab-mine').click();
    const item = page.locator(`[data-testid="field-cases"] [data-case="${id}"]`);
    await item.waitFor();
    expect(await page.locator('[data-testid="field-cases"] [data-case]').count()).toBe(before + 1);
    expect(await item.locator('.fd-case-title').textContent()).toBe(`消防安全：${title}`);
    expect(await item.getByTestId('field-case-status').textContent()).toBe('已上报');
    expect(await item.textContent()).toContain('我上报的');
    await page.getByTestId('field-scope-open').click();
    await page.locator(`[data-testid="field-cases"] [data-case="${id}"]`).click();
    await page.getByTestId('field-detail').waitFor();
    expect(await page.locator('[data-testid="field-detail"] .cs-detail').getAttribute('data-case')).toBe(id);
    expect(await page.locator('[data-testid="field-detail"] .cs-ev').first().textContent()).toContain('已上报');
    await screenshot(page, 'grid-member-my-cases-detail');

    // the district dashboard is not theirs: the URL falls back to the member's view
    await page.evaluate(() => (location.hash = 'view=cases'));
    await expect.poll(() => page.evaluate(() => document.body.dataset.view), { timeout: 30_000 }).toBe('field');
    expect(page.url()).toContain('#view=field');
    expect(await page.locator('.cs-kpis').count()).toBe(0);
    await fieldReady(page);

    // narrow phone screen: the panel sits under the map, the tabs and buttons stay big
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByTestId('field-tab-report').click();
    await page.waitForTimeout(300);
    const box = await page.getByTestId('field-submit').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThanOrEqual(44);
    const panel = await page.locator('#view-panel').boundingBox();
    expect(panel!.width).toBeGreaterThanOrEqual(355);
    await screenshot(page, 'grid-member-360');
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);
});

async function pinLonLat(page: Page): Promise<[number, number]> {
  const s = await page.getByTestId('field-location').textContent();
  const m = /（(117\.\d+), (30\.\d+)）/.exec(s ?? '');
  return [Number(m![1]), Number(m![2])];
}
