/**
 * Units from raw data in the UI: an imported-like district (tests/helpers/raw-district.ts) with no
 * units; in the plan view's partition form the planner builds units (progress, then the
 * data-quality panel), clicks the household outside every boundary (the map zooms to it) and then
 * partitions the new units. Screenshots: test-results/units-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { launchBrowser, openPage, screenshot, waitForReady } from '../helpers/browser';
import { insertRawDistrict, ll, RAW } from '../helpers/raw-district';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAppServer({ data: 'fixture' });
  await insertRawDistrict(server.db);
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('units from raw data in the plan view', () => {
  it('builds units with progress, lists data problems that zoom the map, then partitions them', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/#view=plan`);
    await waitForReady(page);
    const form = page.getByTestId('plan-partition');
    await form.waitFor({ timeout: 60_000 });
    if (!(await form.evaluate((d) => (d as HTMLDetailsElement).open))) await page.locator('[data-testid="plan-partition"] > summary').click();
    await page.getByTestId(`partition-sub-${RAW.A}`).waitFor({ timeout: 60_000 });
    for (const box of await page.locator('[data-testid="partition-subdistricts"] input[type=checkbox]').all()) await box.uncheck();
    await page.getByTestId(`partition-sub-${RAW.A}`).check();
    await page.getByTestId('units-build').click();
    await expect.poll(() => page.getByTestId('units-status').textContent(), { timeout: 120_000, interval: 300 }).toMatch(/已生成 \d+ 个单元/);
    expect(await page.getByTestId('quality-count-household_outside').textContent()).toBe('1');
    expect(Number(await page.getByTestId('quality-count-block_empty').textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('quality-count-street_unclosed').textContent()).toBe('2');
    await screenshot(page, 'units-quality');

    // a click on the household outside the boundary zooms the map to it
    await page.locator('[data-testid="quality-household_outside"] > summary').click();
    await page.locator('[data-testid="quality-household_outside"] button').first().click();
    const [x, y] = ll(RAW.outsideRow.x, RAW.outsideRow.y);
    await expect
      .poll(
        async () =>
          page.evaluate(() => {
            const m = (window as unknown as { __wangge: { map: { getCenter(): { lng: number; lat: number }; getZoom(): number } } }).__wangge.map;
            const c = m.getCenter();
            return [c.lng, c.lat, m.getZoom()];
          }),
        { timeout: 10_000 },
      )
      .toSatisfy((v: unknown) => {
        const [lng, lat, z] = v as number[];
        return Math.abs(lng - x) < 0.0005 && Math.abs(lat - y) < 0.0005 && z >= 15;
      });
    await screenshot(page, 'units-zoomed');

    // the partition form runs on the new units
    await page.getByTestId('partition-start').click();
    await expect.poll(() => page.getByTestId('partition-status').textContent(), { timeout: 180_000, interval: 500 }).toMatch(/划分完成：\d+ 个网格/);
    await page.waitForTimeout(1500);
    await screenshot(page, 'units-partitioned');
    expect(errors).toEqual([]);
  });
});
