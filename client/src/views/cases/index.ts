/**
 * The leaders' whistle dashboard (#view=cases): the funnel reported → whistled → accepted →
 * solved, median time to solve by department (per kind), the monthly trend (charts exportable as
 * PNG and CSV), the overdue cases, and the case list with SLA colours; a case opens its detail
 * with the timeline and buttons for the allowed transitions. Open cases are on the map
 * (layers/cases.ts) in their SLA colours.
 */
import { localName } from '../../i18n/names';
import type { MapMouseEvent } from 'maplibre-gl';
import { casesApi, type CaseDetail, type CaseFilter, type CaseItem, type CaseKind, type CaseStats, type CaseWorkflow } from '../../api/cases';
import { t, type MessageKey } from '../../i18n';
import { h } from '../../panels/dom';
import { reloadCasesLayer, selectCaseOnMap } from '../../layers/cases';
import type { ViewContext, ViewModule } from '../types';
import type { Chart } from './charts';
import { download, downloadCsv } from './export';
import { renderDetail } from './detail';
import { durationText, kindLabel, shanghai, slaDot, slaText, statusLabel } from './format';
import './cases.css';

type ListMode = 'open' | 'overdue' | 'whistled' | 'all';
const PAGE = 20;

interface State {
  ctx: ViewContext;
  root: HTMLElement;
  dash: HTMLElement;
  detail: HTMLElement;
  charts: Chart[];
  stats: CaseStats | null;
  workflow: CaseWorkflow | null;
  medianKind: CaseKind | 'all';
  listMode: ListMode;
  offset: number;
  onClick: (e: MapMouseEvent) => void;
  dirty: boolean;
}

let st: State | null = null;
/** ECharts is loaded on first use of this view (its own chunk, not in the main bundle). */
let charts: typeof import('./charts') | null = null;

/** Test hook: resolves once the dashboard (stats and list) is drawn. */
declare global {
  interface Window {
    __wanggeCases?: { ready: Promise<void>; open: (id: string) => Promise<void> };
  }
}

function card(title: string, chartKey: string | null, ...body: Node[]): HTMLElement {
  const head = h('div', { class: 'cs-card-head' }, h('h3', { class: 'cs-card-title' }, title));
  if (chartKey) {
    head.append(
      h(
        'div',
        { class: 'cs-exports' },
        h('button', { type: 'button', class: 'cs-mini', 'data-export': `${chartKey}.png` }, t('cases.exportPng')),
        h('button', { type: 'button', class: 'cs-mini', 'data-export': `${chartKey}.csv` }, t('cases.exportCsv')),
      ),
    );
  }
  return h('section', { class: 'cs-card', 'data-section': chartKey ?? title }, head, ...body);
}

function csvRows(s: State, key: string): Array<Array<string | number | null>> {
  const stats = s.stats!;
  if (key === 'funnel') {
    const f = stats.funnel;
    return [
      [t('cases.csv.stage'), t('cases.csv.value')],
      [t('cases.funnel.reported'), f.reported],
      [t('cases.funnel.whistled'), f.whistled],
      [t('cases.funnel.accepted'), f.accepted],
      [t('cases.funnel.solved'), f.solved],
    ];
  }
  if (key === 'median') {
    const rows: Array<Array<string | number | null>> = [[t('cases.dept'), t('cases.kindLabel'), t('cases.csv.n'), t('cases.csv.medianHours')]];
    for (const r of stats.medianHoursByDepartment) rows.push([localName('dept', r.key), t('cases.median.all'), r.n, r.medianHours]);
    for (const r of stats.medianHoursByDepartmentKind) rows.push([localName('dept', r.department), kindLabel(r.kind), r.n, r.medianHours]);
    for (const r of stats.medianHoursByKind) rows.push([t('cases.median.all'), kindLabel(r.key), r.n, r.medianHours]);
    return rows;
  }
  return [
    [t('cases.month'), t('cases.funnel.reported'), t('cases.funnel.whistled'), t('cases.funnel.solved')],
    ...stats.trend.map((r) => [r.month, r.reported, r.whistled, r.solved]),
  ];
}

function medianRows(s: State) {
  const stats = s.stats!;
  // department names in the current language (English from the dictionary of client/src/i18n/names.ts)
  if (s.medianKind === 'all') return stats.medianHoursByDepartment.map((r) => ({ ...r, key: localName('dept', r.key) }));
  return stats.medianHoursByDepartmentKind
    .filter((r) => r.kind === s.medianKind)
    .map((r) => ({ key: localName('dept', r.department), n: r.n, medianHours: r.medianHours }));
}

function renderDashboard(s: State): void {
  const { chartPng, funnelOption, makeChart, medianOption, trendOption } = charts!;
  for (const c of s.charts) c.dispose();
  s.charts = [];
  const stats = s.stats!;
  const f = stats.funnel;
  const kpi = (key: string, label: string, value: string, cls = '') =>
    h('div', { class: `cs-kpi ${cls}`, 'data-kpi': key }, h('div', { class: 'cs-kpi-v' }, value), h('div', { class: 'cs-kpi-l' }, label));
  const fmt = (n: number) => n.toLocaleString('zh-CN');
  const kpis = h(
    'div',
    { class: 'cs-kpis' },
    kpi('reported', t('cases.funnel.reported'), fmt(f.reported)),
    kpi('whistled', t('cases.funnel.whistled'), fmt(f.whistled)),
    kpi('accepted', t('cases.funnel.accepted'), fmt(f.accepted)),
    kpi('solved', t('cases.funnel.solved'), fmt(f.solved)),
    kpi('onTime', t('cases.kpi.onTime'), stats.onTimeRate === null ? '—' : `${(stats.onTimeRate * 100).toFixed(0)}%`),
    kpi('open', t('cases.kpi.open'), fmt(stats.open)),
    kpi('overdue', t('cases.kpi.overdue'), fmt(stats.overdue.length), stats.overdue.length ? 'cs-kpi-red' : ''),
  );

  const funnelEl = h('div', { class: 'cs-chart', style: 'height:132px' });
  const medianEl = h('div', { class: 'cs-chart' });
  const trendEl = h('div', { class: 'cs-chart', style: 'height:170px' });
  const kindSeg = h('div', { class: 'cs-seg', role: 'group' });
  for (const k of ['all', 'quick', 'emergency', 'tackle_hard'] as const) {
    const b = h(
      'button',
      { type: 'button', class: `cs-seg-btn${s.medianKind === k ? ' on' : ''}`, 'data-kind': k },
      k === 'all' ? t('cases.median.all') : kindLabel(k),
    );
    b.addEventListener('click', () => {
      s.medianKind = k;
      for (const x of kindSeg.children) x.classList.toggle('on', x === b);
      drawMedian();
    });
    kindSeg.append(b);
  }
  const byKind = h(
    'div',
    { class: 'cs-chips' },
    ...stats.medianHoursByKind.map((r) => h('span', { class: 'cs-chip' }, `${kindLabel(r.key)} ${r.medianHours.toFixed(1)} h · ${r.n}`)),
  );

  const overdue = h('ul', { class: 'cs-list cs-overdue' });
  if (stats.overdue.length === 0) overdue.append(h('li', { class: 'cs-muted' }, t('cases.overdueNone')));
  for (const o of stats.overdue.slice(0, 20)) {
    const li = h(
      'li',
      { class: 'cs-item', 'data-case': o.id, tabindex: '0' },
      slaDot('overdue'),
      h(
        'div',
        { class: 'cs-item-main' },
        h('div', { class: 'cs-item-title' }, o.title),
        h('div', { class: 'cs-item-sub' }, `${o.id} · ${kindLabel(o.kind)} · ${localName('dept', o.department)} · ${statusLabel(o.status)}`),
      ),
      h('div', { class: 'cs-item-right cs-red' }, durationText(o.overdueHours, true)),
    );
    li.addEventListener('click', () => void openCase(o.id));
    overdue.append(li);
  }

  const listBox = h('div', { class: 'cs-listbox' });
  const modeSeg = h('div', { class: 'cs-seg', role: 'group' });
  for (const m of ['open', 'overdue', 'whistled', 'all'] as const) {
    const b = h('button', { type: 'button', class: `cs-seg-btn${s.listMode === m ? ' on' : ''}`, 'data-mode': m }, t(`cases.filter.${m}` as MessageKey));
    b.addEventListener('click', () => {
      s.listMode = m;
      s.offset = 0;
      for (const x of modeSeg.children) x.classList.toggle('on', x === b);
      void loadList(s, listBox);
    });
    modeSeg.append(b);
  }

  s.dash.replaceChildren(
    h(
      'div',
      { class: 'cs-head' },
      h('h2', { class: 'cs-h2' }, t('cases.title')),
      h('div', { class: 'cs-muted cs-asof' }, t('cases.asOf', { t: shanghai(stats.asOf) })),
    ),
    kpis,
    card(t('cases.funnel'), 'funnel', funnelEl),
    card(t('cases.median'), 'median', kindSeg, medianEl, byKind),
    card(t('cases.trend'), 'trend', trendEl),
    card(t('cases.overdueCount', { n: stats.overdue.length }), null, overdue),
    card(t('cases.list'), null, modeSeg, listBox),
  );

  const funnel = makeChart(funnelEl);
  funnel.setOption(funnelOption(f));
  const median = makeChart(medianEl);
  const trend = makeChart(trendEl);
  trend.setOption(trendOption(stats.trend));
  s.charts = [funnel, median, trend];
  function drawMedian() {
    const rows = medianRows(s);
    medianEl.style.height = `${Math.max(60, rows.length * 20 + 28)}px`;
    median.resize();
    median.setOption(
      medianOption(rows, (k) => k),
      { notMerge: true },
    );
  }
  drawMedian();
  const byKey: Record<string, Chart> = { funnel, median, trend };
  for (const b of s.dash.querySelectorAll<HTMLButtonElement>('[data-export]')) {
    b.addEventListener('click', () => {
      const [key, ext] = b.dataset.export!.split('.');
      const name = `whistle-${key}-${stats.asOf.slice(0, 10)}.${ext}`;
      if (ext === 'png') download(name, chartPng(byKey[key]));
      else downloadCsv(name, csvRows(s, key));
    });
  }
  void loadList(s, listBox);
}

function listFilter(mode: ListMode): CaseFilter {
  if (mode === 'open') return { open: true };
  if (mode === 'overdue') return { overdue: true };
  if (mode === 'whistled') return { status: ['dispatched', 'accepted', 'feedback', 'solved', 'evaluated'] };
  return {};
}

let listSeq = 0;
async function loadList(s: State, box: HTMLElement): Promise<void> {
  const my = ++listSeq;
  const res = await s.ctx.busy.track(casesApi.list({ ...listFilter(s.listMode), limit: PAGE, offset: s.offset }), 'cases.busy.list');
  if (my !== listSeq) return;
  const ul = h('ul', { class: 'cs-list cs-cases' });
  if (res.items.length === 0) ul.append(h('li', { class: 'cs-muted' }, t('cases.empty')));
  for (const c of res.items) ul.append(listItem(c));
  const prev = h('button', { type: 'button', class: 'cs-mini', disabled: res.offset === 0 }, t('cases.prev'));
  const next = h('button', { type: 'button', class: 'cs-mini', disabled: res.offset + res.items.length >= res.total }, t('cases.next'));
  prev.addEventListener('click', () => {
    s.offset = Math.max(0, s.offset - PAGE);
    void loadList(s, box);
  });
  next.addEventListener('click', () => {
    s.offset += PAGE;
    void loadList(s, box);
  });
  const pager = h(
    'div',
    { class: 'cs-pager' },
    prev,
    h('span', { class: 'cs-muted' }, res.total ? t('cases.page', { from: res.offset + 1, to: res.offset + res.items.length, total: res.total }) : ''),
    next,
  );
  box.replaceChildren(ul, pager);
}

function listItem(c: CaseItem): HTMLElement {
  const right = slaText(c.sla);
  const li = h(
    'li',
    { class: 'cs-item', 'data-case': c.id, 'data-sla': c.sla.level, tabindex: '0' },
    slaDot(c.sla.level),
    h(
      'div',
      { class: 'cs-item-main' },
      h('div', { class: 'cs-item-title' }, c.title),
      h(
        'div',
        { class: 'cs-item-sub' },
        [c.id, statusLabel(c.status), c.kind ? kindLabel(c.kind) : null, localName('dept', c.department), shanghai(c.reportedAt).slice(0, 10)]
          .filter(Boolean)
          .join(' · '),
      ),
    ),
    right ? h('div', { class: `cs-item-right cs-${c.sla.level}-text` }, right) : null,
  );
  li.addEventListener('click', () => void openCase(c.id));
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') void openCase(c.id);
  });
  return li;
}

async function openCase(id: string): Promise<void> {
  const s = st;
  if (!s) return;
  const c = await s.ctx.busy.track(casesApi.get(id), 'cases.busy.list');
  showDetail(s, c);
  locate(s, c, false);
}

function locate(s: State, c: CaseDetail, always: boolean): void {
  selectCaseOnMap(c);
  const map = s.ctx.map;
  const z = Math.max(map.getZoom(), 15);
  if (always || !map.getBounds().contains([c.lon, c.lat]) || map.getZoom() < 14) map.easeTo({ center: [c.lon, c.lat], zoom: z, duration: 0 });
}

function showDetail(s: State, c: CaseDetail): void {
  s.dash.hidden = true;
  s.detail.hidden = false;
  s.root.scrollTop = 0;
  renderDetail(s.detail, c, {
    busy: s.ctx.busy,
    workflow: () => s.workflow,
    onBack: () => void backToDashboard(s),
    onChanged: () => {
      s.dirty = true;
      void reloadCasesLayer();
    },
    onLocate: (x) => locate(s, x, true),
  });
}

async function backToDashboard(s: State): Promise<void> {
  s.detail.hidden = true;
  s.detail.replaceChildren();
  s.dash.hidden = false;
  selectCaseOnMap(null);
  if (s.dirty) {
    s.dirty = false;
    await loadStats(s);
  } else for (const c of s.charts) c.resize();
}

async function loadStats(s: State): Promise<void> {
  charts ??= await import('./charts');
  const [stats, wf] = await Promise.all([
    s.ctx.busy.track(casesApi.stats(), 'cases.busy.stats'),
    s.workflow ? Promise.resolve(s.workflow) : casesApi.workflow(),
  ]);
  if (st !== s) return;
  s.stats = stats;
  s.workflow = wf;
  renderDashboard(s);
}

export const casesView: ViewModule = {
  id: 'cases',
  labelKey: 'cases.view',
  order: 40,
  roles: ['leader', 'admin', 'coordinator'],
  layers: ['cases'],
  async activate(ctx) {
    const root = h('div', { class: 'cs-panel' });
    const dash = h('div', { class: 'cs-dash' }, h('p', { class: 'cs-muted' }, t('busy.loading')));
    const detail = h('div', { class: 'cs-detailbox', hidden: true });
    root.append(dash, detail);
    ctx.panel.append(root);
    const onClick = (e: MapMouseEvent) => {
      const picked = ctx.overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 6, layerIds: ['cases-points'] });
      const id = (picked?.object as { id?: string } | undefined)?.id;
      if (id) void openCase(id);
    };
    const s: State = {
      ctx,
      root,
      dash,
      detail,
      charts: [],
      stats: null,
      workflow: null,
      medianKind: 'all',
      listMode: 'open',
      offset: 0,
      onClick,
      dirty: false,
    };
    st = s;
    ctx.map.on('click', onClick);
    const ready = loadStats(s).catch((e: unknown) => {
      dash.replaceChildren(h('p', { class: 'cs-status error' }, `${t('error.load')}: ${e instanceof Error ? e.message : String(e)}`));
    });
    window.__wanggeCases = { ready, open: openCase };
    await ready;
  },
  deactivate(ctx) {
    if (!st) return;
    ctx.map.off('click', st.onClick);
    for (const c of st.charts) c.dispose();
    selectCaseOnMap(null);
    st = null;
  },
  setLang() {
    const s = st;
    if (!s?.stats) return;
    if (!s.detail.hidden) {
      const id = s.detail.querySelector<HTMLElement>('[data-case]')?.dataset.case;
      if (id) void openCase(id);
    }
    renderDashboard(s);
  },
};
