/**
 * Party branches (小区/网格党支部): one outline per branch (the union of its grids in force), filled by
 * the plaque rule of its party-member households: green at or above 20% plaqued, red below, grey
 * when the count is suppressed (fewer than 5 party-member households) or there is none. Aggregates
 * only. Data: GET /api/party/branches/geojson, loaded the first time the layer is shown.
 */
import type { GeoJSONSource } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { partyApi } from '../api/party';
import { slotId } from '../style/basemap';
import { removeLayersAndSources, setLayersVisibility, type LayerContext, type LayerModule } from './types';

const SRC = 'party-branches';
const LAYERS = ['party-branches-fill', 'party-branches-line'];
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
export const BRANCH_COLORS = { meets: '#1a9850', below: '#d73027', unknown: '#9e9e9e' } as const;

let loading: Promise<void> | null = null;

function load(ctx: LayerContext): Promise<void> {
  loading ??= ctx.busy
    .track(partyApi.branchLayer(), 'party.busy.layer')
    .then((fc) => {
      (ctx.map.getSource(SRC) as GeoJSONSource | undefined)?.setData(fc as FeatureCollection);
    })
    .catch((e) => {
      console.warn('party branches layer: could not load', e);
      loading = null;
    });
  return loading;
}

/** Reloads the branch figures (after a change elsewhere). */
export function reloadBranchLayer(ctx: LayerContext): Promise<void> {
  loading = null;
  return load(ctx);
}

export const partyBranchesLayer: LayerModule = {
  id: 'party-branches',
  labelKey: 'party.layer',
  kind: 'style',
  group: 'analysis',
  view: 'party',
  defaultVisible: false,
  legend: [
    { labelKey: 'party.legend.meets', swatch: { type: 'fill', color: BRANCH_COLORS.meets, outline: '#7a1f1f' } },
    { labelKey: 'party.legend.below', swatch: { type: 'fill', color: BRANCH_COLORS.below, outline: '#7a1f1f' } },
    { labelKey: 'party.legend.unknown', swatch: { type: 'fill', color: BRANCH_COLORS.unknown, outline: '#7a1f1f' } },
  ],
  inspectable: ['party-branches-fill'],
  inspectPriority: 1,
  add(ctx, visible) {
    ctx.map.addSource(SRC, { type: 'geojson', data: EMPTY });
    ctx.map.addLayer(
      {
        id: 'party-branches-fill',
        type: 'fill',
        source: SRC,
        paint: {
          'fill-color': [
            'case',
            ['==', ['get', 'meets'], true],
            BRANCH_COLORS.meets,
            ['==', ['get', 'meets'], false],
            BRANCH_COLORS.below,
            BRANCH_COLORS.unknown,
          ],
          'fill-opacity': 0.35,
        },
        layout: { visibility: visible ? 'visible' : 'none' },
      },
      slotId('overlay'),
    );
    ctx.map.addLayer(
      {
        id: 'party-branches-line',
        type: 'line',
        source: SRC,
        paint: { 'line-color': '#7a1f1f', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 1, 16, 2.5] },
        layout: { visibility: visible ? 'visible' : 'none' },
      },
      slotId('overlay'),
    );
    if (visible) void load(ctx);
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS, [SRC]);
    loading = null;
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
    if (visible) void load(ctx);
  },
};
