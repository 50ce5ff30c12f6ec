/**
 * The leader's hot spot view in real Chromium against the real server on the demo district:
 * incidents load once as columns, the time slider refilters at once, the server's Gi* classes
 * change with the window, the play button moves the window, other modes draw. Screenshot:
 * test-results/hotspots.png (hot / cold spots), hotspots-heat.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { foreignRequests, launchBrowser, openPage, screenshot, waitForReady } from '../helpers/browser';

let server: AppServer;
let browser: Browser;
let page: Page;
let requests: string[];
let errors: string[];

type Snapshot = { n: number; shown: number; from: number; to: number; classes: Record<string, string>; mode: string };

async function snapshot(): Promise<Snapshot> {
  return page.evaluate(async () => {
    const hook = (window as any).__wanggeHotspots;
    await hook.settled();
    const s = hook.store;
    const classes: Record<string, string> = {};
    for (const r of s.result?.results ?? []) classes[r.id] = r.class ?? r.pattern;
    return { n: s.result?.n ?? -1, shown: s.filtered?.count ?? -1, from: s.filter.from, to: s.filter.to, classes, mode: s.result?.mode ?? '' };
  });
}

async function setSlider(fraction: number): Promise<void> {
  await page.evaluate((f) => {
    const el = document.getElementById('hs-time') as HTMLInputElement;
    el.value = String(Math.round(Number(el.max) * f));
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, fraction);
}

/** Pixels of the map close to a colour (the overlay is drawn into the page screenshot). */
async function pixelsNear(hex: string): Promise<number> {
  const png = (await page.locator('#map-wrap').screenshot()).toString('base64');
  return page.evaluate(
    async ([b64, hex]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      const v = parseInt(hex.slice(1), 16);
      const [r, g, b] = [(v >> 16) & 255, (v >> 8) & 255, v & 255];
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 60) n++;
      return n;
    },
    [png, hex] as const,
  );
}

describe('hot spot view (browser)', () => {
  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
    ({ page, requests, errors } = await openPage(browser));
    await page.goto(`${server.url}/#view=hotspots`);
    await waitForReady(page);
    await page.waitForFunction(() => Boolean((window as any).__wanggeHotspots?.store.cols), null, { timeout: 60_000 });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads incidents once as columns and computes hot spots for the default window', async () => {
    const s = await snapshot();
    expect(s.mode).toBe('gistar');
    expect(s.shown).toBeGreaterThan(100);
    expect(s.n).toBe(s.shown);
    expect(Object.values(s.classes).some((c) => c.startsWith('hot'))).toBe(true);
    expect(requests.filter((u) => u.includes('/api/incidents/columns'))).toHaveLength(1);
    expect(await page.locator('.hs-panel .panel-title').textContent()).toBe('事件热点分析');
    expect(await pixelsNear('#d62f27')).toBeGreaterThan(50);
  });

  it('moving the time slider refilters at once and the classes change', async () => {
    const before = await snapshot();
    await setSlider(0.3);
    const afterFilter = await page.evaluate(() => (window as any).__wanggeHotspots.store.filtered.count);
    const after = await snapshot();
    expect(after.to).toBeLessThan(before.to);
    expect(afterFilter).toBe(after.shown);
    expect(after.n).toBe(after.shown);
    const changed = Object.keys(after.classes).filter((id) => after.classes[id] !== before.classes[id]).length;
    expect(changed).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await screenshot(page, 'hotspots');
    expect(await page.locator('.hs-range').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}$/);
  });

  it('the play button moves the window forward, a second click stops it', async () => {
    const before = await snapshot();
    await page.locator('.hs-play').click();
    await page.waitForFunction((to) => (window as any).__wanggeHotspots.store.filter.to > to, before.to, { timeout: 10_000 });
    await page.locator('.hs-play').click();
    const stopped = await snapshot();
    await page.waitForTimeout(1200);
    const later = await snapshot();
    expect(stopped.to).toBeGreaterThan(before.to);
    expect(later.to).toBe(stopped.to);
  });

  it('hour and type filters narrow the incidents; heat map and emerging modes draw', async () => {
    const all = await snapshot();
    await page.locator('.hs-hours .hs-chip[data-k="3"]').click();
    await page.locator('.hs-types input[data-type="public_order"]').uncheck();
    const narrowed = await snapshot();
    expect(narrowed.shown).toBeLessThan(all.shown);
    expect(narrowed.n).toBe(narrowed.shown);
    await page.locator('.hs-seg-btn[data-mode="heat"]').click();
    await page.waitForFunction(() => (window as any).__wangge.layers.isVisible('heatmap'));
    await page.waitForTimeout(500);
    await screenshot(page, 'hotspots-heat');
    // the demo's planted hot spot saturates the ramp's top colour (dark red, blended at 80 %)
    expect(await pixelsNear('#c8334c')).toBeGreaterThan(5);
    await page.locator('.hs-seg-btn[data-mode="emerging"]').click();
    const em = await snapshot();
    expect(em.mode).toBe('emerging');
    expect(await page.locator('.hs-status').textContent()).toMatch(/\d+ 周/);
  });

  it('talks to no other origin and logs no errors', () => {
    expect(foreignRequests(requests, server.url)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
