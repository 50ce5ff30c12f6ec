/**
 * The units a "build units" run produced (GET /api/units, the latest build of the chosen
 * sub-districts), drawn as thin outlines with a light choropleth of their households, under the
 * streets so the road network stays readable. The plan view hands the collection over through
 * `setBuiltUnits` after a build or when the data-quality report loads, while no plan is open (an
 * open plan draws its own units, layers/units.ts); empty otherwise.
 */
import type { GeoJSONSource } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import type { BuiltUnits } from '../api/units';
import { slotId } from '../style/basemap';
import { removeLayersAndSources, setLayersVisibility, type LayerContext, type LayerModule, type LegendItem } from './types';

const SRC = 'built-units';
const LAYERS = ['built-units-fill', 'built-units-line'];
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Households per unit, class breaks (a unit holds at most the band's max, 500 by default). */
export const BUILT_UNITS_BREAKS = [100, 200, 300, 400] as const;
/** Light blue-purple ramp, one colour per class (1–99 … 400+). */
export const BUILT_UNITS_RAMP = ['#edf8fb', '#bfd3e6', '#9ebcda', '#8c96c6', '#8856a7'] as const;
/** Units without households (their block is listed as "block without households" too). */
export const BUILT_UNITS_EMPTY = '#d9d9d9';
const LINE = '#6a51a3';

let data: BuiltUnits | null = null;
let ctxRef: LayerContext | null = null;

/** Shows the built units (null: none); the legend follows. */
export function setBuiltUnits(fc: BuiltUnits | null): void {
  data = fc && fc.features.length ? fc : null;
  const src = ctxRef?.map.getSource(SRC) as GeoJSONSource | undefined;
  src?.setData((data ?? EMPTY) as FeatureCollection);
  ctxRef?.legendChanged?.();
}

/** [west, south, east, north] of a collection of units (null when empty). */
export function builtUnitsBbox(fc: BuiltUnits): [number, number, number, number] | null {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const f of fc.features) {
    if (f.geometry.type !== 'MultiPolygon') continue;
    for (const poly of f.geometry.coordinates)
      for (const [x, y] of poly[0] ?? []) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  }
  return x0 <= x1 ? [x0, y0, x1, y1] : null;
}

/** The units shown now (tests, the legend). */
export function builtUnitsCount(): number {
  return data?.features.length ?? 0;
}

const fillColour = [
  'case',
  ['<=', ['get', 'households'], 0],
  BUILT_UNITS_EMPTY,
  ['step', ['get', 'households'], BUILT_UNITS_RAMP[0], ...BUILT_UNITS_BREAKS.flatMap((b, i) => [b, BUILT_UNITS_RAMP[i + 1]])],
];

const LEGEND: LegendItem[] = [
  { labelKey: 'legend.builtUnits', swatch: { type: 'ramp', colors: [...BUILT_UNITS_RAMP] } },
  { labelKey: 'legend.builtUnitsEmpty', swatch: { type: 'fill', color: BUILT_UNITS_EMPTY, outline: LINE } },
];

export const builtUnitsLayer: LayerModule = {
  id: 'built-units',
  labelKey: 'layer.builtUnits',
  kind: 'style',
  group: 'analysis',
  roles: ['admin', 'planner', 'leader'],
  view: 'plan',
  defaultVisible: false,
  get legend() {
    return data ? LEGEND : [];
  },
  inspectable: ['built-units-fill'],
  inspectPriority: 1,
  add(ctx) {
    ctxRef = ctx;
    const { map } = ctx;
    map.addSource(SRC, { type: 'geojson', data: (data ?? EMPTY) as FeatureCollection });
    map.addLayer(
      {
        id: 'built-units-fill',
        type: 'fill',
        source: SRC,
        minzoom: 11,
        paint: { 'fill-color': fillColour as never, 'fill-opacity': 0.45, 'fill-antialias': false },
      },
      slotId('roads'),
    );
    map.addLayer(
      {
        id: 'built-units-line',
        type: 'line',
        source: SRC,
        minzoom: 12,
        paint: {
          'line-color': LINE,
          'line-opacity': 0.6,
          'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.3, 15, 0.8, 18, 1.5],
        },
      },
      slotId('roads'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS, [SRC]);
    ctxRef = null;
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
  },
};
