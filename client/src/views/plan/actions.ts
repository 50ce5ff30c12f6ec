/**
 * What the plan editor asks the server: saving painted moves (in order, reverted when refused),
 * the grid tools (new grid, merge, split, lock, undo / redo, accept a proposal), suggest-fix and
 * rebalance proposals, publish, copy as a draft, the impact report, print, and plan and staff
 * imports. Each one updates the session and asks the panels to redraw; the map tool, the panels
 * and the test hook get these through index.ts (with the loading and local edits re-exported).
 */
import { ApiError, type FC } from '../../api';
import type { UnitChange } from '../../api/plans';
import { t, type MessageKey } from '../../i18n';
import { setDiffData } from '../../layers/grids';
import { setUnitState } from '../../layers/units';
import { holdFrames } from '../../map/hold-frames';
import { applyLocal, recolour, selectGrid } from './local-edits';
import { openPlan, refreshGrids, refreshPlanInfo, refreshPlanList } from './load';
import { subdistrictNames } from './partition-form';
import { savePdf, savePng, type PrintGrid } from './print';
import { publishConfirmText, subNames } from './publish-text';
import { errorText, redraw, session, setMessage } from './session';
import { markSplit, splitCodes } from './state';

export { applyLocal, flyToGrid, selectGrid } from './local-edits';
export { openPlan, refreshPlanList } from './load';

const touchedCodes = (changes: UnitChange[]) => [...new Set(changes.flatMap((c) => [c.from, c.to]).filter((x): x is string => !!x))];

/** Saves painted moves after the ones already on their way; a refused edit is painted back. */
export function save(changes: UnitChange[]): Promise<void> {
  if (!changes.length || !session.plan || !session.ctx) return session.saving;
  const c = session.ctx;
  const p = session.plan;
  session.saving = session.saving.then(async () => {
    const t0 = performance.now();
    // no new map frame starts while the edit is in flight: its answer is handled the moment it lands
    const release = holdFrames(c.map);
    try {
      const res = await c.api.plans.edit(
        p.id,
        session.state!.version,
        changes.map((x) => ({ unit: x.unit, to: x.to })),
      );
      session.state!.version = res.version;
      session.plan = { ...p, version: res.version };
      session.lastSaveMs = performance.now() - t0;
      session.message = null;
      await refreshGrids(touchedCodes(res.changes), res.grids);
      release();
    } catch (e) {
      release();
      // revert the optimistic paint
      applyLocal(changes.map((x) => ({ unit: x.unit, to: x.from })));
      const stale = e instanceof ApiError && e.status === 409;
      setMessage('error', stale ? `${errorText(e)}` : errorText(e), stale);
    }
    redraw.all();
  });
  return session.saving;
}

/** Runs a grid tool on the server once the pending saves are done and applies its moves. */
async function runTool(fn: () => Promise<{ version: number; changes: UnitChange[]; codes?: string[]; grids?: FC }>, selectNew = false): Promise<void> {
  await session.saving;
  try {
    const res = await session.ctx!.busy.track(fn(), 'plan.working');
    session.state!.apply(res.changes);
    session.state!.version = res.version;
    session.plan = { ...session.plan!, version: res.version };
    recolour(res.changes.map((c) => session.state!.index.get(c.unit)!).filter((i) => i !== undefined));
    session.message = null;
    await refreshGrids(touchedCodes(res.changes), res.grids);
    if (selectNew && res.codes?.[0]) selectGrid(res.codes[0]);
  } catch (e) {
    setMessage('error', errorText(e), e instanceof ApiError && e.status === 409);
  }
  redraw.all();
}

/** A new grid of the given units (indices into the unit table); it becomes the selection. */
export function newGrid(units: number[]): Promise<void> {
  return runTool(
    () =>
      session.ctx!.api.plans.newGrid(
        session.plan!.id,
        session.state!.version,
        units.map((i) => session.state!.table.ids[i]),
      ),
    true,
  );
}

/** Merges the selected grid with another. */
export function mergeWith(other: string): Promise<void> {
  return runTool(() => session.ctx!.api.plans.merge(session.plan!.id, session.state!.version, [session.selected!, other]));
}

/** Splits the selected grid; its two halves get clearly different colours and the labels A / B. */
export async function splitSelected(): Promise<void> {
  const code = session.selected;
  if (!code || !session.plan || !session.state) return;
  let codes: string[] = [];
  const previous = splitCodes();
  await runTool(async () => {
    const res = await session.ctx!.api.plans.split(session.plan!.id, session.state!.version, code);
    codes = res.codes ?? [];
    if (codes.length === 2) markSplit(codes[0]!, codes[1]!);
    return res;
  });
  const state = session.state;
  if (codes.length !== 2 || !state) return;
  const [a, b] = codes as [string, string];
  const marked = new Set([a, b, ...previous]);
  const units: number[] = [];
  state.asg.forEach((g, i) => g !== null && marked.has(g) && units.push(i));
  recolour(units);
  // the previous split's halves lose their tags; the new halves' grid features get theirs
  const stale = previous.filter((x) => x !== a && x !== b && session.gridsFc?.features.some((f) => f.properties?.code === x));
  await refreshGrids([a, b, ...stale]);
  setMessage('info', t('plan.msg.split', { a, b }));
  redraw.all();
}

export async function undoRedo(kind: 'undo' | 'redo'): Promise<void> {
  await runTool(() =>
    kind === 'undo'
      ? session.ctx!.api.plans.undo(session.plan!.id, session.state!.version)
      : session.ctx!.api.plans.redo(session.plan!.id, session.state!.version),
  );
}

export async function toggleLock(): Promise<void> {
  if (!session.selected || !session.plan) return;
  const f = session.gridsFc?.features.find((x) => x.properties?.code === session.selected);
  try {
    await session.ctx!.api.plans.lock(session.plan.id, [session.selected], !f?.properties?.locked);
    await refreshGrids([session.selected]);
    setMessage('info', t(f?.properties?.locked ? 'plan.msg.unlocked' : 'plan.msg.locked', { code: session.selected }));
  } catch (e) {
    setMessage('error', errorText(e));
  }
}

export async function publish(): Promise<void> {
  await session.saving;
  try {
    const effect = await session.ctx!.api.plans.publishEffect(session.plan!.id);
    if (!confirm(publishConfirmText(effect))) return;
    const r = await session.ctx!.busy.track(session.ctx!.api.plans.publish(session.plan!.id, session.state!.version), 'plan.working');
    session.state!.version = r.version;
    await refreshPlanInfo();
    await refreshPlanList();
    setMessage('info', t('plan.msg.published', { subs: subNames(effect.subdistricts, effect.names) }));
  } catch (e) {
    setMessage('error', errorText(e), e instanceof ApiError && e.status === 409);
  }
  redraw.all();
}

export async function copyAsDraft(): Promise<void> {
  try {
    const source = session.plan!.subdistricts;
    const r = await session.ctx!.api.plans.copy(session.plan!.id);
    await openPlan(r.id);
    await refreshPlanList();
    // a scoped planner gets the part of the plan in their sub-districts: say so
    if (r.subdistricts.length < source.length) setMessage('info', t('plan.msg.copied', { subs: await subdistrictNames(session.ctx!.api, r.subdistricts) }));
  } catch (e) {
    setMessage('error', errorText(e));
  }
}

export async function propose(kind: 'fix' | 'rebalance'): Promise<void> {
  const { selected, state } = session;
  if (!selected || !state) return;
  try {
    const codes = [selected, ...[...state.neighbours(selected)].filter((c) => c.slice(0, 9) === selected.slice(0, 9))].slice(0, 8);
    const proposal = await session.ctx!.busy.track(
      kind === 'fix' ? session.ctx!.api.plans.suggestFix(session.plan!.id, selected) : session.ctx!.api.plans.rebalance(session.plan!.id, codes),
      'plan.working',
    );
    session.proposal = proposal;
    // preview: highlight the proposed units
    for (const m of proposal.moves) setUnitState(session.ctx!.map, session.state!.index.get(m.unit)!, { hl: true });
  } catch (e) {
    setMessage('error', errorText(e));
  }
  redraw.all();
}

export function clearProposal(): void {
  const { proposal, state } = session;
  if (proposal && state) for (const m of proposal.moves) setUnitState(session.ctx!.map, state.index.get(m.unit)!, { hl: false });
  session.proposal = null;
  redraw.all();
}

export async function acceptProposal(): Promise<void> {
  if (!session.proposal || !session.state) return;
  const moves = session.proposal.moves.map((m) => ({ unit: m.unit, to: m.to }));
  clearProposal();
  if (moves.length) await runTool(() => session.ctx!.api.plans.edit(session.plan!.id, session.state!.version, moves));
}

/** Shows or hides the impact report against the published plans (the changed area hatched). */
export async function toggleDiff(): Promise<void> {
  session.showDiff = !session.showDiff;
  if (!session.showDiff) {
    session.lastImpact = null;
    setDiffData(session.ctx!.map, null);
    redraw.all();
    return;
  }
  try {
    const imp = await session.ctx!.busy.track(session.ctx!.api.plans.impact(session.plan!.id), 'plan.working');
    setDiffData(session.ctx!.map, imp.geojson);
    session.lastImpact = imp;
  } catch (e) {
    session.showDiff = false;
    setMessage('error', errorText(e));
  }
  redraw.all(); // the button now says "hide" (and the report is drawn into the new panel)
}

export async function seedStaff(): Promise<void> {
  const c = session.ctx!;
  await c.api.plans.seedStaff(session.plan!.id);
  session.staff = await c.api.plans.staff(session.plan!.id);
  redraw.all();
}

/** Opens the draft a partition job made (the partition form's onDone). */
export async function openPartitioned(id: number): Promise<void> {
  session.message = null;
  await refreshPlanList();
  await openPlan(id);
}

/** Reopens the plan after a stale edit (the message's reload button). */
export async function reload(): Promise<void> {
  await openPlan(session.plan!.id);
  session.message = null;
  redraw.all();
}

/** The grids in view, with their figures and staffing, for the printed table. */
function printGrids(): PrintGrid[] {
  const s = session.state!;
  const byGrid = new Map<string, string>();
  for (const g of session.staff?.grids ?? []) byGrid.set(g.code, `${g.leaders}+${g.members}`);
  const b = session.ctx!.map.getBounds();
  return s
    .codes()
    .filter((code) => [...(s.members.get(code) ?? [])].some((i) => b.contains([s.centroids[2 * i], s.centroids[2 * i + 1]])))
    .map((code) => {
      const st = s.stats(code);
      return { code, households: st.households, inBand: st.inBand, contiguous: st.contiguous, staff: byGrid.get(code) ?? '0+0' };
    });
}

export async function print(kind: 'png' | 'pdf'): Promise<void> {
  const { ctx, plan } = session;
  const inp = {
    map: ctx!.map,
    title: `${t('plan.print.title')} · ${plan!.name}`,
    subtitle: `${t(`plan.status.${plan!.status}` as MessageKey)} · v${plan!.version} · ${new Date().toLocaleDateString()}`,
    grids: printGrids(),
  };
  await ctx!.busy.track(kind === 'png' ? savePng(inp, `plan-${plan!.id}`) : savePdf(inp, `plan-${plan!.id}`), 'plan.working');
}

export async function importFile(file: File): Promise<void> {
  const text = await file.text();
  const format = /\.(geo)?json$/i.test(file.name) ? 'geojson' : 'csv';
  try {
    const r = await session.ctx!.busy.track(session.ctx!.api.plans.importPlan(file.name.replace(/\.[^.]+$/, ''), format, text), 'plan.working');
    await refreshPlanList();
    await openPlan(r.id);
    setMessage('info', t('plan.msg.imported', { grids: r.grids, units: r.assigned }));
  } catch (e) {
    setMessage('error', errorText(e));
  }
}

export async function importStaffFile(file: File): Promise<void> {
  try {
    const r = await session.ctx!.api.plans.importStaff(session.plan!.id, await file.text());
    session.staff = await session.ctx!.api.plans.staff(session.plan!.id);
    setMessage('info', t('plan.msg.staffImported', { n: r.imported, grids: r.grids }));
  } catch (e) {
    setMessage('error', errorText(e));
  }
  redraw.all();
}
