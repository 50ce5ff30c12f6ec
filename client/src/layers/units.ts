/**
 * Partition units of the plan being edited, coloured by their grid (the brush paints these), and
 * the party-member households aggregated per unit (党员户, counts only, no personal data). Data come
 * from the plan editor (GET /api/plans/:id/units) through `setUnitsData`; a paint only changes the
 * feature state of the painted units, so the map redraws in milliseconds. Units are drawn from
 * `UNITS_MINZOOM` on.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import { slotId } from '../style/basemap';
import { removeLayersAndSources, setLayersVisibility, type LayerContext, type LayerModule, type LegendItem } from './types';

const SRC = 'plan-units';
const SRC_PARTY = 'plan-party';
const LAYERS = ['plan-units-fill', 'plan-units-line'];
const PARTY_LAYERS = ['plan-party-circle'];
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
/**
 * Units are drawn (and can be painted) from this zoom on, like Districtr: below it a unit is a few
 * pixels wide, and drawing ~14k unit polygons over the whole district costs software-rendered frames
 * of 100-300 ms that block the page; the grids layer shows each grid's colour there instead.
 */
export const UNITS_MINZOOM = 13;

export interface UnitsData {
  ids: string[];
  polygons: number[][][][][];
  colour: (i: number) => string;
  households: number[];
  party: Array<number | null>;
  centroids: Float64Array;
}

/** Replaces the units shown (one feature per unit, id = its index). */
/** Whether a plan's units are drawn: the legends list the units and party entries only then. */
let hasUnits = false;
let ctxRef: LayerContext | null = null;

export function setUnitsData(map: MlMap, d: UnitsData | null): void {
  const src = map.getSource(SRC) as GeoJSONSource | undefined;
  const party = map.getSource(SRC_PARTY) as GeoJSONSource | undefined;
  if (!src || !party) return;
  const has = !!d && d.ids.length > 0;
  if (has !== hasUnits) {
    hasUnits = has;
    ctxRef?.legendChanged?.();
  }
  if (!d) {
    src.setData(EMPTY);
    party.setData(EMPTY);
    return;
  }
  const features: Feature[] = d.ids.map((id, i) => ({
    type: 'Feature',
    id: i,
    properties: { unit: id, c: d.colour(i), households: d.households[i] },
    geometry: { type: 'MultiPolygon', coordinates: d.polygons[i] },
  }));
  src.setData({ type: 'FeatureCollection', features });
  party.setData({
    type: 'FeatureCollection',
    features: d.ids.flatMap((id, i) =>
      (d.party[i] ?? 0) > 0
        ? [
            {
              type: 'Feature' as const,
              properties: { unit: id, party_households: d.party[i], households: d.households[i] },
              geometry: { type: 'Point' as const, coordinates: [d.centroids[2 * i], d.centroids[2 * i + 1]] },
            },
          ]
        : [],
    ),
  });
}

/** Recolours one unit (after a paint) and marks whether it belongs to the selected grid. */
/** Fill of the units a proposal would move (preview). */
export const PREVIEW_COLOUR = '#ff6d00';

export function setUnitState(map: MlMap, i: number, state: { c?: string; sel?: boolean; hl?: boolean }): void {
  if (map.getSource(SRC)) map.setFeatureState({ source: SRC, id: i }, state);
}

export const unitsLayer: LayerModule = {
  id: 'plan-units',
  labelKey: 'layer.planUnits',
  kind: 'style',
  group: 'analysis',
  roles: ['admin', 'planner', 'leader'],
  view: 'plan',
  defaultVisible: false,
  get legend(): LegendItem[] {
    return hasUnits ? [{ labelKey: 'legend.planUnits', swatch: { type: 'fill', color: '#80b1d3', outline: '#ffffff' } }] : [];
  },
  inspectable: ['plan-units-fill'],
  inspectPriority: 1,
  add(ctx) {
    ctxRef = ctx;
    const { map } = ctx;
    map.addSource(SRC, { type: 'geojson', data: EMPTY });
    map.addLayer(
      {
        id: 'plan-units-fill',
        type: 'fill',
        source: SRC,
        minzoom: UNITS_MINZOOM,
        paint: {
          // no antialiasing outline pass (the unit lines layer draws the edges from z14): half the geometry per frame
          'fill-antialias': false,
          // a proposal's units (suggest a fix, rebalance) stand out in one strong colour, whatever their grid's
          'fill-color': ['case', ['boolean', ['feature-state', 'hl'], false], PREVIEW_COLOUR, ['to-color', ['coalesce', ['feature-state', 'c'], ['get', 'c']]]],
          'fill-opacity': ['case', ['boolean', ['feature-state', 'hl'], false], 0.95, ['boolean', ['feature-state', 'sel'], false], 0.8, 0.5],
        },
      },
      slotId('roads'),
    );
    map.addLayer(
      {
        id: 'plan-units-line',
        type: 'line',
        source: SRC,
        minzoom: 14,
        paint: { 'line-color': '#ffffff', 'line-opacity': 0.7, 'line-width': ['interpolate', ['linear'], ['zoom'], 14, 0.3, 17, 1] },
      },
      slotId('roads'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS, [SRC]);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
  },
};

export const partyLayer: LayerModule = {
  id: 'plan-party',
  labelKey: 'layer.planParty',
  kind: 'style',
  group: 'analysis',
  roles: ['admin', 'planner', 'leader'],
  view: 'plan',
  defaultVisible: false,
  get legend(): LegendItem[] {
    return hasUnits ? [{ labelKey: 'legend.planParty', swatch: { type: 'point', color: '#c8102e', outline: '#ffffff' } }] : [];
  },
  inspectable: ['plan-party-circle'],
  inspectPriority: 2,
  add(ctx) {
    ctx.map.addSource(SRC_PARTY, { type: 'geojson', data: EMPTY });
    ctx.map.addLayer(
      {
        id: 'plan-party-circle',
        type: 'circle',
        source: SRC_PARTY,
        minzoom: 13,
        paint: {
          'circle-color': '#c8102e',
          'circle-opacity': 0.75,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 0.8,
          'circle-radius': ['interpolate', ['linear'], ['get', 'party_households'], 1, 2.5, 20, 7, 80, 12],
        },
      },
      slotId('overlay'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, PARTY_LAYERS, [SRC_PARTY]);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, PARTY_LAYERS, visible);
  },
};
