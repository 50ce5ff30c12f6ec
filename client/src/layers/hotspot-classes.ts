/**
 * Leader view: Gi* hot / cold spot classes per grid or hexagon (ArcGIS colours, not significant
 * drawn transparent over the map for hexagons and as a faint light-grey veil for grids, so the
 * basemap stays readable under the whole district and the coloured grids stand out), or emerging hot spot
 * patterns. Results come from GET /api/hotspots for the current filters (the view fetches them).
 */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature } from 'geojson';
import type { HotSpotZoneResult } from '../api/hotspots';
import { CLASS_COLORS, CLASS_ORDER, PATTERN_COLORS, PATTERN_ORDER, hexToRgba } from '../style/hotspot-colors';
import type { MessageKey } from '../i18n';
import { hotspotStore } from '../state/hotspots';
import type { LayerModule } from './types';

/** Alpha of significant classes / patterns, and of the not-significant veil over grids. */
export const SIGNIFICANT_ALPHA = 215;
export const NS_ALPHA = 70;
const CLASS_RGBA = Object.fromEntries(Object.entries(CLASS_COLORS).map(([k, v]) => [k, hexToRgba(v, k === 'ns' ? NS_ALPHA : SIGNIFICANT_ALPHA)]));
const PATTERN_RGBA = Object.fromEntries(Object.entries(PATTERN_COLORS).map(([k, v]) => [k, hexToRgba(v, k === 'no_pattern' ? NS_ALPHA : SIGNIFICANT_ALPHA)]));
const NONE: [number, number, number, number] = [0, 0, 0, 0];
let unsubscribe: (() => void) | null = null;

export const hotspotClassesLayer: LayerModule = {
  id: 'hotspot-classes',
  labelKey: 'hs.layer.classes',
  kind: 'deck',
  group: 'analysis',
  roles: ['admin', 'leader', 'coordinator'],
  view: 'hotspots',
  defaultVisible: false,
  // Gi* classes, or in emerging mode the patterns of the result (and "no pattern")
  get legend() {
    const r = hotspotStore.result;
    if ((r?.mode ?? hotspotStore.settings.mode) !== 'emerging')
      return CLASS_ORDER.map((c) => ({ labelKey: `hs.class.${c}` as MessageKey, swatch: { type: 'fill' as const, color: CLASS_COLORS[c], outline: '#bbb' } }));
    const seen = new Set((r?.mode === 'emerging' ? r.results : []).map((x) => x.pattern ?? 'no_pattern'));
    return PATTERN_ORDER.filter((p) => seen.has(p) || p === 'no_pattern').map((p) => ({
      labelKey: `hs.pattern.${p}` as MessageKey,
      swatch: { type: 'fill' as const, color: PATTERN_COLORS[p]!, outline: '#bbb' },
    }));
  },
  add(ctx) {
    unsubscribe = hotspotStore.onChange((c) => {
      if (c === 'settings' || c === 'result') ctx.legendChanged?.();
    });
  },
  remove() {
    unsubscribe?.();
    unsubscribe = null;
  },
  setVisible(ctx) {
    ctx.requestDeckRender();
  },
  deckLayers() {
    const r = hotspotStore.result;
    if (!r) return [];
    const fc = hotspotStore.zones[r.zones];
    if (!fc) return [];
    const byId = new Map<string, HotSpotZoneResult>(r.results.map((x) => [x.id, x]));
    const hex = r.zones === 'hex';
    const fill = (x: Feature): [number, number, number, number] => {
      const z = byId.get(String(x.id));
      if (!z) return NONE;
      if (r.mode === 'emerging') {
        if (!z.pattern || z.pattern === 'no_pattern') return hex ? NONE : PATTERN_RGBA.no_pattern!;
        return PATTERN_RGBA[z.pattern] ?? NONE;
      }
      if (!z.class || z.class === 'ns') return hex ? NONE : CLASS_RGBA.ns!;
      return CLASS_RGBA[z.class]!;
    };
    return [
      new GeoJsonLayer({
        id: 'hs-classes',
        data: fc as never,
        filled: true,
        stroked: !hex,
        getFillColor: fill,
        getLineColor: [110, 110, 110, 110],
        lineWidthUnits: 'pixels',
        getLineWidth: 0.8,
        pickable: true,
        updateTriggers: { getFillColor: [r, r.mode] },
      }),
    ];
  },
};
