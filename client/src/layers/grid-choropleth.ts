/**
 * Leader view: grids in force coloured by the filtered incident count or the rate per 1,000
 * households (counts < 5 suppressed), classes by quantile or Jenks breaks (legend in the view panel).
 */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature } from 'geojson';
import { choropleth, type Choropleth } from '../style/choropleth';
import { CHORO_COLORS, SUPPRESSED_COLOR, hexToRgba } from '../style/hotspot-colors';
import { hotspotStore } from '../state/hotspots';
import type { LayerModule } from './types';

let memo: { key: string; value: Choropleth } | null = null;

/** The current choropleth (memoised per filter, settings and zones). */
export function currentChoropleth(): Choropleth | null {
  const s = hotspotStore;
  const fc = s.zones.grids;
  const f = s.filtered;
  const c = s.cols;
  if (!fc || !f || !c) return null;
  const key = `${s.filterVersion}|${s.settings.measure}|${s.settings.breaks}|${fc.features.length}`;
  if (memo?.key === key) return memo.value;
  const gridIndex = new Map(c.grids.map((g, i) => [g, i]));
  const value = choropleth({
    ids: fc.features.map((x) => x.properties.id),
    households: fc.features.map((x) => x.properties.households),
    countOf: (id) => {
      const i = gridIndex.get(id);
      return i === undefined ? 0 : f.gridCounts[i]!;
    },
    measure: s.settings.measure,
    breaks: s.settings.breaks,
  });
  memo = { key, value };
  return value;
}

const FILLS = CHORO_COLORS.map((c) => hexToRgba(c, 200));
const SUPPRESSED = hexToRgba(SUPPRESSED_COLOR, 170);

export const gridChoroplethLayer: LayerModule = {
  id: 'grid-choropleth',
  labelKey: 'hs.layer.choropleth',
  kind: 'deck',
  group: 'analysis',
  roles: ['admin', 'leader', 'coordinator'],
  view: 'hotspots',
  defaultVisible: false,
  legend: [],
  add() {},
  remove() {},
  setVisible(ctx) {
    ctx.requestDeckRender();
  },
  deckLayers() {
    const fc = hotspotStore.zones.grids;
    const ch = currentChoropleth();
    if (!fc || !ch) return [];
    const classOfId = new Map(fc.features.map((x, i) => [x.properties.id, ch.classes[i]!]));
    return [
      new GeoJsonLayer({
        id: 'hs-choropleth',
        data: fc as never,
        filled: true,
        stroked: true,
        getFillColor: (x: Feature) => {
          const k = classOfId.get(String(x.id)) ?? -1;
          return k < 0 ? SUPPRESSED : FILLS[Math.min(FILLS.length - 1, k)]!;
        },
        getLineColor: [120, 110, 100, 200],
        lineWidthUnits: 'pixels',
        getLineWidth: 0.8,
        pickable: true,
        updateTriggers: { getFillColor: memo?.key },
      }),
    ];
  },
};
