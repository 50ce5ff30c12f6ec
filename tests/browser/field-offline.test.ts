/**
 * The grid member's field day on a phone (Chromium mobile emulation, 360 × 740, touch), signed in as
 * demo_grid_member on the demo district with a published plan, its "1+3" roster and a small
 * synthetic ledger: today's plan lists buildings of the grid; a visit is started at one, a note and
 * a photo (resized on the device) added; the connection drops (context.setOffline) and the visit and
 * a dispute entered offline wait in the device's queue with an "n waiting" badge and nothing reaches
 * the server; back online they sync by themselves, each stored once; the ledger lists them and the
 * week's hours count the visit. The service worker serves the app shell and the last answers when
 * the page is reloaded offline. Then a district leader opens the ledger counts (#view=ledger) and
 * drills down to a community's grids. Screenshots: test-results/field-*.png, ledger-leader.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createPlan, publishPlan } from '../../server/plans/store';
import { seedStaff } from '../../server/plans/staff';
import { seedFieldDemo } from '../../server/field/demo';
import { ROOT, startAppServer, type AppServer } from '../helpers/app-server';
import { launchBrowser, screenshot, waitForReady } from '../helpers/browser';

let server: AppServer;
let browser: Browser;
const GRID = '340802001001001';

beforeAll(async () => {
  server = await startAppServer({ data: 'demo', auth: true });
  // a published district plan: one grid per community (the member's grid is <community>001)
  const units = await server.db.query<{ id: string; community_id: string }>('SELECT id, community_id FROM units');
  const assignment = Object.fromEntries(units.rows.map((u) => [u.id, `${u.community_id}001`]));
  const subs = (await server.db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
  const plan = await createPlan(server.db, { name: '全区方案', author: 'system', subdistricts: subs, assignment });
  await publishPlan(server.db, plan, 1);
  await seedStaff(server.db, plan);
  await seedFieldDemo(server.db, { totals: { records: 3000, disputes: 40, volunteer: 120 } });
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function phone(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

const fieldReady = (page: Page) =>
  page.waitForFunction(() => Boolean(window.__wanggeField), null, { timeout: 120_000 }).then(() => page.evaluate(() => window.__wanggeField!.ready));
const count = async (sql: string, params: unknown[] = []) => Number((await server.db.query<{ n: number }>(sql, params)).rows[0].n);

describe('grid member in the field, offline and back', () => {
  it('records a visit and a dispute offline, syncs them once when the connection returns, and opens offline from the service worker', async () => {
    const { context, page, errors } = await phone();
    await page.goto(server.url);
    await page.getByTestId('login').waitFor({ timeout: 60_000 });
    await page.getByTestId('login-demo-grid_member').tap();
    await page.getByTestId('login-submit').tap();
    await waitForReady(page);
    await fieldReady(page);

    // today's plan: buildings of the grid, big touch targets
    const start = page.getByTestId('fw-start').first();
    await start.waitFor();
    expect(await page.getByTestId('fw-start').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('fw-coverage').textContent()).toMatch(/近 4 周走访覆盖 \d+% 住户/);
    const box = (await start.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    const panel = (await page.locator('#view-panel').boundingBox())!;
    expect(panel.width).toBeGreaterThanOrEqual(355);
    await screenshot(page, 'field-plan');

    const building = (await start.getAttribute('data-building'))!;
    await start.tap();
    await page.getByTestId('fw-active').waitFor();
    const note = `（测试）走访 ${building}：独居老人，需每周回访`;
    await page.getByTestId('fw-note').fill(note);
    await page
      .getByTestId('fw-photo')
      .setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: readFileSync(join(ROOT, 'client/public/icons/icon-512.png')) });
    await expect.poll(() => page.getByTestId('fw-photo-info').textContent(), { timeout: 30_000 }).toMatch(/^照片 512×512，\d+ KB$/);
    await screenshot(page, 'field-visit-active');

    // the connection drops: the visit and a dispute wait on the device
    await context.setOffline(true);
    await page.getByTestId('fw-end').tap();
    await expect.poll(() => page.getByTestId('field-queue-badge').textContent(), { timeout: 30_000 }).toBe('1 条待同步');
    await page.getByTestId('field-tab-ledger').tap();
    await page.locator('[data-testid="fw-entry"] summary').tap();
    await page.getByTestId('fw-entry-kind').selectOption('dispute');
    const dispute = `（测试）楼道停放电动车纠纷 ${Date.now() % 100000}`;
    await page.getByTestId('fw-entry-title').fill(dispute);
    await page.getByTestId('fw-entry-save').tap();
    await expect.poll(() => page.getByTestId('field-queue-badge').textContent(), { timeout: 30_000 }).toBe('2 条待同步');
    expect(await page.getByTestId('fw-ledger-total').textContent()).toBe('离线时无法查询台账；新记录会先保存在本机');
    expect(await count('SELECT count(*)::int AS n FROM field_visits WHERE note = $1', [note])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM ledger_entries WHERE title = $1', [dispute])).toBe(0);
    await screenshot(page, 'field-offline-waiting');

    // back online: the queue empties by itself; each entry is stored once, in the member's grid
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => page.evaluate(() => window.__wanggeField!.queued()), { timeout: 60_000 }).toBe(0);
    await page.evaluate(() => window.__wanggeField!.sync()); // a second round sends nothing twice
    const v = await server.db.query<{ grid_code: string; building_id: string; photo: number; minutes: number }>(
      `SELECT v.grid_code, v.building_id, octet_length(p.bytes) AS photo, extract(epoch FROM v.ended_at - v.started_at) / 60 AS minutes
         FROM field_visits v JOIN field_photos p ON p.id = v.photo_id WHERE v.note = $1`,
      [note],
    );
    expect(v.rows).toHaveLength(1);
    expect(v.rows[0]).toMatchObject({ grid_code: GRID, building_id: building });
    expect(Number(v.rows[0].photo)).toBeGreaterThan(1000);
    expect(Number(v.rows[0].photo)).toBeLessThanOrEqual(400 * 1024);
    expect(
      await count("SELECT count(*)::int AS n FROM ledger_entries WHERE title = $1 AND kind = 'dispute' AND grid_code = $2 AND outcome IS NULL", [
        dispute,
        GRID,
      ]),
    ).toBe(1);
    expect(await page.getByTestId('field-queue-badge').count()).toBe(0);

    // the ledger finds the dispute; it is settled from the phone
    await page.getByTestId('field-tab-ledger').tap();
    await page.getByTestId('fw-ledger-q').fill('电动车');
    await expect.poll(() => page.getByTestId('fw-ledger-total').textContent(), { timeout: 30_000 }).toBe('共 1 条');
    await page.getByTestId('fw-settle').selectOption('mediated');
    await expect
      .poll(() => count("SELECT count(*)::int AS n FROM ledger_entries WHERE title = $1 AND outcome = 'mediated'", [dispute]), { timeout: 30_000 })
      .toBe(1);
    await screenshot(page, 'field-ledger');

    // the week's hours count the visit for this member; the roster is listed against 5 hours
    await page.getByTestId('field-tab-hours').tap();
    await page.getByTestId('fw-hours').waitFor({ timeout: 30_000 });
    expect(await page.locator('.fd-hours[data-visitor="演示网格员"]').count()).toBe(1);
    expect(await page.locator('.fd-hours').count()).toBeGreaterThanOrEqual(4);
    await screenshot(page, 'field-hours');

    // reloaded without a connection, the app shell and the last answers come from the service worker
    // (bounded: a worker that never registers must fail here with a message, not hang the file)
    await page.waitForFunction(() => navigator.serviceWorker.ready.then(() => true), null, { timeout: 60_000 });
    await page.reload();
    await fieldReady(page);
    await page.getByTestId('field-tab-visit').tap();
    await page.getByTestId('fw-start').first().waitFor();
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('field-panel').waitFor({ timeout: 60_000 });
    await fieldReady(page);
    await page.getByTestId('fw-start').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'field-offline-reload');
    await context.setOffline(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);

  it('a leader reads the ledger counts per sub-district and drills down to a community', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/#view=ledger`);
    await page.getByTestId('login').waitFor({ timeout: 60_000 });
    await page.getByTestId('login-demo-leader').click();
    await page.getByTestId('login-submit').click();
    await waitForReady(page);
    if (!page.url().includes('view=ledger')) await page.evaluate(() => (location.hash = 'view=ledger'));
    const table = page.getByTestId('ledger-table');
    await table.waitFor({ timeout: 60_000 });
    const rows = table.locator('tbody tr[data-code]');
    expect(await rows.count()).toBe(8);
    expect(await table.locator('.lg-total').textContent()).toContain('3,000');
    await rows.first().click();
    await expect.poll(() => page.getByTestId('ledger-within').textContent(), { timeout: 30_000 }).toContain('社区');
    expect(await table.locator('tbody tr[data-code]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('ledger-under').textContent()).toMatch(/上周未达 5 小时的网格员：\d+ 人（\d+ 个网格）/);
    await screenshot(page, 'ledger-leader');
    await context.close();
  }, 300_000);
});
