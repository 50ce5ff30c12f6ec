/**
 * Names of polygon layers (water, compounds, communities, sub-districts), drawn once per polygon
 * from the server's label points (GET /api/layers/:layer/labels) instead of from tile-cut polygons
 * (which repeat a name at every tile edge) or downloaded polygons.
 */
import type { SymbolLayerSpecification } from 'maplibre-gl';
import type { LabelLayerName } from '../api';
import type { Lang } from '../i18n';
import { englishName } from '../i18n/names';
import { nameExpr, slotId } from '../style/basemap';
import type { LayerContext } from './types';

export interface PolygonLabels {
  layer: LabelLayerName;
  /** id of the MapLibre source and symbol layer */
  id: string;
  minzoom?: number;
  maxzoom?: number;
  /** layout besides text-field (the name in the current language) */
  layout: NonNullable<SymbolLayerSpecification['layout']>;
  paint: NonNullable<SymbolLayerSpecification['paint']>;
}

/** Loads the label points and adds their source and symbol layer (in the labels slot). */
export async function addPolygonLabels(ctx: LayerContext, l: PolygonLabels): Promise<void> {
  const fc = await ctx.busy.track(ctx.api.labels(l.layer), 'busy.loading');
  // water bodies have no English name in the data: the dictionary's (i18n/names.ts)
  if (l.layer === 'water')
    for (const f of fc.features) if (f.properties && !f.properties.name_en) f.properties.name_en = englishName('water', f.properties.name as string);
  const { map } = ctx;
  map.addSource(l.id, { type: 'geojson', data: fc });
  map.addLayer(
    {
      id: l.id,
      type: 'symbol',
      source: l.id,
      ...(l.minzoom !== undefined ? { minzoom: l.minzoom } : {}),
      ...(l.maxzoom !== undefined ? { maxzoom: l.maxzoom } : {}),
      layout: { 'text-field': nameExpr(ctx.lang()), ...l.layout },
      paint: l.paint,
    },
    slotId('labels'),
  );
}

/** Re-labels after a language switch. */
export function setPolygonLabelsLang(ctx: LayerContext, id: string, lang: Lang): void {
  if (ctx.map.getLayer(id)) ctx.map.setLayoutProperty(id, 'text-field', nameExpr(lang));
}
