import type { Browser, Page } from 'playwright-core';
import { partitionToPlan } from '../../server/partition/service';
import { publishPlan } from '../../server/plans/store';
import { copyPlanAsDraft } from '../../server/plans/tools';
import { startAppServer, type AppServer } from './app-server';
import { launchBrowser, waitForReady } from './browser';

export interface EditorFixture {
  server: AppServer;
  browser: Browser;
  /** The draft copy of the published plan, opened by the tests. */
  draft: number;
  close(): Promise<void>;
}

/** The app on the demo with one sub-district partitioned and published, a draft copy of it, and Chromium. */
export async function startEditorFixture(subdistrict: string, name: string): Promise<EditorFixture> {
  const server = await startAppServer({ data: 'demo' });
  const out = await partitionToPlan(server.db, { subdistricts: [subdistrict], name: `${name}方案` });
  await publishPlan(server.db, out.planId, 1);
  const draft = await copyPlanAsDraft(server.db, out.planId, 'test', `${name}草稿`);
  const browser = await launchBrowser();
  return {
    server,
    browser,
    draft,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Opens the plan editor on planId and waits until the plan, its unit table and the panel are there. */
export async function openEditor(page: Page, url: string, planId: number): Promise<void> {
  await page.goto(`${url}/#view=plan&plan=${planId}`);
  await waitForReady(page);
  await page.evaluate(() => (window as unknown as { __wanggePlan: { ready: Promise<void> } }).__wanggePlan.ready);
  await page.waitForSelector('[data-testid="grid-stats"], [data-testid="plan-summary"]');
}

/**
 * In the open editor: a grid A and `n` units with households of a neighbouring grid B of the same
 * sub-district that touch A (unit indexes into the editor's unit table); null when none has n.
 */
export async function pickNeighbourUnits(page: Page, n: number): Promise<{ A: string; B: string; units: number[] } | null> {
  return page.evaluate((n) => {
    type S = { asg: (string | null)[]; table: { households: number[]; offsets: number[]; targets: number[] }; members: Map<string, Set<number>> };
    const s = (window as unknown as { __wanggePlan: { state(): S | null } }).__wanggePlan.state()!;
    const t = s.table;
    for (const [code, ms] of s.members) {
      const cand = new Map<string, number[]>();
      for (const v of ms)
        for (let e = t.offsets[v]; e < t.offsets[v + 1]; e++) {
          const w = t.targets[e];
          const g = s.asg[w];
          if (g && g !== code && t.households[w] > 0) cand.set(g, [...new Set([...(cand.get(g) ?? []), w])]);
        }
      for (const [other, ws] of cand) if (ws.length >= n && other.slice(0, 9) === code.slice(0, 9)) return { A: code, B: other, units: ws.slice(0, n) };
    }
    return null;
  }, n);
}
