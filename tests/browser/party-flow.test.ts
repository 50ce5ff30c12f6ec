/**
 * Party building and the credit community in the browser, on the demo district with a published
 * plan (one grid per community) and the party / credit demo seeded on it:
 * - demo_grid_member (grid 340802001001001) opens 党建·信用: sees only their community's party
 *   committee; records a serving member's visit; approves a resident's declaration waiting in their
 *   grid; enters a new declaration, which they cannot approve themselves (phone width, 390 px);
 * - demo_leader sees every community with the plaque rule, the branch layer on the map, and checks a
 *   demerit without seeing the household's name; saves a branch's grids (audited);
 * - big party committee: the grid member raises a need in their grid and sees the member units that
 *   offer the resource nearby, nearest on foot first, with the walks on the map; the leader takes the
 *   need on with the nearest unit and marks the practical matter done (the need closes with it), and
 *   the quarterly meeting counts it;
 * - the leader's ledger layers (visit coverage, 5-hour rule, open disputes) with their legends.
 * Screenshots: test-results/party/*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createPlan, publishPlan } from '../../server/plans/store';
import { seedPartyDemo } from '../../server/party/demo';
import { seedCreditDemo } from '../../server/credit/demo';
import { seedCommitteeDemo } from '../../server/party/committee-demo';
import { seedStaff } from '../../server/plans/staff';
import { seedFieldDemo } from '../../server/field/demo';
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
  expect(await seedCommitteeDemo(server.db)).toMatchObject({ units: 172, projects: 43, matters: 74 });
  // the ledgers behind the leaders' layers: the roster and a small synthetic ledger on this plan
  await seedStaff(server.db, plan);
  await seedFieldDemo(server.db, { totals: { records: 600, disputes: 40, volunteer: 30 }, seed: 5 });
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const partyReady = (page: Page) =>
  page.waitForFunction(() => Boolean((window as unknown as { __wanggeParty?: { ready: boolean } }).__wanggeParty?.ready), null, { timeout: 120_000 });
const status = (page: Page) =>
  page
    .getByTestId('party-status')
    .textContent()
    .then((s) => s ?? '');

describe('party building and credit community', () => {
  it('grid member: own community only, records a visit, reviews a declaration, cannot approve their own entry', async () => {
    const { page, errors, requests } = await openPage(browser, { width: 390, height: 844 });
    await signInAsDemo(page, server.url, 'grid_member');
    await page.evaluate(() => (location.hash = '#view=party'));
    await partyReady(page);
    const communities = await page
      .locator('[data-testid="party-branches"] details.pt-community')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-community')));
    expect(communities).toEqual(['340802001001']);
    expect(await page.getByTestId('party-summary').textContent()).toContain('1 个社区党委');
    await page.locator('details.pt-community summary').first().click();
    await screenshot(page, 'party/member-branches');

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
    await screenshot(page, 'party/member-teams');

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
    await screenshot(page, 'party/member-credit');
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
    await page.waitForFunction(
      () =>
        (window as unknown as { __wangge: { map: { queryRenderedFeatures(o: unknown): unknown[] } } }).__wangge.map.queryRenderedFeatures({
          layers: ['party-branches-fill'],
        }).length > 0,
      null,
      { timeout: 60_000 },
    );
    await waitForIdle(page).catch(() => undefined);
    await screenshot(page, 'party/leader-branches');
    // branch management: the branch's grids as checkboxes; saving them as they are is audited
    await blocks.first().locator('[data-action="edit-branch"]').first().click();
    const editor = page.getByTestId('branch-editor');
    expect(await editor.locator('input[type="checkbox"]:checked').count()).toBeGreaterThan(0);
    await editor.locator('[data-action="save-branch"]').click();
    await expect.poll(() => status(page), { timeout: 30_000 }).toMatch(/^已保存：该支部现辖 \d+ 个网格$/);
    expect((await server.db.query("SELECT actor FROM audit_log WHERE action = 'party.branch.grids'")).rows).toEqual([{ actor: 'demo_leader' }]);
    await partyReady(page);

    await page.getByTestId('party-tab-credit').click();
    await partyReady(page);
    const pending = page.locator('[data-testid="credit-pending"] li');
    expect(await pending.count()).toBeGreaterThan(0);
    const first = pending.first();
    const id = await first.getAttribute('data-entry');
    const hh = await server.db.query<{ head_name: string; household_id: string }>(
      'SELECT h.head_name, e.household_id FROM credit_entries e JOIN households h ON h.id = e.household_id WHERE e.id = $1',
      [id],
    );
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
    await screenshot(page, 'party/leader-credit');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 600_000);

  it('big party committee: a grid member raises a need and sees units by walking distance; the leader takes it on and marks it done', async () => {
    const title = '楼下停车难（测试）';
    const member = await openPage(browser, { width: 390, height: 844 });
    let page = member.page;
    await signInAsDemo(page, server.url, 'grid_member');
    await page.evaluate(() => (location.hash = '#view=party'));
    await partyReady(page);
    await page.getByTestId('party-tab-committee').click();
    await partyReady(page);
    expect(await page.getByTestId('committee-synthetic').textContent()).toBe('演示数据（合成）');
    // the grid member sees their grid's needs only
    const grids = await page.locator('[data-testid="committee-needs"] li').evaluateAll((els) => els.map((e) => e.querySelector('.pt-sub')?.textContent ?? ''));
    expect(grids.every((g) => g.includes(`网格 ${GRID.slice(-6)}`))).toBe(true);
    await page.locator('[data-testid="need-form"] summary').click();
    expect(await page.getByTestId('need-grid').inputValue()).toBe(GRID);
    await page.getByTestId('need-category').selectOption('parking');
    await page.getByTestId('need-title').fill(title);
    await page.getByTestId('need-submit').click();
    await expect.poll(() => status(page), { timeout: 30_000 }).toBe(`已提交需求「${title}」`);
    await partyReady(page);
    const row = page.locator('[data-testid="committee-needs"] li', { hasText: title });
    await row.getByRole('button').click();
    const matches = page.locator('[data-testid="committee-matches"] li');
    await matches.first().waitFor({ timeout: 60_000 });
    const walks = await matches.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-walk'))));
    expect(walks.length).toBeGreaterThan(0);
    expect(walks).toEqual([...walks].sort((a, b) => a - b)); // nearest on foot first
    expect(await matches.first().locator('.pt-walk').textContent()).toMatch(/^步行 [\d,]+ 米（约 \d+ 分钟）· 直线 [\d,]+ 米$/);
    // the walks on the map; a grid member cannot take the need on
    await page.waitForFunction(
      () =>
        (window as unknown as { __wangge: { map: { queryRenderedFeatures(o: unknown): unknown[] } } }).__wangge.map.queryRenderedFeatures({
          layers: ['committee-matches-walk'],
        }).length > 0,
      null,
      { timeout: 30_000 },
    );
    expect(await matches.first().getByRole('button').count()).toBe(0);
    await waitForIdle(page).catch(() => undefined);
    await screenshot(page, 'party/member-committee-matches');
    expect(member.errors).toEqual([]);
    await page.context().close();

    const leader = await openPage(browser, { width: 1280, height: 800 });
    page = leader.page;
    await signInAsDemo(page, server.url, 'leader');
    await page.evaluate(() => (location.hash = '#view=party'));
    await partyReady(page);
    await page.getByTestId('party-tab-committee').click();
    await partyReady(page);
    expect(await page.getByTestId('committee-summary').textContent()).toMatch(/成员单位 172 家 .* 服务项目 43 个.* 为民办实事 74 件（已办结 74）/);
    await page.locator('[data-testid="committee-needs"] li', { hasText: title }).getByRole('button').click();
    const first = page.locator('[data-testid="committee-matches"] li').first();
    await first.waitFor({ timeout: 60_000 });
    const unit = await first.getAttribute('data-unit');
    await first.getByRole('button').click();
    await expect.poll(() => status(page), { timeout: 30_000 }).toMatch(/^已由「.+」对接，立为为民办实事$/);
    await partyReady(page);
    const need = await server.db.query<{ id: string; status: string }>('SELECT id, status FROM committee_needs WHERE title = $1', [title]);
    expect(need.rows[0].status).toBe('matched');
    const project = page.locator(`[data-testid="committee-projects"] li[data-kind="matter"]`, { hasText: title });
    await project.locator('[data-action="done"]').click();
    await expect.poll(() => status(page), { timeout: 30_000 }).toBe(`「${title}」：已完成`);
    await partyReady(page);
    const done = await server.db.query<{ status: string; unit_id: string; need: string }>(
      'SELECT p.status, p.unit_id, n.status AS need FROM committee_projects p JOIN committee_needs n ON n.id = p.need_id WHERE n.title = $1',
      [title],
    );
    expect(done.rows).toEqual([{ status: 'done', unit_id: unit, need: 'done' }]);
    const audit = await server.db.query("SELECT actor FROM audit_log WHERE action = 'committee.project.done'");
    expect(audit.rows).toEqual([{ actor: 'demo_leader' }]);
    expect(await page.getByTestId('committee-quarter-counts').textContent()).toMatch(/需求办结 [1-9]\d*/);
    await page.getByTestId('committee-quarter').scrollIntoViewIfNeeded();
    await screenshot(page, 'party/leader-committee');
    expect(leader.errors).toEqual([]);
    await page.context().close();
  }, 600_000);

  it('leader: the ledger layers (visit coverage, 5-hour rule, open disputes) with their legends, aggregates only', async () => {
    const { page, errors, requests } = await openPage(browser, { width: 1280, height: 800 });
    await signInAsDemo(page, server.url, 'leader');
    await page.evaluate(() => (location.hash = '#view=ledger'));
    const drawn = (layer: string) =>
      page.waitForFunction(
        (id) =>
          (window as unknown as { __wangge: { map: { queryRenderedFeatures(o: unknown): unknown[] } } }).__wangge.map.queryRenderedFeatures({ layers: [id] })
            .length > 0,
        `${layer}-fill`,
        { timeout: 60_000 },
      );
    const legend = () =>
      page
        .locator('#legend')
        .textContent()
        .then((s) => s ?? '');
    await drawn('ledger-coverage');
    await waitForIdle(page).catch(() => undefined);
    expect(await legend()).toContain('覆盖 ≥ 80% 住户');
    await screenshot(page, 'party/leader-layer-coverage');
    for (const [show, hide, text] of [
      ['ledger-hours', 'ledger-coverage', '2 人及以上未达'],
      ['ledger-disputes', 'ledger-hours', '3 起及以上'],
    ] as const) {
      await page.evaluate(
        ([a, b]) => {
          const l = (window as unknown as { __wangge: { layers: { setVisible(id: string, v: boolean): void } } }).__wangge.layers;
          l.setVisible(b, false);
          l.setVisible(a, true);
        },
        [show, hide],
      );
      await drawn(show);
      await waitForIdle(page).catch(() => undefined);
      expect(await legend()).toContain(text);
      await screenshot(page, `party/leader-layer-${show.slice(7)}`);
    }
    // aggregates only: the layer data names no person
    const t0 = Date.now();
    const fc = await page.evaluate(async () => (await fetch('/api/ledger/grids/geojson')).text());
    console.log(`GET /api/ledger/grids/geojson: ${Date.now() - t0} ms, ${fc.length} bytes`);
    const names = await server.db.query<{ name: string }>('SELECT name FROM staff LIMIT 50');
    for (const n of names.rows) expect(fc).not.toContain(n.name);
    expect(foreignRequests(requests, server.url)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 600_000);
});
