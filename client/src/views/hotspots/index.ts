/**
 * The leader's workspace (#view=hotspots): incidents loaded once as columns, filtered on the client
 * (date window with a play button, hour of day, weekday, type) and drawn at once as a heat map,
 * hexagon bins or a per-grid choropleth; Gi* hot / cold spots and emerging hot spots are computed
 * on the server for the same filters (debounced, stale answers dropped).
 */
import { renderPatrolCoverage } from './patrol-coverage';
import type { ViewContext, ViewModule } from '../types';
import { t } from '../../i18n';
import { toColumns } from '../../state/hotspot-filter';
import { hotspotStore, MODE_LAYER, type Change } from '../../state/hotspots';
import { hotspotParams } from './query';
import { HotspotPanel } from './panel';
import type { IncidentColumnsJson } from '../../api/hotspots';
import './hotspots.css';

const LAYERS = ['heatmap', 'hexbins', 'grid-choropleth', 'hotspot-classes'];

let panel: HotspotPanel | null = null;
let unsubscribe: (() => void) | null = null;
let pending: AbortController | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let seq = 0;
let loaded: Promise<void> | null = null;

/** Test and bench hook: window.__wanggeHotspots. */
export interface HotspotHook {
  store: typeof hotspotStore;
  loaded: () => Promise<void>;
  /** Replaces the incidents with the given columns (bench: synthetic 100k). */
  loadColumns: (json: IncidentColumnsJson) => void;
  /** Resolves when the newest hot spot request has been answered and drawn. */
  settled: () => Promise<void>;
}
declare global {
  interface Window {
    __wanggeHotspots?: HotspotHook;
  }
}
let settledWaiters: Array<() => void> = [];
const settle = () => {
  const w = settledWaiters;
  settledWaiters = [];
  for (const f of w) f();
};

function showModeLayers(ctx: ViewContext): void {
  const want = MODE_LAYER[hotspotStore.settings.mode];
  for (const id of LAYERS) if (ctx.layers.get(id)) ctx.layers.setVisible(id, id === want);
}

function scheduleHotspots(ctx: ViewContext, delayMs = 120): void {
  const mode = hotspotStore.settings.mode;
  if (mode !== 'hotspots' && mode !== 'emerging') {
    settle();
    return;
  }
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => void fetchHotspots(ctx), delayMs);
}

async function ensureZones(ctx: ViewContext, kind: 'grids' | 'hex'): Promise<void> {
  if (hotspotStore.zones[kind]) return;
  hotspotStore.setZones(kind, await ctx.api.hotspots.zones(kind));
}

async function fetchHotspots(ctx: ViewContext): Promise<void> {
  timer = null;
  const cols = hotspotStore.cols;
  if (!cols) return;
  const params = hotspotParams(cols, hotspotStore.filter, hotspotStore.settings);
  pending?.abort();
  if (!params) {
    hotspotStore.setResult(null, t('hs.nothingSelected'));
    settle();
    return;
  }
  const my = ++seq;
  const ac = new AbortController();
  pending = ac;
  panel?.setBusy(true);
  try {
    await ensureZones(ctx, params.zones);
    const r = await ctx.api.hotspots.hotspots(params, { signal: ac.signal });
    if (my !== seq) return;
    hotspotStore.setResult(r);
  } catch (e) {
    if (my !== seq || (e as Error).name === 'AbortError') return;
    hotspotStore.setResult(null, (e as Error).message);
  } finally {
    if (my === seq) {
      pending = null;
      panel?.setBusy(false);
      requestAnimationFrame(() => settle());
    }
  }
}

/** Frames the incidents (the urban core) on the first load: the district outline is mostly rural. */
function fitToIncidents(ctx: ViewContext): void {
  const c = hotspotStore.cols;
  if (!c || c.n === 0) return;
  const lons = Float64Array.from(c.lon).sort();
  const lats = Float64Array.from(c.lat).sort();
  const q = (a: Float64Array, p: number) => a[Math.min(a.length - 1, Math.floor(p * a.length))]!;
  ctx.map.fitBounds(
    [
      [q(lons, 0.005), q(lats, 0.005)],
      [q(lons, 0.995), q(lats, 0.995)],
    ],
    { padding: 30, duration: 0, maxZoom: 15 },
  );
}

/** The leaders' patrol-plan coverage card (./patrol-coverage.ts), under the hot-spot panel. */
let patrolBox: HTMLElement | null = null;

export const hotspotsView: ViewModule = {
  id: 'hotspots',
  roles: ['admin', 'leader', 'coordinator'],
  labelKey: 'view.hotspots',
  order: 30,
  layers: LAYERS,
  async activate(ctx) {
    panel = new HotspotPanel(ctx.panel, {
      onFilter: (patch) => hotspotStore.setFilter(patch),
      onSettings: (patch) => hotspotStore.setSettings(patch),
    });
    unsubscribe = hotspotStore.onChange((c: Change) => {
      ctx.layers.renderDeck();
      panel?.update(c);
      if (c === 'settings') {
        showModeLayers(ctx);
        if (hotspotStore.settings.mode === 'choropleth') void ensureZones(ctx, 'grids').catch(() => undefined);
        scheduleHotspots(ctx, 0);
      } else if (c === 'filter' || c === 'data') scheduleHotspots(ctx);
    });
    showModeLayers(ctx);
    window.__wanggeHotspots = {
      store: hotspotStore,
      loaded: () => loaded ?? Promise.resolve(),
      loadColumns: (json) => hotspotStore.setColumns(toColumns(json)),
      settled: () =>
        new Promise<void>((resolve) => {
          if (!timer && !pending) resolve();
          else settledWaiters.push(resolve);
        }),
    };
    loaded ??= (async () => {
      const [json, grids] = await Promise.all([
        ctx.busy.track(ctx.api.hotspots.incidentColumns(), 'busy.incidents'),
        ctx.api.hotspots.zones('grids').catch(() => null),
      ]);
      if (grids) hotspotStore.setZones('grids', grids);
      if (grids && grids.features.length > 0 && !hotspotStore.zones.hex) hotspotStore.setSettings({ zones: 'grids' });
      const cols = toColumns(json);
      const end = cols.tMax + 1;
      const days = hotspotStore.settings.windowDays;
      hotspotStore.filter = { ...hotspotStore.filter, from: days ? end - days * 86400 : cols.tMin, to: end };
      hotspotStore.setColumns(cols);
      fitToIncidents(ctx);
    })();
    try {
      await loaded;
    } catch (e) {
      loaded = null;
      panel.setError((e as Error).message);
      return;
    }
    panel.update('data');
    scheduleHotspots(ctx, 0);
    patrolBox = document.createElement('section');
    ctx.panel.append(patrolBox);
    void renderPatrolCoverage(ctx.api, patrolBox);
  },
  deactivate() {
    panel?.stopPlay();
    unsubscribe?.();
    unsubscribe = null;
    pending?.abort();
    pending = null;
    if (timer) clearTimeout(timer);
    timer = null;
    panel = null;
    patrolBox = null;
  },
  setLang(ctx) {
    panel?.rebuild();
    if (patrolBox) {
      ctx.panel.append(patrolBox);
      void renderPatrolCoverage(ctx.api, patrolBox);
    }
  },
};
