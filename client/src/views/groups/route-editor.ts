/**
 * Drawing or editing a group's patrol route by clicking stops (coordinator, #view=groups): a click
 * on the map adds a stop, a stop's marker can be dragged, the stop list reorders (↑ ↓) and removes
 * (×) stops. Saving sends the stops in order with the group's row version; the server routes along
 * the streets, snaps the stops onto them and answers 409 with a plain message if someone changed the
 * group meanwhile. The draft lives in groupsState.draft; layers/patrol-draft.ts draws it.
 */
import type { Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import { ApiError } from '../../api';
import type { RouteFeature } from '../../api/groups';
import { t } from '../../i18n';
import { h } from '../../panels/dom';
import type { ViewContext } from '../types';
import { groupsState, type RouteDraft } from '../../state/groups';

/** Pixels within which a press on the map grabs a stop marker. */
const GRAB_PX = 12;

export interface EditorHooks {
  say(msg: string, kind?: 'info' | 'error'): void;
  /** Reloads the groups (fresh versions) after a save or a conflict. */
  reload(): Promise<void>;
}

let map: MlMap | null = null;
let detach: (() => void) | null = null;

const setStops = (stops: [number, number][]) => {
  const d = groupsState.draft;
  if (d) groupsState.set({ draft: { ...d, stops } });
};

/** Index of the stop marker under a screen point, or -1. */
function stopAt(m: MlMap, x: number, y: number): number {
  const d = groupsState.draft;
  if (!d) return -1;
  let best = -1,
    bestD = GRAB_PX;
  d.stops.forEach((s, i) => {
    const p = m.project(s);
    const dist = Math.hypot(p.x - x, p.y - y);
    if (dist <= bestD) {
      best = i;
      bestD = dist;
    }
  });
  return best;
}

/** Starts drawing: a new route (no saved route) or an edit of the group's saved route. */
export function startDraft(ctx: ViewContext, group: string, version: number, route: RouteFeature | null): void {
  const routeId = route ? Number(route.id ?? route.properties.id) || null : null;
  const stops = routeId && route?.properties.stops ? route.properties.stops.map((s) => [s.lon, s.lat] as [number, number]) : [];
  const draft: RouteDraft = { group, routeId, version, stops, closed: route?.properties.closed ?? true };
  groupsState.set({ draft });
  attach(ctx.map);
}

export function cancelDraft(): void {
  detach?.();
  if (groupsState.draft) groupsState.set({ draft: null });
}

function attach(m: MlMap): void {
  detach?.();
  map = m;
  let dragging = -1;
  /** when the last drag ended: a click right after it is the drag's own release */
  let dragEnded = 0;
  const onDown = (e: MapMouseEvent) => {
    const i = stopAt(m, e.point.x, e.point.y);
    if (i < 0) return;
    e.preventDefault();
    dragging = i;
    m.dragPan.disable();
  };
  const onMove = (e: MapMouseEvent) => {
    if (dragging < 0 || !groupsState.draft) return;
    const stops = groupsState.draft.stops.slice();
    stops[dragging] = [e.lngLat.lng, e.lngLat.lat];
    setStops(stops);
  };
  const onUp = () => {
    if (dragging < 0) return;
    dragging = -1;
    dragEnded = performance.now();
    m.dragPan.enable();
  };
  const onClick = (e: MapMouseEvent) => {
    const d = groupsState.draft;
    if (!d) return;
    if (performance.now() - dragEnded < 300) return;
    if (stopAt(m, e.point.x, e.point.y) >= 0) return;
    setStops([...d.stops, [e.lngLat.lng, e.lngLat.lat]]);
  };
  m.on('mousedown', onDown);
  m.on('mousemove', onMove);
  m.on('mouseup', onUp);
  m.on('click', onClick);
  m.getCanvas().style.cursor = 'crosshair';
  detach = () => {
    m.off('mousedown', onDown);
    m.off('mousemove', onMove);
    m.off('mouseup', onUp);
    m.off('click', onClick);
    m.dragPan.enable();
    m.getCanvas().style.cursor = '';
    detach = null;
    map = null;
  };
}

/** The panel of the draft: hint, stop list with reorder / remove, closed loop, save / cancel. */
export function renderDraftPanel(ctx: ViewContext, hooks: EditorHooks): HTMLElement | null {
  const d = groupsState.draft;
  if (!d) return null;
  const fmt = (v: number) => v.toFixed(5);
  const move = (i: number, j: number) => {
    const stops = d.stops.slice();
    [stops[i], stops[j]] = [stops[j]!, stops[i]!];
    setStops(stops);
  };
  const items = d.stops.map((s, i) => {
    const up = h('button', { type: 'button', class: 'link', 'data-act': 'up', title: t('grp.draw.up'), disabled: i === 0 ? true : undefined }, '↑');
    const down = h(
      'button',
      { type: 'button', class: 'link', 'data-act': 'down', title: t('grp.draw.down'), disabled: i === d.stops.length - 1 ? true : undefined },
      '↓',
    );
    const del = h('button', { type: 'button', class: 'link', 'data-act': 'remove', title: t('grp.draw.remove') }, '×');
    up.addEventListener('click', () => move(i, i - 1));
    down.addEventListener('click', () => move(i, i + 1));
    del.addEventListener('click', () => setStops(d.stops.filter((_, k) => k !== i)));
    // the list's own numbers match the numbered markers on the map
    return h('li', { 'data-stop': String(i) }, `${fmt(s[0])}, ${fmt(s[1])} `, up, down, del);
  });
  const closed = h('input', { type: 'checkbox', 'data-testid': 'groups-draft-closed' });
  closed.checked = d.closed;
  closed.addEventListener('change', () => groupsState.set({ draft: { ...d, closed: closed.checked } }));
  const save = h(
    'button',
    { type: 'button', class: 'primary', 'data-testid': 'groups-draft-save', disabled: d.stops.length < 2 ? true : undefined },
    t('grp.draw.save'),
  );
  const cancel = h('button', { type: 'button', 'data-testid': 'groups-draft-cancel' }, t('grp.draw.cancel'));
  cancel.addEventListener('click', () => {
    cancelDraft();
    hooks.say('');
  });
  save.addEventListener('click', async () => {
    const cur = groupsState.draft;
    if (!cur) return;
    save.disabled = true;
    const stops = cur.stops.map(([lon, lat]) => ({ lon, lat }));
    try {
      const r = await ctx.busy.track(
        cur.routeId
          ? ctx.api.groups.editRoute(cur.routeId, cur.version, stops, cur.closed)
          : ctx.api.groups.drawRoute(cur.group, cur.version, stops, cur.closed),
        'grp.loading',
      );
      detach?.();
      groupsState.set({ draft: null, route: r.route });
      hooks.say(t('grp.draw.saved', { n: r.route.properties.stops?.length ?? stops.length, km: (r.route.properties.length_m / 1000).toFixed(2) }));
      await hooks.reload();
    } catch (e) {
      save.disabled = false;
      if (e instanceof ApiError && e.status === 409) {
        hooks.say(t('grp.draw.conflict', { msg: e.message }), 'error');
        // keep the stops; the next save is based on the current version
        await hooks.reload();
        const g = groupsState.data?.groups.find((x) => x.id === cur.group);
        if (g && groupsState.draft) groupsState.set({ draft: { ...groupsState.draft, version: g.version } });
      } else hooks.say(t('grp.error', { msg: e instanceof Error ? e.message : String(e) }), 'error');
    }
  });
  return h(
    'section',
    { class: 'grp-draft', 'data-testid': 'groups-draft' },
    h('h4', {}, d.routeId ? t('grp.draw.editTitle') : t('grp.draw.newTitle')),
    h('p', { class: 'muted' }, t('grp.draw.hint')),
    d.stops.length
      ? h('ol', { class: 'grp-stops', 'data-testid': 'groups-draft-stops' }, ...items)
      : h('p', { class: 'muted', 'data-testid': 'groups-draft-stops' }, t('grp.draw.none')),
    h('label', {}, closed, ` ${t('grp.draw.closed')}`),
    h('div', { class: 'grp-actions' }, save, cancel),
  );
}

/** Test hook: the screen position of a draft stop. */
export function draftStopScreen(i: number): { x: number; y: number } | null {
  const s = groupsState.draft?.stops[i];
  if (!s || !map) return null;
  const p = map.project(s);
  return { x: p.x, y: p.y };
}
