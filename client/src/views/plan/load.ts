/**
 * Loading a plan into the editor: the plan named in the URL requested at boot, opening a plan (its
 * grid outlines first, the ~4 MB unit table once they are drawn), the first plan to show, and
 * reloading grid outlines, the plan's record and the plan list after edits.
 */
import type { Api, FC } from '../../api';
import type { PlanInfo } from '../../api/plans';
import { setDiffData, setGridsData, setSelectedGrid, updateGrids, whenGridsDrawn } from '../../layers/grids';
import { setUnitsData } from '../../layers/units';
import { setBuiltUnits } from '../../layers/built-units';
import { setQualityItems } from '../../layers/quality';
import type { ViewContext } from '../types';
import { errorText, redraw, session, setMessage } from './session';
import { EditorState, gridColour, splitTag } from './state';

/** The plan named in the URL, requested at boot before the map exists (see `prefetch`). */
let early: { id: number; info: Promise<PlanInfo>; grids: Promise<FC> } | null = null;

export function prefetch(api: Api): void {
  const m = /plan=(\d+)/.exec(location.hash);
  if (!m) return;
  const id = Number(m[1]);
  early = { id, info: api.plans.plan(id), grids: api.plans.grids(id) };
  // a failed early request is retried by openPlan
  early.info.catch(() => undefined);
  early.grids.catch(() => undefined);
}

/** Each grid's colour as property `c` (the grids layer fills grids with it where units are not drawn). */
function coloured(features: FC['features']): FC['features'] {
  return features.map((f) => {
    const code = (f.properties?.code as string | undefined) ?? null;
    return { ...f, properties: { ...f.properties, c: gridColour(code), tag: splitTag(code) ?? '' } };
  });
}

export async function openPlan(id: number): Promise<void> {
  const c = session.ctx!;
  // grids first (the whole district is visible at once), then the unit table for editing
  const t0 = performance.now();
  const pre = early?.id === id ? early : null;
  early = null;
  const [info, raw] = await c.busy.track(
    Promise.all([
      pre ? pre.info.catch(() => c.api.plans.plan(id)) : c.api.plans.plan(id),
      pre ? pre.grids.catch(() => c.api.plans.grids(id)) : c.api.plans.grids(id),
    ]),
    'plan.loading',
  );
  const fc: FC = { ...raw, features: coloured(raw.features) };
  session.plan = info;
  session.state = null;
  session.gridsFc = fc;
  session.selected = null;
  session.proposal = null;
  session.showDiff = false;
  session.lastImpact = null;
  setGridsData(c.map, fc);
  setDiffData(c.map, null);
  setUnitsData(c.map, null);
  setBuiltUnits(null); // the plan draws its own units
  // "grids drawn": the first frame after the grids source has loaded the collection
  const drawn = whenGridsDrawn(c.map).then(() => {
    session.gridsRenderedMs = Math.round(performance.now() - t0);
    if (!session.gridsFirstAt) session.gridsFirstAt = Math.round(performance.now());
    session.gridsReady.resolve();
  });
  if (!location.hash.includes(`plan=${id}`)) history.replaceState(null, '', `#view=plan&plan=${id}`);
  redraw.all();
  // the unit table (~4 MB, ~14k polygons for the map's worker) only once the grids are on the map:
  // parsing and tiling it earlier holds the grids back (at most 5 s, in case they are not drawn)
  await Promise.race([drawn, new Promise((r) => setTimeout(r, 5000))]);
  if (session.plan?.id !== id) return;
  const table = await c.busy.track(c.api.plans.units(id), 'plan.loading');
  if (session.plan?.id !== id) return;
  const s = new EditorState(table);
  session.state = s;
  setUnitsData(c.map, {
    ids: table.ids,
    polygons: table.polygons,
    colour: (i) => gridColour(s.asg[i]),
    households: table.households,
    party: table.party,
    centroids: s.centroids,
  });
  // frame the plan's sub-districts
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let i = 0; i < s.centroids.length; i += 2) {
    x0 = Math.min(x0, s.centroids[i]);
    x1 = Math.max(x1, s.centroids[i]);
    y0 = Math.min(y0, s.centroids[i + 1]);
    y1 = Math.max(y1, s.centroids[i + 1]);
  }
  if (x0 < x1 && y0 < y1) c.map.fitBounds([x0, y0, x1, y1], { padding: 30, duration: 0 });
  session.staff = await c.api.plans.staff(id).catch(() => null);
  redraw.all();
}

/**
 * Opens the first plan when the view activates: the plan named in the URL at once (its grids
 * first) while the plan list loads, else the first draft, published or any plan.
 */
export async function openFirstPlan(): Promise<void> {
  try {
    const m = /plan=(\d+)/.exec(location.hash);
    const early = m
      ? openPlan(Number(m[1])).then(
          () => true,
          () => false,
        )
      : Promise.resolve(false);
    await refreshPlanList();
    if (await early) redraw.all();
    else {
      const pick =
        (m && session.planList.find((p) => p.id === Number(m[1]))) ||
        session.planList.find((p) => p.status === 'draft') ||
        session.planList.find((p) => p.status === 'published') ||
        session.planList[0];
      if (pick) await openPlan(pick.id);
      else redraw.all();
    }
  } catch (e) {
    redraw.all();
    setMessage('error', errorText(e));
  }
}

/** Takes the plan off the map and out of the session (the view deactivates). */
export function closePlan(map: ViewContext['map']): void {
  setUnitsData(map, null);
  setBuiltUnits(null);
  setQualityItems(null); // the quality panel goes with the view's panel
  setGridsData(map, null);
  setDiffData(map, null);
  session.ctx = null;
  session.plan = null;
  session.state = null;
  session.selected = null;
}

/**
 * Reloads the grid outlines: all, or only the given codes (merged into the shown collection; only
 * those go to the map). `fresh` = the touched grids already returned by the edit (no extra request).
 */
export async function refreshGrids(codes?: string[], fresh?: FC): Promise<void> {
  if (!session.plan || !session.ctx) return;
  if (codes && session.gridsFc) {
    const part = fresh ?? (await session.ctx.api.plans.grids(session.plan.id, codes));
    const byCode = new Map(coloured(part.features).map((f) => [f.properties?.code as string, f]));
    const want = new Set(codes);
    const kept = session.gridsFc.features.filter((f) => !want.has(f.properties?.code as string));
    session.gridsFc = { ...session.gridsFc, features: [...kept, ...byCode.values()] };
    // feature state (the selection) is kept by id across updates: no need to set it again
    updateGrids(session.ctx.map, codes, [...byCode.values()]);
  } else {
    const fc = await session.ctx.api.plans.grids(session.plan.id);
    session.gridsFc = { ...fc, features: coloured(fc.features) };
    setGridsData(session.ctx.map, session.gridsFc);
    if (session.selected) setSelectedGrid(session.ctx.map, null, session.selected);
  }
}

export async function refreshPlanInfo(): Promise<void> {
  if (!session.plan || !session.ctx) return;
  session.plan = await session.ctx.api.plans.plan(session.plan.id);
  session.staff = await session.ctx.api.plans.staff(session.plan.id).catch(() => session.staff);
}

export async function refreshPlanList(): Promise<void> {
  session.planList = await session.ctx!.api.plans.plans();
}
