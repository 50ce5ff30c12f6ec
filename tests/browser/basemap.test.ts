/**
 * The base map in real Chromium (SwiftShader WebGL) against the real server on an embedded
 * database: layers render from our own tiles, glyphs and style; nothing is fetched from any other
 * origin; Chinese labels are drawn; layer toggle, language switch and feature inspector work.
 * Screenshots: test-results/basemap-district.png, basemap-street.png, basemap-english.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { foreignRequests, launchBrowser, openPage, screenshot, waitForIdle, waitForReady } from '../helpers/browser';

let server: AppServer;
let browser: Browser;
let page: Page;
let requests: string[];
let errors: string[];
let readyMs = 0;
const responses: { url: string; status: number }[] = [];

/** Rendered features of some MapLibre layers in the whole viewport. */
async function rendered(layers: string[]): Promise<{ layer: string; name?: string; props: Record<string, unknown> }[]> {
  return page.evaluate((layers) => {
    const map = (window as any).__wangge.map;
    const ids = layers.filter((l: string) => map.getLayer(l));
    return map.queryRenderedFeatures({ layers: ids }).map((f: any) => ({ layer: f.layer.id, name: f.properties?.name, props: { ...f.properties } }));
  }, layers);
}

/** Distinct colours (quantised to 4 bits per channel) in a screenshot of the map area, decoded in the page. */
async function distinctColours(): Promise<number> {
  const png = (await page.locator('#map').screenshot()).toString('base64');
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add(((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4));
    return seen.size;
  }, png);
}

async function jumpTo(center: [number, number], zoom: number): Promise<void> {
  await page.evaluate(([c, z]) => (window as any).__wangge.map.jumpTo({ center: c, zoom: z }), [center, zoom] as const);
  await waitForIdle(page);
}

/** A point inside the first building the API returns (centre of its bbox is good enough at z17). */
async function someBuilding(): Promise<[number, number]> {
  return page.evaluate(async () => {
    const fc = await (await fetch('/api/layers/buildings?limit=50')).json();
    const f = fc.features[Math.floor(fc.features.length / 2)];
    const ring: number[][] = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2] as [number, number];
  });
}

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser();
  ({ page, requests, errors } = await openPage(browser));
  page.on('response', (r) => responses.push({ url: r.url(), status: r.status() }));
  await page.goto(server.url);
  readyMs = await waitForReady(page);
  console.log(`basemap: data=${server.data}, navigation → first idle with data: ${readyMs} ms`);
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('base map (browser)', () => {
  it('renders sub-districts, streets and a non-blank canvas at district zoom', async () => {
    const subs = await rendered(['subdistricts-line']);
    expect(subs.length).toBeGreaterThan(0);
    const streets = await rendered(['streets-fill', 'streets-casing']);
    expect(streets.length).toBeGreaterThan(0);
    expect(await distinctColours()).toBeGreaterThan(8);
    await screenshot(page, 'basemap-district');
  });

  it('draws Chinese labels with our own glyphs', async () => {
    const labels = await rendered(['subdistricts-label', 'communities-label', 'streets-label', 'water-label']);
    const chinese = labels.filter((l) => typeof l.name === 'string' && /[\u4e00-\u9fff]/.test(l.name));
    expect(chinese.length).toBeGreaterThan(0);
    const glyphs = responses.filter((r) => r.url.includes('/fonts/') && r.url.endsWith('.pbf'));
    const cjk = glyphs.filter((r) => Number(/\/(\d+)-\d+\.pbf$/.exec(r.url)?.[1]) >= 19968);
    expect(cjk.length).toBeGreaterThan(0);
    expect(cjk.every((r) => r.status === 200)).toBe(true);
  });

  it('shows buildings and street names at street zoom', async () => {
    await jumpTo(await someBuilding(), 16.5);
    const buildings = await rendered(['buildings-fill']);
    expect(buildings.length).toBeGreaterThan(0);
    expect(await distinctColours()).toBeGreaterThan(8);
    await screenshot(page, 'basemap-street');
  });

  it('toggles a layer off and on from the layer switcher', async () => {
    expect((await rendered(['buildings-fill'])).length).toBeGreaterThan(0);
    await page.locator('input[data-layer="buildings"]').click();
    await waitForIdle(page);
    expect((await rendered(['buildings-fill'])).length).toBe(0);
    expect(await page.evaluate(() => (window as any).__wangge.layers.isVisible('buildings'))).toBe(false);
    await page.locator('input[data-layer="buildings"]').click();
    await waitForIdle(page);
    expect((await rendered(['buildings-fill'])).length).toBeGreaterThan(0);
  });

  it('inspects a clicked feature with dictionary labels', async () => {
    const size = await page.locator('#map').boundingBox();
    // The map is centred on a building: click the centre.
    await page.mouse.click(size!.x + size!.width / 2, size!.y + size!.height / 2);
    await expect.poll(() => page.locator('#inspector table.props tr').count()).toBeGreaterThan(0);
    const text = await page.locator('#inspector').innerText();
    expect(text).toContain('要素信息');
    expect(text).toMatch(/建筑|道路|小区/);
    // A known property key is labelled through the dictionary, not shown raw.
    expect(await page.locator('#inspector th', { hasText: /^id$/ }).count()).toBe(0);
  });

  it('switches to English (persisted) and relabels panels and map', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('#layers').innerText()).toContain('Streets');
    expect(await page.locator('#header').innerText()).toContain('Yingjiang Grid Governance');
    expect(await page.locator('#inspector').innerText()).toMatch(/feature/i);
    expect(await page.evaluate(() => localStorage.getItem('wangge.lang'))).toBe('en');
    expect(await page.locator('.maplibregl-ctrl-attrib').innerText()).toContain('synthetic demo data');
    const field = await page.evaluate(() => JSON.stringify((window as any).__wangge.map.getLayoutProperty('subdistricts-label', 'text-field')));
    expect(field).toContain('name_en');
    await page.evaluate(() =>
      (window as any).__wangge.map.fitBounds((window as any).__wangge.map.getStyle().sources.base.bounds, { animate: false, padding: 20 }),
    );
    await waitForIdle(page);
    await screenshot(page, 'basemap-english');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('#layers').innerText()).toContain('道路');
  });

  it('draws the deck.gl incident layer when switched on', async () => {
    const before = await distinctColours();
    await page.locator('input[data-layer="incidents"]').click();
    await expect
      .poll(() => page.evaluate(() => (window as any).__wangge.overlay._deck?.props.layers.map((l: any) => l.id) ?? []), { timeout: 30_000 })
      .toContain('incidents-heat');
    await page.waitForTimeout(500);
    const after = await distinctColours();
    expect(after).toBeGreaterThan(before);
    await screenshot(page, 'basemap-incidents');
  });

  it('contacted no origin but our own server', () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(foreignRequests(requests, server.url)).toEqual([]);
    expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
  });
});
