/**
 * The leader's day, signed in as demo_leader (whole district) through the login screen, on the demo
 * district with a published plan of a few hundred grids: the hot spot view with filters (hour chips show their state with
 * aria-pressed and a clearly different look; an hour and a type filter narrow the incidents and the
 * summary says so), Gi* hot / cold spots per grid that leave the basemap readable (only the
 * non-significant grids get a faint veil), the heat map and hexagons on robust colour scales (one
 * outlier does not pale the rest; the legend says which scale), and the whistle dashboard's
 * figures. Screenshots: test-results/leader-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { publishCellPlan } from '../helpers/cell-plan';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { foreignRequests, launchBrowser, openPage, screenshot, signInAsDemo, waitForIdle } from '../helpers/browser';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAppServer({ data: 'demo', auth: true });
  // a published district plan (each community cut into ~500 m cells, a few hundred grids): Gi* runs per grid
  await publishCellPlan(server.db);
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const settled = (page: Page) => page.evaluate(() => (window as any).__wanggeHotspots.settled() as Promise<void>);
const shown = (page: Page) => page.evaluate(() => (window as any).__wanggeHotspots.store.filtered.count as number);

/**
 * Pixel shares of the map: `near[k]` = share within a colour distance of hexes[k]; `warm` = share
 * in the orange-to-red part of the heat ramp (clearly coloured, not the pale yellow end).
 */
async function mapPixels(page: Page, hexes: string[] = []): Promise<{ near: number[]; warm: number }> {
  await page.waitForTimeout(400);
  const png = (await page.locator('#map-wrap').screenshot()).toString('base64');
  return page.evaluate(
    async ([b64, hexes]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      const cols = hexes.map((h) => {
        const v = parseInt(h.slice(1), 16);
        return [(v >> 16) & 255, (v >> 8) & 255, v & 255] as const;
      });
      const near = new Array<number>(cols.length).fill(0);
      let warm = 0;
      const total = d.length / 4;
      for (let i = 0; i < d.length; i += 4) {
        const r = d[i]!,
          g = d[i + 1]!,
          b = d[i + 2]!;
        if (r > 170 && r - b > 110 && g < 185) warm++;
        for (let k = 0; k < cols.length; k++) if (Math.abs(r - cols[k]![0]) + Math.abs(g - cols[k]![1]) + Math.abs(b - cols[k]![2]) < 40) near[k]++;
      }
      return { near: near.map((x) => x / total), warm: warm / total };
    },
    [png, hexes] as const,
  );
}

/** Relative luminance (WCAG) of a computed CSS colour rgb(a)(r, g, b…). */
const luminance = (css: string) => {
  const [r, g, b] = css
    .match(/\d+(\.\d+)?/g)!
    .slice(0, 3)
    .map((x) => Number(x) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
};

describe('leader (demo_leader)', () => {
  it('walks hot spots with filters and reads the whistle dashboard', async () => {
    const { page, errors, requests } = await openPage(browser, { width: 1400, height: 900 });
    await signInAsDemo(page, server.url, 'leader');
    expect(await page.locator('#user-chip').textContent()).toContain('区领导');
    await page.getByTestId('view-hotspots').click();
    await page.waitForFunction(() => Boolean((window as any).__wanggeHotspots?.store.cols), null, { timeout: 60_000 });
    await settled(page);
    const all = await shown(page);
    expect(all).toBeGreaterThan(500);
    expect(await page.locator('.hs-summary').textContent()).toContain(all.toLocaleString('en-US'));

    // hour chips: state in aria-pressed, selected and unselected clearly different
    const chip = (k: number) => page.locator(`.hs-hours .hs-chip[data-k="${k}"]`);
    expect(await chip(3).getAttribute('aria-pressed')).toBe('true');
    await chip(3).click();
    await settled(page);
    expect(await chip(3).getAttribute('aria-pressed')).toBe('false');
    expect(await chip(4).getAttribute('aria-pressed')).toBe('true');
    const style = (k: number) => chip(k).evaluate((el) => ({ bg: getComputedStyle(el).backgroundColor, fg: getComputedStyle(el).color }));
    const [off, on] = [await style(3), await style(4)];
    expect(contrast(off.bg, on.bg)).toBeGreaterThan(3);
    expect(contrast(on.fg, on.bg)).toBeGreaterThan(4.5);
    const noHour3 = await shown(page);
    expect(noHour3).toBeLessThan(all);
    // a type filter narrows further
    await page.locator('.hs-types input[data-type="public_order"]').uncheck();
    await settled(page);
    const narrowed = await shown(page);
    expect(narrowed).toBeLessThan(noHour3);
    expect(await page.locator('.hs-summary').textContent()).toContain(narrowed.toLocaleString('en-US'));
    await page.locator('.hs-types input[data-type="public_order"]').check();
    await settled(page);

    // Gi* per grid: hot grids coloured, the rest a faint veil over a readable basemap
    expect(await page.evaluate(() => (window as any).__wanggeHotspots.store.result?.zones)).toBe('grids');
    await waitForIdle(page);
    const ARTERIAL = '#fbe8b6';
    // hot 99 % (#d62f27 at alpha 215) over the land
    const withClasses = await mapPixels(page, [ARTERIAL, '#da4d45']);
    await screenshot(page, 'leader-gistar');
    await page.evaluate(() => (window as any).__wangge.layers.setVisible('hotspot-classes', false));
    const bare = await mapPixels(page, [ARTERIAL]);
    await page.evaluate(() => (window as any).__wangge.layers.setVisible('hotspot-classes', true));
    expect(bare.near[0]).toBeGreaterThan(0.005);
    expect(withClasses.near[0]! / bare.near[0]!).toBeGreaterThan(0.6);
    expect(withClasses.near[1]).toBeGreaterThan(0.001);
    expect(await page.locator('.hs-legend').textContent()).toContain('底图可见');
    const hot = Number(await page.locator('.hs-legend-row').first().locator('.hs-count').textContent());
    expect(hot).toBeGreaterThan(0);

    // heat map: the planted hot spot does not make everything else pale
    await page.locator('.hs-seg-btn[data-mode="heat"]').click();
    await page.waitForFunction(() => (window as any).__wangge.layers.isVisible('heatmap'));
    const heat = await mapPixels(page);
    await screenshot(page, 'leader-heat');
    expect(await page.getByTestId('hs-legend-scale').textContent()).toContain('第 95 百分位');
    expect(heat.warm).toBeGreaterThan(0.01);

    // hexagons: quantile classes
    await page.locator('.hs-seg-btn[data-mode="hex"]').click();
    await page.waitForFunction(() => (window as any).__wangge.layers.isVisible('hexbins'));
    const hex = await mapPixels(page);
    await screenshot(page, 'leader-hexbins');
    expect(await page.getByTestId('hs-legend-scale').textContent()).toContain('分位数');
    expect(hex.warm).toBeGreaterThan(0.01);

    // the whistle dashboard's figures
    await page.getByTestId('view-cases').click();
    await page.waitForFunction(() => Boolean((window as any).__wanggeCases), null, { timeout: 60_000 });
    await page.evaluate(() => (window as any).__wanggeCases.ready);
    const kpi = (key: string) => page.locator(`[data-kpi="${key}"] .cs-kpi-v`).innerText();
    expect(Number((await kpi('reported')).replace(/\D/g, ''))).toBeGreaterThanOrEqual(2000);
    expect(await kpi('whistled')).toBe('403');
    expect(await kpi('solved')).toBe('400');
    expect(Number(await kpi('overdue'))).toBeGreaterThanOrEqual(1);
    expect(await page.locator('.cs-chart canvas').count()).toBe(3);
    await waitForIdle(page);
    await screenshot(page, 'leader-cases');
    expect(errors).toEqual([]);
    expect(foreignRequests(requests, server.url)).toEqual([]);
  }, 300_000);
});
