/**
 * The coordinator's joint-defense view in real Chromium against the real server on the demo
 * district: the groups of a sub-district are formed (as `npm start` does), the view opens at
 * #view=groups, a click on a shop on the map shows the walking times of the nine other members, their
 * paths and the isochrone; the group's patrol route is drawn. Screenshot: test-results/groups-response.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { foreignRequests, launchBrowser, openPage, screenshot, waitForIdle, waitForReady } from '../helpers/browser';
import { autoGroup } from '../../server/defense/service';

let server: AppServer;
let browser: Browser;
let page: Page;
let requests: string[];
let errors: string[];
let sub = '';

describe('joint-defense groups view (browser)', () => {
  beforeAll(async () => {
    server = await startAppServer();
    const first = await server.db.query<{ id: string }>('SELECT DISTINCT subdistrict_id AS id FROM shops WHERE subdistrict_id IS NOT NULL ORDER BY 1 LIMIT 1');
    sub = first.rows[0].id;
    const t = Date.now();
    const r = await autoGroup(server.db, { subdistrict: sub });
    console.log(`groups: ${r.shops} shops of ${sub} → ${r.groups} groups in ${Date.now() - t} ms`);
    browser = await launchBrowser();
    ({ page, requests, errors } = await openPage(browser));
    await page.goto(`${server.url}/#view=groups`);
    await waitForReady(page);
    await page.evaluate(() => (window as any).__wanggeGroups.loaded());
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the groups of the sub-district with their leaders and worst response', async () => {
    await page.waitForSelector('[data-testid=groups-stats]');
    const rows = await page.locator('.grp-table tbody tr').count();
    expect(rows).toBeGreaterThan(10);
    expect(await page.locator('[data-testid=groups-subdistrict]').inputValue()).toBe(sub);
  });

  it('shows the nine response times, paths and isochrone when a shop on the map is clicked', async () => {
    // A member of a full group that is not its leader; zoom in so shops are apart on screen.
    const target = await page.evaluate(() => {
      const d = (window as any).__wanggeGroups.state.data;
      const g = d.groups.find((x: any) => x.size === 10);
      const m = g.members.find((x: any) => x.id !== g.leader_shop_id);
      return { id: m.id as string, lon: m.lon as number, lat: m.lat as number, group: g.id as string };
    });
    await page.evaluate(([lon, lat]) => (window as any).__wangge.map.jumpTo({ center: [lon, lat], zoom: 18 }), [target.lon, target.lat]);
    await waitForIdle(page);
    const pt = await page.evaluate(([lon, lat]) => (window as any).__wangge.map.project([lon, lat]), [target.lon, target.lat]);
    const box = (await page.locator('#map').boundingBox())!;
    const t0 = Date.now();
    await page.mouse.click(box.x + pt.x, box.y + pt.y);
    await page.waitForSelector('[data-testid=groups-response] .grp-response tbody tr');
    const apiMs = await page.evaluate(() => {
      const e = performance.getEntriesByType('resource').filter((x) => x.name.includes('/api/groups/response')).pop();
      return e ? Math.round(e.duration) : -1;
    });
    const serverMs = await page.evaluate(() => (window as any).__wanggeGroups.state.response.time_ms);
    console.log(`click → response table: ${Date.now() - t0} ms (response API ${apiMs} ms in the browser, ${serverMs} ms computing on the server)`);
    const state = await page.evaluate(() => {
      const s = (window as any).__wanggeGroups.state;
      return { shop: s.response.shop.id, group: s.response.group, members: s.response.members.length, paths: s.response.paths.features.length, iso: s.response.isochrone?.geometry.type ?? null };
    });
    expect(state).toMatchObject({ shop: target.id, group: target.group, members: 9, paths: 9 });
    expect(state.iso).toMatch(/Polygon/);
    const times = await page.locator('.grp-response tbody td.time').allTextContents();
    expect(times).toHaveLength(9);
    for (const x of times) expect(x).toMatch(/\d+″$/);

    await page.click('[data-testid=groups-route]');
    await page.waitForFunction(() => (window as any).__wanggeGroups.state.route !== null);
    await page.waitForSelector('.grp-route a[href$="/gpx"]');
    // fit the group, its paths and route in view for the screenshot
    await page.evaluate(() => {
      const s = (window as any).__wanggeGroups.state;
      const g = s.data.groups.find((x: any) => x.id === s.response.group);
      const iso = s.response.isochrone.geometry;
      const ring = iso.type === 'Polygon' ? iso.coordinates[0] : iso.coordinates.flatMap((p: number[][][]) => p[0]);
      const pts = [...g.members.map((m: any) => [m.lon, m.lat]), ...s.route.geometry.coordinates, ...ring];
      const xs = pts.map((p: number[]) => p[0]), ys = pts.map((p: number[]) => p[1]);
      (window as any).__wangge.map.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], { padding: 40, duration: 0, maxZoom: 18 });
    });
    await waitForIdle(page);
    await screenshot(page, 'groups-response');
    const gpx = await page.evaluate(async () => (await fetch((document.querySelector('.grp-route a[href$="/gpx"]') as HTMLAnchorElement).href)).text());
    expect(gpx).toMatch(/<trkpt /);
  });

  it('contacted no other origin and raised no page errors', () => {
    expect(foreignRequests(requests, server.url)).toEqual([]);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
