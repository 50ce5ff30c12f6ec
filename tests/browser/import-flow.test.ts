/**
 * Import in the UI, signed in as demo_planner (人民路 + 新河路), not as admin: choose a shops CSV,
 * see it on the map and its detected fields before anything is written, check it (a dry run: the
 * report names the rejected row, nothing written), import it with a progress bar, and find the
 * rows in the database; a file reaching outside the planner's sub-districts is refused whole; a
 * household register whose lon/lat columns the planner names by hand, imported with one row rejected.
 * A zipped Shapefile (CGCS2000 Gauss-Kruger, GBK names, two layers) dropped on the view is drawn
 * before anything is written, with a picker for its layers, and checked on the server. So is a
 * GeoPackage with two feature tables (read in the browser by sql.js, its wasm from our own server);
 * a damaged one gives a plain message.
 * Screenshots: test-results/import-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { foreignRequests, launchBrowser, openPage, screenshot, signInAsDemo, textOf } from '../helpers/browser';
import { geoPackage, PRJ_4548_ESRI, shapefileZip, TO_4548, WKT_4326, WKT_4548_OGC } from '../helpers/gis-files';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAppServer({ auth: true });
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const pointIn = async (id: string) =>
  (
    await server.db.query<{ x: number; y: number }>(
      'SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM subdistricts WHERE id = $1) s',
      [id],
    )
  ).rows[0];

describe('import (demo_planner)', () => {
  it('previews, checks and imports a shops CSV; refuses one outside the scope', async () => {
    const a = await pointIn('340802001');
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, server.url, 'planner');
    await page.evaluate(() => (location.hash = '#view=import'));
    await page.getByTestId('import-view').waitFor();

    // a row whose longitude is not a number: the file is refused whole, naming the line
    const broken = `名称,经度,纬度,类型\n包子铺,${a.x},${a.y},餐饮\n坏行,abc,${a.y},餐饮\n`;
    await page.getByTestId('import-layer').selectOption('shops');
    await page.getByTestId('import-file').setInputFiles({ name: 'ui-shops.csv', mimeType: 'text/csv', buffer: Buffer.from(broken) });
    await expect.poll(() => page.getByTestId('import-preview').textContent()).toMatch(/预览：1 个要素（Point 1）/);
    await page.getByTestId('import-check').click();
    await expect.poll(textOf(page, 'import-status'), { timeout: 60_000 }).toMatch(/未写入任何数据：.*line 3.*abc/);

    const csv = `名称,经度,纬度,类型\n包子铺,${a.x},${a.y},餐饮\n面馆,${a.x + 0.0001},${a.y},餐饮\n`;
    await page.getByTestId('import-file').setInputFiles({ name: 'ui-shops.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => page.getByTestId('import-preview').textContent()).toMatch(/预览：2 个要素（Point 2）/);
    const roles = await page.locator('[data-testid="import-fields"] td[data-role]').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')));
    expect(roles).toEqual(['name', 'lon', 'lat', 'type']);
    await screenshot(page, 'import-preview');

    await page.getByTestId('import-check').click();
    await expect.poll(textOf(page, 'import-report-summary'), { timeout: 60_000 }).toMatch(/^检查结果（未写入）：读取 2，写入 2，.*拒绝 0/);
    const none = await server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM shops WHERE id LIKE 'ui-shops.csv:%'");
    expect(none.rows[0].n).toBe(0);

    await page.getByTestId('import-start').click();
    await expect.poll(textOf(page, 'import-report-summary'), { timeout: 60_000 }).toMatch(/^导入完成：读取 2，写入 2/);
    const written = await server.db.query<{ n: number; sd: string }>(
      "SELECT count(*)::int AS n, min(subdistrict_id) AS sd FROM shops WHERE id LIKE 'ui-shops.csv:%'",
    );
    expect(written.rows[0]).toEqual({ n: 2, sd: '340802001' });
    await screenshot(page, 'import-done');

    // a file with a shop in another sub-district: refused whole, nothing written
    const far = await pointIn('340802003');
    const bad = `名称,经度,纬度\n店一,${a.x},${a.y}\n店二,${far.x},${far.y}\n`;
    await page.getByTestId('import-file').setInputFiles({ name: 'ui-shops-2.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByTestId('import-start').click();
    await expect.poll(textOf(page, 'import-status'), { timeout: 60_000 }).toMatch(/未写入任何数据：.*不在您负责的街道内/);
    const still = await server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM shops WHERE id LIKE 'ui-shops-2.csv:%'");
    expect(still.rows[0].n).toBe(0);
    await screenshot(page, 'import-refused');
    // the household register: the planner tells which columns are lon/lat, sees the points, imports;
    // the row without coordinates matches no building and is listed as rejected (downloadable)
    const reg = `楼栋编号,小区,E,N,户数\n1栋,幸福小区,${a.x},${a.y},12\n2栋,幸福小区,${a.x + 0.0002},${a.y},8\n9栋,无此小区,,,5\n`;
    await page.getByTestId('import-layer').selectOption('register');
    await page.getByTestId('import-file').setInputFiles({ name: 'ui-register.csv', mimeType: 'text/csv', buffer: Buffer.from(reg) });
    await expect.poll(textOf(page, 'import-preview')).toMatch(/预览：3 行住户登记；0 行有坐标/);
    await page.locator('[data-testid="import-role"][data-column="E"]').selectOption('lon');
    await expect.poll(() => page.locator('[data-testid="import-role"][data-column="E"]').inputValue()).toBe('lon');
    await page.locator('[data-testid="import-role"][data-column="N"]').selectOption('lat');
    await expect.poll(textOf(page, 'import-preview')).toMatch(/预览：3 行住户登记；2 行有坐标（地图上的点），1 行无坐标/);
    await screenshot(page, 'import-register-preview');
    await page.getByTestId('import-start').click();
    await expect.poll(textOf(page, 'import-report-summary'), { timeout: 60_000 }).toMatch(/^导入完成：读取 3，写入 2，.*拒绝 1/);
    expect(await page.getByTestId('import-rejections').textContent()).toMatch(/line 4.*未匹配/);
    expect(await page.getByTestId('import-rejects-csv').getAttribute('download')).toBe('ui-register-rejects.csv');
    const regRows = await server.db.query<{ n: number; hh: number; sd: string }>(
      "SELECT count(*)::int AS n, sum(households)::int AS hh, min(subdistrict_id) AS sd FROM household_register WHERE import_id LIKE 'ui-register.csv@%'",
    );
    expect(regRows.rows[0]).toEqual({ n: 2, hh: 20, sd: '340802001' });
    await screenshot(page, 'import-register-done');

    // the refused check (400) and import (403) log "failed to load resource": the answers the test asked for
    expect(errors.filter((e) => !/status of (400|403)/.test(e))).toEqual([]);
    await page.close();
  }, 600_000);

  it('previews a dropped Shapefile .zip (EPSG:4548, GBK, two layers) on the map and checks the chosen layer', async () => {
    const a = await pointIn('340802001');
    const sq = (i: number) => {
      const [x, y] = [a.x + (i % 3) * 0.0008, a.y + Math.floor(i / 3) * 0.0006];
      return [
        [
          [x, y],
          [x, y + 0.0003],
          [x + 0.0004, y + 0.0003],
          [x + 0.0004, y],
          [x, y],
        ],
      ];
    };
    const zip = await shapefileZip([
      {
        name: '楼栋',
        project: TO_4548,
        prj: PRJ_4548_ESRI,
        cpg: 'GBK',
        features: Array.from({ length: 6 }, (_, i) => ({
          type: 'Feature' as const,
          properties: { name: `迎江小区${i + 1}号楼`, floors: 6 },
          geometry: { type: 'Polygon' as const, coordinates: sq(i) },
        })),
      },
      {
        name: 'roads',
        project: TO_4548,
        prj: PRJ_4548_ESRI,
        features: [
          {
            type: 'Feature' as const,
            properties: { name: 'road' },
            geometry: {
              type: 'LineString' as const,
              coordinates: [
                [a.x - 0.001, a.y - 0.0005],
                [a.x + 0.003, a.y - 0.0005],
              ],
            },
          },
        ],
      },
    ]);
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, server.url, 'planner');
    await page.evaluate(() => (location.hash = '#view=import'));
    await page.getByTestId('import-view').waitFor();
    await page.getByTestId('import-layer').selectOption('buildings');
    // drag and drop, as a planner does from the file manager
    const dataTransfer = await page.evaluateHandle(
      (bytes: number[]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], '迎江楼栋.zip', { type: 'application/zip' }));
        return dt;
      },
      [...zip],
    );
    await page.getByTestId('import-drop').dispatchEvent('drop', { dataTransfer });
    await expect.poll(textOf(page, 'import-preview')).toMatch(/预览：6 个要素（Polygon 6）/);
    const options = await page.locator('[data-testid="import-source-layer"] option').allTextContents();
    expect(options.sort()).toEqual(['roads', '楼栋'].sort());
    const samples = await page.locator('[data-testid="import-fields"] tr td:nth-child(3)').allTextContents();
    expect(samples[0]).toBe('迎江小区1号楼');
    await page.getByTestId('import-source-layer').selectOption('楼栋');
    await expect.poll(() => page.getByTestId('import-preview').textContent()).toMatch(/Polygon 6/);
    await page.waitForTimeout(500);
    await screenshot(page, 'import-shapefile');

    await page.getByTestId('import-check').click();
    await expect.poll(textOf(page, 'import-report-summary'), { timeout: 60_000 }).toMatch(/^检查结果（未写入）：读取 6，写入 6/);
    const none = await server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM buildings WHERE id LIKE '迎江楼栋.zip:%'");
    expect(none.rows[0].n).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('previews a dropped GeoPackage (two tables, EPSG:4548) on the map with sql.js from our own server; a damaged one is a plain message', async () => {
    const a = await pointIn('340802001');
    const sq = (i: number) => {
      const [x, y] = [a.x + (i % 3) * 0.0008, a.y + Math.floor(i / 3) * 0.0006];
      return [
        [
          [x, y],
          [x, y + 0.0003],
          [x + 0.0004, y + 0.0003],
          [x + 0.0004, y],
          [x, y],
        ],
      ];
    };
    const gpkg = await geoPackage(
      [
        {
          name: '楼栋',
          srsId: 4548,
          project: TO_4548,
          features: Array.from({ length: 6 }, (_, i) => ({
            type: 'Feature' as const,
            properties: { name: `新河小区${i + 1}号楼`, floors: 6 },
            geometry: { type: 'Polygon' as const, coordinates: sq(i) },
          })),
        },
        {
          name: 'roads',
          srsId: 4326,
          features: [
            {
              type: 'Feature' as const,
              properties: { name: 'road' },
              geometry: {
                type: 'LineString' as const,
                coordinates: [
                  [a.x - 0.001, a.y - 0.0005],
                  [a.x + 0.003, a.y - 0.0005],
                ],
              },
            },
          ],
        },
      ],
      [
        { srsId: 4548, name: 'CGCS2000 / 3-degree Gauss-Kruger CM 117E', organization: 'EPSG', code: 4548, definition: WKT_4548_OGC },
        { srsId: 4326, name: 'WGS 84', organization: 'EPSG', code: 4326, definition: WKT_4326 },
      ],
    );
    const { page, errors, requests } = await openPage(browser);
    const wasm: Array<{ url: string; status: number; type: string | undefined }> = [];
    page.on('response', (r) => {
      if (/\.wasm(\?|$)/.test(r.url())) wasm.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] });
    });
    await signInAsDemo(page, server.url, 'planner');
    await page.evaluate(() => (location.hash = '#view=import'));
    await page.getByTestId('import-view').waitFor();
    expect(wasm).toEqual([]); // sql.js is loaded only once a GeoPackage is chosen
    await page.getByTestId('import-layer').selectOption('buildings');
    const drop = async (bytes: Uint8Array, name: string) => {
      const dataTransfer = await page.evaluateHandle(
        ([b, n]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([new Uint8Array(b)], n, { type: 'application/geopackage+sqlite3' }));
          return dt;
        },
        [[...bytes], name] as [number[], string],
      );
      await page.getByTestId('import-drop').dispatchEvent('drop', { dataTransfer });
    };
    const previewText = textOf(page, 'import-preview');
    const deckPreview = () =>
      page.evaluate(() => {
        const layers = ((window as any).__wangge.overlay._deck?.props.layers ?? []) as Array<{ id: string; props: { data: { features: unknown[] } } }>;
        return layers.find((l) => l.id === 'import-preview-features')?.props.data.features.length ?? null;
      });

    await drop(gpkg, '新河楼栋.gpkg');
    // the first table (by name) is drawn; both are offered
    await expect.poll(previewText, { timeout: 60_000 }).toMatch(/预览：1 个要素（LineString 1）/);
    const options = await page.locator('[data-testid="import-source-layer"] option').allTextContents();
    expect(options).toEqual(['roads', '楼栋']);
    await page.getByTestId('import-source-layer').selectOption('楼栋');
    await expect.poll(previewText).toMatch(/预览：6 个要素（Polygon 6）/);
    await expect.poll(deckPreview).toBe(6);
    const samples = await page.locator('[data-testid="import-fields"] tr td:nth-child(3)').allTextContents();
    expect(samples).toEqual(['新河小区1号楼', '6']);
    // the map went to the file: its first building is on screen
    const onScreen = await page.evaluate(
      ([x, y]) => {
        const m = (window as any).__wangge.map;
        const p = m.project([x, y]);
        const c = m.getCanvas();
        return p.x > 0 && p.y > 0 && p.x < c.clientWidth && p.y < c.clientHeight;
      },
      [a.x, a.y],
    );
    expect(onScreen).toBe(true);
    // the wasm came from our own server, as WebAssembly, under our CSP
    expect(wasm).toHaveLength(1);
    expect(wasm[0]).toMatchObject({ status: 200, type: 'application/wasm' });
    expect(new URL(wasm[0].url).origin).toBe(new URL(server.url).origin);
    expect(foreignRequests(requests, server.url)).toEqual([]);
    await page.waitForTimeout(500);
    await screenshot(page, 'import-geopackage');

    await page.getByTestId('import-check').click();
    await expect.poll(textOf(page, 'import-report-summary'), { timeout: 60_000 }).toMatch(/^检查结果（未写入）：读取 6，写入 6/);
    const none = await server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM buildings WHERE id LIKE '新河楼栋.gpkg:%'");
    expect(none.rows[0].n).toBe(0);

    // a damaged GeoPackage (cut short): a message, no map layer, no crash
    await drop(gpkg.slice(0, 1024), '坏.gpkg');
    await expect.poll(textOf(page, 'import-status')).toMatch(/^无法在浏览器中预览：.*(损坏|不完整)/);
    await expect.poll(deckPreview).toBe(null);
    expect(await page.getByTestId('import-source-layer').count()).toBe(1); // tables unknown: the name can still be typed
    await screenshot(page, 'import-geopackage-damaged');
    expect(wasm).toHaveLength(1); // loaded once
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
