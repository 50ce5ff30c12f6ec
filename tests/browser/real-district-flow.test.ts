/**
 * A real district from an EMPTY app, through the UI only, as a planner (not admin) scoped to the
 * substitute city's two generated sub-districts (Wuhan Optics Valley, tests/helpers/
 * substitute-district.ts: real OpenStreetMap streets, generated boundaries and household register):
 * the empty state leads to "Import data"; import the boundaries, the real street file and the
 * register (each previewed, then imported with its report); the map frames the imported district
 * and the title names it; build units (data-quality panel; the built units and the problems drawn
 * as map layers, a clicked problem highlighted); a leader (English, 390 px) sees the built units and
 * their data quality read-only (no import link, no build or partition buttons; a marker described in
 * words; a list item brings the map back into view); partition with the progress bar; the
 * draft opens in the editor with its warnings. The whole substitute area (2.1 × 1.5 km, 374
 * street pieces, ~700 register rows, ~16k households) is small enough to run whole.
 * Screenshots: test-results/real-district/NN-*.png.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../server/auth/users';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { TEST_COST } from '../helpers/auth';
import { launchBrowser, openPage, screenshot, signIn, waitForIdle, textOf } from '../helpers/browser';
import { generateSubstituteDistrict, STREETS_FILE, SUBSTITUTE } from '../helpers/substitute-district';

let server: AppServer;
let browser: Browser;
const district = generateSubstituteDistrict();
const N = SUBSTITUTE.north.id;
const S = SUBSTITUTE.south.id;

beforeAll(async () => {
  server = await startAppServer({ data: 'empty', auth: true });
  await createUser(
    server.db,
    { username: 'wh_planner', password: 'wuhan-planner-pass-1', role: 'planner', displayName: '光谷规划员', subdistricts: [N, S], grids: [] },
    TEST_COST,
  );
  await createUser(
    server.db,
    { username: 'wh_leader', password: 'wuhan-leader-pass-1', role: 'leader', displayName: '光谷领导', subdistricts: [N, S], grids: [] },
    TEST_COST,
  );
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A screenshot once the map has drawn what it has (a map still busy after 20 s is shot as it is). */
const shot = async (page: Page, name: string) => {
  await waitForIdle(page, 20_000).catch(() => undefined);
  return screenshot(page, `real-district/${name}`);
};
const mapCenter = (page: Page) =>
  page.evaluate(() => {
    const m = (window as unknown as { __wangge: { map: { getCenter(): { lng: number; lat: number }; getZoom(): number } } }).__wangge.map;
    const c = m.getCenter();
    return { lng: c.lng, lat: c.lat, zoom: m.getZoom() };
  });

async function importFile(page: Page, layer: string, name: string, buffer: Buffer, preview: RegExp, done: RegExp, shotName: string): Promise<void> {
  await page.getByTestId('import-layer').selectOption(layer);
  await page.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  await expect.poll(textOf(page, 'import-preview'), { timeout: 60_000 }).toMatch(preview);
  await page.waitForTimeout(300);
  await shot(page, `${shotName}-preview`);
  await page.getByTestId('import-start').click();
  await expect.poll(textOf(page, 'import-report-summary'), { timeout: 120_000, interval: 300 }).toMatch(done);
  await shot(page, `${shotName}-done`);
}

describe('a real district from an empty app (planner of 光谷北/光谷南)', () => {
  it('imports boundaries, streets and a register, builds units, partitions and opens the draft', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.url, 'wh_planner', 'wuhan-planner-pass-1');

    // 1. empty: a neutral title (no district yet, not 迎江区), China in view, a way to "Import data"
    await page.evaluate(() => (location.hash = '#view=plan'));
    await page.getByTestId('plan-empty-import').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('app-title').textContent()).toBe('网格化治理');
    expect((await mapCenter(page)).zoom).toBeLessThan(6);
    expect(await page.locator('.maplibregl-ctrl-attrib').textContent()).not.toMatch(/合成|DataV/);
    await shot(page, '01-empty');
    expect(await page.locator('[data-testid="partition-subdistricts"]').textContent()).toMatch(/没有街道/);
    await page.getByTestId('plan-empty-import').click();
    await page.getByTestId('import-view').waitFor();

    // 2. boundaries (generated), 3. the real street file, 4. the register
    await importFile(
      page,
      'boundaries',
      '光谷边界.geojson',
      Buffer.from(JSON.stringify(district.boundaries)),
      /预览：6 个要素/,
      /^导入完成：读取 6，写入 6/,
      '02-boundaries',
    );
    // the app now names the district and frames it
    await expect.poll(() => page.getByTestId('app-title').textContent(), { timeout: 30_000 }).toBe('洪山区网格化治理');
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              (window as unknown as { __wangge: { map: { querySourceFeatures(s: string): unknown[] } } }).__wangge.map.querySourceFeatures('subdistricts')
                .length,
          ),
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    await shot(page, '02-boundaries-drawn');
    const c = await mapCenter(page);
    const [x0, y0, x1, y1] = district.bbox;
    expect(c.lng).toBeGreaterThan(x0);
    expect(c.lng).toBeLessThan(x1);
    expect(c.lat).toBeGreaterThan(y0);
    expect(c.lat).toBeLessThan(y1);
    expect(c.zoom).toBeGreaterThan(12);
    await importFile(
      page,
      'streets',
      'wuhan_guanggu_roads.geojson',
      readFileSync(STREETS_FILE),
      /预览：374 个要素/,
      /^导入完成：读取 \d+，写入 \d+/,
      '03-streets',
    );
    const streets = (await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM streets')).rows[0].n;
    expect(streets).toBeGreaterThan(300);
    await importFile(
      page,
      'register',
      '光谷住户登记.csv',
      Buffer.from(district.registerCsv),
      new RegExp(`预览：${district.rows} 行住户登记；${district.rows} 行有坐标`),
      new RegExp(`^导入完成：读取 ${district.rows}，写入 ${district.rows}`),
      '04-register',
    );
    const hh = (await server.db.query<{ n: number }>('SELECT sum(households)::int AS n FROM household_register')).rows[0].n;
    expect(hh).toBe(district.households);
    // no footprints imported here: the report says the rows wait for buildings, not that they are far from them
    expect(await page.getByTestId('import-report-unattached').count()).toBe(0);
    expect(await page.getByTestId('import-report-without-buildings').textContent()).toContain(`${district.rows} 行住户登记所在街道尚未导入建筑轮廓`);

    // 5. units from the raw data, in the plan view's partition form (its list now holds both sub-districts)
    await page.evaluate(() => (location.hash = '#view=plan'));
    const form = page.getByTestId('plan-partition');
    await form.waitFor({ timeout: 60_000 });
    if (!(await form.evaluate((d) => (d as HTMLDetailsElement).open))) await page.locator('[data-testid="plan-partition"] > summary').click();
    await page.getByTestId(`partition-sub-${N}`).waitFor({ timeout: 30_000 });
    const boxes = page.locator('[data-testid="partition-subdistricts"] input[type=checkbox]');
    expect(await boxes.count()).toBe(2);
    await page.getByTestId(`partition-sub-${N}`).check();
    await page.getByTestId(`partition-sub-${S}`).check();
    await page.getByTestId('units-build').click();
    await expect.poll(() => page.getByTestId('units-status').textContent(), { timeout: 240_000, interval: 500 }).toMatch(/已生成 \d+ 个单元/);
    const units = (await server.db.query<{ n: number; hh: number }>('SELECT count(*)::int AS n, sum(households)::int AS hh FROM current_units')).rows[0];
    expect(units.hh).toBe(district.households);
    // the units just built are on the map (no plan is open yet), with the report's problems as markers
    const onMap = (layers: string[]) =>
      page.evaluate(
        (ids) =>
          (
            window as unknown as { __wangge: { map: { queryRenderedFeatures(o: { layers: string[] }): Array<{ properties: Record<string, unknown> }> } } }
          ).__wangge.map.queryRenderedFeatures({ layers: ids }),
        layers,
      );
    const sourceIds = (source: string) =>
      page.evaluate(
        (src) =>
          new Set(
            (window as unknown as { __wangge: { map: { querySourceFeatures(s: string): Array<{ properties: Record<string, unknown> }> } } }).__wangge.map
              .querySourceFeatures(src)
              .map((f) => f.properties.id),
          ).size,
        source,
      );
    await expect.poll(() => sourceIds('built-units'), { timeout: 30_000 }).toBe(units.n);
    expect((await onMap(['built-units-fill'])).length).toBeGreaterThan(0);
    // the thin empty blocks between dual carriageways are counted, not listed (more than half of the 93 empty blocks here)
    const slivers = Number(/另有 (\d+) 个狭长的空街块/.exec((await page.getByTestId('quality-slivers').textContent()) ?? '')?.[1]);
    const listed = Number(await page.getByTestId('quality-count-block_empty').textContent());
    expect(slivers).toBeGreaterThan(listed);
    expect(listed).toBeGreaterThan(0);
    const markers = await onMap(['units-quality-circle']);
    expect(new Set(markers.map((f) => f.properties.kind))).toEqual(new Set(['block_empty', 'street_unclosed']));
    const legend = await page.locator('.legend-row').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['生成的单元户数（浅 1 → 深 400+）', '没有住户的街块', '道路未闭合（端点差几米未接上）']));
    // no plan is open yet: the legend lists no grid or plan-unit entries
    expect(legend.filter((l) => l === '网格（户数达标）' || l === '单元，颜色 = 所属网格')).toEqual([]);
    await shot(page, '05-units');
    await page.locator('#legend').screenshot({ path: 'test-results/real-district/05-units-legend.png' });
    // a click on an item of the list highlights its marker and outlines its box
    await page.locator('[data-testid="quality-block_empty"] > summary').click();
    const item = page.locator('[data-testid="quality-block_empty"] button').first();
    const ref = (await item.textContent())!.split(' · ')[0];
    await item.click();
    expect(await item.getAttribute('aria-current')).toBe('true');
    await expect
      .poll(async () => (await onMap(['units-quality-hl-ring', 'units-quality-hl-box'])).map((f) => String(f.properties.ref)), { timeout: 10_000 })
      .toEqual(expect.arrayContaining([ref]));
    expect((await onMap(['units-quality-hl-box'])).length).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    await shot(page, '05b-quality-item');

    // a leader (English, on a phone) sees the built units and their data quality read-only: no
    // import link, no build or partition buttons (the server refuses them with 403)
    {
      const { page: lp, errors: lerrors } = await openPage(browser, { width: 390, height: 844 });
      const failed: string[] = [];
      lp.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
      await lp.addInitScript(() => localStorage.setItem('wangge.lang', 'en'));
      await signIn(lp, server.url, 'wh_leader', 'wuhan-leader-pass-1');
      await lp.evaluate(() => (location.hash = '#view=plan'));
      await lp.getByTestId('units-readonly').waitFor({ timeout: 60_000 });
      await expect
        .poll(
          () =>
            lp.evaluate(
              () =>
                new Set(
                  (window as unknown as { __wangge: { map: { querySourceFeatures(s: string): Array<{ properties: Record<string, unknown> }> } } }).__wangge.map
                    .querySourceFeatures('built-units')
                    .map((f) => f.properties.id),
                ).size,
            ),
          { timeout: 30_000 },
        )
        .toBe(units.n);
      expect(await lp.getByTestId('quality-count-block_empty').textContent()).toBe(String(listed));
      expect(await lp.getByTestId('plan-empty').textContent()).toBe('No grid plan yet (planners partition the grids).');
      for (const id of ['plan-empty-import', 'units-build', 'units-quality', 'partition-start']) expect(await lp.getByTestId(id).count(), id).toBe(0);
      // English, with English punctuation, and no wider than the phone
      const text = await lp.locator('#view-panel').innerText();
      expect(text).toContain('Blocks with no households');
      expect(text.split('\n').filter((l) => /[\u4e00-\u9fff、（）：，；]/.test(l))).toEqual([]);
      expect(await lp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // a marker clicked on the map is described in words in the feature panel (not kind "block_empty", "ref")
      const at = await lp.evaluate(() => {
        const m = (
          window as unknown as {
            __wangge: {
              map: {
                queryRenderedFeatures(o: { layers: string[] }): Array<{ properties: Record<string, unknown>; geometry: { coordinates: [number, number] } }>;
                project(c: [number, number]): { x: number; y: number };
              };
            };
          }
        ).__wangge.map;
        const f = m.queryRenderedFeatures({ layers: ['units-quality-circle'] }).find((x) => x.properties.kind === 'block_empty')!;
        return m.project(f.geometry.coordinates);
      });
      const mapBox = (await lp.locator('#map').boundingBox())!;
      await lp.mouse.click(mapBox.x + at.x, mapBox.y + at.y);
      const inspector = lp.locator('#inspector');
      await expect.poll(() => inspector.locator('tr[data-prop="kind"] td').textContent(), { timeout: 10_000 }).toBe('Block with no households');
      expect(await inspector.locator('tr[data-prop="ref"] th').textContent()).toBe('Item');
      expect(await inspector.locator('tr[data-prop="subdistrict"] th').textContent()).toBe('Sub-district');
      await inspector.scrollIntoViewIfNeeded();
      await shot(lp, '05d-leader-inspector');
      await lp.getByTestId('units-readonly').scrollIntoViewIfNeeded();
      await shot(lp, '05c-leader-phone');
      // the last item of a list, far under the map: the map comes back into view to show it
      await lp.locator('[data-testid="quality-block_empty"] > summary').click();
      const last = lp.locator('[data-testid="quality-block_empty"] button').last();
      await last.click();
      // and the item is marked in the list as the one ringed on the map
      expect(await last.evaluate((e) => getComputedStyle(e).fontWeight)).toBe('600');
      expect(
        await lp
          .locator('[data-testid="quality-block_empty"] button')
          .first()
          .evaluate((e) => getComputedStyle(e).fontWeight),
      ).toBe('400');
      await expect.poll(async () => (await lp.locator('#map').boundingBox())!.y, { timeout: 5_000 }).toBeGreaterThanOrEqual(0);
      expect((await lp.locator('#map').boundingBox())!.y).toBeLessThan(100);
      await lp.waitForTimeout(500);
      await shot(lp, '05e-leader-phone-item');
      expect(failed).toEqual([]);
      expect(lerrors).toEqual([]);
      await lp.context().close();
    }

    // 6. partition with its progress bar; the draft opens in the editor with its warnings
    await page.getByTestId('partition-start').click();
    await page.getByTestId('partition-progress').waitFor({ state: 'visible', timeout: 30_000 });
    await shot(page, '06-partition-progress');
    await expect.poll(() => page.getByTestId('partition-status').textContent(), { timeout: 300_000, interval: 500 }).toMatch(/划分完成：\d+ 个网格/);
    await page.getByTestId('plan-select').waitFor({ timeout: 60_000 });
    const plan = await page.evaluate(async () => {
      const id = Number((document.querySelector('[data-testid="plan-select"]') as HTMLSelectElement).value);
      return (await (await fetch(`/api/plans/${id}`)).json()) as {
        id: number;
        status: string;
        subdistricts: string[];
        grids: number;
        warnings: Array<{ code: string; grids?: string[] }>;
      };
    });
    expect(plan.status).toBe('draft');
    expect(plan.subdistricts).toEqual([N, S]);
    expect(plan.grids).toBeGreaterThan(20);
    // every out-of-band grid is named in the warnings
    const outOfBand = (
      await server.db.query<{ code: string }>('SELECT code FROM grids WHERE plan_id = $1 AND households NOT BETWEEN 300 AND 500', [plan.id])
    ).rows.map((r) => r.code);
    const named = new Set(plan.warnings.filter((w) => w.code === 'grid_out_of_band').flatMap((w) => w.grids ?? []));
    expect(outOfBand.filter((c) => !named.has(c))).toEqual([]);
    // a first draft has nobody on its grids yet: said as "no staff yet", not as grids breaking "1+3"
    await expect
      .poll(() => page.getByTestId('plan-unstaffed').textContent(), { timeout: 30_000 })
      .toBe(`${plan.grids} 个网格尚未配备人员（导入人员名单或发布后安排）`);
    expect(await page.getByTestId('plan-summary').textContent()).toContain('0 个网格不符合“1+3”');
    // the plan's grids are drawn now: their legend entries come with them
    await expect.poll(async () => (await page.locator('.legend-row').allTextContents()).includes('网格（户数达标）'), { timeout: 30_000 }).toBe(true);
    await shot(page, '07-draft');
    if (plan.warnings.length) {
      await page.locator('details:has([data-testid="warning-table"]) > summary').click();
      await page.getByTestId('warning-table').scrollIntoViewIfNeeded();
      const cells = await page.locator('[data-testid="warning-table"] tbody tr td:nth-child(2)').allTextContents();
      for (const code of outOfBand) expect(cells.join(' ')).toContain(code);
      await shot(page, '08-draft-warnings');
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 900_000);
});
