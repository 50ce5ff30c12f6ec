/**
 * Party building and the credit community in the browser, on the demo district with a published
 * plan (one grid per community) and the party / credit demo seeded on it:
 * - demo_grid_member (grid 340802001001001) opens 党建·信用: sees only their community's party
 *   committee; records a serving member's visit; approves a resident's declaration waiting in their
 *   grid; enters a new declaration, which they cannot approve themselves (phone width, 390 px);
 * - demo_leader sees every community with the plaque rule, the branch layer on the map, and checks a
 *   demerit without seeing the household's name.
 * Screenshots: test-results/party-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createPlan, publishPlan } from '../../server/plans/store';
import { seedPartyDemo } from '../../server/party/demo';
import { seedCreditDemo } from '../../server/credit/demo';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { foreignRequests, launchBrowser, openPage, screenshot, signInAsDemo, waitForIdle } from '../helpers/browser';

let server: AppServer;
let browser: Browser;
const GRID = '340802001001001';

beforeAll(async () => {
  server = await startAppServer({ data: 'demo', auth: true });
  const units = await server.db.query<{ id: string; community_id: string }>('SELECT id, community_id FROM units');
  const assignment = Object.fromEntries(units.rows.map((u) => [u.id, `${u.community_id}001`]));
  const subs = (await server.db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
  const plan = await createPlan(server.db, { name: '全区方案', author: 'system', subdistricts: subs, assignment });
  await publishPlan(server.db, plan, 1);
  expect(await seedPartyDemo(server.db)).toMatchObject({ teams: 33 });
  expect(await seedCreditDemo(server.db)).toMatchObject({ pendingDemerits: expect.any(Number) });
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const partyReady = (page: Page) =>
  page.waitForFunction(() => Boolean((window as unknown as { __wanggeParty?: { ready: boolean } }).__wanggeParty?.ready), null, { timeout: 120_000 });
const status = (page: Page) => page.getByTestId('party-status').textContent().then((s) => s ?? '');

describe('party building and credit community', () => {
  it('grid member: own community only, records a visit, reviews a declaration, cannot approve their own entry', async () => {
    const { page, errors, requests } = await openPage(browser, { width: 390, height: 844 });
    await signInAsDemo(page, server.url, 'grid_member');
    await page.evaluate(() => (location.hash = '#view=party'));
    await partyReady(page);
    const communities = await page.locator('[data-testid="party-branches"] details.pt-community').evaluateAll((els) => els.map((e) => e.getAttribute('data-community')));
    expect(communities).toEqual(['340802001001']);
    expect(await page.getByTestId('party-summary').textContent()).toContain('1 个社区党委');
    await page.locator('details.pt-community summary').first().click();
    await screenshot(page, 'party-member-branches');

    // work teams: the serving members linked to the grid; record a visit
    await page.getByTestId('party-tab-teams').click();
    await partyReady(page);
    const members = page.locator('[data-testid="party-members"] li');
    expect(await members.count()).toBeGreaterThan(0);
    const before = await members.first().locator('.pt-sub').textContent();
    await members.first().getByRole('button').click();
    await expect.poll(() => status(page), { timeout: 30_000 }).toMatch(/^已记录 .+ 今天的走访$/);
    await partyReady(page);
    const after = await page.locator('[data-testid="party-members"] li').first().locator('.pt-sub').textContent();
    const visits = (s: string | null) => Number(/本季走访 (\d+) 次/.exec(s ?? '')?.[1]);
    expect(visits(after)).toBe(visits(before) + 1);
    await screenshot(page, 'party-member-teams');

    // credit: approve a declaration waiting in the grid, then enter one that only someone else may approve
    await page.getByTestId('party-tab-credit').click();
    await partyReady(page);
    const pending = page.locator('[data-testid="credit-pending"] li');
    const n0 = await pending.count();
    expect(n0).toBeGreaterThanOrEqual(2);
    const first = pending.first();
    const id = await first.getAttribute('data-entry');
    await first.locator('[data-action="approve"]').click();
    await expect.poll(() => status(page), { timeout: 30_000 }).toMatch(/^审核完成：已通过；该户等级：/);
    await partyReady(page);
    expect(await page.locator(`[data-testid="credit-pending"] li[data-entry="${id}"]`).count()).toBe(0);
    const row = await server.db.query<{ status: string }>('SELECT status FROM credit_entries WHERE id = $1', [id]);
    expect(row.rows[0].status).toBe('approved');

    await page.getByTestId('credit-category').selectOption('asset_report');
    await page.getByTestId('credit-note').fill('小区路灯损坏已报修');
    await page.getByTestId('credit-submit').click();
    await expect.poll(() => status(page), { timeout: 30_000 }).toMatch(/的加分申报，待审核$/);
    await partyReady(page);
    const mine = page.locator('[data-testid="credit-pending"] li', { hasText: '本人录入' });
    expect(await mine.count()).toBe(1);
    expect(await mine.locator('[data-action="approve"]').isDisabled()).toBe(true);
    await screenshot(page, 'party-member-credit');
    expect(foreignRequests(requests, server.url)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 600_000);

  it('leader: every community with the plaque rule, the branch layer, checks a demerit without names', async () => {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    await signInAsDemo(page, server.url, 'leader');
    await page.evaluate(() => (location.hash = '#view=party'));
    await partyReady(page);
    const blocks = page.locator('[data-testid="party-branches"] details.pt-community');
    const nCommunities = (await server.db.query<{ n: number }>('SELECT count(DISTINCT community_id)::int AS n FROM current_grids')).rows[0].n;
    expect(await blocks.count()).toBe(Number(nCommunities));
    expect(await page.getByTestId('party-summary').textContent()).toMatch(/党员户 [\d,]+ · 挂牌 [\d,—]+/);
    // the branch layer: fly to the first branch, the map draws its fill
    await blocks.first().locator('summary').click();
    await blocks.first().locator('button.pt-link').first().click();
    await page.waitForFunction(() => (window as unknown as { __wangge: { map: { queryRenderedFeatures(o: unknown): unknown[] } } }).__wangge.map.queryRenderedFeatures({ layers: ['party-branches-fill'] }).length > 0, null, { timeout: 60_000 });
    await waitForIdle(page).catch(() => undefined);
    await screenshot(page, 'party-leader-branches');

    await page.getByTestId('party-tab-credit').click();
    await partyReady(page);
    const pending = page.locator('[data-testid="credit-pending"] li');
    expect(await pending.count()).toBeGreaterThan(0);
    const first = pending.first();
    const id = await first.getAttribute('data-entry');
    const hh = await server.db.query<{ head_name: string; household_id: string }>('SELECT h.head_name, e.household_id FROM credit_entries e JOIN households h ON h.id = e.household_id WHERE e.id = $1', [id]);
    const text = (await first.textContent()) ?? '';
    expect(text).toContain(hh.rows[0].household_id);
    expect(text).not.toContain(hh.rows[0].head_name);
    await first.locator('[data-action="approve"]').click();
    await expect.poll(() => status(page), { timeout: 30_000 }).toMatch(/^审核完成：已核实/);
    expect((await server.db.query('SELECT status FROM credit_entries WHERE id = $1', [id])).rows[0].status).toBe('confirmed');
    const audit = await server.db.query("SELECT actor FROM audit_log WHERE action = 'credit.confirmed' AND entity_id = $1", [id]);
    expect(audit.rows).toEqual([{ actor: 'demo_leader' }]);
    // aggregates only: a credit table of every grid, no household list
    expect(await page.getByTestId('credit-households').count()).toBe(0);
    expect(await page.locator('[data-testid="credit-grids"] tbody tr').count()).toBe(Number(nCommunities));
    await screenshot(page, 'party-leader-credit');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 600_000);
});
