/**
 * Shared by the leaders' ledger layers (ledger-coverage, ledger-hours, ledger-disputes): the grid
 * polygons with their aggregates, loaded once per session from GET /api/ledger/grids/geojson (the
 * first time one of the layers is shown), and a factory for a grid fill + outline module coloured
 * by one property. Aggregates only; suppressed figures (null) are grey.
 */
import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { fieldApi, type LedgerGridLayers } from '../api/field';
import type { MessageKey } from '../i18n';
import { slotId } from '../style/basemap';
import { removeLayersAndSources, setLayersVisibility, type LayerContext, type LayerModule, type LegendItem } from './types';

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
export const SUPPRESSED_GREY = '#bdbdbd';

let data: Promise<LedgerGridLayers> | null = null;

/** The grid figures (one request for the three layers); dropped on failure so a retry reloads. */
export function ledgerGrids(ctx: LayerContext): Promise<LedgerGridLayers> {
  data ??= ctx.busy.track(fieldApi.gridLayers(), 'ledger.busy.layers').catch((e: unknown) => {
    data = null;
    throw e;
  });
  return data;
}

/** Forgets the loaded figures (after sign-out or a change of plan). */
export function dropLedgerGrids(): void {
  data = null;
}

export function ledgerGridLayer(spec: { id: string; labelKey: MessageKey; color: ExpressionSpecification; legend: LegendItem[] }): LayerModule {
  const src = spec.id;
  const ids = [`${spec.id}-fill`, `${spec.id}-line`];
  const load = (ctx: LayerContext) =>
    ledgerGrids(ctx)
      .then((fc) => (ctx.map.getSource(src) as GeoJSONSource | undefined)?.setData(fc as FeatureCollection))
      .catch((e: unknown) => console.warn(`${spec.id}: could not load`, e));
  return {
    id: spec.id,
    labelKey: spec.labelKey,
    kind: 'style',
    group: 'analysis',
    view: 'ledger',
    roles: ['leader', 'admin'],
    defaultVisible: false,
    legend: spec.legend,
    inspectable: [ids[0]],
    inspectPriority: 1,
    add(ctx, visible) {
      ctx.map.addSource(src, { type: 'geojson', data: EMPTY });
      const layout = { visibility: visible ? ('visible' as const) : ('none' as const) };
      ctx.map.addLayer({ id: ids[0], type: 'fill', source: src, paint: { 'fill-color': spec.color, 'fill-opacity': 0.55 }, layout }, slotId('overlay'));
      ctx.map.addLayer(
        {
          id: ids[1],
          type: 'line',
          source: src,
          paint: { 'line-color': '#37474f', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.5, 16, 1.5] },
          layout,
        },
        slotId('overlay'),
      );
      if (visible) void load(ctx);
    },
    remove(ctx) {
      removeLayersAndSources(ctx.map, ids, [src]);
    },
    setVisible(ctx, visible) {
      setLayersVisibility(ctx.map, ids, visible);
      if (visible) void load(ctx);
    },
  };
}
