/** Street shops (沿街商铺) from our vector tiles (z14+): small orange dots. */
import { theme } from '../style/theme';
import { BASE_SOURCE, slotId } from '../style/basemap';
import { removeLayersAndSources, setLayersVisibility, type LayerModule } from './types';

const LAYERS = ['shops-circle'];

export const shopsLayer: LayerModule = {
  id: 'shops',
  labelKey: 'layer.shops',
  kind: 'style',
  group: 'analysis',
  defaultVisible: false,
  legend: [{ labelKey: 'legend.shop', swatch: { type: 'point', color: theme.shop, outline: theme.shopLine } }],
  inspectable: ['shops-circle'],
  add(ctx) {
    ctx.map.addLayer(
      {
        id: 'shops-circle',
        type: 'circle',
        source: BASE_SOURCE,
        'source-layer': 'shops',
        minzoom: 14,
        paint: {
          'circle-color': theme.shop,
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 14, 2, 17, 5],
          'circle-stroke-color': theme.shopLine,
          'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 14, 0.5, 17, 1.2],
        },
      },
      slotId('overlay'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
  },
};
