/**
 * bench:editor — the planner's editor in headless Chromium on the whole demo district (all
 * sub-districts partitioned, ~384 grids, ~14k units). Prints one JSON object and writes it under
 * bench/results/editor.json:
 *   first_render_ms  navigation → every grid of the plan drawn (first frame after the grids source
 *                    loaded the plan's GeoJSON; the unit table loads afterwards)
 *   paint_ms_p95     paint gesture → statistics updated and the map frame redrawn (client side)
 *   save_ms_p95      POST edits sent → answer processed in the page (new version); the answer carries
 *                    the touched grids, which then replace only those grids on the map (no refetch)
 *   editor_ready_ms  navigation → unit table loaded and drawn (painting possible)
 * The paint/save rounds run twice: at district zoom (the whole plan in view; units are drawn from
 * z13 on, so there the painted unit shows once the saved grids come back) and at z15 on the painted
 * unit, where a planner paints (`*_z15`: the unit's colour changes in the paint frame).
 * BENCH_DIAG=1 logs request timings, long tasks and idle frame cost; BENCH_PROFILE=1 writes a CPU
 * profile of the paint/save rounds to /tmp/editor.cpuprofile.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInitialPlan } from '../server/partition/service';
import { copyPlanAsDraft } from '../server/plans/tools';
import { seedStaff } from '../server/plans/staff';
import { startAppServer, ROOT } from '../tests/helpers/app-server';
import { launchBrowser, openPage, waitForReady } from '../tests/helpers/browser';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const log = (m: string) => process.stderr.write(`[bench:editor] ${m}\n`);
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] * 10) / 10;
};

async function main(): Promise<void> {
  const t0 = Date.now();
  const server = await startAppServer({ data: 'demo' });
  log(`app on the demo in ${((Date.now() - t0) / 1000).toFixed(1)} s; partitioning the district…`);
  const published =
    (await ensureInitialPlan(server.db, () => {})) ??
    Number((await server.db.query<{ id: number }>("SELECT id FROM plans WHERE status = 'published' ORDER BY id LIMIT 1")).rows[0].id);
  await seedStaff(server.db, published);
  const draft = await copyPlanAsDraft(server.db, published, 'bench', 'bench draft');
  const grids = (await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM grids WHERE plan_id = $1', [draft])).rows[0].n;
  log(`plan ${published} (${grids} grids) copied as draft ${draft}`);
  const browser = await launchBrowser();
  try {
    const { page } = await openPage(browser, { width: 1400, height: 900 });
    await page.goto(`${server.url}/#view=plan&plan=${draft}`);
    await waitForReady(page, 180_000);
    const { firstRender, editorReady } = await page.evaluate(async () => {
      const w = window as unknown as {
        __wanggePlan: { ready: Promise<void>; gridsReady(): Promise<void>; gridsFirstAt(): number };
        __wangge: { map: { once(e: string, f: () => void): void; triggerRepaint(): void } };
      };
      await w.__wanggePlan.gridsReady();
      const firstRender = w.__wanggePlan.gridsFirstAt();
      await w.__wanggePlan.ready;
      await new Promise<void>((r) => {
        w.__wangge.map.once('idle', () => r());
        w.__wangge.map.triggerRepaint();
      });
      return { firstRender, editorReady: Math.round(performance.now()) };
    });
    log(`first render ${firstRender} ms, editor ready ${editorReady} ms`);
    if (process.env.BENCH_DIAG) {
      const idle = await page.evaluate(`(async () => {
        const m = window.__wangge.map;
        let n = 0; const ts = [];
        const f = function () { n++; ts.push(Math.round(performance.now())); };
        m.on('render', f);
        await new Promise((r) => setTimeout(r, 3000));
        const t0 = performance.now(); m.triggerRepaint();
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
        const forced = performance.now() - t0;
        m.off('render', f);
        return { n, ts, forced };
      })()`);
      log(`idle renders in 3 s: ${JSON.stringify(idle)}`);
    }
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const rounds = (zoom: number | null) =>
      page.evaluate(
        async ({ rounds, zoom }) => {
          type S = {
            asg: (string | null)[];
            table: { ids: string[]; offsets: number[]; targets: number[]; households: number[] };
            members: Map<string, Set<number>>;
          };
          const w = window as unknown as {
            __wanggePlan: { state(): S; selectGrid(c: string): void; paint(u: string[], to: string | null): Promise<void>; lastSaveMs(): number };
            __wangge: { map: { once(e: string, f: () => void): void; jumpTo(o: object): void; triggerRepaint(): void } };
          };
          const s = w.__wanggePlan.state();
          // a pair of neighbouring grids and a boundary unit of B touching A
          let A = '',
            unit = -1;
          for (const [code, ms] of s.members) {
            for (const v of ms)
              for (let e = s.table.offsets[v]; e < s.table.offsets[v + 1] && unit < 0; e++) {
                const g = s.asg[s.table.targets[e]];
                if (g && g !== code && s.table.households[s.table.targets[e]] > 0) unit = s.table.targets[e];
              }
            if (unit >= 0) {
              A = code;
              break;
            }
          }
          const B = s.asg[unit]!;
          if (zoom !== null) {
            const [x, y] = [0, 1].map((k) => (s as unknown as { centroids: Float64Array }).centroids[2 * unit + k]);
            w.__wangge.map.jumpTo({ center: [x, y], zoom });
            await new Promise<void>((res) => {
              w.__wangge.map.once('idle', () => res());
              w.__wangge.map.triggerRepaint();
            });
          }
          const longTasks: Array<{ s: number; d: number }> = [];
          try {
            new PerformanceObserver((l) => {
              for (const e of l.getEntries()) longTasks.push({ s: Math.round(e.startTime), d: Math.round(e.duration) });
            }).observe({ type: 'longtask' });
          } catch {
            /* unsupported */
          }
          w.__wanggePlan.selectGrid(A);
          const paint: number[] = [];
          const save: number[] = [];
          const rtt: number[] = [];
          for (let k = 0; k < rounds; k++) {
            const to = k % 2 === 0 ? A : B;
            const t0 = performance.now();
            const frame = new Promise<void>((res) => w.__wangge.map.once('render', () => res()));
            const saved = w.__wanggePlan.paint([s.table.ids[unit]], to);
            await frame;
            paint.push(performance.now() - t0);
            const t1 = performance.now();
            await saved;
            void t1;
            save.push(w.__wanggePlan.lastSaveMs());
            const post = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.includes('/edits')).pop();
            if (post) rtt.push(post.responseEnd - post.startTime);
          }
          const res = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).slice(-200).map((e) => ({
            u: e.name.replace(location.origin, '').slice(0, 60),
            s: Math.round(e.startTime),
            d: Math.round(e.duration),
            q: Math.round(e.requestStart - e.startTime),
            w: Math.round(e.responseStart - e.requestStart),
            size: e.encodedBodySize,
          }));
          return { paint, save, rtt, res, longTasks };
        },
        { rounds: ROUNDS, zoom },
      );
    const r = await rounds(null);
    log(`district zoom: save p95 ${p95(r.save)} ms; now at z15`);
    const z = await rounds(15);
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as {
        profile: {
          nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }>;
          samples: number[];
          timeDeltas: number[];
        };
      };
      writeFileSync('/tmp/editor.cpuprofile', JSON.stringify(profile));
    }
    if (process.env.BENCH_DIAG) {
      for (const x of r.res) log(JSON.stringify(x));
      log(`long tasks ${JSON.stringify(r.longTasks)}`);
      log(`save ${JSON.stringify(r.save.map(Math.round))} rtt ${JSON.stringify(r.rtt.map(Math.round))}`);
      log(`z15 save ${JSON.stringify(z.save.map(Math.round))} rtt ${JSON.stringify(z.rtt.map(Math.round))}`);
      log(`z15 long tasks ${JSON.stringify(z.longTasks)}`);
    }
    const out = {
      bench: 'editor',
      data: 'demo',
      grids,
      units: (await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM units')).rows[0].n,
      rounds: ROUNDS,
      first_render_ms: firstRender,
      editor_ready_ms: editorReady,
      paint_ms_p95: p95(r.paint),
      paint_ms_median: p95(
        r.paint
          .slice()
          .sort((a, b) => a - b)
          .slice(0, Math.ceil(r.paint.length / 2)),
      ),
      save_ms_p95: p95(r.save),
      save_rtt_ms_p95: p95(r.rtt),
      paint_ms_p95_z15: p95(z.paint),
      save_ms_p95_z15: p95(z.save),
      save_rtt_ms_p95_z15: p95(z.rtt),
      targets: { first_render_ms: 2000, paint_ms_p95: 100, save_ms_p95: 200 },
      measures: {
        first_render_ms: 'navigation → all grids of the plan drawn (first frame after the grids source loaded)',
        editor_ready_ms: 'navigation → unit table loaded and drawn, map idle',
        paint_ms_p95: 'paint → local statistics and map frame (district zoom; *_z15: the same rounds at z15 on the painted unit)',
        save_ms_p95: 'POST edits → answer processed in the page (touched grids come with it); includes waiting for map frames in progress on the main thread',
        save_rtt_ms_p95: 'POST edits → answer received by the browser (Resource Timing responseEnd)',
        browser: 'headless Chromium, software WebGL (SwiftShader)',
      },
    };
    const dir = join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'editor.json'), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
