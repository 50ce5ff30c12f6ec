/**
 * Browser-test helpers: Debian Chromium through playwright-core (no browser download), with WebGL
 * through SwiftShader in headless mode; request recording; waiting for the app's `__wangge.ready`
 * and map idle; screenshots to test-results/<name>.png.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = resolve(import.meta.dirname, '../../test-results');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  page: Page;
  /** Every request the page made (URL). */
  requests: string[];
  /** Console errors and page errors. */
  errors: string[];
}

export async function openPage(browser: Browser, opts: { width?: number; height?: number; locale?: string } = {}): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    deviceScaleFactor: 1,
    locale: opts.locale ?? 'zh-CN',
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r: Request) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, requests, errors };
}

/** Waits for `window.__wangge.ready` (first idle with data); returns its time since navigation in ms. */
export async function waitForReady(page: Page, timeoutMs = 180_000): Promise<number> {
  await page.waitForFunction(() => Boolean((window as unknown as { __wangge?: unknown }).__wangge), null, { timeout: timeoutMs });
  return page.evaluate(async () => {
    const w = (window as unknown as { __wangge: { ready: Promise<void>; readyMs?: number } }).__wangge;
    await w.ready;
    return w.readyMs ?? Math.round(performance.now());
  });
}

/** Waits until the map has finished loading and rendering (tiles, glyphs) after the last change. */
export async function waitForIdle(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.evaluate(
    (timeout) =>
      new Promise<void>((resolve, reject) => {
        const map = (
          window as unknown as {
            __wangge: { map: { loaded(): boolean; areTilesLoaded(): boolean; once(e: string, f: () => void): void; triggerRepaint(): void } };
          }
        ).__wangge.map;
        const timer = setTimeout(() => reject(new Error('map did not become idle')), timeout);
        map.once('idle', () => {
          clearTimeout(timer);
          resolve();
        });
        map.triggerRepaint();
      }),
    timeoutMs,
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Origins other than `own` that the page contacted (data: and blob: URLs are local). */
/** A poller of an element's text by test id, '' while it is not there: `expect.poll(textOf(page, 'import-status')).toMatch(...)`. */
export const textOf = (page: Page, testId: string) => (): Promise<string> =>
  page
    .getByTestId(testId)
    .textContent()
    .then((t) => t ?? '')
    .catch(() => '');

export function foreignRequests(requests: string[], own: string): string[] {
  const origin = new URL(own).origin;
  return requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
}

/** Signs in through the login screen with a user name and password and waits for the map. */
export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login').waitFor({ timeout: 60_000 });
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await waitForReady(page);
}

/** Signs in through the login screen with a demo account (the server runs with auth and demo users) and waits for the map. */
export async function signInAsDemo(page: Page, url: string, role: 'admin' | 'planner' | 'coordinator' | 'leader' | 'grid_member'): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login').waitFor({ timeout: 60_000 });
  await page.getByTestId(`login-demo-${role}`).click();
  await page.getByTestId('login-submit').click();
  await waitForReady(page);
}
