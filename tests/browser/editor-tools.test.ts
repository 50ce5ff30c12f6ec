/**
 * The planner's editor in the real app on the demo (one sub-district partitioned, a draft copy):
 * - lasso: dragging a ring around units of a neighbour moves exactly the units whose centres it
 *   encloses into the selected grid, saved as one edit the server agrees with;
 * - whole compound / whole block: one brush click moves every unit of the compound (block);
 * - the printable map: the PNG download decodes at A4 size (2339 × 1654) with the title, the map,
 *   legend swatches, the scale bar, the north arrow and a filled grid table; the PDF download is a
 *   one-page PDF titled with the plan whose page image holds the same graphics, and whose title,
 *   legend and grid table are real text (read back with pdfjs-dist) where the PNG draws them.
 * Screenshots: test-results/editor-lasso.png, editor-compound.png, editor-print.png (and .pdf).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../helpers/app-server';
import { openEditor, pickNeighbourUnits, startEditorFixture, type EditorFixture } from '../helpers/editor-fixture';
import { openPage, RESULTS_DIR, screenshot, waitForIdle } from '../helpers/browser';

const SUB = '340802005';

interface State {
  version: number;
  asg: (string | null)[];
  table: { ids: string[]; households: number[]; offsets: number[]; targets: number[]; compound: number[]; block: number[] };
  centroids: Float64Array;
  members: Map<string, Set<number>>;
  stats(c: string): { households: number };
}
interface Hook {
  ready: Promise<void>;
  state(): State | null;
  selectGrid(c: string | null): void;
}
type W = {
  __wanggePlan: Hook;
  __wangge: { map: { fitBounds(b: number[], o: object): void; project(p: number[]): { x: number; y: number }; getCanvas(): HTMLCanvasElement } };
};

const version = async (page: Page) => Number((await page.textContent('[data-testid="plan-version"]'))!.slice(1));
const waitVersion = (page: Page, v: number) => page.waitForFunction((v) => document.querySelector('[data-testid="plan-version"]')?.textContent === `v${v}`, v);

/** Server households of the given grids. */
const serverHouseholds = (page: Page, id: number, codes: string[]) =>
  page.evaluate(
    async ({ id, codes }) => {
      const fc = await (await fetch(`/api/plans/${id}/grids`)).json();
      return codes.map((c) => fc.features.find((f: { properties: { code: string } }) => f.properties.code === c)?.properties.households ?? 0);
    },
    { id, codes },
  );

/** Frames the given units (and grid A) on the map and waits for it to settle. */
async function frame(page: Page, units: number[], A: string): Promise<void> {
  await page.evaluate(
    ({ units, A }) => {
      const w = window as unknown as W;
      const s = w.__wanggePlan.state()!;
      const xs = [...s.members.get(A)!, ...units].map((i) => [s.centroids[2 * i], s.centroids[2 * i + 1]]);
      const b = [Math.min(...xs.map((p) => p[0])), Math.min(...xs.map((p) => p[1])), Math.max(...xs.map((p) => p[0])), Math.max(...xs.map((p) => p[1]))];
      w.__wangge.map.fitBounds(b, { padding: 100, duration: 0, maxZoom: 17 });
    },
    { units, A },
  );
  await waitForIdle(page);
}

/** Decodes an image (PNG or JPEG bytes) in the page; returns its size and RGB samples at the given points. */
async function decode(
  page: Page,
  bytes: Buffer,
  mime: string,
  points: Array<[number, number]>,
): Promise<{ w: number; h: number; px: number[][]; distinct: number; darkRows: number[] }> {
  return page.evaluate(
    async ({ b64, mime, points }) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bin], { type: mime }));
      const c = document.createElement('canvas');
      c.width = bmp.width;
      c.height = bmp.height;
      const g = c.getContext('2d')!;
      g.drawImage(bmp, 0, 0);
      const px = points.map(([x, y]) => [...g.getImageData(x, y, 1, 1).data.slice(0, 3)]);
      // distinct colours in the map frame (quantised), and rows of the grid table that hold text
      const map = g.getImageData(60, 170, 1500, 1400).data;
      const seen = new Set<number>();
      for (let i = 0; i < map.length; i += 4 * 97) seen.add(((map[i] >> 4) << 8) | ((map[i + 1] >> 4) << 4) | (map[i + 2] >> 4));
      const table = g.getImageData(1660, 0, 600, bmp.height).data;
      const darkRows: number[] = [];
      for (let y = 0; y < bmp.height; y++) {
        let dark = 0;
        for (let x = 0; x < 600; x++) {
          const o = (y * 600 + x) * 4;
          if (table[o] + table[o + 1] + table[o + 2] < 384) dark++;
        }
        if (dark > 3) darkRows.push(y);
      }
      return { w: bmp.width, h: bmp.height, px, distinct: seen.size, darkRows };
    },
    { b64: bytes.toString('base64'), mime, points },
  );
}

describe('plan editor tools in the browser', () => {
  let fx: EditorFixture;
  let server: AppServer;
  let browser: Browser;
  let draft: number;
  beforeAll(async () => {
    fx = await startEditorFixture(SUB, '工具测试');
    ({ server, browser, draft } = fx);
  }, 600_000);
  afterAll(async () => fx?.close());

  it('lasso moves exactly the enclosed units of a neighbour into the selected grid', async () => {
    const { page, errors } = await openPage(browser);
    await openEditor(page, server.url, draft);
    // grid A and three boundary units of a neighbour B in the same sub-district
    const pick = await pickNeighbourUnits(page, 3);
    expect(pick).not.toBeNull();
    const { A, B, units } = pick!;
    await frame(page, units, A);
    await page.evaluate((A) => (window as unknown as W).__wanggePlan.selectGrid(A), A);
    // a screen rectangle around the three units' centres; expected = every unit whose centre is inside
    const plan = await page.evaluate(
      ({ units }) => {
        const w = window as unknown as W;
        const s = w.__wanggePlan.state()!;
        const p = units.map((i) => w.__wangge.map.project([s.centroids[2 * i], s.centroids[2 * i + 1]]));
        const box = [
          Math.min(...p.map((q) => q.x)) - 4,
          Math.min(...p.map((q) => q.y)) - 4,
          Math.max(...p.map((q) => q.x)) + 4,
          Math.max(...p.map((q) => q.y)) + 4,
        ];
        const inside: number[] = [];
        for (let i = 0; i < s.table.ids.length; i++) {
          const q = w.__wangge.map.project([s.centroids[2 * i], s.centroids[2 * i + 1]]);
          if (q.x > box[0] && q.x < box[2] && q.y > box[1] && q.y < box[3]) inside.push(i);
        }
        return { box, inside };
      },
      { units },
    );
    expect(plan.inside).toEqual(expect.arrayContaining(units));
    const moved = await page.evaluate(
      ({ inside, A }) => {
        const s = (window as unknown as W).__wanggePlan.state()!;
        return inside.filter((i) => s.asg[i] !== A).map((i) => ({ i, from: s.asg[i], hh: s.table.households[i] }));
      },
      { inside: plan.inside, A },
    );
    const gained = moved.reduce((a, m) => a + m.hh, 0);
    const [hhA0, hhB0] = await serverHouseholds(page, draft, [A, B]);
    const v0 = await version(page);

    await page.click('[data-testid="mode-lasso"]');
    const box = (await page.locator('#map').boundingBox())!;
    const [x0, y0, x1, y1] = plan.box;
    await page.mouse.move(box.x + x0, box.y + y0);
    await page.mouse.down();
    for (const [x, y] of [
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0 + 1],
    ])
      await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
    await page.mouse.up();
    await waitVersion(page, v0 + 1);

    const after = await page.evaluate((inside) => {
      const s = (window as unknown as W).__wanggePlan.state()!;
      return inside.map((i) => s.asg[i]);
    }, plan.inside);
    expect(after.every((c) => c === A)).toBe(true);
    const lostB = moved.filter((m) => m.from === B).reduce((a, m) => a + m.hh, 0);
    expect(await serverHouseholds(page, draft, [A, B])).toEqual([hhA0 + gained, hhB0 - lostB]);
    expect(await page.evaluate((A) => (window as unknown as W).__wanggePlan.state()!.stats(A).households, A)).toBe(hhA0 + gained);
    await waitForIdle(page);
    await screenshot(page, 'editor-lasso');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 240_000);

  for (const scope of ['compound', 'block'] as const) {
    it(`paints a whole ${scope} with one brush click`, async () => {
      const { page, errors } = await openPage(browser);
      await openEditor(page, server.url, draft);
      // a grid A and a group (compound / block) of >= 2 units none of which is in A, next to A
      const pick = await page.evaluate((scope) => {
        const s = (window as unknown as W).__wanggePlan.state()!;
        const t = s.table;
        const key = scope === 'compound' ? t.compound : t.block;
        const groups = new Map<number, number[]>();
        key.forEach((k, i) => k >= 0 && groups.set(k, [...(groups.get(k) ?? []), i]));
        for (const [code, ms] of s.members) {
          for (const v of ms)
            for (let e = t.offsets[v]; e < t.offsets[v + 1]; e++) {
              const w = t.targets[e];
              const k = key[w];
              const g = groups.get(k);
              if (
                k >= 0 &&
                g &&
                g.length >= 2 &&
                g.length <= 40 &&
                g.every((u) => s.asg[u] !== code && s.asg[u] !== null && s.asg[u]!.slice(0, 9) === code.slice(0, 9))
              )
                return { A: code, unit: w, group: g };
            }
        }
        return null;
      }, scope);
      expect(pick, `a ${scope} next to a grid`).not.toBeNull();
      const { A, unit, group } = pick!;
      await frame(page, group, A);
      await page.evaluate((A) => (window as unknown as W).__wanggePlan.selectGrid(A), A);
      const before = await page.evaluate((group) => {
        const s = (window as unknown as W).__wanggePlan.state()!;
        return group.map((i) => ({ from: s.asg[i]!, hh: s.table.households[i] }));
      }, group);
      const fromCodes = [...new Set(before.map((b) => b.from))];
      const server0 = await serverHouseholds(page, draft, [A, ...fromCodes]);
      const p = await page.evaluate((i) => {
        const w = window as unknown as W & { __wangge: { map: { queryRenderedFeatures(p: number[], o: object): Array<{ id: unknown }> } } };
        const s = w.__wanggePlan.state()!;
        const q = w.__wangge.map.project([s.centroids[2 * i], s.centroids[2 * i + 1]]);
        return w.__wangge.map.queryRenderedFeatures([q.x, q.y], { layers: ['plan-units-fill'] })[0]?.id === i ? q : null;
      }, unit);
      expect(p, 'the unit is drawn under its centre').not.toBeNull();
      const v0 = await version(page);
      await page.click('[data-testid="mode-brush"]');
      await page.click(`[data-testid="scope-${scope}"]`);
      const box = (await page.locator('#map').boundingBox())!;
      await page.mouse.click(box.x + p!.x, box.y + p!.y);
      await waitVersion(page, v0 + 1);
      const after = await page.evaluate((group) => group.map((i) => (window as unknown as W).__wanggePlan.state()!.asg[i]), group);
      expect(after).toEqual(group.map(() => A));
      const gained = before.reduce((a, b) => a + b.hh, 0);
      const want = [server0[0] + gained, ...fromCodes.map((c, k) => server0[k + 1] - before.filter((b) => b.from === c).reduce((a, b) => a + b.hh, 0))];
      expect(await serverHouseholds(page, draft, [A, ...fromCodes])).toEqual(want);
      await waitForIdle(page);
      if (scope === 'compound') await screenshot(page, 'editor-compound');
      expect(errors).toEqual([]);
      await page.context().close();
    }, 240_000);
  }

  it('exports the printable map as PNG and PDF with title, map, legend, scale, north arrow and grid table', async () => {
    const { page, errors } = await openPage(browser);
    await openEditor(page, server.url, draft);
    await waitForIdle(page);
    const { name, status, grids, canvas } = await page.evaluate(() => {
      const w = window as unknown as W;
      const c = w.__wangge.map.getCanvas();
      return {
        name: document.querySelector('[data-testid="plan-select"] option:checked')?.textContent ?? '',
        status: document.querySelector('[data-testid="plan-status"]')?.textContent ?? '',
        grids: w.__wanggePlan.state()!.members.size,
        canvas: [c.width, c.height],
      };
    });
    expect(name).toContain('工具测试草稿');
    expect(status).toBe('草稿');
    // where composePrint draws: map frame at (60, 170) scaled into 1560 × 1424; legend at x = 1660
    const scale = Math.min(1560 / canvas[0], (1654 - 170 - 60) / canvas[1]);
    const dw = canvas[0] * scale;
    const dh = canvas[1] * scale;
    const points: Array<[number, number]> = [
      [1665, 260], // legend: grid in band (#303030)
      [1665, 300], // legend: out of band (#d7301f)
      [1665, 340], // legend: non-contiguous (#7b3294, first dash)
      [60 + dw - 70, 170 + 90], // north arrow body (#222)
      [60 + 30 + 2, 170 + dh - 40 + 5], // scale bar (#222)
      [5, 5], // page margin (white)
    ];
    await page.click('summary:has-text("导出")');

    const png = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png"]')]).then(([d]) => d);
    expect(png.suggestedFilename()).toBe(`plan-${draft}.png`);
    const pngBytes = readFileSync((await png.path())!);
    expect(pngBytes.subarray(1, 4).toString()).toBe('PNG');
    const img = await decode(page, pngBytes, 'image/png', points);
    expect([img.w, img.h]).toEqual([2339, 1654]);
    const near = (px: number[], rgb: number[], tol: number) => px.every((v, k) => Math.abs(v - rgb[k]) <= tol);
    expect(near(img.px[0], [0x30, 0x30, 0x30], 40), `legend in band ${img.px[0]}`).toBe(true);
    expect(near(img.px[1], [0xd7, 0x30, 0x1f], 40), `legend out of band ${img.px[1]}`).toBe(true);
    expect(near(img.px[2], [0x7b, 0x32, 0x94], 40), `legend non-contiguous ${img.px[2]}`).toBe(true);
    expect(near(img.px[3], [0x22, 0x22, 0x22], 40), `north arrow ${img.px[3]}`).toBe(true);
    expect(near(img.px[4], [0x22, 0x22, 0x22], 40), `scale bar ${img.px[4]}`).toBe(true);
    expect(near(img.px[5], [255, 255, 255], 0)).toBe(true);
    expect(img.distinct, 'the map frame is not blank').toBeGreaterThan(20);
    // the table: a header and one text row per 30 px for the grids in view (up to the page's room)
    const textLines = img.darkRows.filter((y) => y > 450).reduce((n, y, k, a) => (k === 0 || y - a[k - 1] > 4 ? n + 1 : n), 0);
    expect(textLines, 'grid table rows').toBeGreaterThanOrEqual(Math.min(grids, 25));
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'editor-print.png'), pngBytes);

    const pdf = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-pdf"]')]).then(([d]) => d);
    expect(pdf.suggestedFilename()).toBe(`plan-${draft}.pdf`);
    const pdfBytes = readFileSync((await pdf.path())!);
    writeFileSync(join(RESULTS_DIR, 'editor-print.pdf'), pdfBytes);
    const text = pdfBytes.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.match(/\/Type \/Page\b/g)).toHaveLength(1);
    // the document title (UTF-16BE in the info dictionary) is the print title
    const title = /\/Title \(((?:\\.|[^\\)])*)\)/.exec(text)?.[1] ?? '';
    const raw = Buffer.from(
      title.replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_, e: string) =>
        /^[0-7]+$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : (({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e),
      ),
      'latin1',
    );
    const decoded = raw[0] === 0xfe && raw[1] === 0xff ? Buffer.from(raw.subarray(2)).swap16().toString('utf16le') : raw.toString('latin1');
    expect(decoded).toBe('网格划分图 · 工具测试草稿');
    // the page image: the same composition as a JPEG
    const m = /\/Width 2339\s*\/Height 1654[\s\S]*?\/Filter \/DCTDecode[\s\S]*?stream\r?\n/.exec(text);
    expect(m, 'an A4 JPEG page image').not.toBeNull();
    const start = m!.index + m![0].length;
    const end = text.indexOf('endstream', start);
    const jpg = await decode(page, pdfBytes.subarray(start, end), 'image/jpeg', points);
    expect([jpg.w, jpg.h]).toEqual([2339, 1654]);
    expect(near(jpg.px[1], [0xd7, 0x30, 0x1f], 60), `pdf legend out of band ${jpg.px[1]}`).toBe(true);
    expect(near(jpg.px[3], [0x22, 0x22, 0x22], 60), `pdf north arrow ${jpg.px[3]}`).toBe(true);
    expect(jpg.distinct).toBeGreaterThan(20);
    expect(
      jpg.darkRows.filter((y) => y > 450),
      'the grid table is text, not drawn into the page image',
    ).toEqual([]);
    // the text layer: title, legend and the grid table, searchable and at the PNG's positions
    const codes = await page.evaluate(() => [...(window as unknown as W).__wanggePlan.state()!.members.keys()]);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(pdfBytes), verbosity: 0 }).promise;
    const items = (await (await doc.getPage(1)).getTextContent()).items.flatMap((i) =>
      'str' in i && i.str ? [{ str: i.str, x: i.transform[4] as number, y: i.transform[5] as number }] : [],
    );
    const all = items.map((i) => i.str).join('\n');
    const at = (str: string) => items.find((i) => i.str === str);
    const pt = (px: number) => (px * 297 * 72) / 2339 / 25.4; // page pixels → PDF points
    const titleRun = at('网格划分图 · 工具测试草稿');
    expect(titleRun, `title in the text layer: ${all.slice(0, 200)}`).toBeDefined();
    expect(Math.abs(titleRun!.x - pt(60)), 'title x').toBeLessThan(1);
    expect(Math.abs(titleRun!.y - (595.28 - pt(90))), 'title baseline').toBeLessThan(1);
    for (const word of ['图例', '网格（户数达标）', '网格编码', '户数']) expect(all, word).toContain(word);
    const tableCodes = items.filter((i) => codes.includes(i.str));
    expect(tableCodes.length, 'grid codes in the table text').toBeGreaterThanOrEqual(Math.min(grids, 25));
    expect(
      tableCodes.every((i) => Math.abs(i.x - pt(1660)) < 1),
      'codes in the table column',
    ).toBe(true);
    await doc.destroy();
    await screenshot(page, 'editor-export');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 240_000);
});
