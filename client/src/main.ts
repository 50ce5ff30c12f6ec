/**
 * Boots the app: reads /api/meta, builds our own style (tiles + glyphs from this origin only),
 * creates the MapLibre map with the deck.gl overlay, registers the layer modules and panels,
 * and exposes the test hook `window.__wangge`.
 */
import maplibregl from './map/maplibre-setup';
import type { Map as MlMap } from 'maplibre-gl';
import { api, type Meta } from './api';
import { t, getLang, onLangChange } from './i18n';
import { BASE_SOURCE, buildBaseStyle } from './style/basemap';
import { attributionLines, setDistrict, type District } from './district';
import { onDataChanged } from './data-events';
import { reloadBoundaries } from './layers/boundaries-reload';
import { registry, type LayerRegistry } from './layers/registry';
import { registerBaseLayers } from './layers';
import { createOverlay } from './map/overlay';
import { createBusy, type Busy } from './panels/busy';
import { mountHeader } from './panels/header';
import { mountLayerSwitcher } from './panels/layer-switcher';
import { mountLegend } from './panels/legend';
import { mountInspector } from './panels/inspector';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import { views } from './views/registry';
import { registerViews } from './views';
import { mountViewTabs } from './views/tabs';
import { ensureSignedIn, userChip } from './panels/login';
import './styles.css';

export interface WanggeHook {
  map: MlMap;
  ready: Promise<void>;
  layers: LayerRegistry;
  overlay: MapLibreOverlay;
  busy: Busy;
  /** ms from navigation start to the first idle with data. */
  readyMs?: number;
}

declare global {
  interface Window {
    __wangge: WanggeHook;
  }
}

/** Mainland China (the server's own fallback while no district is loaded). */
const FALLBACK_META: Meta = { bbox: [73.5, 18.1, 134.8, 53.6], center: [104.15, 35.85], empty: true };

/** Attribution from the dictionary: the demo's synthetic-data notes, or that the data were imported. */
function attributionHtml(): string {
  const esc = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
  return attributionLines().map(esc).join(' · ');
}

/** The district field of /api/meta, if well formed. */
function districtOf(meta: Meta): District | null {
  const d = meta.district as District | null | undefined;
  return d && typeof d.adcode === 'string' ? { adcode: d.adcode, name: d.name ?? null, synthetic: Boolean(d.synthetic) } : null;
}

async function boot(): Promise<void> {
  // start MapLibre's worker (a 0.5 MB script to load and compile) now, while session and meta load,
  // instead of when the map's style loads: the first tiles and the plan's grids need it
  maplibregl.prewarm();
  document.documentElement.lang = getLang();
  mountHeader(document.getElementById('header')!);
  const session = await ensureSignedIn();
  const renderUser = () => document.getElementById('user-chip')?.replaceWith(userChip(session.user));
  renderUser();
  onLangChange(renderUser);
  const busy = createBusy(document.getElementById('map-wrap')!);
  // the map needs the district's extent first; then the view in the URL starts its data requests,
  // ahead of the tiles, glyphs and base layers
  const metaRequest = api.meta().catch(() => FALLBACK_META);
  registerViews();
  views.setRole(session.enforced ? (session.user?.role ?? null) : null);
  views.prefetch(api);
  let meta = await busy.track(metaRequest, 'busy.meta');
  setDistrict(districtOf(meta));

  const map = new maplibregl.Map({
    container: 'map',
    // an empty database (a real deployment before its first import) frames China and sets no tile
    // bounds: the district imported next may be anywhere
    style: buildBaseStyle({ tilesUrl: api.tilesUrl(), glyphsUrl: api.glyphsUrl(), bounds: meta.empty ? undefined : meta.bbox, lang: getLang() }),
    bounds: meta.bbox,
    fitBoundsOptions: { padding: 20 },
    maxZoom: 19,
    minZoom: meta.empty ? 2 : 8,
    // Ideographs come from our committed glyph PBFs (Noto Sans CJK SC), identical on every client
    // and independent of installed fonts; MapLibre draws them locally only if a range is missing.
    localIdeographFontFamily: false,
    attributionControl: false,
    maplibreLogo: false,
    canvasContextAttributes: { preserveDrawingBuffer: true },
    // labels appear at once instead of fading in over 300 ms: a fade is a run of full frames after
    // every tile update (each paint save updates grid tiles), costly with software rendering
    fadeDuration: 0,
  });
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  let attribution = new maplibregl.AttributionControl({ compact: false, customAttribution: attributionHtml() });
  map.addControl(attribution, 'bottom-right');

  const overlay = createOverlay(map);
  // layers the role may not read are never offered; switches are remembered per user
  registry.setUser(session.enforced && session.user ? { username: session.user.username, role: session.user.role } : null);
  registerBaseLayers();
  const ctx = { map, api, busy, lang: getLang, requestDeckRender: () => registry.renderDeck() };

  const mapTask = busy.start('busy.map');
  const ready = (async () => {
    // layers and sources may be added once the style is loaded (before the first tiles arrive)
    await new Promise<void>((resolve) => (map.isStyleLoaded() ? resolve() : map.once('style.load', () => resolve())));
    // every layer module adds its style layers at once; the view does not wait for the base layers' data
    // only the requested view's own layers are drawn (and load their data) from the start
    registry.setActiveView(views.requested());
    const layersLoaded = registry.attach(ctx, overlay);
    mountViewTabs(document.getElementById('view-tabs')!, views);
    await views.attach({ map, api, busy, layers: registry, overlay, lang: getLang, panel: document.getElementById('view-panel')! });
    await layersLoaded;
    await new Promise<void>((resolve) => map.once('idle', () => resolve()));
    mapTask.done();
    window.__wangge.readyMs = Math.round(performance.now());
  })();
  window.__wangge = { map, ready, layers: registry, overlay, busy };

  mountLayerSwitcher(document.getElementById('layers')!, registry, views);
  mountLegend(document.getElementById('legend')!, registry);
  mountInspector(document.getElementById('inspector')!, map, registry, overlay);

  const rebuildAttribution = () => {
    map.removeControl(attribution);
    attribution = new maplibregl.AttributionControl({ compact: false, customAttribution: attributionHtml() });
    map.addControl(attribution, 'bottom-right');
  };
  onLangChange((lang) => {
    registry.setLang(lang);
    views.setLang(lang);
    // Rebuild the attribution text in the new language.
    rebuildAttribution();
  });
  // after an import: read the district again (title, attribution), reload the tiles past the
  // browser's cache, and frame the district when it is the first data of an empty database
  let tilesVersion = 0;
  onDataChanged((change) => {
    if (change.layer === null || change.layer === 'boundaries') void reloadBoundaries(map, api).catch(() => undefined);
    void api.meta().then(
      (next) => {
        const wasEmpty = Boolean(meta.empty);
        meta = next;
        setDistrict(districtOf(next));
        rebuildAttribution();
        const src = map.getSource(BASE_SOURCE) as { setTiles?: (t: string[]) => void } | undefined;
        src?.setTiles?.([`${api.tilesUrl()}?v=${++tilesVersion}`]);
        if (wasEmpty && !next.empty) {
          map.fitBounds(next.bbox, { padding: 20, duration: 0 });
          map.setMinZoom(8);
        }
      },
      () => undefined,
    );
  });
  await ready;
}

boot().catch((e) => {
  console.error(e);
  const el = document.createElement('div');
  el.className = 'fatal';
  el.textContent = `${t('error.load')}: ${String(e instanceof Error ? e.message : e)}`;
  document.body.append(el);
});
