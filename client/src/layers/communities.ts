/** Community (社区) boundaries: dashed lines and labels from z12.5. Data: GET /api/communities. */
import { theme, FONT_REGULAR } from '../style/theme';
import { nameExpr, slotId } from '../style/basemap';
import { labelPoints } from './label-points';
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
    const fc = await ctx.busy.track(ctx.api.communities(), 'busy.loading');
    const { map } = ctx;
    map.addSource(SRC, { type: 'geojson', data: fc, promoteId: 'id' });
    map.addSource(SRC_LABEL, { type: 'geojson', data: labelPoints(fc) });
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
    map.addLayer(
      {
        id: 'communities-label',
        type: 'symbol',
        source: SRC_LABEL,
        minzoom: 12.5,
        layout: {
          'text-field': nameExpr(ctx.lang()),
          'text-font': FONT_REGULAR,
          'text-size': ['interpolate', ['linear'], ['zoom'], 12.5, 11, 16, 14],
          'text-max-width': 6,
          'symbol-sort-key': 1,
        },
        paint: { 'text-color': theme.communityLabel, 'text-halo-color': theme.halo, 'text-halo-width': 1.6 },
      },
      slotId('labels'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS, [SRC, SRC_LABEL]);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
  },
  setLang(ctx, lang) {
    if (ctx.map.getLayer('communities-label')) ctx.map.setLayoutProperty('communities-label', 'text-field', nameExpr(lang));
  },
};
