/**
 * Residential compounds (小区) and urban blocks from our vector tiles: muted landuse fills; one name
 * label per compound from GET /api/layers/compounds/labels (tile polygons would repeat it at every
 * tile edge).
 */
import { theme, FONT_REGULAR } from '../style/theme';
import { BASE_SOURCE, slotId } from '../style/basemap';
import { addPolygonLabels, setPolygonLabelsLang } from './polygon-labels';
import { removeLayersAndSources, setLayersVisibility, type LayerModule } from './types';

const SRC_LABEL = 'compounds-label';
const LAYERS = ['blocks-fill', 'compounds-fill', 'compounds-line', 'compounds-label'];

export const compoundsLayer: LayerModule = {
  id: 'compounds',
  labelKey: 'layer.compounds',
  kind: 'style',
  group: 'base',
  defaultVisible: true,
  legend: [{ labelKey: 'legend.compound', swatch: { type: 'fill', color: theme.compound, outline: theme.compoundLine } }],
  inspectPriority: -1,
  inspectable: ['compounds-fill'],
  async add(ctx) {
    const { map } = ctx;
    map.addLayer(
      { id: 'blocks-fill', type: 'fill', source: BASE_SOURCE, 'source-layer': 'blocks', minzoom: 13, paint: { 'fill-color': theme.block } },
      slotId('landuse'),
    );
    map.addLayer(
      { id: 'compounds-fill', type: 'fill', source: BASE_SOURCE, 'source-layer': 'compounds', minzoom: 13, paint: { 'fill-color': theme.compound } },
      slotId('landuse'),
    );
    map.addLayer(
      {
        id: 'compounds-line',
        type: 'line',
        source: BASE_SOURCE,
        'source-layer': 'compounds',
        minzoom: 14,
        paint: { 'line-color': theme.compoundLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 14, 0.5, 17, 1.2] },
      },
      slotId('landuse'),
    );
    await addPolygonLabels(ctx, {
      layer: 'compounds',
      id: SRC_LABEL,
      minzoom: 15,
      layout: { 'text-font': FONT_REGULAR, 'text-size': 11, 'text-max-width': 6, 'text-padding': 6 },
      paint: { 'text-color': '#7d7466', 'text-halo-color': theme.halo, 'text-halo-width': 1.4 },
    });
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS, [SRC_LABEL]);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
  },
  setLang(ctx, lang) {
    setPolygonLabelsLang(ctx, SRC_LABEL, lang);
  },
};
