/**
 * The weekly patrol plan (issue J) end to end in Chromium on the demo district, signed in through
 * the login screen as demo_coordinator (人民路 340802001, not an admin): open the joint-defense view,
 * generate the coming week's plan (a job: its progress shows while it runs), see the routes of a
 * weekday on the map (the plan's deck.gl layers) and the per-group schedule table, drop a stop and
 * move a slot with the coverage figure recomputed at once, save, publish, download a route as GPX
 * (a valid GPX 1.1 closed track), print the schedule (the print stylesheet shows the schedule only;
 * Chromium's PDF of it holds the title), record a planned patrol as done; then the coordinator signs
 * out and demo_leader signs in on the same page (one browser context: the client's files come from
 * its cache) and sees the coverage figures and planned vs done per group under the hot-spot view.
 * One server for both roles; every wait is on an event (a response, the map's idle, a DOM state);
 * reduced motion requested (the route trail stands still: the page is not redrawn 15 times a second).
 * Screenshots: test-results/patrol-plan/*.png (and schedule.pdf).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { autoGroup } from '../../server/defense/service';
import { invalidateNetworks } from '../../server/defense/network-cache';
import { invalidateIncidentColumns } from '../../server/hotspots/incident-columns';
import { invalidateZones } from '../../server/hotspots/zones';
import { coverageOf } from '../../server/algorithms/patrol-plan';
import { asCoverageRoutes, holdoutIncidents } from '../../server/patrol-plans/generate';
import { generateAndSavePlan } from '../../server/patrol-plans/service';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { foreignRequests, launchBrowser, openPage, RESULTS_DIR, screenshot, waitForIdle, waitForReady } from '../helpers/browser';

const SUB = '340802001';
const OUT = join(RESULTS_DIR, 'patrol-plan');
let server: AppServer;
let browser: Browser;
let page: Page;
let requests: string[];
let errors: string[];

const shot = (p: Page, name: string) => screenshot(p, `patrol-plan/${name}`);
const plan = (p: Page) => p.evaluate(() => (window as any).__wanggePatrolPlan.planState.plan);
const patrols = (p: Page) => p.evaluate(() => (window as any).__wanggePatrolPlan.planState.patrols as any[]);
const coverageText = (p: Page) => p.getByTestId('plan-cov-generated').locator('strong').innerText();
/** Ids and data sizes of the deck.gl layers drawn now. */
const deckLayers = (p: Page): Promise<{ id: string; n: number }[]> =>
  p.evaluate(() =>
    ((window as any).__wangge.overlay._deck?.props.layers ?? [])
      .flat(Infinity)
      .filter(Boolean)
      .map((l: any) => ({ id: l.id as string, n: Array.isArray(l.props.data) ? l.props.data.length : -1 })),
  );

async function signIn(p: Page, user: string, pass: string, hash: string): Promise<void> {
  await p.goto(`${server.url}/${hash}`);
  await p.getByTestId('login').waitFor({ timeout: 60_000 });
  await p.getByTestId('login-username').fill(user);
  await p.getByTestId('login-password').fill(pass);
  await p.getByTestId('login-submit').click();
  await waitForReady(p);
}

describe('weekly patrol plan flow (browser)', () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    server = await startAppServer({ data: 'demo', auth: true });
    // the groups are formed while Chromium starts (another process)
    const grouped = autoGroup(server.db, { subdistrict: SUB });
    browser = await launchBrowser();
    await grouped;
    ({ page, requests, errors } = await openPage(browser, { height: 900 }));
    // the routes' trail stands still (the app honours the system setting): no redraws 15 times a
    // second keeping the page busy between the steps
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await signIn(page, 'demo_coordinator', 'demo-coordinator-pass', '#view=groups');
    await page.waitForFunction(() => Boolean((window as any).__wanggeGroups && (window as any).__wanggePatrolPlan));
    await page.evaluate(() => (window as any).__wanggeGroups.loaded());
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('generates the week’s plan as a job with progress; routes by weekday on the map and a schedule per group', async () => {
    expect(await page.getByTestId('groups-subdistrict').inputValue()).toBe(SUB);
    // every status line the job's progress shows (it may run for well under a second)
    await page.evaluate(() => {
      const seen: string[] = ((window as any).__progressSeen = []);
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid=plan-progress-text]');
        if (el && seen[seen.length - 1] !== el.textContent) seen.push(el.textContent ?? '');
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    // as on a server just started (nothing cached), so that the job runs long enough to report
    invalidateIncidentColumns(server.db);
    invalidateZones(server.db);
    invalidateNetworks();
    await page.getByTestId('plan-generate').click();
    await page.getByTestId('plan-table').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('plan-progress').count()).toBe(0);
    const seen: string[] = await page.evaluate(() => (window as any).__progressSeen);
    expect(seen[0]).toBe('正在生成巡逻计划…');
    expect(
      seen.some((x) => /^\d+% · \S/.test(x)),
      JSON.stringify(seen),
    ).toBe(true); // "42% · cover": the job's own events
    const p = await plan(page);
    expect(p.status).toBe('draft');
    expect(p.subdistrict).toBe(SUB);
    expect(p.patrols.length).toBeGreaterThan(5);
    // the job's progress came through the events: the server recorded it as a patrol-plan job
    const job = await server.db.query<{ kind: string; status: string; result: any }>(
      "SELECT kind, status, result FROM jobs WHERE kind = 'patrol-plan' ORDER BY created_at DESC LIMIT 1",
    );
    expect(job.rows[0]).toMatchObject({ kind: 'patrol-plan', status: 'succeeded' });
    expect(Number(job.rows[0]!.result.planId)).toBe(p.id);

    // coverage: this plan beside the current routes and random-shop routes of the same length
    const gen = p.coverage.generated.share,
      rnd = p.coverage.random.share;
    expect(gen).toBeGreaterThanOrEqual(2 * rnd);
    expect(await coverageText(page)).toBe(`${(gen * 100).toFixed(1)}%`);
    expect(await page.getByTestId('plan-cov-current').innerText()).toContain('%');
    expect(await page.getByTestId('plan-cov-random').innerText()).toContain('%');

    // every planned patrol in the table, all groups named (no raw ids, no untranslated keys)
    const rows = page.getByTestId('plan-table').locator('tbody tr');
    expect(await rows.count()).toBe(p.patrols.length);
    const panel = await page.getByTestId('plan-panel').innerText();
    expect(panel).not.toMatch(/\bpp\.[a-z]/);
    expect(panel).toContain('联防组');

    // the week's routes on the map, then one weekday's
    const zoneLon = p.zones.map((z: any) => z.lon),
      zoneLat = p.zones.map((z: any) => z.lat);
    await page.evaluate(
      ([w, s, e, n]) =>
        (window as any).__wangge.map.fitBounds(
          [
            [w, s],
            [e, n],
          ],
          { padding: 80, duration: 0 },
        ),
      [Math.min(...zoneLon) - 0.004, Math.min(...zoneLat) - 0.004, Math.max(...zoneLon) + 0.004, Math.max(...zoneLat) + 0.004],
    );
    await waitForIdle(page);
    const week = (await deckLayers(page)).find((l) => l.id === 'patrol-plan-path');
    expect(week?.n).toBe(p.patrols.length);
    const counts = new Map<number, number>();
    for (const x of p.patrols) counts.set(x.weekday, (counts.get(x.weekday) ?? 0) + 1);
    const busiest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    await page.getByTestId('plan-days').locator(`button[data-day="${busiest}"]`).click();
    await expect.poll(async () => (await deckLayers(page)).find((l) => l.id === 'patrol-plan-path')?.n).toBe(counts.get(busiest));
    expect(await rows.count()).toBe(counts.get(busiest));
    expect((await deckLayers(page)).map((l) => l.id)).toEqual(expect.arrayContaining(['patrol-plan-trips', 'patrol-plan-zones']));
    await waitForIdle(page);
    await shot(page, '01-generated-weekday');
    await page.getByTestId('plan-days').locator('button[data-day="0"]').click();
  });

  it('drops a stop and moves a slot: the coverage figure follows at once; saves and publishes', async () => {
    const before = await coverageText(page);
    const list = await patrols(page);
    // drop a stop of a patrol through two or more hot zones
    const multi = list.findIndex((x) => x.stops.length > 2);
    if (multi >= 0) {
      const n = list[multi]!.stops.length;
      const wait = page.waitForResponse((r) => r.url().includes('/evaluate') && r.status() === 200);
      await page.getByTestId(`plan-drop-${multi}-0`).click();
      await wait;
      await expect.poll(async () => (await patrols(page))[multi]!.stops.length).toBe(n - 1);
    }
    // move a patrol that alone covers some held-out incidents (found with the server's own coverage
    // function) to Tuesday 03:00: the figure follows the server's answer to each change
    const now = await patrols(page);
    const periods = (await plan(page)).periods;
    const held = await holdoutIncidents(server.db, SUB, periods, '');
    const full = coverageOf(asCoverageRoutes(now), held).covered;
    const k = now.findIndex((_, i) => coverageOf(asCoverageRoutes(now.filter((__, j) => j !== i)), held).covered < full);
    expect(k).toBeGreaterThanOrEqual(0);
    const evaluated = async (act: () => Promise<unknown>) => {
      const wait = page.waitForResponse((r) => r.url().includes('/evaluate') && r.status() === 200);
      await act();
      const share = (await (await wait).json()).coverage.share as number;
      await expect.poll(() => coverageText(page)).toBe(`${(share * 100).toFixed(1)}%`);
    };
    await evaluated(() => page.getByTestId(`plan-weekday-${k}`).selectOption(now[k]!.weekday === 2 ? '3' : '2'));
    await evaluated(() => page.getByTestId(`plan-hour-${k}`).selectOption('3'));
    const after = await coverageText(page);
    expect(after).not.toBe(before);
    expect(parseFloat(after)).toBeLessThan(parseFloat(before));
    expect(await page.getByTestId('plan-problems').count()).toBe(0);
    await page.getByTestId('plan-table').scrollIntoViewIfNeeded();
    await shot(page, '02-edited');

    await page.getByTestId('plan-save').click();
    await expect.poll(async () => (await plan(page)).version).toBe(2);
    expect(await coverageText(page)).toBe(after);
    expect((await plan(page)).coverage.generated.share * 100).toBeCloseTo(parseFloat(after), 1);
    await page.getByTestId('plan-publish').click();
    await expect.poll(async () => (await plan(page)).status).toBe('published');
    const stored = await server.db.query<{ status: string }>('SELECT status FROM patrol_plans WHERE id = $1', [(await plan(page)).id]);
    expect(stored.rows[0]!.status).toBe('published');
    expect(await page.getByTestId('plan-panel').innerText()).toContain('已发布');
  });

  it('downloads a route as valid GPX and prints the schedule (PDF)', async () => {
    const first = page.getByTestId('plan-table').locator('tbody tr').first();
    const [download] = await Promise.all([page.waitForEvent('download'), first.getByText('GPX').click()]);
    const path = join(OUT, 'route.gpx');
    await download.saveAs(path);
    const xml = readFileSync(path, 'utf8');
    // parsed by the browser's XML parser: well-formed GPX 1.1, one closed track of the route's points
    const gpx = await page.evaluate((text) => {
      const d = new DOMParser().parseFromString(text, 'application/xml');
      const NS = 'http://www.topografix.com/GPX/1/1';
      const root = d.documentElement;
      return {
        error: d.getElementsByTagName('parsererror').length > 0,
        root: root.localName,
        ns: root.namespaceURI,
        version: root.getAttribute('version'),
        name: d.getElementsByTagNameNS(NS, 'name')[0]?.textContent ?? '',
        pts: [...d.getElementsByTagNameNS(NS, 'trkpt')].map((e) => [Number(e.getAttribute('lon')), Number(e.getAttribute('lat'))]),
      };
    }, xml);
    expect(gpx).toMatchObject({ error: false, root: 'gpx', ns: 'http://www.topografix.com/GPX/1/1', version: '1.1' });
    const p0 = (await patrols(page))[0]!;
    expect(gpx.pts.length).toBe(p0.geometry.coordinates.length);
    for (const [lon, lat] of gpx.pts) {
      expect(lon).toBeGreaterThan(116.9);
      expect(lon).toBeLessThan(117.2);
      expect(lat).toBeGreaterThan(30.4);
      expect(lat).toBeLessThan(30.7);
    }
    expect(gpx.pts[0]).toEqual(gpx.pts.at(-1)); // a closed patrol
    const groupName = (await plan(page)).groups.find((g: any) => g.id === p0.group).name;
    expect(gpx.name).toContain(groupName);

    // the print button prints with the schedule-only stylesheet
    await page.evaluate(() => {
      (window as any).__printed = null;
      window.print = () => ((window as any).__printed = document.body.className);
    });
    await page.getByTestId('plan-print').click();
    expect(await page.evaluate(() => (window as any).__printed)).toContain('printing-plan');
    expect(await page.evaluate(() => document.body.classList.contains('printing-plan'))).toBe(false); // back to the screen after printing
    await page.evaluate(() => document.body.classList.add('printing-plan'));
    await page.emulateMedia({ media: 'print' });
    try {
      await shot(page, '03-print-schedule');
      // on paper: no form controls, every slot as text
      const printed = await page.evaluate(() => ({
        controls: [...document.querySelectorAll('.pp-print select, .pp-print button')].filter((e) => e.getClientRects().length > 0).length,
        slots: [...document.querySelectorAll('.pp-print td.pp-slot')].map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
      }));
      expect(printed.controls).toBe(0);
      expect(printed.slots.length).toBe((await patrols(page)).length);
      for (const x of printed.slots) expect(x).toMatch(/^周[一二三四五六日] \d\d:00–\d\d:00$/);
      const pdf = await page.pdf({ path: join(OUT, 'schedule.pdf'), format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await page.emulateMedia({ media: 'screen' });
      await page.evaluate(() => document.body.classList.remove('printing-plan'));
    }
  });

  it('records a planned patrol as done (a patrol log linked to it)', async () => {
    const p0 = (await patrols(page))[0]!;
    await page.getByTestId('plan-log-0').click();
    await page.getByTestId('plan-log-who-0').fill('张三、李四');
    await page.getByTestId('plan-log-ok-0').click();
    await expect.poll(async () => (await patrols(page))[0]!.done).toBe(1);
    const log = await server.db.query<{ group_id: string }>('SELECT group_id FROM patrol_logs WHERE planned_patrol_id = $1', [p0.id]);
    expect(log.rows.map((r) => r.group_id)).toEqual([p0.group]);
    await page.getByTestId('plan-table').locator('tbody tr').first().scrollIntoViewIfNeeded();
    await shot(page, '04-published-done');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    expect(foreignRequests(requests, server.url)).toEqual([]);
  });

  it('the leader sees the coverage figure and planned vs done per group on the hot-spot view', async () => {
    const p = await plan(page);
    // sign out through the header (it reloads to the login screen), then in as the leader
    await page.evaluate(() => {
      location.hash = '#view=hotspots';
    });
    // let the coordinator's hot-spot view finish loading first: a request still in flight when the
    // session ends is refused (401) and logged as an error by the browser
    await page.getByTestId('hotspots-patrol-coverage').locator('details').waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
    await Promise.all([page.waitForEvent('load'), page.getByTestId('logout').click()]);
    await page.getByTestId('login').waitFor({ timeout: 60_000 });
    await page.getByTestId('login-username').fill('demo_leader');
    await page.getByTestId('login-password').fill('demo-leader-pass');
    await page.getByTestId('login-submit').click();
    await waitForReady(page);
    const leader = { page };
    const box = leader.page.getByTestId('hotspots-patrol-coverage');
    await box.locator('details').waitFor({ timeout: 30_000 });
    const text = await box.innerText();
    expect(text).toContain(`${(p.coverage.generated.share * 100).toFixed(1)}%`);
    expect(text).toContain(`${(p.coverage.random.share * 100).toFixed(1)}%`);
    expect(text).toContain(`1/${p.patrols.length}`);
    await box.locator('details summary').click();
    const rows = box.locator('table tbody tr');
    const progress = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const perGroup = new Map<string, number>();
    for (const x of p.patrols) perGroup.set(x.group, (perGroup.get(x.group) ?? 0) + 1);
    expect(progress.length).toBe(perGroup.size);
    expect(progress.reduce((s, r) => s + Number(r[1]), 0)).toBe(p.patrols.length);
    expect(progress.reduce((s, r) => s + Number(r[2]), 0)).toBe(1);
    expect(await box.locator('thead').innerText()).toMatch(/计划次数[\s\S]*已巡逻/);
    await box.scrollIntoViewIfNeeded();
    await shot(leader.page, '05-leader-coverage');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    expect(foreignRequests(requests, server.url)).toEqual([]);
  }, 120_000);

  it('the leader sees the next week’s draft read-only in the joint-defense view (no slot selects, no save)', async () => {
    const published = await server.db.query<{ week: string }>(
      "SELECT to_char(week_start, 'YYYY-MM-DD') AS week FROM patrol_plans WHERE subdistrict_id = $1 AND status = 'published'",
      [SUB],
    );
    expect(published.rows).toHaveLength(1);
    const next = new Date(Date.parse(`${published.rows[0].week}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    await generateAndSavePlan(server.db, { subdistrict: SUB, week: next }, { author: 'demo_coordinator' });
    await page.evaluate(() => {
      location.hash = '#view=groups';
    });
    await page.waitForFunction(() => Boolean((window as any).__wanggeGroups && (window as any).__wanggePatrolPlan));
    await page.evaluate(() => (window as any).__wanggeGroups.loaded());
    await page.evaluate(() => (window as any).__wanggePatrolPlan.loaded);
    const draft = await plan(page);
    expect([draft.status, draft.week_start]).toEqual(['draft', next]);
    await page.getByTestId('plan-table').waitFor();
    expect(await page.locator('[data-testid="plan-table"] tbody tr').count()).toBe(draft.patrols.length);
    // the coordinator's editing controls are not there for the leader
    expect(await page.locator('[data-testid^="plan-weekday-"], [data-testid^="plan-hour-"], [data-testid^="plan-drop-"]').count()).toBe(0);
    expect(await page.getByTestId('plan-save').count()).toBe(0);
    expect(await page.getByTestId('plan-publish').isVisible()).toBe(false);
    await shot(page, '06-leader-draft');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  }, 180_000);
});
