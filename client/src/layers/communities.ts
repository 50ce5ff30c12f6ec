/** Community (社区) boundaries: dashed lines and labels from z12.5. Data: GET /api/communities, labels: GET /api/layers/communities/labels. */
import { theme, FONT_REGULAR } from '../style/theme';
import { slotId } from '../style/basemap';
import { addPolygonLabels, setPolygonLabelsLang } from './polygon-labels';
import { removeLayersAndSources, setLayersVisibility, type LayerModule } from './types';

const SRC = 'communities';
const SRC_LABEL = 'communities-label';
const LAYERS = ['communities-fill', 'communities-line', 'communities-label'];

export const communitiesLayer: LayerModule = {
  id: 'communities',
  labelKey: 'layer.communities',
  kind: 'style',
  group: 'admin',
  defaultVisible: true,
  legend: [{ labelKey: 'legend.community', swatch: { type: 'line', color: theme.communityLine, width: 1.5, dash: true } }],
  inspectPriority: -10,
  inspectable: ['communities-fill'],
  async add(ctx) {
    const labels = addPolygonLabels(ctx, {
      layer: 'communities',
      id: SRC_LABEL,
      minzoom: 12.5,
      layout: { 'text-font': FONT_REGULAR, 'text-size': ['interpolate', ['linear'], ['zoom'], 12.5, 11, 16, 14], 'text-max-width': 6, 'symbol-sort-key': 1 },
      paint: { 'text-color': theme.communityLabel, 'text-halo-color': theme.halo, 'text-halo-width': 1.6 },
    });
    const [fc] = await Promise.all([ctx.busy.track(ctx.api.communities(), 'busy.loading'), labels]);
    const { map } = ctx;
    map.addSource(SRC, { type: 'geojson', data: fc, promoteId: 'id' });
    map.addLayer({ id: 'communities-fill', type: 'fill', source: SRC, paint: { 'fill-color': '#000000', 'fill-opacity': 0 } }, slotId('landuse'));
    map.addLayer(
      {
        id: 'communities-line',
        type: 'line',
        source: SRC,
        minzoom: 11,
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': theme.communityLine,
          'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.8, 16, 1.8],
          'line-dasharray': [3, 2],
          'line-opacity': ['interpolate', ['linear'], ['zoom'], 11, 0.4, 13, 0.9],
        },
      },
      slotId('admin'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS, [SRC, SRC_LABEL]);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
  },
  setLang(ctx, lang) {
    setPolygonLabelsLang(ctx, SRC_LABEL, lang);
  },
};
