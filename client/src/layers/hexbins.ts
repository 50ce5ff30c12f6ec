/**
 * Leader view: hexagon bins of the FILTERED incidents (deck.gl HexagonLayer, flat, 300 m cells;
 * colour by count on the heat ramp in quantile classes: each colour holds about as many hexagons,
 * so one outlier hexagon does not make the rest pale). Data and filters live in the hot spot
 * view's store.
 */
import { HexagonLayer } from '@deck.gl/aggregation-layers';
import { theme } from '../style/theme';
import { hotspotStore } from '../state/hotspots';
import type { LayerModule } from './types';

const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
const pos: [number, number] = [0, 0];
let memo: { version: number; data: Uint32Array } | null = null;

export const hexbinsLayer: LayerModule = {
  id: 'hexbins',
  labelKey: 'hs.layer.hexbins',
  kind: 'deck',
  group: 'analysis',
  roles: ['admin', 'leader', 'coordinator'],
  view: 'hotspots',
  defaultVisible: false,
  legend: [{ labelKey: 'hs.legend.hexbins', swatch: { type: 'ramp', colors: theme.heat.map(rgb) } }],
  add() {},
  remove() {},
  setVisible(ctx) {
    ctx.requestDeckRender();
  },
  deckLayers() {
    const f = hotspotStore.filtered;
    const c = hotspotStore.cols;
    if (!f || !c) return [];
    return [
      new HexagonLayer<number>({
        id: 'hs-hexbins',
        data: (memo?.version === hotspotStore.filterVersion ? memo : (memo = { version: hotspotStore.filterVersion, data: f.index.slice(0, f.count) }))
          .data as unknown as number[],
        getPosition: (i: number) => {
          pos[0] = c.lon[i]!;
          pos[1] = c.lat[i]!;
          return pos;
        },
        updateTriggers: { getPosition: hotspotStore.filterVersion },
        radius: 300,
        coverage: 0.92,
        extruded: false,
        opacity: 0.75,
        colorRange: theme.heat,
        // quantile classes (CPU aggregation only): robust to outliers, the legend says so
        colorScaleType: 'quantile',
        gpuAggregation: false,
        pickable: true,
      } as never),
    ];
  },
};
