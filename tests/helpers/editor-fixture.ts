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
