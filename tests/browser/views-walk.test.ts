/**
 * The QA walk's findings, kept: signed in as demo_leader in English on the demo district with a
 * published plan, each view's legend lists only the layers of that view (and a view's layers are no
 * longer drawn once another opens), the plan view loads its "1+3" staff without a 403, the English
 * panels use no Chinese list or bracket punctuation and the ledger names sub-districts in English,
 * the emerging hot spot legend lists patterns (not Gi* classes), the party view says why a plaque
 * figure is hidden, the ledger's last-week hours say 'last week', and the joint-defense view is
 * read-only for a leader. At phone width (390 px) no view is wider than the screen.
 * Screenshots: test-results/walk-*.png.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { publishCellPlan } from '../helpers/cell-plan';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { launchBrowser, openPage, screenshot, signInAsDemo } from '../helpers/browser';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAppServer({ data: 'demo', auth: true });
  await publishCellPlan(server.db);
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a view by its tab (or the URL at phone width, where the tab may be scrolled away) and waits until nothing is busy. */
async function open(page: Page, view: string): Promise<void> {
  await page.evaluate((v) => (location.hash = `#view=${v}`), view);
  await page.waitForFunction((v) => document.body.dataset.view === v, view);
  // quiet for 600 ms: the view's first requests have answered
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __wangge: { busy: { active(): number } }; __quietSince?: number };
      if (w.__wangge.busy.active() > 0) w.__quietSince = performance.now();
      w.__quietSince ??= performance.now();
      return performance.now() - w.__quietSince > 600;
    },
    null,
    { timeout: 120_000, polling: 100 },
  );
}

const legend = async (page: Page) => (await page.locator('#legend').innerText()).split('\n').map((s) => s.trim());
const shown = (page: Page, id: string) => page.evaluate((x) => (window as any).__wangge.layers.isShown(x) as boolean, id);

/** Lines of the view panel with Chinese list / bracket / colon / comma / semicolon punctuation. */
const chinesePunctuation = async (page: Page) => (await page.locator('#view-panel').innerText()).split('\n').filter((l) => /[、（）：，；]/.test(l));

describe('views walk (demo_leader, English)', () => {
  it('legends per view, no 403, English punctuation and names, emerging legend, hidden figures explained', async () => {
    const { page, errors } = await openPage(browser, { width: 1400, height: 900 });
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.addInitScript(() => localStorage.setItem('wangge.lang', 'en'));
    await signInAsDemo(page, server.url, 'leader');

    // the overview: no layer of another view (the planned patrol routes are on by default in the groups view)
    await open(page, 'map');
    expect(await legend(page)).not.toContain('Planned patrol routes (colour: group)');
    expect(await shown(page, 'patrol-plan')).toBe(false);

    // the plan view: staff read without a 403; its legend has the plan's entries and no patrol routes
    const staff = page.waitForResponse((r) => /\/api\/plans\/\d+\/staff$/.test(r.url()), { timeout: 120_000 });
    await open(page, 'plan');
    expect((await staff).status()).toBe(200);
    await page.waitForFunction(() => Boolean((window as any).__wanggePlan), null, { timeout: 120_000 });
    await page.evaluate(() => (window as any).__wanggePlan.ready);
    // the problem grids list their issues joined the English way
    await page.locator('#view-panel details').evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await expect.poll(() => page.locator('#view-panel').innerText(), { timeout: 20_000 }).toContain('households out of band, not contiguous');
    expect(await chinesePunctuation(page)).toEqual([]);
    expect(await legend(page)).toContain('Grid (households in band)');
    expect(await legend(page)).not.toContain('Planned patrol routes (colour: group)');

    // the joint-defense view: leaders view, coordinators edit (no buttons that end in a 403)
    await open(page, 'groups');
    await page.evaluate(() => (window as any).__wanggeGroups.loaded());
    expect(await page.getByTestId('groups-readonly').isVisible()).toBe(true);
    expect(await page.getByTestId('groups-auto').isVisible()).toBe(false);
    expect(await page.getByTestId('plan-generate').isVisible()).toBe(false);
    expect(await legend(page)).toContain('Planned patrol routes (colour: group)');
    expect(await legend(page)).not.toContain('Grid (households in band)');

    // hot spots: Gi* classes, then the emerging patterns; leaving the view takes its layers off the map
    await open(page, 'hotspots');
    await page.waitForFunction(() => Boolean((window as any).__wanggeHotspots?.store.result), null, { timeout: 120_000 });
    expect(await legend(page)).toContain('Hot spot, 99 % confidence');
    expect(await legend(page)).not.toContain('Planned patrol routes (colour: group)');
    await page.locator('.hs-seg-btn[data-mode="emerging"]').click();
    await page.waitForFunction(() => (window as any).__wanggeHotspots.store.result?.mode === 'emerging', null, { timeout: 120_000 });
    await page.waitForFunction(() => document.querySelector('#legend')?.textContent?.includes('No pattern'));
    expect(await legend(page)).not.toContain('Hot spot, 99 % confidence');
    await screenshot(page, 'walk-emerging');
    expect(await shown(page, 'hotspot-classes')).toBe(true);

    await open(page, 'cases');
    expect(await shown(page, 'hotspot-classes')).toBe(false);
    expect(await legend(page)).not.toContain('No pattern');
    expect(await legend(page)).toContain('Overdue');
    expect(await chinesePunctuation(page)).toEqual([]);
    // the whistle dashboard's median time per department (all kinds): departments named in English
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="median.csv"]').click()]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .split(/\r?\n/)
      .filter(Boolean);
    const allKinds = csv.slice(1).filter((l) => l.includes(',All kinds,'));
    expect(allKinds.length).toBeGreaterThan(3);
    expect(allKinds.filter((l) => /[\u4e00-\u9fff]/.test(l))).toEqual([]);

    // the ledger: sub-districts in English, disputes "n (open)"
    await open(page, 'ledger');
    await page.getByTestId('ledger-table').waitFor();
    const names = await page.locator('[data-testid="ledger-table"] tbody tr:not(.lg-total) td:first-child').allInnerTexts();
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((n) => /[\u4e00-\u9fff]/.test(n))).toEqual([]);
    expect(await chinesePunctuation(page)).toEqual([]);
    // last week's hours are said to be last week's
    const hours = await page.locator('[data-testid="ledger-panel"] [data-testid="fw-hours"] h2').textContent();
    expect(hours).toContain('last week');
    await screenshot(page, 'walk-ledger');

    // the party view: the rule is a share of party-member households; a hidden figure says why
    await open(page, 'party');
    await page.waitForFunction(() => (window as any).__wanggeParty?.ready === true, null, { timeout: 120_000 });
    const summary = await page.getByTestId('party-summary').innerText();
    expect(summary).toContain('at least 20% of party-member households');
    expect(summary).toContain('not of all households');
    const hidden = await page.locator('.pt-sum .pt-badge.pt-none').allInnerTexts();
    for (const b of hidden)
      expect(b).toMatch(
        /^(No party-member households|Hidden \((fewer than 5 party-member households|a grid in it has fewer than 5 party-member households)\))$/,
      );
    expect(await chinesePunctuation(page)).toEqual([]);
    await screenshot(page, 'walk-party');

    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);

  it('at phone width no view is wider than the screen', async () => {
    const { page, errors } = await openPage(browser, { width: 390, height: 844 });
    await page.addInitScript(() => localStorage.setItem('wangge.lang', 'en'));
    await signInAsDemo(page, server.url, 'leader');
    const wide: string[] = [];
    for (const view of ['map', 'plan', 'groups', 'hotspots', 'cases', 'ledger', 'party']) {
      await open(page, view);
      const w = await page.evaluate(() => ({
        doc: document.documentElement.scrollWidth,
        panel: Math.round(document.getElementById('view-panel')!.getBoundingClientRect().right),
        map: Math.round(document.getElementById('map-wrap')!.getBoundingClientRect().height),
      }));
      if (w.doc > 390 || w.panel > 390) wide.push(`${view}: ${JSON.stringify(w)}`);
      expect(w.map, view).toBeGreaterThan(200);
      // the open view's tab is in sight in the sideways-scrolling tab bar
      const tab = await page.getByTestId(`view-${view}`).boundingBox();
      expect(tab!.x, view).toBeGreaterThanOrEqual(0);
      expect(tab!.x + tab!.width, view).toBeLessThanOrEqual(390);
      await screenshot(page, `walk-phone-${view}`);
    }
    expect(wide).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);
});
