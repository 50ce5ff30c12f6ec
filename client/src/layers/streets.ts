/** Streets by class from our vector tiles (source-layer `streets`): grey casings, white/amber fills, widths by class, names along lines. */
import type { ExpressionSpecification } from 'maplibre-gl';
import { theme, FONT_REGULAR } from '../style/theme';
import { BASE_SOURCE, nameExpr, slotId } from '../style/basemap';
import { removeLayersAndSources, setLayersVisibility, type LayerModule } from './types';

const LAYERS = ['streets-casing', 'streets-path', 'streets-fill', 'streets-rail', 'streets-label'];

/** Road width in px at zoom z for a class (fill; casing adds a border). */
const WIDTHS: Record<string, [number, number][]> = {
  arterial: [
    [10, 1.2],
    [13, 3.5],
    [15, 8],
    [17, 18],
  ],
  secondary: [
    [11, 0.8],
    [13, 2.4],
    [15, 6],
    [17, 13],
  ],
  local: [
    [13, 0.9],
    [15, 3.5],
    [17, 8],
  ],
  lane: [
    [14, 0.8],
    [16, 2.2],
    [17, 3.5],
  ],
  path: [
    [14, 0.6],
    [17, 1.8],
  ],
};

function widthExpr(extra: number): ExpressionSpecification {
  const zooms = [10, 11, 13, 14, 15, 16, 17];
  const at = (cls: string, z: number) => {
    const stops = WIDTHS[cls];
    if (z <= stops[0][0]) return stops[0][1] + extra;
    for (let i = 1; i < stops.length; i++) {
      const [z0, w0] = stops[i - 1];
      const [z1, w1] = stops[i];
      if (z <= z1) return w0 + ((w1 - w0) * (z - z0)) / (z1 - z0) + extra;
    }
    return stops[stops.length - 1][1] + extra;
  };
  const parts: (number | ExpressionSpecification)[] = [];
  for (const z of zooms) {
    parts.push(z, [
      'match',
      ['get', 'class'],
      'arterial',
      at('arterial', z),
      'secondary',
      at('secondary', z),
      'local',
      at('local', z),
      'lane',
      at('lane', z),
      'path',
      at('path', z),
      at('local', z),
    ]);
  }
  return ['interpolate', ['exponential', 1.4], ['zoom'], ...parts] as ExpressionSpecification;
}

const rank: ExpressionSpecification = ['match', ['get', 'class'], 'arterial', 4, 'secondary', 3, 'local', 2, 'lane', 1, 0];
const roads: ExpressionSpecification = ['match', ['get', 'class'], ['arterial', 'secondary', 'local', 'lane'], true, false];

export const streetsLayer: LayerModule = {
  id: 'streets',
  labelKey: 'layer.streets',
  kind: 'style',
  group: 'base',
  defaultVisible: true,
  legend: [
    { labelKey: 'legend.arterial', swatch: { type: 'line', color: theme.arterial, casing: theme.arterialCasing, width: 5 } },
    { labelKey: 'legend.secondary', swatch: { type: 'line', color: theme.street, casing: theme.streetCasing, width: 4 } },
    { labelKey: 'legend.local', swatch: { type: 'line', color: theme.street, casing: theme.streetCasing, width: 2.5 } },
    { labelKey: 'legend.lane', swatch: { type: 'line', color: '#b5afa5', width: 1, dash: true } },
    { labelKey: 'legend.rail', swatch: { type: 'line', color: theme.rail, width: 2, dash: true } },
  ],
  inspectable: ['streets-fill', 'streets-path', 'streets-rail'],
  add(ctx) {
    const { map } = ctx;
    const before = slotId('roads');
    map.addLayer(
      {
        id: 'streets-casing',
        type: 'line',
        source: BASE_SOURCE,
        'source-layer': 'streets',
        filter: roads,
        layout: { 'line-join': 'round', 'line-cap': 'round', 'line-sort-key': rank },
        paint: {
          'line-color': ['match', ['get', 'class'], 'arterial', theme.arterialCasing, theme.streetCasing],
          'line-width': widthExpr(1.6),
          'line-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.6, 13, 1],
        },
      },
      before,
    );
    map.addLayer(
      {
        id: 'streets-path',
        type: 'line',
        source: BASE_SOURCE,
        'source-layer': 'streets',
        filter: ['==', ['get', 'class'], 'path'],
        minzoom: 14,
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#b5afa5', 'line-width': widthExpr(0), 'line-dasharray': [2, 1.5] },
      },
      before,
    );
    map.addLayer(
      {
        id: 'streets-fill',
        type: 'line',
        source: BASE_SOURCE,
        'source-layer': 'streets',
        filter: roads,
        layout: { 'line-join': 'round', 'line-cap': 'round', 'line-sort-key': rank },
        paint: {
          'line-color': ['match', ['get', 'class'], 'arterial', theme.arterial, theme.street],
          'line-width': widthExpr(0),
        },
      },
      before,
    );
    map.addLayer(
      {
        id: 'streets-rail',
        type: 'line',
        source: BASE_SOURCE,
        'source-layer': 'streets',
        filter: ['==', ['get', 'class'], 'rail'],
        paint: {
          'line-color': theme.rail,
          'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1, 16, 2.5],
          'line-dasharray': [3, 2],
        },
      },
      before,
    );
    map.addLayer(
      {
        id: 'streets-label',
        type: 'symbol',
        source: BASE_SOURCE,
        'source-layer': 'streets',
        filter: ['all', ['has', 'name'], ['match', ['get', 'class'], ['arterial', 'secondary', 'local'], true, false]],
        minzoom: 13,
        layout: {
          'symbol-placement': 'line',
          'symbol-spacing': 320,
          'text-field': nameExpr(ctx.lang()),
          'text-font': FONT_REGULAR,
          'text-size': [
            'interpolate',
            ['linear'],
            ['zoom'],
            13,
            ['match', ['get', 'class'], 'arterial', 11.5, 10.5],
            17,
            ['match', ['get', 'class'], 'arterial', 15, 13],
          ],
          'text-max-angle': 35,
          'text-padding': 4,
          'symbol-sort-key': ['-', 10, rank],
        },
        paint: { 'text-color': theme.streetLabel, 'text-halo-color': theme.halo, 'text-halo-width': 1.6 },
      },
      slotId('labels'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
  },
  setLang(ctx, lang) {
    if (ctx.map.getLayer('streets-label')) ctx.map.setLayoutProperty('streets-label', 'text-field', nameExpr(lang));
  },
};
