/**
 * The planner's editor in the real app on the demo: one sub-district partitioned and published, a
 * draft copy opened at #view=plan; select a grid, paint five units of a neighbour into it with the
 * brush (real mouse clicks), see both grids' counts change, undo, redo, a second browser context on
 * the stale version gets the 409 message, lock, publish, reload and see the published state.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../helpers/app-server';
import { openEditor, pickNeighbourUnits, startEditorFixture, type EditorFixture } from '../helpers/editor-fixture';
import { openPage, screenshot, waitForIdle } from '../helpers/browser';

const SUB = '340802005';

interface Hook {
  ready: Promise<void>;
  planId(): number | null;
  state(): {
    version: number;
    asg: (string | null)[];
    table: { ids: string[]; households: number[]; offsets: number[]; targets: number[] };
    centroids: Float64Array;
    members: Map<string, Set<number>>;
    stats(c: string): { households: number };
  } | null;
  selectGrid(c: string | null): void;
}

const households = async (page: Page) => Number((await page.textContent('[data-testid="stat-households"]'))!.trim().split(/\s+/)[0]);

describe('plan editor in the browser', () => {
  let fx: EditorFixture;
  let server: AppServer;
  let browser: Browser;
  let draft: number;
  beforeAll(async () => {
    fx = await startEditorFixture(SUB, '测试');
    ({ server, browser, draft } = fx);
  }, 600_000);
  afterAll(async () => fx?.close());

  it('selects, paints five units from a neighbour, undoes, redoes, meets a 409, locks, publishes', async () => {
    const a = await openPage(browser);
    const b = await openPage(browser);
    await openEditor(a.page, server.url, draft);
    await openEditor(b.page, server.url, draft);
    const page = a.page;

    // choose grid A and five boundary units of a neighbour B; frame them
    const pick = await pickNeighbourUnits(page, 5);
    expect(pick).not.toBeNull();
    const { A, B, units } = pick!;
    await page.evaluate(
      ({ A, units }) => {
        const w = window as unknown as { __wanggePlan: Hook; __wangge: { map: { fitBounds(b: number[], o: object): void } } };
        const s = w.__wanggePlan.state()!;
        const xs = [...s.members.get(A)!, ...units].map((i) => [s.centroids[2 * i], s.centroids[2 * i + 1]]);
        const b = [Math.min(...xs.map((p) => p[0])), Math.min(...xs.map((p) => p[1])), Math.max(...xs.map((p) => p[0])), Math.max(...xs.map((p) => p[1]))];
        w.__wangge.map.fitBounds(b, { padding: 80, duration: 0 });
      },
      { A, units },
    );
    await waitForIdle(page);
    // screen points inside each unit (checked against the rendered features)
    const points = await page.evaluate(
      ({ units, A }) => {
        const w = window as unknown as {
          __wanggePlan: Hook;
          __wangge: { map: { project(p: number[]): { x: number; y: number }; queryRenderedFeatures(p: number[], o: object): Array<{ id: unknown }> } };
        };
        const s = w.__wanggePlan.state()!;
        const at = (i: number) => {
          const p = w.__wangge.map.project([s.centroids[2 * i], s.centroids[2 * i + 1]]);
          const f = w.__wangge.map.queryRenderedFeatures([p.x, p.y], { layers: ['plan-units-fill'] });
          return f[0]?.id === i ? { x: p.x, y: p.y } : null;
        };
        const aUnit = [...s.members.get(A)!].map(at).find((p) => p !== null) ?? null;
        return { a: aUnit, units: units.map(at) };
      },
      { units, A },
    );
    expect(points.a).not.toBeNull();
    expect(points.units.every((p) => p !== null)).toBe(true);
    const box = (await page.locator('#map').boundingBox())!;

    // select A by clicking one of its units
    await page.mouse.click(box.x + points.a!.x, box.y + points.a!.y);
    await page.waitForSelector('[data-testid="grid-stats"]');
    expect(await page.textContent('.plan-grid-title')).toContain(A);
    const hhA0 = await households(page);
    const hhB0 = await page.evaluate((B) => (window as unknown as { __wanggePlan: Hook }).__wanggePlan.state()!.stats(B).households, B);
    const painted = await page.evaluate(
      (units) => units.reduce((s, i) => s + (window as unknown as { __wanggePlan: Hook }).__wanggePlan.state()!.table.households[i], 0),
      units,
    );

    const v0 = Number((await page.textContent('[data-testid="plan-version"]'))!.slice(1));
    // brush: five clicks
    await page.click('[data-testid="mode-brush"]');
    for (const p of points.units) {
      await page.mouse.click(box.x + p!.x, box.y + p!.y);
      await page.waitForTimeout(150);
    }
    await page.waitForFunction(
      ({ hh }) => {
        const el = document.querySelector('[data-testid="stat-households"]');
        return el && Number(el.textContent!.trim().split(/\s+/)[0]) === hh;
      },
      { A, hh: hhA0 + painted },
    );
    expect(await households(page)).toBe(hhA0 + painted);
    // every click was saved as one versioned edit
    await page.waitForFunction((v) => document.querySelector('[data-testid="plan-version"]')?.textContent === `v${v}`, v0 + 5);
    const hhB1 = await page.evaluate((B) => (window as unknown as { __wanggePlan: Hook }).__wanggePlan.state()!.stats(B).households, B);
    expect(hhB1).toBe(hhB0 - painted);
    // the server agrees (grids GeoJSON)
    const server1 = await page.evaluate(
      async ({ id, A, B }) => {
        const fc = await (await fetch(`/api/plans/${id}/grids`)).json();
        const hh = (c: string) => fc.features.find((f: { properties: { code: string } }) => f.properties.code === c).properties.households;
        return [hh(A), hh(B)];
      },
      { id: draft, A, B },
    );
    expect(server1).toEqual([hhA0 + painted, hhB0 - painted]);
    const v1 = Number((await page.textContent('[data-testid="plan-version"]'))!.slice(1));
    await waitForIdle(page);
    await screenshot(page, 'editor-painted');

    // undo the last click, redo it
    const lastHh = await page.evaluate((i) => (window as unknown as { __wanggePlan: Hook }).__wanggePlan.state()!.table.households[i], units[4]);
    await page.click('[data-testid="mode-select"]');
    await page.click('[data-testid="plan-undo"]');
    await page.waitForFunction((v) => document.querySelector('[data-testid="plan-version"]')?.textContent === `v${v}`, v1 + 1);
    expect(await households(page)).toBe(hhA0 + painted - lastHh);
    await page.click('[data-testid="plan-redo"]');
    await page.waitForFunction((v) => document.querySelector('[data-testid="plan-version"]')?.textContent === `v${v}`, v1 + 2);
    expect(await households(page)).toBe(hhA0 + painted);

    // the second context still holds the old version: its edit gets the 409 message, nothing is lost
    await b.page.evaluate(
      async ({ A, unit }) => {
        const w = (window as unknown as { __wanggePlan: Hook & { paint(u: string[], to: string | null): Promise<void> } }).__wanggePlan;
        w.selectGrid(A);
        await w.paint([w.state()!.table.ids[unit]], null);
      },
      { A, unit: units[0] },
    );
    await b.page.waitForSelector('[data-testid="plan-message"]');
    expect(await b.page.textContent('[data-testid="plan-message"]')).toMatch(/已被他人修改/);
    await screenshot(b.page, 'editor-409');

    // lock A, publish, reload: the published state
    await page.click('[data-testid="plan-lock"]');
    await page.waitForFunction(() => /锁定/.test(document.querySelector('[data-testid="plan-message"]')?.textContent ?? ''));
    const locked = await page.evaluate(
      async ({ id, A }) => {
        const fc = await (await fetch(`/api/plans/${id}/grids`)).json();
        return fc.features.find((f: { properties: { code: string } }) => f.properties.code === A).properties.locked;
      },
      { id: draft, A },
    );
    expect(locked).toBe(true);
    // publishing asks first, saying what it replaces (the published plan of this sub-district only)
    const dialog = new Promise<string>((resolve) => page.once('dialog', (d) => void d.accept().then(() => resolve(d.message()))));
    await page.click('[data-testid="plan-publish"]');
    const asked = await dialog;
    expect(asked).toMatch(/^发布此草稿（.+街道，\d+ 个网格）？/);
    expect(asked).toMatch(/将替换「.+方案」中 .+街道 的 \d+ 个已发布网格/);
    await page.waitForFunction(() => document.querySelector('[data-testid="plan-status"]')?.textContent === '已发布');
    expect(await page.textContent('[data-testid="plan-message"]')).toMatch(/其他街道的已发布网格保持不变/);
    await page.reload();
    await openEditor(page, server.url, draft);
    expect(await page.textContent('[data-testid="plan-status"]')).toBe('已发布');
    expect(await page.isVisible('[data-testid="plan-copy"]')).toBe(true);
    await page.evaluate((A) => (window as unknown as { __wanggePlan: Hook }).__wanggePlan.selectGrid(A), A);
    expect(await households(page)).toBe(hhA0 + painted);
    await waitForIdle(page);
    await screenshot(page, 'editor-published');
    expect(a.errors.filter((e) => !/409|Conflict/.test(e))).toEqual([]);
  }, 300_000);

  it("shows the partition's warnings, naming units; a row shows the grid of its first unit", async () => {
    // a known warning naming one real unit of the draft (as the engine writes them)
    const u = await server.db.query<{ unit_id: string; grid_code: string }>(
      'SELECT unit_id, grid_code FROM plan_assignments WHERE plan_id = $1 AND grid_code IS NOT NULL ORDER BY unit_id LIMIT 1',
      [draft],
    );
    const { unit_id: unit, grid_code: grid } = u.rows[0];
    const warning = {
      code: 'island_infeasible',
      units: [unit],
      message: `units ${unit} form an island of 51 households, below 300. Fix: merge it with a neighbouring grid by hand`,
    };
    await server.db.query('UPDATE plans SET warnings = $2::jsonb WHERE id = $1', [draft, JSON.stringify([warning])]);
    const { page, errors } = await openPage(browser);
    await openEditor(page, server.url, draft);
    await page.click('summary:has-text("自动划分提示（1）")');
    const row = page.locator('[data-testid="warning-table"] tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('孤立片区户数无法达标');
    expect(await row.getAttribute('title')).toMatch(/Fix: merge/);
    await row.click();
    await page.waitForSelector('[data-testid="grid-stats"]');
    expect(await page.textContent('.plan-grid-title')).toContain(grid);
    expect(await page.isVisible('[data-testid="warning-table"]')).toBe(true); // still open after the re-render
    await waitForIdle(page);
    await screenshot(page, 'editor-warnings');
    expect(errors).toEqual([]);
  }, 120_000);
});
