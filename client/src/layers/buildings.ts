/** Buildings from our vector tiles (z14+): light grey flat footprints, extruded by height from z16 when the map is pitched. */
import { theme } from '../style/theme';
import { BASE_SOURCE, slotId } from '../style/basemap';
import { removeLayersAndSources, setLayersVisibility, type LayerModule } from './types';

const LAYERS = ['buildings-fill', 'buildings-line'];

export const buildingsLayer: LayerModule = {
  id: 'buildings',
  labelKey: 'layer.buildings',
  kind: 'style',
  group: 'base',
  defaultVisible: true,
  legend: [{ labelKey: 'legend.building', swatch: { type: 'fill', color: theme.building, outline: theme.buildingLine } }],
  inspectable: ['buildings-fill'],
  add(ctx) {
    const { map } = ctx;
    map.addLayer(
      {
        id: 'buildings-fill',
        type: 'fill',
        source: BASE_SOURCE,
        'source-layer': 'buildings',
        minzoom: 14,
        paint: {
          'fill-color': theme.building,
          'fill-opacity': ['interpolate', ['linear'], ['zoom'], 14, 0.5, 15, 1],
        },
      },
      slotId('buildings'),
    );
    map.addLayer(
      {
        id: 'buildings-line',
        type: 'line',
        source: BASE_SOURCE,
        'source-layer': 'buildings',
        minzoom: 15,
        paint: { 'line-color': theme.buildingLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 15, 0.4, 17, 1] },
      },
      slotId('buildings'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
  },
};
