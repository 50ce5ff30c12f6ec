/**
 * The planner's map editor (#view=plan[&plan=ID]): select a grid, paint units into it (click, drag,
 * lasso; by unit, whole compound or whole block), erase to unassigned, lock, split / merge / new
 * grid, suggest-fix and rebalance proposals, undo/redo (server-side), publish; live statistics of
 * the selected grid and the plan computed on the client, confirmed by the server; problem and
 * "1+3" staffing tables, impact report with the changed area hatched, exports, print, import.
 */
import type { MapMouseEvent } from 'maplibre-gl';
import { ApiError, type Api, type FC } from '../../api';
import type { PlanInfo, Proposal, PublishEffect, StaffInfo, UnitChange } from '../../api/plans';
import { getLang, t, type MessageKey } from '../../i18n';
import { setDiffData, setGridsData, setSelectedGrid, updateGrids, whenGridsDrawn } from '../../layers/grids';
import { setUnitsData, setUnitState } from '../../layers/units';
import { holdFrames } from '../../map/hold-frames';
import { h } from '../../panels/dom';
import type { ViewContext, ViewModule } from '../types';
import { savePdf, savePng, type PrintGrid } from './print';
import { EditorState, gridColour, markSplit, pointInRing, splitCodes, splitTag } from './state';
import { warningRows } from './warnings';
import { partitionForm, subdistrictNames } from './partition-form';
import './plan.css';

type Mode = 'select' | 'brush' | 'erase' | 'lasso' | 'merge';
type Scope = 'unit' | 'compound' | 'block';

export interface PlanEditorHook {
  ready: Promise<void>;
  /** resolves when the plan's grids are first drawn */
  gridsReady: () => Promise<void>;
  planId: () => number | null;
  state: () => EditorState | null;
  selectGrid: (code: string | null) => void;
  setMode: (m: Mode) => void;
  /** paints units into a grid through the same path as the brush; resolves when saved */
  paint: (units: string[], to: string | null) => Promise<void>;
  lastPaintMs: () => number;
  lastSaveMs: () => number;
  gridsRenderedMs: () => number;
  gridsFirstAt: () => number;
}

declare global {
  interface Window {
    __wanggePlan?: PlanEditorHook;
  }
}

let ctx: ViewContext | null = null;
let plan: PlanInfo | null = null;
let state: EditorState | null = null;
let staff: StaffInfo | null = null;
let selected: string | null = null;
let mode: Mode = 'select';
let scope: Scope = 'unit';
let proposal: Proposal | null = null;
let message: { kind: 'error' | 'info'; text: string; reload?: boolean } | null = null;
let saving = Promise.resolve();
let lastPaintMs = 0;
let lastSaveMs = 0;
let gridsRenderedMs = 0;
let gridsFc: FC | null = null;
/** ms since navigation when the first plan's grids were drawn */
let gridsFirstAt = 0;
let gridsResolve: () => void = () => {};
let gridsReady = new Promise<void>((r) => (gridsResolve = r));
let showDiff = false;
/** The impact report shown while showDiff (kept so a re-render shows it again). */
let lastImpact: Awaited<ReturnType<Api['plans']['impact']>> | null = null;
let detach: (() => void) | null = null;
let readyResolve: () => void = () => {};
let ready = new Promise<void>((r) => (readyResolve = r));
const el: Record<string, HTMLElement> = {};

const fmtPct = (x: number) => `${(x * 100).toFixed(1)}%`;
const editable = () => plan?.status === 'draft';

function setMessage(kind: 'error' | 'info', text: string, reload = false): void {
  message = { kind, text, reload };
  renderMessage();
}

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e instanceof Error ? e.message : e);
}

/* ---------- loading ---------- */

/** The plan named in the URL, requested at boot before the map exists (see `prefetch`). */
let early: { id: number; info: Promise<PlanInfo>; grids: Promise<FC> } | null = null;

/** Each grid's colour as property `c` (the grids layer fills grids with it where units are not drawn). */
function coloured(features: FC['features']): FC['features'] {
  return features.map((f) => {
    const code = (f.properties?.code as string | undefined) ?? null;
    return { ...f, properties: { ...f.properties, c: gridColour(code), tag: splitTag(code) ?? '' } };
  });
}

async function openPlan(id: number): Promise<void> {
  const c = ctx!;
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
  plan = info;
  state = null;
  gridsFc = fc;
  selected = null;
  proposal = null;
  showDiff = false;
  lastImpact = null;
  setGridsData(c.map, fc);
  setDiffData(c.map, null);
  setUnitsData(c.map, null);
  // "grids drawn": the first frame after the grids source has loaded the collection
  const drawn = whenGridsDrawn(c.map).then(() => {
    gridsRenderedMs = Math.round(performance.now() - t0);
    if (!gridsFirstAt) gridsFirstAt = Math.round(performance.now());
    gridsResolve();
  });
  if (!location.hash.includes(`plan=${id}`)) history.replaceState(null, '', `#view=plan&plan=${id}`);
  render();
  // the unit table (~4 MB, ~14k polygons for the map's worker) only once the grids are on the map:
  // parsing and tiling it earlier holds the grids back (at most 5 s, in case they are not drawn)
  await Promise.race([drawn, new Promise((r) => setTimeout(r, 5000))]);
  if (plan?.id !== id) return;
  const table = await c.busy.track(c.api.plans.units(id), 'plan.loading');
  if (plan?.id !== id) return;
  state = new EditorState(table);
  const s = state;
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
  staff = await c.api.plans.staff(id).catch(() => null);
  render();
}

/**
 * Reloads the grid outlines: all, or only the given codes (merged into the shown collection; only
 * those go to the map). `fresh` = the touched grids already returned by the edit (no extra request).
 */
async function refreshGrids(codes?: string[], fresh?: FC): Promise<void> {
  if (!plan || !ctx) return;
  if (codes && gridsFc) {
    const part = fresh ?? (await ctx.api.plans.grids(plan.id, codes));
    const byCode = new Map(coloured(part.features).map((f) => [f.properties?.code as string, f]));
    const want = new Set(codes);
    const kept = gridsFc.features.filter((f) => !want.has(f.properties?.code as string));
    gridsFc = { ...gridsFc, features: [...kept, ...byCode.values()] };
    // feature state (the selection) is kept by id across updates: no need to set it again
    updateGrids(ctx.map, codes, [...byCode.values()]);
  } else {
    const fc = await ctx.api.plans.grids(plan.id);
    gridsFc = { ...fc, features: coloured(fc.features) };
    setGridsData(ctx.map, gridsFc);
    if (selected) setSelectedGrid(ctx.map, null, selected);
  }
}

const touchedCodes = (changes: UnitChange[]) => [...new Set(changes.flatMap((c) => [c.from, c.to]).filter((x): x is string => !!x))];

async function refreshPlanInfo(): Promise<void> {
  if (!plan || !ctx) return;
  plan = await ctx.api.plans.plan(plan.id);
  staff = await ctx.api.plans.staff(plan.id).catch(() => staff);
}

/* ---------- local paint + save ---------- */

function recolour(units: Iterable<number>): void {
  if (!ctx || !state) return;
  for (const i of units) setUnitState(ctx.map, i, { c: gridColour(state.asg[i]), sel: selected !== null && state.asg[i] === selected });
}

/** Applies moves locally (stats + map) at once; returns the applied moves with their origin. */
function applyLocal(moves: Array<{ unit: string; to: string | null }>): UnitChange[] {
  const s = state!;
  const changes: UnitChange[] = [];
  for (const m of moves) {
    const from = s.gridOf(m.unit);
    if (from !== m.to) changes.push({ unit: m.unit, from, to: m.to });
  }
  s.apply(changes);
  recolour(changes.map((c) => s.index.get(c.unit)!));
  renderStats();
  return changes;
}

function save(changes: UnitChange[]): Promise<void> {
  if (!changes.length || !plan || !ctx) return saving;
  const c = ctx;
  const p = plan;
  saving = saving.then(async () => {
    const t0 = performance.now();
    // no new map frame starts while the edit is in flight: its answer is handled the moment it lands
    const release = holdFrames(c.map);
    try {
      const res = await c.api.plans.edit(
        p.id,
        state!.version,
        changes.map((x) => ({ unit: x.unit, to: x.to })),
      );
      state!.version = res.version;
      plan = { ...p, version: res.version };
      lastSaveMs = performance.now() - t0;
      message = null;
      await refreshGrids(touchedCodes(res.changes), res.grids);
      release();
    } catch (e) {
      release();
      // revert the optimistic paint
      applyLocal(changes.map((x) => ({ unit: x.unit, to: x.from })));
      const stale = e instanceof ApiError && e.status === 409;
      setMessage('error', stale ? `${errorText(e)}` : errorText(e), stale);
    }
    render();
  });
  return saving;
}

function unitsFor(i: number): number[] {
  return scope === 'unit' ? [i] : state!.sameGroup(i, scope);
}

function paintTarget(): string | null | undefined {
  if (mode === 'erase') return null;
  if (mode === 'brush' || mode === 'lasso') return selected ?? undefined;
  return undefined;
}

/* ---------- map interaction ---------- */

function unitAt(e: { point: { x: number; y: number } }): number | null {
  if (!ctx!.map.getLayer('plan-units-fill')) return null;
  const f = ctx!.map.queryRenderedFeatures([e.point.x, e.point.y] as never, { layers: ['plan-units-fill'] });
  const id = f[0]?.id;
  return typeof id === 'number' ? id : id !== undefined ? Number(id) : null;
}

/** The grid under the pointer from the grid polygons (where units are not drawn, below their zoom). */
function gridAt(e: { point: { x: number; y: number } }): string | null {
  if (!ctx!.map.getLayer('plan-grids-fill')) return null;
  const f = ctx!.map.queryRenderedFeatures([e.point.x, e.point.y] as never, { layers: ['plan-grids-fill'] });
  const code = f[0]?.properties?.code;
  return typeof code === 'string' ? code : null;
}

function attachMap(c: ViewContext): () => void {
  const map = c.map;
  let gesture: { units: Set<number>; moves: Map<string, string | null> } | null = null;
  let lasso: Array<[number, number]> | null = null;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'plan-lasso');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  svg.append(path);
  map.getContainer().append(svg);

  const paintAt = (e: MapMouseEvent) => {
    if (!gesture || !state) return;
    const i = unitAt(e);
    if (i === null || gesture.units.has(i)) return;
    const to = paintTarget();
    if (to === undefined) return;
    const t0 = performance.now();
    const batch: Array<{ unit: string; to: string | null }> = [];
    for (const j of unitsFor(i)) {
      if (gesture.units.has(j)) continue;
      gesture.units.add(j);
      const id = state.table.ids[j];
      if (state.asg[j] !== to) {
        batch.push({ unit: id, to });
        if (!gesture.moves.has(id)) gesture.moves.set(id, state.asg[j]);
      }
    }
    if (batch.length) {
      applyLocal(batch);
      lastPaintMs = performance.now() - t0;
    }
  };

  const onDown = (e: MapMouseEvent) => {
    if (!editable() || !state) return;
    if (mode === 'brush' || mode === 'erase') {
      if (mode === 'brush' && !selected) return setMessage('info', t('plan.msg.selectFirst'));
      e.preventDefault();
      map.dragPan.disable();
      gesture = { units: new Set(), moves: new Map() };
      paintAt(e);
    } else if (mode === 'lasso') {
      e.preventDefault();
      map.dragPan.disable();
      lasso = [[e.point.x, e.point.y]];
    }
  };
  const onMove = (e: MapMouseEvent) => {
    if (gesture) paintAt(e);
    else if (lasso) {
      lasso.push([e.point.x, e.point.y]);
      path.setAttribute('points', lasso.map((p) => p.join(',')).join(' '));
    }
  };
  const finishLasso = () => {
    if (!lasso || !state) return;
    const ring = lasso.map(([x, y]) => {
      const ll = map.unproject([x, y]);
      return [ll.lng, ll.lat] as [number, number];
    });
    lasso = null;
    path.setAttribute('points', '');
    if (ring.length < 3) return;
    const hit: number[] = [];
    for (let i = 0; i < state.table.ids.length; i++) if (pointInRing(state.centroids[2 * i], state.centroids[2 * i + 1], ring)) hit.push(i);
    const all = new Set(hit.flatMap((i) => unitsFor(i)));
    if (!all.size) return;
    if (!selected) {
      void runTool(
        () =>
          ctx!.api.plans.newGrid(
            plan!.id,
            state!.version,
            [...all].map((i) => state!.table.ids[i]),
          ),
        true,
      );
      return;
    }
    const t0 = performance.now();
    const changes = applyLocal([...all].map((i) => ({ unit: state!.table.ids[i], to: selected })));
    lastPaintMs = performance.now() - t0;
    void save(changes);
  };
  const onUp = () => {
    map.dragPan.enable();
    if (gesture && state) {
      const changes: UnitChange[] = [...gesture.moves].map(([unit, from]) => ({ unit, from, to: state!.gridOf(unit) })).filter((x) => x.from !== x.to);
      gesture = null;
      void save(changes);
    }
    finishLasso();
  };
  const onClick = (e: MapMouseEvent) => {
    if (!state) return;
    const i = unitAt(e);
    if (mode === 'select') {
      selectGrid(i === null ? gridAt(e) : state.asg[i]);
    } else if (mode === 'merge' && selected) {
      const other = i === null ? gridAt(e) : state.asg[i];
      if (other === null) return;
      if (other === selected) {
        // clicking the selected grid itself: say what to click instead of doing nothing
        setMessage('info', t('plan.msg.mergeSelf'));
        return;
      }
      void runTool(() => ctx!.api.plans.merge(plan!.id, state!.version, [selected!, other]));
      mode = 'select';
      render();
    }
  };
  map.on('mousedown', onDown);
  map.on('mousemove', onMove);
  map.on('mouseup', onUp);
  map.on('click', onClick);
  return () => {
    map.off('mousedown', onDown);
    map.off('mousemove', onMove);
    map.off('mouseup', onUp);
    map.off('click', onClick);
    map.dragPan.enable();
    svg.remove();
  };
}

function selectGrid(code: string | null): void {
  if (!ctx || !state) return;
  const prev = selected;
  selected = code;
  setSelectedGrid(ctx.map, prev, code);
  const touched = new Set<number>([...(prev ? (state.members.get(prev) ?? []) : []), ...(code ? (state.members.get(code) ?? []) : [])]);
  recolour(touched);
  proposal = null;
  render();
}

function flyToGrid(code: string): void {
  if (!state || !ctx) return;
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const i of state.members.get(code) ?? []) {
    const x = state.centroids[2 * i],
      y = state.centroids[2 * i + 1];
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  if (x0 < Infinity) ctx.map.fitBounds([x0, y0, x1, y1], { padding: 120, maxZoom: 16, duration: 0 });
}

/* ---------- tools ---------- */

async function runTool(fn: () => Promise<{ version: number; changes: UnitChange[]; codes?: string[]; grids?: FC }>, selectNew = false): Promise<void> {
  await saving;
  try {
    const res = await ctx!.busy.track(fn(), 'plan.working');
    state!.apply(res.changes);
    state!.version = res.version;
    plan = { ...plan!, version: res.version };
    recolour(res.changes.map((c) => state!.index.get(c.unit)!).filter((i) => i !== undefined));
    message = null;
    await refreshGrids(touchedCodes(res.changes), res.grids);
    if (selectNew && res.codes?.[0]) selectGrid(res.codes[0]);
  } catch (e) {
    setMessage('error', errorText(e), e instanceof ApiError && e.status === 409);
  }
  render();
}

/** Splits the selected grid; its two halves get clearly different colours and the labels A / B. */
async function splitSelected(): Promise<void> {
  const code = selected;
  if (!code || !plan || !state) return;
  let codes: string[] = [];
  const previous = splitCodes();
  await runTool(async () => {
    const res = await ctx!.api.plans.split(plan!.id, state!.version, code);
    codes = res.codes ?? [];
    if (codes.length === 2) markSplit(codes[0]!, codes[1]!);
    return res;
  });
  if (codes.length !== 2 || !state) return;
  const [a, b] = codes as [string, string];
  const marked = new Set([a, b, ...previous]);
  const units: number[] = [];
  state.asg.forEach((g, i) => g !== null && marked.has(g) && units.push(i));
  recolour(units);
  // the previous split's halves lose their tags; the new halves' grid features get theirs
  const stale = previous.filter((x) => x !== a && x !== b && gridsFc?.features.some((f) => f.properties?.code === x));
  await refreshGrids([a, b, ...stale]);
  setMessage('info', t('plan.msg.split', { a, b }));
  render();
}

async function undoRedo(kind: 'undo' | 'redo'): Promise<void> {
  await runTool(() => (kind === 'undo' ? ctx!.api.plans.undo(plan!.id, state!.version) : ctx!.api.plans.redo(plan!.id, state!.version)));
}

async function toggleLock(): Promise<void> {
  if (!selected || !plan) return;
  const f = gridsFc?.features.find((x) => x.properties?.code === selected);
  try {
    await ctx!.api.plans.lock(plan.id, [selected], !f?.properties?.locked);
    await refreshGrids([selected]);
    setMessage('info', t(f?.properties?.locked ? 'plan.msg.unlocked' : 'plan.msg.locked', { code: selected }));
  } catch (e) {
    setMessage('error', errorText(e));
  }
}

/** Sub-district names in the UI language ("人民路街道、新河路街道"). */
function subNames(ids: string[], names: PublishEffect['names']): string {
  const en = getLang() === 'en';
  return ids.map((id) => (en ? names[id]?.name_en : names[id]?.name) ?? names[id]?.name ?? id).join(en ? ', ' : '、');
}

/** The confirmation text: what comes into force, what is replaced and what stays published. */
export function publishConfirmText(e: PublishEffect): string {
  const lines = [t('plan.publish.confirm', { subs: subNames(e.subdistricts, e.names), grids: e.grids })];
  if (!e.replaces.length) lines.push(t('plan.publish.first'));
  for (const r of e.replaces) {
    lines.push(t('plan.publish.replaces', { name: r.name, subs: subNames(r.replaced, e.names), n: r.replacedGrids }));
    if (r.kept.length) lines.push(t('plan.publish.keeps', { name: r.name, subs: subNames(r.kept, e.names), n: r.keptGrids }));
  }
  return lines.join('\n');
}

async function publish(): Promise<void> {
  await saving;
  try {
    const effect = await ctx!.api.plans.publishEffect(plan!.id);
    if (!confirm(publishConfirmText(effect))) return;
    const r = await ctx!.busy.track(ctx!.api.plans.publish(plan!.id, state!.version), 'plan.working');
    state!.version = r.version;
    await refreshPlanInfo();
    await refreshPlanList();
    setMessage('info', t('plan.msg.published', { subs: subNames(effect.subdistricts, effect.names) }));
  } catch (e) {
    setMessage('error', errorText(e), e instanceof ApiError && e.status === 409);
  }
  render();
}

async function copyAsDraft(): Promise<void> {
  try {
    const source = plan!.subdistricts;
    const r = await ctx!.api.plans.copy(plan!.id);
    await openPlan(r.id);
    await refreshPlanList();
    // a scoped planner gets the part of the plan in their sub-districts: say so
    if (r.subdistricts.length < source.length) setMessage('info', t('plan.msg.copied', { subs: await subdistrictNames(ctx!.api, r.subdistricts) }));
  } catch (e) {
    setMessage('error', errorText(e));
  }
}

async function propose(kind: 'fix' | 'rebalance'): Promise<void> {
  if (!selected || !state) return;
  try {
    const codes = [selected, ...[...state.neighbours(selected)].filter((c) => c.slice(0, 9) === selected!.slice(0, 9))].slice(0, 8);
    proposal = await ctx!.busy.track(
      kind === 'fix' ? ctx!.api.plans.suggestFix(plan!.id, selected) : ctx!.api.plans.rebalance(plan!.id, codes),
      'plan.working',
    );
    // preview: highlight the proposed units
    for (const m of proposal.moves) setUnitState(ctx!.map, state.index.get(m.unit)!, { hl: true });
  } catch (e) {
    setMessage('error', errorText(e));
  }
  render();
}

function clearProposal(): void {
  if (proposal && state) for (const m of proposal.moves) setUnitState(ctx!.map, state.index.get(m.unit)!, { hl: false });
  proposal = null;
  render();
}

async function acceptProposal(): Promise<void> {
  if (!proposal || !state) return;
  const moves = proposal.moves.map((m) => ({ unit: m.unit, to: m.to }));
  clearProposal();
  if (moves.length) await runTool(() => ctx!.api.plans.edit(plan!.id, state!.version, moves));
}

async function toggleDiff(): Promise<void> {
  showDiff = !showDiff;
  if (!showDiff) {
    lastImpact = null;
    setDiffData(ctx!.map, null);
    render();
    return;
  }
  try {
    const imp = await ctx!.busy.track(ctx!.api.plans.impact(plan!.id), 'plan.working');
    setDiffData(ctx!.map, imp.geojson);
    lastImpact = imp;
  } catch (e) {
    showDiff = false;
    setMessage('error', errorText(e));
  }
  render(); // the button now says "hide" (and the report is drawn into the new panel)
}

function printGrids(): PrintGrid[] {
  const s = state!;
  const byGrid = new Map<string, string>();
  for (const g of staff?.grids ?? []) byGrid.set(g.code, `${g.leaders}+${g.members}`);
  const b = ctx!.map.getBounds();
  return s
    .codes()
    .filter((code) => [...(s.members.get(code) ?? [])].some((i) => b.contains([s.centroids[2 * i], s.centroids[2 * i + 1]])))
    .map((code) => {
      const st = s.stats(code);
      return { code, households: st.households, inBand: st.inBand, contiguous: st.contiguous, staff: byGrid.get(code) ?? '0+0' };
    });
}

async function print(kind: 'png' | 'pdf'): Promise<void> {
  const inp = {
    map: ctx!.map,
    title: `${t('plan.print.title')} · ${plan!.name}`,
    subtitle: `${t(`plan.status.${plan!.status}` as MessageKey)} · v${plan!.version} · ${new Date().toLocaleDateString()}`,
    grids: printGrids(),
  };
  await ctx!.busy.track(kind === 'png' ? savePng(inp, `plan-${plan!.id}`) : savePdf(inp, `plan-${plan!.id}`), 'plan.working');
}

async function importFile(file: File): Promise<void> {
  const text = await file.text();
  const format = /\.(geo)?json$/i.test(file.name) ? 'geojson' : 'csv';
  try {
    const r = await ctx!.busy.track(ctx!.api.plans.importPlan(file.name.replace(/\.[^.]+$/, ''), format, text), 'plan.working');
    await refreshPlanList();
    await openPlan(r.id);
    setMessage('info', t('plan.msg.imported', { grids: r.grids, units: r.assigned }));
  } catch (e) {
    setMessage('error', errorText(e));
  }
}

async function importStaffFile(file: File): Promise<void> {
  try {
    const r = await ctx!.api.plans.importStaff(plan!.id, await file.text());
    staff = await ctx!.api.plans.staff(plan!.id);
    setMessage('info', t('plan.msg.staffImported', { n: r.imported, grids: r.grids }));
  } catch (e) {
    setMessage('error', errorText(e));
  }
  render();
}

/* ---------- panel ---------- */

let planList: PlanInfo[] = [];
async function refreshPlanList(): Promise<void> {
  planList = await ctx!.api.plans.plans();
}

function btn(
  label: string,
  onClick: () => void,
  opts: { testid?: string; disabled?: boolean; active?: boolean; title?: string; kind?: string } = {},
): HTMLButtonElement {
  const b = h(
    'button',
    {
      type: 'button',
      class: `plan-btn${opts.active ? ' active' : ''}${opts.kind ? ` ${opts.kind}` : ''}`,
      'data-testid': opts.testid,
      disabled: opts.disabled,
      title: opts.title,
    },
    label,
  );
  b.addEventListener('click', onClick);
  return b;
}

function bandClass(hh: number): string {
  if (!state) return '';
  if (hh < state.min || hh > state.max) return 'bad';
  if (hh < state.min + 20 || hh > state.max - 20) return 'warn';
  return 'ok';
}

function renderMessage(): void {
  const box = el.message;
  if (!box) return;
  if (!message) return void box.replaceChildren();
  const children: Node[] = [h('span', {}, message.text)];
  if (message.reload) children.push(btn(t('plan.reload'), () => void openPlan(plan!.id).then(() => ((message = null), render())), { testid: 'plan-reload' }));
  box.replaceChildren(h('div', { class: `plan-msg ${message.kind}`, 'data-testid': 'plan-message' }, ...children));
}

function staffingOf(code: string): string {
  const g = staff?.grids.find((x) => x.code === code);
  if (!g) return t('plan.staff.none');
  return g.ok ? t('plan.staff.ok', { l: g.leaders, m: g.members }) : `${g.leaders}+${g.members} · ${g.problem}`;
}

function renderStats(): void {
  const box = el.stats;
  if (!box || !state) return;
  const sum = state.summary();
  const planRows = h(
    'div',
    { class: 'plan-summary', 'data-testid': 'plan-summary' },
    h('span', {}, t('plan.sum.grids', { n: sum.grids })),
    h('span', { class: sum.outOfBand ? 'bad' : 'ok' }, t('plan.sum.outOfBand', { n: sum.outOfBand })),
    h('span', { class: sum.nonContiguous ? 'bad' : 'ok' }, t('plan.sum.nonContiguous', { n: sum.nonContiguous })),
    h('span', {}, t('plan.sum.unassigned', { n: sum.unassignedHouseholds })),
    h('span', {}, t('plan.sum.compoundsSplit', { n: sum.compoundsSplit })),
    h('span', { class: staff?.violations.length ? 'bad' : 'ok' }, t('plan.sum.staffing', { n: staff?.violations.length ?? 0 })),
  );
  if (!selected) {
    box.replaceChildren(planRows, h('p', { class: 'muted' }, t('plan.selectHint')));
    return;
  }
  const s = state.stats(selected);
  const row = (k: MessageKey, v: string, cls = '', testid?: string) => h('tr', {}, h('th', {}, t(k)), h('td', { class: cls, 'data-testid': testid }, v));
  box.replaceChildren(
    planRows,
    h('h3', { class: 'plan-grid-title' }, h('span', { class: 'swatch', style: `background:${gridColour(selected)}` }), `${t('plan.grid')} ${selected}`),
    h(
      'table',
      { class: 'props plan-stats', 'data-testid': 'grid-stats' },
      h(
        'tbody',
        {},
        row('plan.stat.households', `${s.households}  (${state.min}–${state.max})`, bandClass(s.households), 'stat-households'),
        row('plan.stat.units', String(s.units)),
        row('plan.stat.buildings', String(s.buildings)),
        row('plan.stat.contiguous', s.contiguous ? '✓' : `✗ ${t('plan.stat.notContiguous')}`, s.contiguous ? 'ok' : 'bad'),
        row('plan.stat.pp', s.polsbyPopper.toFixed(3), s.polsbyPopper < 0.15 ? 'warn' : ''),
        row('plan.stat.compoundsSplit', String(s.compoundsSplit), s.compoundsSplit ? 'warn' : ''),
        row(
          'plan.stat.party',
          t('plan.stat.partyValue', { party: s.party, plaqued: s.plaqued, share: fmtPct(s.plaquedShare) }),
          s.party === 0 ? '' : s.plaquedShare >= 0.2 ? 'ok' : 'warn',
          'stat-party',
        ),
        row('plan.stat.staff', staffingOf(selected), staff?.grids.find((g) => g.code === selected)?.ok ? 'ok' : 'bad'),
      ),
    ),
  );
}

/** The partition's warnings of the plan (naming units and the fix); a row shows the grid of its first unit. */
function warningsSection(): HTMLElement | null {
  const ws = plan?.warnings ?? [];
  if (!ws.length || !state) return null;
  const w = warningRows(ws, (u) => state!.gridOf(u));
  const tb = table(
    [t('plan.col.warning'), t('plan.col.units')],
    w.rows,
    (i) => {
      const code = w.grids[i];
      if (code) {
        selectGrid(code);
        flyToGrid(code);
      }
    },
    'warning-table',
  );
  tb.querySelectorAll('tbody tr').forEach((tr, i) => tr.setAttribute('title', w.titles[i]));
  const d = h('details', { open: warningsOpen }, h('summary', {}, t('plan.warnings', { n: ws.length })), tb);
  d.addEventListener('toggle', () => (warningsOpen = d.open)); // stays open across re-renders (a row click selects a grid)
  return d;
}
let warningsOpen = false;

function table(head: string[], rows: Array<Array<string | number>>, onRow?: (i: number) => void, testid?: string): HTMLElement {
  const tb = h('tbody', {});
  rows.forEach((r, i) => {
    const tr = h('tr', {}, ...r.map((c) => h('td', {}, String(c))));
    if (onRow) {
      tr.classList.add('clickable');
      tr.addEventListener('click', () => onRow(i));
    }
    tb.append(tr);
  });
  return h('table', { class: 'plan-table', 'data-testid': testid }, h('thead', {}, h('tr', {}, ...head.map((x) => h('th', {}, x)))), tb);
}

function renderImpact(imp: Awaited<ReturnType<NonNullable<ViewContext['api']>['plans']['impact']>>): void {
  const box = el.impact;
  if (!box) return;
  if (!imp.published.length) {
    box.replaceChildren(h('p', { class: 'muted' }, t('plan.impact.nothingPublished')));
    return;
  }
  box.replaceChildren(
    h(
      'p',
      { 'data-testid': 'impact-summary' },
      t('plan.impact.summary', {
        units: imp.units_moved,
        hh: imp.households_moved,
        added: imp.grids_added.length,
        removed: imp.grids_removed.length,
        changed: imp.grids_changed.length,
      }),
    ),
    table(
      [t('plan.col.from'), t('plan.col.to'), t('plan.col.units'), t('plan.col.households')],
      imp.flows.slice(0, 30).map((f) => [f.from ?? '—', f.to ?? '—', f.units, f.households]),
      undefined,
      'impact-flows',
    ),
    h('p', {}, t('plan.impact.staff', { n: imp.staff.length })),
    h('p', {}, imp.groups === null ? t('plan.impact.groupsUnavailable') : t('plan.impact.groups', { n: imp.groups.length })),
  );
}

/** The partition form, made once per activation so a running job's progress survives re-renders. */
let partitionEl: HTMLElement | null = null;
function partitionSection(c: ViewContext, open: boolean): HTMLElement {
  partitionEl ??= partitionForm({
    api: c.api,
    plans: () => planList,
    open,
    zoomTo: (b) => c.map.fitBounds(b, { padding: 60, maxZoom: 18, duration: 300 }),
    onDone: async (id) => {
      message = null;
      await refreshPlanList();
      await openPlan(id);
    },
  });
  return partitionEl;
}

function render(): void {
  const c = ctx;
  if (!c) return;
  if (!plan || !state) {
    c.panel.replaceChildren(
      h(
        'div',
        { class: 'plan-view' },
        h('h2', { class: 'panel-title' }, t('view.plan')),
        h(
          'p',
          { class: 'muted', 'data-testid': plan ? 'plan-loading' : 'plan-empty' },
          plan ? `#${plan.id} ${plan.name} · ${t('plan.loading')}` : t('plan.none'),
        ),
        plan ? null : h('p', {}, h('a', { href: '#view=import', class: 'plan-btn', 'data-testid': 'plan-empty-import' }, t('plan.emptyImport'))),
        plan ? null : partitionSection(c, true),
      ),
    );
    return;
  }
  const sel = h('select', { class: 'plan-select', 'data-testid': 'plan-select' });
  for (const p of planList) {
    const o = h('option', { value: String(p.id) }, `#${p.id} ${p.name} · ${t(`plan.status.${p.status}` as MessageKey)}`);
    if (p.id === plan.id) o.selected = true;
    sel.append(o);
  }
  sel.addEventListener('change', () => void openPlan(Number(sel.value)));
  const ed = editable();
  const modeBtn = (m: Mode, k: MessageKey) =>
    btn(t(k), () => ((mode = m), render()), { active: mode === m, testid: `mode-${m}`, disabled: m !== 'select' && !ed });
  const scopeBtn = (s: Scope, k: MessageKey) => btn(t(k), () => ((scope = s), render()), { active: scope === s, testid: `scope-${s}` });
  el.message = h('div', {});
  el.stats = h('div', { class: 'plan-stats-box' });
  el.impact = h('div', { class: 'plan-impact' });
  const impactOpen = showDiff && lastImpact !== null;
  const fileInput = (accept: string, onFile: (f: File) => void, testid: string) => {
    const i = h('input', { type: 'file', accept, 'data-testid': testid, class: 'plan-file' });
    i.addEventListener('change', () => i.files?.[0] && onFile(i.files[0]));
    return i;
  };
  const problems = state
    .codes()
    .map((code) => state!.stats(code))
    .filter((s) => !s.inBand || !s.contiguous);
  const exp = (fmt: 'geojson' | 'shp' | 'csv', k: MessageKey) =>
    h('a', { class: 'plan-btn', href: c.api.plans.exportUrl(plan!.id, fmt), download: '', 'data-testid': `export-${fmt}` }, t(k));

  c.panel.replaceChildren(
    h(
      'div',
      { class: 'plan-view', 'data-testid': 'plan-view' },
      h('h2', { class: 'panel-title' }, t('view.plan')),
      sel,
      h(
        'div',
        { class: 'plan-meta', 'data-testid': 'plan-meta' },
        h('span', { class: `status ${plan.status}`, 'data-testid': 'plan-status' }, t(`plan.status.${plan.status}` as MessageKey)),
        h('span', { 'data-testid': 'plan-version' }, `v${plan.version}`),
        h('span', {}, plan.author),
      ),
      el.message,
      partitionSection(c, false),
      ed
        ? h(
            'div',
            { class: 'plan-toolbar' },
            h(
              'div',
              { class: 'plan-row' },
              modeBtn('select', 'plan.mode.select'),
              modeBtn('brush', 'plan.mode.brush'),
              modeBtn('lasso', 'plan.mode.lasso'),
              modeBtn('erase', 'plan.mode.erase'),
            ),
            h(
              'div',
              { class: 'plan-row' },
              h('span', { class: 'muted' }, t('plan.scope')),
              scopeBtn('unit', 'plan.scope.unit'),
              scopeBtn('compound', 'plan.scope.compound'),
              scopeBtn('block', 'plan.scope.block'),
            ),
            h(
              'div',
              { class: 'plan-row' },
              btn(t('plan.undo'), () => void undoRedo('undo'), { testid: 'plan-undo' }),
              btn(t('plan.redo'), () => void undoRedo('redo'), { testid: 'plan-redo' }),
              btn(t('plan.publish'), () => void publish(), { testid: 'plan-publish', kind: 'primary' }),
            ),
          )
        : h(
            'div',
            { class: 'plan-row' },
            h('span', { class: 'muted' }, t('plan.readOnly')),
            btn(t('plan.copy'), () => void copyAsDraft(), { testid: 'plan-copy' }),
          ),
      el.stats,
      selected && ed
        ? h(
            'div',
            { class: 'plan-row wrap' },
            btn(t('plan.lock'), () => void toggleLock(), { testid: 'plan-lock' }),
            btn(t('plan.split'), () => void splitSelected(), { testid: 'plan-split' }),
            btn(t('plan.merge'), () => ((mode = 'merge'), setMessage('info', t('plan.msg.mergeHint')), render()), {
              testid: 'plan-merge',
              active: mode === 'merge',
            }),
            btn(t('plan.fix'), () => void propose('fix'), { testid: 'plan-fix' }),
            btn(t('plan.rebalance'), () => void propose('rebalance'), { testid: 'plan-rebalance' }),
          )
        : null,
      ed && !selected ? h('p', { class: 'muted' }, t('plan.newGridHint')) : null,
      proposal
        ? h(
            'div',
            { class: 'plan-proposal', 'data-testid': 'plan-proposal' },
            h('p', {}, proposal.message),
            proposal.moves.length
              ? table(
                  [t('plan.col.code'), t('plan.col.before'), t('plan.col.after')],
                  proposal.grids.map((g) => [g.code, g.before, g.after]),
                )
              : h('p', { class: 'muted', 'data-testid': 'proposal-nothing' }, t('plan.proposal.nothing')),
            h(
              'div',
              { class: 'plan-row' },
              btn(t('plan.accept'), () => void acceptProposal(), { testid: 'proposal-accept', kind: 'primary', disabled: !proposal.moves.length }),
              btn(t('plan.reject'), clearProposal, { testid: 'proposal-reject' }),
            ),
          )
        : null,
      h(
        'details',
        { open: problems.length > 0 && problems.length < 40 },
        h('summary', {}, t('plan.problems', { n: problems.length })),
        table(
          [t('plan.col.code'), t('plan.col.households'), t('plan.col.issue')],
          problems.map((s) => [
            s.code,
            s.households,
            [!s.inBand ? t('plan.issue.band') : '', !s.contiguous ? t('plan.issue.contiguity') : ''].filter(Boolean).join('，'),
          ]),
          (i) => (selectGrid(problems[i].code), flyToGrid(problems[i].code)),
          'problem-table',
        ),
      ),
      warningsSection(),
      h(
        'details',
        {},
        h('summary', {}, t('plan.staffing', { n: staff?.violations.length ?? 0 })),
        table(
          [t('plan.col.code'), t('plan.col.staff'), t('plan.col.issue')],
          (staff?.violations ?? []).map((v) => [v.code, `${v.leaders}+${v.members}`, v.problem ?? '']),
          (i) => {
            const code = staff!.violations[i].code;
            selectGrid(code);
            flyToGrid(code);
          },
          'staff-table',
        ),
        h(
          'div',
          { class: 'plan-row' },
          h(
            'label',
            { class: 'plan-btn' },
            t('plan.staff.import'),
            fileInput('.csv,text/csv', (f) => void importStaffFile(f), 'staff-file'),
          ),
          btn(t('plan.staff.seed'), () => void c.api.plans.seedStaff(plan!.id).then(async () => ((staff = await c.api.plans.staff(plan!.id)), render()))),
        ),
      ),
      h(
        'details',
        { open: impactOpen },
        h('summary', {}, t('plan.impact')),
        h(
          'div',
          { class: 'plan-row' },
          btn(showDiff ? t('plan.impact.hide') : t('plan.impact.show'), () => void toggleDiff(), { testid: 'plan-impact', active: showDiff }),
        ),
        el.impact,
      ),
      h(
        'details',
        {},
        h('summary', {}, t('plan.export')),
        h(
          'div',
          { class: 'plan-row wrap' },
          exp('geojson', 'plan.export.geojson'),
          exp('shp', 'plan.export.shp'),
          exp('csv', 'plan.export.csv'),
          btn(t('plan.export.png'), () => void print('png'), { testid: 'export-png' }),
          btn(t('plan.export.pdf'), () => void print('pdf'), { testid: 'export-pdf' }),
        ),
        h(
          'div',
          { class: 'plan-row' },
          h(
            'label',
            { class: 'plan-btn' },
            t('plan.import'),
            fileInput('.csv,.geojson,.json', (f) => void importFile(f), 'plan-import-file'),
          ),
        ),
      ),
    ),
  );
  renderMessage();
  renderStats();
  if (impactOpen) renderImpact(lastImpact!);
}

export const planView: ViewModule = {
  id: 'plan',
  roles: ['admin', 'planner', 'leader'],
  labelKey: 'view.plan',
  order: 10,
  layers: ['plan-units', 'plan-grids'],
  prefetch(api: Api) {
    const m = /plan=(\d+)/.exec(location.hash);
    if (!m) return;
    const id = Number(m[1]);
    early = { id, info: api.plans.plan(id), grids: api.plans.grids(id) };
    // a failed early request is retried by openPlan
    early.info.catch(() => undefined);
    early.grids.catch(() => undefined);
  },
  async activate(c) {
    ctx = c;
    ready = new Promise<void>((r) => (readyResolve = r));
    gridsReady = new Promise<void>((r) => (gridsResolve = r));
    window.__wanggePlan = {
      ready,
      gridsReady: () => gridsReady,
      planId: () => plan?.id ?? null,
      state: () => state,
      selectGrid,
      setMode: (m) => ((mode = m), render()),
      paint: async (units, to) => {
        const t0 = performance.now();
        const changes = applyLocal(units.map((unit) => ({ unit, to })));
        await new Promise<void>((r) => requestAnimationFrame(() => r()));
        lastPaintMs = performance.now() - t0;
        await save(changes);
      },
      lastPaintMs: () => lastPaintMs,
      lastSaveMs: () => lastSaveMs,
      gridsRenderedMs: () => gridsRenderedMs,
      gridsFirstAt: () => gridsFirstAt,
    };
    detach = attachMap(c);
    try {
      // a plan named in the URL is opened at once (its grids first), while the plan list loads
      const m = /plan=(\d+)/.exec(location.hash);
      const early = m
        ? openPlan(Number(m[1])).then(
            () => true,
            () => false,
          )
        : Promise.resolve(false);
      await refreshPlanList();
      if (await early) render();
      else {
        const pick =
          (m && planList.find((p) => p.id === Number(m[1]))) ||
          planList.find((p) => p.status === 'draft') ||
          planList.find((p) => p.status === 'published') ||
          planList[0];
        if (pick) await openPlan(pick.id);
        else render();
      }
    } catch (e) {
      render();
      setMessage('error', errorText(e));
    }
    readyResolve();
  },
  deactivate(c) {
    detach?.();
    detach = null;
    setUnitsData(c.map, null);
    setGridsData(c.map, null);
    setDiffData(c.map, null);
    partitionEl = null;
    ctx = null;
    plan = null;
    state = null;
    selected = null;
  },
  setLang() {
    render();
  },
};
