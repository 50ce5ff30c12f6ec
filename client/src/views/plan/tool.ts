/**
 * The editor's map tool: the gestures on the map for the session's mode and scope. Select: a click
 * selects the grid under the pointer. Brush / erase: press and drag paints units into the selected
 * grid (or to unassigned), drawn at once and saved when the button is released. Lasso: the drawn
 * ring's units go to the selected grid, or become a new grid when none is selected. Merge: a click
 * merges that grid into the selected one. attach(map, actions) while the view is active, detach()
 * when it leaves.
 */
import type { Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import type { UnitChange } from '../../api/plans';
import { t } from '../../i18n';
import { editable, redraw, session, setMessage } from './session';
import { pointInRing } from './state';

/** What the gestures do (./actions.ts, wired by index.ts). */
export interface ToolActions {
  applyLocal(moves: Array<{ unit: string; to: string | null }>): UnitChange[];
  save(changes: UnitChange[]): Promise<void>;
  selectGrid(code: string | null): void;
  newGrid(units: number[]): Promise<void>;
  mergeWith(other: string): Promise<void>;
}

let off: (() => void) | null = null;

function unitsFor(i: number): number[] {
  return session.scope === 'unit' ? [i] : session.state!.sameGroup(i, session.scope);
}

function paintTarget(): string | null | undefined {
  const { mode, selected } = session;
  if (mode === 'erase') return null;
  if (mode === 'brush' || mode === 'lasso') return selected ?? undefined;
  return undefined;
}

function unitAt(map: MlMap, e: { point: { x: number; y: number } }): number | null {
  if (!map.getLayer('plan-units-fill')) return null;
  const f = map.queryRenderedFeatures([e.point.x, e.point.y] as never, { layers: ['plan-units-fill'] });
  const id = f[0]?.id;
  return typeof id === 'number' ? id : id !== undefined ? Number(id) : null;
}

/** The grid under the pointer from the grid polygons (where units are not drawn, below their zoom). */
function gridAt(map: MlMap, e: { point: { x: number; y: number } }): string | null {
  if (!map.getLayer('plan-grids-fill')) return null;
  const f = map.queryRenderedFeatures([e.point.x, e.point.y] as never, { layers: ['plan-grids-fill'] });
  const code = f[0]?.properties?.code;
  return typeof code === 'string' ? code : null;
}

export function attach(map: MlMap, act: ToolActions): void {
  let gesture: { units: Set<number>; moves: Map<string, string | null> } | null = null;
  let lasso: Array<[number, number]> | null = null;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'plan-lasso');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  svg.append(path);
  map.getContainer().append(svg);

  const paintAt = (e: MapMouseEvent) => {
    const state = session.state;
    if (!gesture || !state) return;
    const i = unitAt(map, e);
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
      act.applyLocal(batch);
      session.lastPaintMs = performance.now() - t0;
    }
  };

  const onDown = (e: MapMouseEvent) => {
    const mode = session.mode;
    if (!editable() || !session.state) return;
    if (mode === 'brush' || mode === 'erase') {
      if (mode === 'brush' && !session.selected) return setMessage('info', t('plan.msg.selectFirst'));
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
    const state = session.state;
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
    const selected = session.selected;
    if (!selected) {
      void act.newGrid([...all]);
      return;
    }
    const t0 = performance.now();
    const changes = act.applyLocal([...all].map((i) => ({ unit: state.table.ids[i], to: selected })));
    session.lastPaintMs = performance.now() - t0;
    void act.save(changes);
  };
  const onUp = () => {
    map.dragPan.enable();
    const state = session.state;
    if (gesture && state) {
      const changes: UnitChange[] = [...gesture.moves].map(([unit, from]) => ({ unit, from, to: state.gridOf(unit) })).filter((x) => x.from !== x.to);
      gesture = null;
      void act.save(changes);
    }
    finishLasso();
  };
  const onClick = (e: MapMouseEvent) => {
    const state = session.state;
    if (!state) return;
    const i = unitAt(map, e);
    if (session.mode === 'select') {
      act.selectGrid(i === null ? gridAt(map, e) : state.asg[i]);
    } else if (session.mode === 'merge' && session.selected) {
      const other = i === null ? gridAt(map, e) : state.asg[i];
      if (other === null) return;
      if (other === session.selected) {
        // clicking the selected grid itself: say what to click instead of doing nothing
        setMessage('info', t('plan.msg.mergeSelf'));
        return;
      }
      void act.mergeWith(other);
      session.mode = 'select';
      redraw.all();
    }
  };
  map.on('mousedown', onDown);
  map.on('mousemove', onMove);
  map.on('mouseup', onUp);
  map.on('click', onClick);
  off = () => {
    map.off('mousedown', onDown);
    map.off('mousemove', onMove);
    map.off('mouseup', onUp);
    map.off('click', onClick);
    map.dragPan.enable();
    svg.remove();
  };
}

export function detach(): void {
  off?.();
  off = null;
}
