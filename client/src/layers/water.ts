/** Water (the Yangtze, lakes): blue fills from our vector tiles; one label per water body from GET /api/layers/water/labels. */
import { theme, FONT_REGULAR } from '../style/theme';
import { BASE_SOURCE, slotId } from '../style/basemap';
import { addPolygonLabels, setPolygonLabelsLang } from './polygon-labels';
import { removeLayersAndSources, setLayersVisibility, type LayerModule } from './types';

const SRC_LABEL = 'water-label';
const LAYERS = ['water-fill', 'water-outline', 'water-label'];

export const waterLayer: LayerModule = {
  id: 'water',
  labelKey: 'layer.water',
  kind: 'style',
  group: 'base',
  defaultVisible: true,
  legend: [{ labelKey: 'legend.water', swatch: { type: 'fill', color: theme.water, outline: theme.waterLine } }],
  inspectPriority: -5,
  inspectable: ['water-fill'],
  async add(ctx) {
    const { map } = ctx;
    map.addLayer({ id: 'water-fill', type: 'fill', source: BASE_SOURCE, 'source-layer': 'water', paint: { 'fill-color': theme.water } }, slotId('landuse'));
    map.addLayer(
      {
        id: 'water-outline',
        type: 'line',
        source: BASE_SOURCE,
        'source-layer': 'water',
        minzoom: 12,
        paint: { 'line-color': theme.waterLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.5, 17, 1.5] },
      },
      slotId('landuse'),
    );
    await addPolygonLabels(ctx, {
      layer: 'water',
      id: SRC_LABEL,
      minzoom: 10,
      layout: {
        'text-font': FONT_REGULAR,
        'text-size': ['interpolate', ['linear'], ['zoom'], 10, 12, 16, 16],
        'text-letter-spacing': 0.4,
        'text-max-width': 8,
      },
      paint: { 'text-color': theme.waterLabel, 'text-halo-color': 'rgba(255,255,255,0.7)', 'text-halo-width': 1.2 },
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
