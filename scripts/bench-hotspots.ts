/**
 * Hot spot benchmark: `npm run --silent bench:hotspots` prints one JSON object on stdout and writes
 * it to bench/results/hotspots-<timestamp>.json. Progress on stderr.
 *
 * Node part (now): a 100 x 100 hexagon tessellation (10,000 zones, ~300 m cells around Anqing, in
 * WGS84 degrees) with 100,000 synthetic incidents (uniform background + a few clusters):
 *   counting_ms   point-in-polygon counting with the Flatbush index
 *   contiguity_ms queen contiguity (snap tolerance), cached per plan in real use
 *   gistar_ms     Gi* + two-sided p + BH q + classes
 *   gistar_10k_ms the whole analyzeHotSpots call (counting + contiguity + Gi*), target < 1000
 *   emerging_10k_52w_ms  emerging hot spots on 10k zones x 52 weeks (contiguity given)
 * Each figure is the median of `runs` repetitions after one warm-up.
 * Browser part: filter_redraw_ms_p95 (target < 200), time filter + heat-map redraw on 100k incidents
 * in headless Chromium (see measureFilterRedraw). BENCH_SKIP_BROWSER=1 skips it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Polygon } from 'geojson';
import { mulberry32 } from '../common/rng';
import { analyzeHotSpots, countPointsInZones, edgeCount, emergingHotSpots, hotSpotsFromValues, queenContiguity } from '../server/algorithms/hotspots';

/** Pointy-top hexagons, odd rows shifted; circumradius r degrees (x scaled by cos(lat)). */
function hexTessellation(cols: number, rows: number, x0: number, y0: number, r: number): Polygon[] {
  const kx = 1 / Math.cos((y0 * Math.PI) / 180);
  const w = Math.sqrt(3) * r;
  const out: Polygon[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const cx = x0 + (col * w + (row % 2 ? w / 2 : 0)) * kx;
      const cy = y0 + row * 1.5 * r;
      const ring: number[][] = [];
      for (let k = 0; k < 6; k++) {
        const a = (Math.PI / 180) * (60 * k - 30);
        ring.push([cx + r * Math.cos(a) * kx, cy + r * Math.sin(a)]);
      }
      ring.push(ring[0]!);
      out.push({ type: 'Polygon', coordinates: [ring] });
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const v = f();
  return [v, performance.now() - t];
}

/**
 * Browser part: the real app (embedded database with the small fixture district) in headless
 * Debian Chromium (SwiftShader WebGL), the hot spot view in heat-map mode with 100,000 synthetic
 * incidents injected through the view's hook (window.__wanggeHotspots.loadColumns), a 30-day window.
 * Each sample: set the time slider and dispatch its `input` event, then wait for deck.gl's next
 * onAfterRender and a 1-pixel readPixels (so the GPU work is finished); p95 over `samples` moves.
 */
async function measureFilterRedraw(
  samples = Number(process.env.BENCH_REDRAW_SAMPLES ?? 40),
): Promise<{ p95: number | null; median: number | null; jsP95?: number; notes: string }> {
  if (process.env.BENCH_SKIP_BROWSER) return { p95: null, median: null, notes: 'browser part skipped (BENCH_SKIP_BROWSER)' };
  const { startAppServer } = await import('../tests/helpers/app-server');
  const { launchBrowser, openPage, waitForReady } = await import('../tests/helpers/browser');
  const server = await startAppServer({ data: 'fixture' });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/#view=hotspots`);
    await waitForReady(page);
    await page.waitForFunction(() => Boolean((window as any).__wanggeHotspots?.store.cols), null, { timeout: 60_000 });
    // 100k synthetic incidents over a year around the fixture district (uniform + clusters), sorted by time
    const rand = mulberry32(7);
    const n = 100_000;
    const t0 = Date.parse('2025-01-01T00:00:00+08:00') / 1000;
    const rows = Array.from({ length: n }, (_, i) => {
      const c = i % 4 === 0;
      return {
        x: c ? 117.055 + 0.004 * (rand() - 0.5) * (1 + (i % 3)) : 117.035 + rand() * 0.05,
        y: c ? 30.52 + 0.003 * (rand() - 0.5) * (1 + (i % 3)) : 30.505 + rand() * 0.03,
        t: t0 + Math.floor(rand() * 365 * 86400),
        type: i % 6,
      };
    }).sort((a, b) => a.t - b.t);
    const cols = {
      n,
      types: ['public_order', 'fire_risk', 'dispute', 'environment', 'facilities', 'other'],
      grids: [],
      lon: rows.map((r) => Math.round(r.x * 1e6) / 1e6),
      lat: rows.map((r) => Math.round(r.y * 1e6) / 1e6),
      t: rows.map((r) => r.t),
      type: rows.map((r) => r.type),
      grid: rows.map(() => -1),
      tMin: rows[0]!.t,
      tMax: rows[n - 1]!.t,
    };
    await page.locator('.hs-seg-btn[data-mode="heat"]').click();
    await page.evaluate((json) => {
      const w = window as any;
      w.__wanggeHotspots.store.setSettings({ windowDays: 30 });
      w.__wanggeHotspots.loadColumns(json);
      w.__wangge.map.fitBounds(
        [
          [117.035, 30.505],
          [117.085, 30.535],
        ],
        { duration: 0 },
      );
    }, cols);
    await page.waitForTimeout(1500);
    // A string, not a function: tsx (esbuild keepNames) would inject a __name helper the page lacks.
    const times = (await page.evaluate(`(async (samples) => {
      const w = window;
      const overlay = w.__wangge.overlay;
      let waiter = null;
      overlay.setProps({
        onAfterRender: (ctx) => {
          if (!waiter) return;
          const gl = ctx && ctx.gl;
          if (gl) gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
          const f = waiter;
          waiter = null;
          f();
        },
      });
      const el = document.getElementById('hs-time');
      const max = Number(el.max);
      const out = [];
      for (let k = 0; k < samples; k++) {
        const done = new Promise((resolve) => (waiter = resolve));
        const t = performance.now();
        el.value = String(30 + Math.floor((((k * 37) % 100) / 100) * (max - 30)));
        el.dispatchEvent(new Event('input', { bubbles: true }));
        const sync = performance.now() - t;
        await done;
        out.push([performance.now() - t, sync]);
        await new Promise((r) => setTimeout(r, 30));
      }
      return out;
    })(${samples})`)) as Array<[number, number]>;
    const sync = times.map((x) => x[1]).sort((a, b) => a - b);
    const syncP95 = sync[Math.min(sync.length - 1, Math.ceil(0.95 * sync.length) - 1)]!;
    const sorted = times.map((x) => x[0]).sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
    const shown = await page.evaluate(() => (window as any).__wanggeHotspots.store.filtered.count);
    if (errors.length) process.stderr.write(`bench:hotspots: page errors: ${errors.join(' | ')}\n`);
    return {
      p95: Math.round(p95 * 10) / 10,
      median: Math.round(median(sorted) * 10) / 10,
      jsP95: Math.round(syncP95 * 10) / 10,
      notes: `filter_redraw_ms_p95: ${samples} time-slider moves on 100,000 incidents (30-day window, ~${shown} shown at the end), heat map, headless Chromium + SwiftShader, input event → deck.gl onAfterRender + readPixels; filter_js_ms_p95 = the synchronous part (typed-array filter, deck.gl setProps, panel update)`,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const log = (m: string) => process.stderr.write(`bench:hotspots: ${m}\n`);
  const r = 0.0016; // ~ 180 m circumradius
  const zones = hexTessellation(100, 100, 116.95, 30.4, r).map((geometry, i) => ({ id: `h${i}`, geometry }));
  const geoms = zones.map((z) => z.geometry);
  const [minX, minY] = [116.95, 30.4];
  const maxX = minX + (100 * Math.sqrt(3) * r) / Math.cos((30.4 * Math.PI) / 180),
    maxY = minY + 99 * 1.5 * r;
  const rand = mulberry32(42);
  const points: number[][] = [];
  const centres = Array.from({ length: 8 }, () => [minX + rand() * (maxX - minX), minY + rand() * (maxY - minY)] as const);
  for (let i = 0; i < 100_000; i++) {
    if (i % 5 === 0) {
      const c = centres[i % centres.length]!;
      const g = Math.sqrt(-2 * Math.log(1 - rand())),
        a = 2 * Math.PI * rand();
      points.push([c[0] + 0.01 * g * Math.cos(a), c[1] + 0.01 * g * Math.sin(a)]);
    } else points.push([minX + rand() * (maxX - minX), minY + rand() * (maxY - minY)]);
  }
  log(`${zones.length} zones, ${points.length} points; ${runs} runs after a warm-up`);

  const nb = queenContiguity(geoms);
  const counted = countPointsInZones(geoms, points);
  hotSpotsFromValues(
    zones.map((z) => z.id),
    counted.counts,
    nb,
  );
  analyzeHotSpots(zones, points);

  const tCount: number[] = [],
    tContig: number[] = [],
    tGi: number[] = [],
    tAll: number[] = [];
  let hot = 0,
    cold = 0;
  for (let k = 0; k < runs; k++) {
    tCount.push(time(() => countPointsInZones(geoms, points))[1]);
    tContig.push(time(() => queenContiguity(geoms))[1]);
    tGi.push(
      time(() =>
        hotSpotsFromValues(
          zones.map((z) => z.id),
          counted.counts,
          nb,
        ),
      )[1],
    );
    const [res, ms] = time(() => analyzeHotSpots(zones, points));
    tAll.push(ms);
    hot = res.zones.filter((z) => z.class.startsWith('hot')).length;
    cold = res.zones.filter((z) => z.class.startsWith('cold')).length;
  }
  log(
    `gistar_10k_ms ${median(tAll).toFixed(1)} (counting ${median(tCount).toFixed(1)}, contiguity ${median(tContig).toFixed(1)}, Gi* ${median(tGi).toFixed(1)})`,
  );

  const weeks = 52;
  const weekly = Array.from({ length: zones.length }, () => new Float64Array(weeks));
  points.forEach((_, i) => {
    const z = counted.zoneOfPoint[i]!;
    if (z >= 0) weekly[z]![Math.floor(rand() * weeks)]! += 1;
  });
  emergingHotSpots(nb, weekly);
  const tEm: number[] = [];
  let patterns: Record<string, number> = {};
  for (let k = 0; k < Math.max(1, Math.min(runs, 3)); k++) {
    const [res, ms] = time(() => emergingHotSpots(nb, weekly));
    tEm.push(ms);
    patterns = {};
    for (const r0 of res) patterns[r0.pattern] = (patterns[r0.pattern] ?? 0) + 1;
  }
  log(`emerging_10k_52w_ms ${median(tEm).toFixed(1)}`);

  const browser = await measureFilterRedraw();
  const round = (v: number) => Math.round(v * 10) / 10;
  const result = {
    bench: 'hotspots',
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadavg_1m_at_end: Math.round(loadavg()[0]! * 100) / 100,
    runs,
    zones: zones.length,
    points: points.length,
    neighbour_pairs: edgeCount(nb),
    gistar_10k_ms: round(median(tAll)),
    counting_ms: round(median(tCount)),
    contiguity_ms: round(median(tContig)),
    gistar_ms: round(median(tGi)),
    emerging_10k_52w_ms: round(median(tEm)),
    hot_zones: hot,
    cold_zones: cold,
    emerging_patterns: patterns,
    filter_redraw_ms_p95: browser.p95,
    filter_redraw_ms_median: browser.median,
    filter_js_ms_p95: browser.jsP95 ?? null,
    targets: { gistar_10k_ms: 1000, filter_redraw_ms_p95: 200 },
    notes: `gistar_10k_ms = the whole analyzeHotSpots call (counting + queen contiguity + Gi*/BH/classes), median of ${runs}. ${browser.notes}`,
  };
  const json = JSON.stringify(result, null, 2);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/hotspots-${result.date.replace(/[:.]/g, '-')}.json`, json + '\n');
  process.stdout.write(json + '\n');
}

main().catch((e) => {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
});
