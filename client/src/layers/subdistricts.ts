/** Sub-district (街道/乡) boundaries: bold line with a white halo, bold labels. Data: GET /api/subdistricts, labels: GET /api/layers/subdistricts/labels. */
import type { GeoJSONSource } from 'maplibre-gl';
import { theme, FONT_BOLD } from '../style/theme';
import { slotId } from '../style/basemap';
import { addPolygonLabels, setPolygonLabelsLang } from './polygon-labels';
import { removeLayersAndSources, setLayersVisibility, type LayerModule } from './types';

const SRC = 'subdistricts';
const SRC_LABEL = 'subdistricts-label';
const LAYERS = ['subdistricts-fill', 'subdistricts-halo', 'subdistricts-line', 'subdistricts-label'];

export const subdistrictsLayer: LayerModule = {
  id: 'subdistricts',
  labelKey: 'layer.subdistricts',
  kind: 'style',
  group: 'admin',
  defaultVisible: true,
  legend: [{ labelKey: 'legend.subdistrict', swatch: { type: 'line', color: theme.subdistrictLine, width: 3, casing: '#ffffff' } }],
  inspectPriority: -20,
  inspectable: ['subdistricts-fill'],
  async add(ctx) {
    const labels = addPolygonLabels(ctx, {
      layer: 'subdistricts',
      id: SRC_LABEL,
      maxzoom: 15.5,
      layout: {
        'text-font': FONT_BOLD,
        'text-size': ['interpolate', ['linear'], ['zoom'], 10, 13, 14, 18],
        'text-letter-spacing': ctx.lang() === 'en' ? 0.02 : 0.15,
        'text-max-width': 7,
        'text-allow-overlap': false,
        'symbol-sort-key': 0,
      },
      paint: { 'text-color': theme.subdistrictLabel, 'text-halo-color': theme.halo, 'text-halo-width': 2, 'text-halo-blur': 0.5 },
    });
    const [fc] = await Promise.all([ctx.busy.track(ctx.api.subdistricts(), 'busy.loading'), labels]);
    const { map } = ctx;
    map.addSource(SRC, { type: 'geojson', data: fc, promoteId: 'id' });
    // Transparent fill: makes the whole area clickable for the inspector.
    map.addLayer({ id: 'subdistricts-fill', type: 'fill', source: SRC, paint: { 'fill-color': '#000000', 'fill-opacity': 0 } }, slotId('landuse'));
    map.addLayer(
      {
        id: 'subdistricts-halo',
        type: 'line',
        source: SRC,
        layout: { 'line-join': 'round' },
        paint: { 'line-color': theme.subdistrictHalo, 'line-opacity': 0.75, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 4, 16, 9] },
      },
      slotId('admin'),
    );
    map.addLayer(
      {
        id: 'subdistricts-line',
        type: 'line',
        source: SRC,
        layout: { 'line-join': 'round' },
        paint: { 'line-color': theme.subdistrictLine, 'line-opacity': 0.85, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.6, 16, 3.5] },
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
    if (!ctx.map.getLayer(SRC_LABEL)) return;
    setPolygonLabelsLang(ctx, SRC_LABEL, lang);
    ctx.map.setLayoutProperty(SRC_LABEL, 'text-letter-spacing', lang === 'en' ? 0.02 : 0.15);
  },
};

export function subdistrictsSource(ctx: { map: { getSource(id: string): unknown } }): GeoJSONSource | undefined {
  return ctx.map.getSource(SRC) as GeoJSONSource | undefined;
}
