/**
 * Leader view: heat map of the FILTERED incidents (deck.gl HeatmapLayer on a binary position
 * attribute: a filter change hands deck.gl one Float32Array, no per-point accessor calls).
 * Data and filters live in the hot spot view's store.
 */
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { theme } from '../style/theme';
import { hotspotStore } from '../views/hotspots/store';
import type { LayerModule } from './types';

const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
/** The data object of the current filter (a new object only when the filter changed). */
let memo: { version: number; data: unknown } | null = null;

export const heatmapLayer: LayerModule = {
  id: 'heatmap',
  labelKey: 'hs.layer.heatmap',
  kind: 'deck',
  group: 'analysis',
  defaultVisible: false,
  legend: [{ labelKey: 'hs.legend.heat', swatch: { type: 'ramp', colors: theme.heat.map(rgb) } }],
  add() {},
  remove() {},
  setVisible(ctx) {
    ctx.requestDeckRender();
  },
  deckLayers() {
    const f = hotspotStore.filtered;
    if (!f) return [];
    return [
      new HeatmapLayer({
        id: 'hs-heatmap',
        data: (memo?.version === hotspotStore.filterVersion ? memo : (memo = {
          version: hotspotStore.filterVersion,
          data: { length: f.count, attributes: { getPosition: { value: f.positions.subarray(0, 2 * f.count), size: 2 } } },
        })).data,
        updateTriggers: { getPosition: hotspotStore.filterVersion },
        radiusPixels: 30,
        intensity: 1,
        threshold: 0.04,
        opacity: 0.8,
        colorRange: theme.heat,
        debounceTimeout: 0,
        // 512² weights texture: plenty for a district view, and 16x less fill work than the 2048² default
        weightsTextureSize: 512,
      } as never),
    ];
  },
};
