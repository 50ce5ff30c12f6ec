/**
 * The whistle dashboard in real Chromium on the demo: a leader opens #view=cases, sees the funnel
 * (2,000+ reported, 403 whistled, 400 solved), the charts and the overdue cases, opens an overdue
 * case, moves it along (accepted → feedback → solved) and sees the timeline grow; the open cases
 * are on the map in SLA colours; nothing is fetched from another origin.
 * Screenshots: test-results/cases.png (dashboard), cases-detail.png (the case after the moves).
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

const kpi = (key: string) => page.locator(`[data-kpi="${key}"] .cs-kpi-v`).innerText();

describe('whistle dashboard (#view=cases)', () => {
  beforeAll(async () => {
    server = await startAppServer({ data: 'demo' });
    browser = await launchBrowser();
    ({ page, requests, errors } = await openPage(browser, { width: 1400, height: 900 }));
    await page.goto(`${server.url}/#view=cases`);
    await waitForReady(page);
    await page.evaluate(() => (window as any).__wanggeCases?.ready);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the funnel with the demo figures, the charts and the overdue cases', async () => {
    expect(Number((await kpi('reported')).replace(/\D/g, ''))).toBeGreaterThanOrEqual(2000);
    expect(await kpi('whistled')).toBe('403');
    expect(await kpi('solved')).toBe('400');
    expect(Number(await kpi('overdue'))).toBeGreaterThanOrEqual(1);
    // three charts drawn on canvases with content
    expect(await page.locator('.cs-chart canvas').count()).toBe(3);
    expect(await page.locator('.cs-overdue .cs-item').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('.cs-cases .cs-item').count()).toBeGreaterThanOrEqual(3); // the open cases
    await waitForIdle(page);
    // the open cases layer is on with SLA colours
    const visible = await page.evaluate(() => (window as any).__wangge.layers.isVisible('cases'));
    expect(visible).toBe(true);
    await screenshot(page, 'cases');
  }, 60_000);

  it('exports a chart as PNG and CSV', async () => {
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="funnel.png"]').click()]);
    expect(png.suggestedFilename()).toMatch(/^whistle-funnel-.*\.png$/);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="trend.csv"]').click()]);
    const path = await csv.path();
    const text = (await import('node:fs')).readFileSync(path!, 'utf8');
    expect(text.split('\r\n')[0]).toContain('月份');
    expect(text.split('\r\n').length).toBeGreaterThan(20);
  }, 30_000);

  it('opens an overdue case and moves it along', async () => {
    await page.locator('.cs-overdue .cs-item').first().click();
    const detail = page.locator('.cs-detail');
    await detail.waitFor();
    expect(await page.locator('.cs-badge-overdue').count()).toBe(1);
    const before = await page.locator('.cs-ev').count();
    const status = await detail.getAttribute('data-status');
    expect(['dispatched', 'accepted']).toContain(status);
    if (status === 'dispatched') {
      await page.locator('button[data-to="accepted"]').click();
      await page.locator('.cs-detail[data-status="accepted"]').waitFor();
    }
    await page.locator('.cs-note').fill('已完成整改，请街道核实');
    await page.locator('button[data-to="feedback"]').click();
    await page.locator('.cs-detail[data-status="feedback"]').waitFor();
    expect(await page.locator('.cs-ev-note').last().innerText()).toBe('已完成整改，请街道核实');
    await page.locator('button[data-to="solved"]').click();
    await page.locator('.cs-detail[data-status="solved"]').waitFor();
    expect(await page.locator('.cs-ev').count()).toBe(before + (status === 'dispatched' ? 3 : 2));
    expect(await page.locator('button[data-to="evaluated"]').count()).toBe(1);
    await waitForIdle(page);
    await screenshot(page, 'cases-detail');
    // back on the dashboard the figures follow
    await page.locator('.cs-link').first().click();
    await page.waitForFunction(() => document.querySelector('[data-kpi="solved"] .cs-kpi-v')?.textContent === '401');
    expect(errors).toEqual([]);
    expect(foreignRequests(requests, server.url)).toEqual([]);
  }, 60_000);
});
