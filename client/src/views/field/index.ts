/**
 * The grid member's view (#view=field): report a matter found in the grid (网格发现) and follow
 * "my cases" (the cases of the member's grid(s) and the ones they reported) into the case timeline.
 * The member's grid is outlined on the map; a click inside it sets the report's location. Grid
 * members do not get the district-wide whistle dashboard (#view=cases is not theirs).
 */
import type { GeoJSONSource, MapMouseEvent, Marker } from 'maplibre-gl';
import maplibregl from '../../map/maplibre-setup';
import { api, type SessionUser } from '../../api';
import { casesApi, type CaseDetail, type CaseWorkflow } from '../../api/cases';
import { t, type MessageKey } from '../../i18n';
import { h } from '../../panels/dom';
import { renderDetail } from '../cases/detail';
import type { ViewContext, ViewModule } from '../types';
import { bboxOf, inMemberArea, loadMemberArea, type MemberArea } from './area';
import { loadMyCases, myCasesList, rememberReported, type CaseScope, type MyCase } from './my-cases';
import { reportForm, type ReportForm } from './report-form';
import '../cases/cases.css';
import './field.css';

type Tab = 'report' | 'mine';
const AREA_SRC = 'field-area';
const CASES_SRC = 'field-cases';
const LAYERS = ['field-area-fill', 'field-area-line', 'field-cases-dot'];

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
}

let st: State | null = null;

declare global {
  interface Window {
    __wanggeField?: { ready: Promise<void>; cases: () => MyCase[] };
  }
}

function areaText(s: State): string {
  if (!s.area) return t('field.areaNone');
  return t(`field.area.${s.area.level}` as MessageKey, { codes: s.area.codes.join('、') });
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

function renderTabs(s: State): void {
  const open = s.cases.filter((c) => !['solved', 'evaluated', 'closed'].includes(c.status)).length;
  const tab = (id: Tab, label: string) => {
    const b = h('button', { type: 'button', class: `fd-tab${s.tab === id ? ' on' : ''}`, 'data-testid': `field-tab-${id}`, 'aria-pressed': String(s.tab === id) }, label);
    b.addEventListener('click', () => void show(s, id));
    return b;
  };
  s.tabs.replaceChildren(tab('report', t('field.tab.report')), tab('mine', t('field.tab.mine', { n: s.cases.length, open })));
}

async function show(s: State, tab: Tab, detail?: CaseDetail): Promise<void> {
  s.tab = tab;
  renderTabs(s);
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
    const b = h('button', { type: 'button', class: `cs-seg-btn${s.scope === sc ? ' on' : ''}`, 'data-testid': `field-scope-${sc}` }, t(`field.scope.${sc}` as MessageKey));
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
  const cases = await s.ctx.busy.track(loadMyCases(s.area?.level === 'grid' ? s.area.codes : (s.user?.grids ?? []), s.user?.username ?? null), 'cases.busy.list');
  if (st !== s) return;
  s.cases = cases;
  (s.ctx.map.getSource(CASES_SRC) as GeoJSONSource | undefined)?.setData({
    type: 'FeatureCollection',
    features: cases.map((c) => ({ type: 'Feature', properties: { id: c.id, open: !['solved', 'evaluated', 'closed'].includes(c.status) }, geometry: { type: 'Point', coordinates: [c.lon, c.lat] } })),
  });
  renderTabs(s);
}

function addMapLayers(s: State): void {
  const map = s.ctx.map;
  map.addSource(AREA_SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: s.area?.features ?? [] } });
  map.addSource(CASES_SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'field-area-fill', type: 'fill', source: AREA_SRC, paint: { 'fill-color': '#4b5bab', 'fill-opacity': 0.08 } });
  map.addLayer({ id: 'field-area-line', type: 'line', source: AREA_SRC, paint: { 'line-color': '#4b5bab', 'line-width': 3, 'line-dasharray': [2, 1] } });
  map.addLayer({
    id: 'field-cases-dot',
    type: 'circle',
    source: CASES_SRC,
    paint: { 'circle-radius': 6, 'circle-color': ['case', ['get', 'open'], '#e07b39', '#1a9850'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
  });
}

function removeMapLayers(map: ViewContext['map']): void {
  for (const id of LAYERS) if (map.getLayer(id)) map.removeLayer(id);
  for (const id of [AREA_SRC, CASES_SRC]) if (map.getSource(id)) map.removeSource(id);
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
    const body = h('div', { class: 'fd-body' }, h('p', { class: 'fd-muted' }, t('busy.loading')));
    root.append(tabs, body);
    ctx.panel.append(root);
    const onClick = (e: MapMouseEvent) => {
      const s = st;
      if (!s) return;
      const hit = ctx.map.queryRenderedFeatures(e.point, { layers: ['field-cases-dot'] })[0];
      const id = hit?.properties?.id as string | undefined;
      if (s.tab === 'mine' && id) return void openCase(s, id);
      if (s.tab !== 'report') return;
      const p: [number, number] = [e.lngLat.lng, e.lngLat.lat];
      if (s.area && !inMemberArea(s.area, p)) return s.form?.say(t('field.outside'), true);
      setPoint(s, p, true);
      s.form?.say('');
    };
    const s: State = { ctx, user: null, area: null, point: null, picked: false, marker: null, tab: 'report', scope: 'all', cases: [], workflow: null, root, tabs, body, form: null, onClick };
    st = s;
    ctx.map.on('click', onClick);
    const ready = start(s).catch((e: unknown) => {
      body.replaceChildren(h('p', { class: 'fd-status error' }, `${t('error.load')}: ${e instanceof Error ? e.message : String(e)}`));
    });
    window.__wanggeField = { ready, cases: () => st?.cases ?? [] };
    await ready;
  },
  deactivate(ctx) {
    if (!st) return;
    ctx.map.off('click', st.onClick);
    st.marker?.remove();
    removeMapLayers(ctx.map);
    st = null;
  },
  setLang(_ctx) {
    const s = st;
    if (s) void show(s, s.tab);
  },
};
