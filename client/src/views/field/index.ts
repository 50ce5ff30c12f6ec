/**
 * The grid member's view (#view=field), phone first: today's visits (plan, start / end visit with
 * note, photo and location), report a matter found in the grid (网格发现), "my cases" (the cases of
 * the member's grid(s) and the ones they reported) into the case timeline, the grid's ledger and
 * the week's visiting hours. Visits and ledger entries go through the device's offline queue
 * (IndexedDB) with an "n waiting" badge; the view registers the service worker (/sw.js) so the app
 * shell and the last answers open without a connection. The member's grid is outlined on the map;
 * a click inside it sets the report's (or the running visit's) location. Grid members do not get
 * the district-wide whistle dashboard (#view=cases is not theirs).
 */
import type { GeoJSONSource, MapMouseEvent, Marker } from 'maplibre-gl';
import maplibregl from '../../map/maplibre-setup';
import { api, type SessionUser } from '../../api';
import { casesApi, type CaseDetail, type CaseWorkflow } from '../../api/cases';
import { t, type MessageKey, joinList } from '../../i18n';
import { h } from '../../panels/dom';
import { renderDetail } from '../cases/detail';
import type { ViewContext, ViewModule } from '../types';
import { bboxOf, inMemberArea, loadMemberArea, type MemberArea } from './area';
import { loadMyCases, myCasesList, rememberReported, type CaseScope, type MyCase } from './my-cases';
import { reportForm, type ReportForm } from './report-form';
import { fieldApi, type FieldGrid, type FieldHousehold } from '../../api/field';
import { openQueue, type FieldQueue } from './queue';
import type { QueuedItem, SyncResult } from './sync';
import { visitTab, type VisitTab } from './visit-tab';
import { ledgerTab } from './ledger-tab';
import { hoursList } from './hours-tab';
import { registerServiceWorker } from './pwa';
import '../cases/cases.css';
import './field.css';

type Tab = 'visit' | 'report' | 'mine' | 'ledger' | 'hours';
const AREA_SRC = 'field-area';
const CASES_SRC = 'field-cases';
const VISIT_SRC = 'field-visit';
const LAYERS = ['field-area-fill', 'field-area-line', 'field-cases-dot', 'field-visit-dot'];

interface State {
  ctx: ViewContext;
  user: SessionUser | null;
  area: MemberArea | null;
  point: [number, number] | null;
  picked: boolean;
  marker: Marker | null;
  tab: Tab;
  scope: CaseScope;
  cases: MyCase[];
  workflow: CaseWorkflow | null;
  root: HTMLElement;
  tabs: HTMLElement;
  body: HTMLElement;
  form: ReportForm | null;
  onClick: (e: MapMouseEvent) => void;
  grid: FieldGrid | null;
  households: FieldHousehold[];
  queue: FieldQueue | null;
  queued: QueuedItem[];
  lastSync: SyncResult | null;
  badge: HTMLElement;
  visit: VisitTab | null;
}

let st: State | null = null;

declare global {
  interface Window {
    __wanggeField?: { ready: Promise<void>; cases: () => MyCase[]; queued: () => number; sync: () => Promise<unknown> };
  }
}

function areaText(s: State): string {
  if (!s.area) return t('field.areaNone');
  return t(`field.area.${s.area.level}` as MessageKey, { codes: joinList(s.area.codes) });
}

function setPoint(s: State, p: [number, number] | null, picked: boolean): void {
  s.point = p;
  s.picked = picked;
  s.marker?.remove();
  s.marker = null;
  if (p && s.tab === 'report') {
    const el = h('div', { class: 'fd-pin', 'data-testid': 'field-pin' });
    s.marker = new maplibregl.Marker({ element: el, anchor: 'bottom' }).setLngLat(p).addTo(s.ctx.map);
  }
  s.form?.updatePoint();
}

function showVisitPoint(s: State, p: [number, number] | null): void {
  (s.ctx.map.getSource(VISIT_SRC) as GeoJSONSource | undefined)?.setData({
    type: 'FeatureCollection',
    features: p ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: p } }] : [],
  });
}

function renderTabs(s: State): void {
  const open = s.cases.filter((c) => !['solved', 'evaluated', 'closed'].includes(c.status)).length;
  const tab = (id: Tab, label: string) => {
    const b = h(
      'button',
      { type: 'button', class: `fd-tab${s.tab === id ? ' on' : ''}`, 'data-testid': `field-tab-${id}`, 'aria-pressed': String(s.tab === id) },
      label,
    );
    b.addEventListener('click', () => void show(s, id));
    return b;
  };
  s.tabs.replaceChildren(
    tab('visit', t('fw.tab.visit')),
    tab('report', t('field.tab.report')),
    tab('mine', t('field.tab.mine', { n: s.cases.length, open })),
    tab('ledger', t('fw.tab.ledger')),
    tab('hours', t('fw.tab.hours')),
  );
  renderBadge(s);
}

/** The "n waiting" badge (and refused entries) of the offline queue. */
function renderBadge(s: State): void {
  const waiting = s.queued.filter((q) => !q.failed).length;
  const refused = s.queued.filter((q) => q.failed);
  const parts: Array<HTMLElement | string> = [];
  if (waiting) {
    const now = h('button', { type: 'button', class: 'fd-link', 'data-testid': 'field-sync-now' }, t('fw.queue.syncNow'));
    now.addEventListener('click', () => void s.queue?.sync());
    parts.push(h('span', { class: 'fd-badge', 'data-testid': 'field-queue-badge' }, t('fw.queue.badge', { n: waiting })), now);
    if (s.lastSync?.stoppedBy) parts.push(h('span', { class: 'fd-muted' }, t(s.lastSync.stoppedBy === 'signin' ? 'fw.queue.signin' : 'fw.queue.offline')));
  }
  if (refused.length) {
    const d = h(
      'details',
      { class: 'fd-details', 'data-testid': 'field-refused' },
      h('summary', { class: 'fd-badge error' }, t('fw.queue.refused', { n: refused.length })),
    );
    d.append(h('p', { class: 'fd-muted' }, t('fw.queue.refusedTitle')));
    for (const q of refused) {
      const del = h('button', { type: 'button', class: 'fd-link' }, t('fw.queue.discard'));
      del.addEventListener('click', () => {
        if (confirm(t('fw.queue.discardConfirm'))) void s.queue?.discard(q.key);
      });
      const b = q.body as { place?: string; title?: string; startedAt?: string };
      d.append(
        h(
          'div',
          { class: 'fd-case' },
          h(
            'div',
            { class: 'fd-case-main' },
            h('div', { class: 'fd-case-title' }, b.title ?? b.place ?? q.kind),
            h('div', { class: 'fd-case-sub error' }, q.error ?? ''),
          ),
          del,
        ),
      );
    }
    parts.push(d);
  }
  s.badge.replaceChildren(...parts);
  s.badge.hidden = parts.length === 0;
}

async function show(s: State, tab: Tab, detail?: CaseDetail): Promise<void> {
  s.tab = tab;
  renderTabs(s);
  s.visit?.dispose();
  s.visit = null;
  if (tab !== 'visit') showVisitPoint(s, null);
  if (tab === 'visit') {
    s.form = null;
    setPoint(s, s.point, s.picked);
    s.visit = visitTab({
      user: s.user?.username ?? 'anonymous',
      grid: s.grid,
      households: s.households,
      queue: s.queue!,
      centre: s.area?.centre ?? null,
      showPoint: (p) => showVisitPoint(s, p),
      inGrid: (p) => !s.area || inMemberArea(s.area, p),
    });
    s.body.replaceChildren(s.visit.el);
    return;
  }
  if (tab === 'ledger' || tab === 'hours') {
    s.form = null;
    setPoint(s, s.point, s.picked);
    if (!s.grid) return void s.body.replaceChildren(h('p', { class: 'fd-muted' }, t('field.areaNone')));
    if (tab === 'ledger') return void s.body.replaceChildren(ledgerTab({ grid: s.grid.code, queue: s.queue! }));
    s.body.replaceChildren(h('p', { class: 'fd-muted' }, t('busy.loading')));
    try {
      const hours = await fieldApi.hours(s.grid.code);
      if (st === s && s.tab === 'hours') s.body.replaceChildren(hoursList(hours));
    } catch {
      if (st === s && s.tab === 'hours') s.body.replaceChildren(h('p', { class: 'fd-muted' }, t('fw.hours.offline')));
    }
    return;
  }
  if (tab === 'report') {
    s.form = reportForm(
      {
        busy: s.ctx.busy,
        point: () => ({ lonLat: s.point, picked: s.picked }),
        resetPoint: () => setPoint(s, s.area?.centre ?? null, false),
        onReported: (c) => void reported(s, c),
      },
      areaText(s),
    );
    s.body.replaceChildren(h('h2', { class: 'fd-h2' }, t('field.reportTitle')), s.form.el);
    setPoint(s, s.point, s.picked);
    return;
  }
  s.form = null;
  setPoint(s, s.point, s.picked);
  if (detail) return openDetail(s, detail);
  const seg = h('div', { class: 'cs-seg fd-seg', role: 'group' });
  for (const sc of ['open', 'all'] as const) {
    const b = h(
      'button',
      { type: 'button', class: `cs-seg-btn${s.scope === sc ? ' on' : ''}`, 'data-testid': `field-scope-${sc}` },
      t(`field.scope.${sc}` as MessageKey),
    );
    b.addEventListener('click', () => {
      s.scope = sc;
      void show(s, 'mine');
    });
    seg.append(b);
  }
  s.body.replaceChildren(
    h('h2', { class: 'fd-h2' }, t('field.mineTitle')),
    h('p', { class: 'fd-muted' }, areaText(s)),
    seg,
    myCasesList(s.cases, s.scope, (id) => void openCase(s, id)),
  );
}

async function openCase(s: State, id: string): Promise<void> {
  const c = await s.ctx.busy.track(casesApi.get(id), 'cases.busy.list');
  if (st !== s) return;
  openDetail(s, c);
}

function openDetail(s: State, c: CaseDetail): void {
  const box = h('div', { class: 'fd-detail', 'data-testid': 'field-detail' });
  s.body.replaceChildren(box);
  s.root.scrollTop = 0;
  renderDetail(box, c, {
    busy: s.ctx.busy,
    workflow: () => s.workflow,
    onBack: () => void show(s, 'mine'),
    onChanged: () => void refresh(s),
    onLocate: (x) => s.ctx.map.easeTo({ center: [x.lon, x.lat], zoom: Math.max(s.ctx.map.getZoom(), 16), duration: 0 }),
  });
  s.ctx.map.easeTo({ center: [c.lon, c.lat], duration: 0 });
}

async function reported(s: State, c: CaseDetail): Promise<void> {
  if (s.user) rememberReported(s.user.username, c.id);
  setPoint(s, s.area?.centre ?? null, false);
  await refresh(s);
  await show(s, 'mine', c);
}

/** Reloads "my cases" (list, tab count, dots on the map). */
async function refresh(s: State): Promise<void> {
  const cases = await s.ctx.busy.track(
    loadMyCases(s.area?.level === 'grid' ? s.area.codes : (s.user?.grids ?? []), s.user?.username ?? null),
    'cases.busy.list',
  );
  if (st !== s) return;
  s.cases = cases;
  (s.ctx.map.getSource(CASES_SRC) as GeoJSONSource | undefined)?.setData({
    type: 'FeatureCollection',
    features: cases.map((c) => ({
      type: 'Feature',
      properties: { id: c.id, open: !['solved', 'evaluated', 'closed'].includes(c.status) },
      geometry: { type: 'Point', coordinates: [c.lon, c.lat] },
    })),
  });
  renderTabs(s);
}

function addMapLayers(s: State): void {
  const map = s.ctx.map;
  map.addSource(AREA_SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: s.area?.features ?? [] } });
  map.addSource(CASES_SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addSource(VISIT_SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'field-area-fill', type: 'fill', source: AREA_SRC, paint: { 'fill-color': '#4b5bab', 'fill-opacity': 0.08 } });
  map.addLayer({ id: 'field-area-line', type: 'line', source: AREA_SRC, paint: { 'line-color': '#4b5bab', 'line-width': 3, 'line-dasharray': [2, 1] } });
  map.addLayer({
    id: 'field-cases-dot',
    type: 'circle',
    source: CASES_SRC,
    paint: { 'circle-radius': 6, 'circle-color': ['case', ['get', 'open'], '#e07b39', '#1a9850'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
  });
  map.addLayer({
    id: 'field-visit-dot',
    type: 'circle',
    source: VISIT_SRC,
    paint: { 'circle-radius': 9, 'circle-color': '#2b6cb0', 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 },
  });
}

function removeMapLayers(map: ViewContext['map']): void {
  for (const id of LAYERS) if (map.getLayer(id)) map.removeLayer(id);
  for (const id of [AREA_SRC, CASES_SRC, VISIT_SRC]) if (map.getSource(id)) map.removeSource(id);
}

async function start(s: State): Promise<void> {
  const session = await api.session();
  s.user = session.user;
  const [area, workflow] = await Promise.all([
    s.user ? s.ctx.busy.track(loadMemberArea(s.user), 'field.loadingArea').catch(() => null) : Promise.resolve(null),
    casesApi.workflow().catch(() => null),
  ]);
  if (st !== s) return;
  s.area = area;
  s.workflow = workflow;
  const code = area?.level === 'grid' ? area.codes[0] : null;
  if (code) {
    const [grid, households] = await Promise.all([fieldApi.grid(code).catch(() => null), fieldApi.households(code).catch(() => [])]);
    if (st !== s) return;
    s.grid = grid;
    s.households = households;
  }
  s.queue = await openQueue(s.user?.username ?? 'anonymous');
  if (st !== s) return s.queue.close();
  s.queue.onChange((items, last) => {
    s.queued = items;
    s.lastSync = last;
    renderBadge(s);
  });
  s.queued = await s.queue.items();
  void s.queue.sync();
  addMapLayers(s);
  if (area) s.ctx.map.fitBounds(bboxOf(area.features), { padding: 40, maxZoom: 17, duration: 0 });
  setPoint(s, area?.centre ?? null, false);
  await refresh(s);
  await show(s, s.tab);
}

export const fieldView: ViewModule = {
  id: 'field',
  labelKey: 'field.view',
  order: -10,
  roles: ['grid_member'],
  async activate(ctx) {
    const root = h('div', { class: 'fd-panel', 'data-testid': 'field-panel' });
    const tabs = h('div', { class: 'fd-tabs', role: 'tablist' });
    const badge = h('div', { class: 'fd-queue', 'data-testid': 'field-queue', hidden: true });
    const body = h('div', { class: 'fd-body' }, h('p', { class: 'fd-muted' }, t('busy.loading')));
    root.append(tabs, badge, body);
    registerServiceWorker();
    ctx.panel.append(root);
    const onClick = (e: MapMouseEvent) => {
      const s = st;
      if (!s) return;
      const hit = ctx.map.queryRenderedFeatures(e.point, { layers: ['field-cases-dot'] })[0];
      const id = hit?.properties?.id as string | undefined;
      if (s.tab === 'mine' && id) return void openCase(s, id);
      if (s.tab === 'visit') {
        const p: [number, number] = [e.lngLat.lng, e.lngLat.lat];
        if (s.area && !inMemberArea(s.area, p)) return;
        s.visit?.mapClick(p);
        return;
      }
      if (s.tab !== 'report') return;
      const p: [number, number] = [e.lngLat.lng, e.lngLat.lat];
      if (s.area && !inMemberArea(s.area, p)) return s.form?.say(t('field.outside'), true);
      setPoint(s, p, true);
      s.form?.say('');
    };
    const s: State = {
      ctx,
      user: null,
      area: null,
      point: null,
      picked: false,
      marker: null,
      tab: 'visit',
      scope: 'all',
      cases: [],
      workflow: null,
      root,
      tabs,
      body,
      form: null,
      onClick,
      grid: null,
      households: [],
      queue: null,
      queued: [],
      lastSync: null,
      badge,
      visit: null,
    };
    st = s;
    ctx.map.on('click', onClick);
    const ready = start(s).catch((e: unknown) => {
      body.replaceChildren(h('p', { class: 'fd-status error' }, `${t('error.load')}: ${e instanceof Error ? e.message : String(e)}`));
    });
    window.__wanggeField = {
      ready,
      cases: () => st?.cases ?? [],
      queued: () => st?.queued.filter((q) => !q.failed).length ?? 0,
      sync: () => st?.queue?.sync() ?? Promise.resolve(null),
    };
    await ready;
  },
  deactivate(ctx) {
    if (!st) return;
    ctx.map.off('click', st.onClick);
    st.marker?.remove();
    st.visit?.dispose();
    st.queue?.close();
    removeMapLayers(ctx.map);
    st = null;
  },
  setLang(_ctx) {
    const s = st;
    if (s) void show(s, s.tab);
  },
};
