/**
 * Feature inspector: on map click, picks the topmost deck.gl object or MapLibre feature of a visible
 * inspectable layer and shows its properties in the side panel, labelled through the dictionary.
 */
import type { Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import { t, tMaybe, onLangChange, type MessageKey } from '../i18n';
import type { LayerRegistry } from '../layers/registry';
import { h } from './dom';

export interface Inspected {
  layerId: string;
  labelKey: MessageKey;
  properties: Record<string, unknown>;
}

/** Internal properties (label anchor points of the ledger grids) not shown. */
const HIDDEN = new Set(['synthetic', 'tile_index', 'label_lon', 'label_lat']);

function formatValue(key: string, v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString() : v.toFixed(2);
  if (typeof v === 'string') return tMaybe(`value.${key}.${v}`) ?? v;
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  return JSON.stringify(v);
}

export function mountInspector(host: HTMLElement, map: MlMap, registry: LayerRegistry, overlay: MapLibreOverlay): { show(i: Inspected | null): void } {
  let current: Inspected | null = null;
  const render = () => {
    host.classList.toggle('is-empty', !current);
    const title = h('h2', { class: 'panel-title' }, t('panel.inspector'));
    if (!current) {
      host.replaceChildren(title, h('p', { class: 'muted' }, t('inspector.empty')));
      return;
    }
    const close = h('button', { class: 'icon-btn', title: t('panel.close'), 'aria-label': t('panel.close') }, '×');
    close.addEventListener('click', () => show(null));
    const rows = Object.entries(current.properties)
      .filter(([k]) => !HIDDEN.has(k))
      .map(([k, v]) => h('tr', { 'data-prop': k }, h('th', {}, tMaybe(`prop.${k}`) ?? k), h('td', {}, formatValue(k, v))));
    host.replaceChildren(
      h('div', { class: 'panel-head' }, title, close),
      h('div', { class: 'inspector-layer' }, `${t('inspector.layer')}: ${t(current.labelKey)}`),
      h('table', { class: 'props' }, h('tbody', {}, ...rows)),
    );
  };
  const show = (i: Inspected | null) => {
    current = i;
    render();
  };

  map.on('click', (e: MapMouseEvent) => {
    const picked = overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 4 });
    if (picked?.object) {
      const mod = registry.list().find((m) => m.kind === 'deck' && picked.layer?.id.startsWith(m.id));
      const obj = picked.object as { properties?: Record<string, unknown> };
      show({ layerId: picked.layer?.id ?? '', labelKey: mod?.labelKey ?? 'panel.inspector', properties: obj.properties ?? (obj as Record<string, unknown>) });
      return;
    }
    for (const { moduleId, layerIds } of registry.inspectableLayerIds()) {
      if (layerIds.length === 0) continue;
      const feats = map.queryRenderedFeatures(e.point, { layers: layerIds });
      if (feats.length > 0) {
        const mod = registry.get(moduleId)!;
        show({ layerId: feats[0].layer.id, labelKey: mod.labelKey, properties: { ...feats[0].properties } });
        return;
      }
    }
    show(null);
  });
  onLangChange(render);
  render();
  return { show };
}
