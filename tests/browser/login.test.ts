/**
 * Sign-in as the served app does it (enforcement on, demo users seeded): the login screen comes
 * first, a wrong password is refused with a message, a demo planner gets in and sees the map with
 * their name in the header; signing out returns to the login screen.
 * Screenshot: test-results/login.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { launchBrowser, openPage, screenshot, waitForReady } from '../helpers/browser';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAppServer({ auth: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('sign-in gate', () => {
  it('refuses a wrong password, lets a demo planner in, and signs out again', async () => {
    const { page } = await openPage(browser);
    await page.goto(server.url);
    await page.getByTestId('login').waitFor({ timeout: 60_000 });
    // the API itself refuses an anonymous request
    const anon = await page.evaluate(async () => (await fetch('/api/plans')).status);
    expect(anon).toBe(401);
    await page.getByTestId('login-username').fill('demo_planner');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    await page.getByTestId('login-demo-planner').click();
    await screenshot(page, 'login');
    await page.getByTestId('login-submit').click();
    await waitForReady(page);
    expect(await page.getByTestId('login').count()).toBe(0);
    expect(await page.locator('#user-chip').textContent()).toContain('规划员');
    await page.getByTestId('logout').click();
    await page.getByTestId('login').waitFor({ timeout: 60_000 });
    await page.close();
  });
});
