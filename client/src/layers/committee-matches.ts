/**
 * The big party committee's match on the map: the need (a red point), the member units proposed for
 * it (blue points, numbered by walking order) and the walk to each along the streets (lines).
 * Filled by the party view (`showCommitteeMatches`) when a need's matches are opened.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import type { Need, UnitMatch } from '../api/committee';
import { slotId } from '../style/basemap';
import { FONT_REGULAR } from '../style/theme';
import { removeLayersAndSources, setLayersVisibility, type LayerModule } from './types';

const SRC = 'committee-matches';
const LAYERS = ['committee-matches-walk', 'committee-matches-units', 'committee-matches-need', 'committee-matches-rank'];
export const MATCH_COLORS = { walk: '#1565c0', unit: '#1e88e5', need: '#d32f2f' } as const;

/** The features for a need and its matches. */
export function matchFeatures(need: Need, matches: UnitMatch[]): FeatureCollection {
  const features: Feature[] = [
    ...matches.map((m, i): Feature => ({ type: 'Feature', geometry: { type: 'LineString', coordinates: m.path }, properties: { role: 'walk', rank: i + 1 } })),
    ...matches.map((m, i): Feature => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [m.lon, m.lat] },
      properties: { role: 'unit', rank: i + 1, name: m.name, walk_m: m.walkM },
    })),
    { type: 'Feature', geometry: { type: 'Point', coordinates: [need.lon, need.lat] }, properties: { role: 'need', title: need.title } },
  ];
  return { type: 'FeatureCollection', features };
}

export function showCommitteeMatches(map: MlMap, fc: FeatureCollection): void {
  (map.getSource(SRC) as GeoJSONSource | undefined)?.setData(fc);
}

export const committeeMatchesLayer: LayerModule = {
  id: 'committee-matches',
  labelKey: 'committee.layer',
  kind: 'style',
  group: 'analysis',
  view: 'party',
  defaultVisible: false,
  legend: [
    { labelKey: 'committee.legend.need', swatch: { type: 'point', color: MATCH_COLORS.need, outline: '#fff' } },
    { labelKey: 'committee.legend.unit', swatch: { type: 'point', color: MATCH_COLORS.unit, outline: '#fff' } },
    { labelKey: 'committee.legend.walk', swatch: { type: 'line', color: MATCH_COLORS.walk, width: 3 } },
  ],
  inspectable: ['committee-matches-units'],
  inspectPriority: 2,
  add(ctx, visible) {
    const layout = { visibility: visible ? ('visible' as const) : ('none' as const) };
    ctx.map.addSource(SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    ctx.map.addLayer(
      {
        id: LAYERS[0],
        type: 'line',
        source: SRC,
        filter: ['==', ['get', 'role'], 'walk'],
        paint: { 'line-color': MATCH_COLORS.walk, 'line-width': 3, 'line-opacity': 0.8, 'line-dasharray': [2, 1] },
        layout: { ...layout, 'line-cap': 'round', 'line-join': 'round' },
      },
      slotId('overlay'),
    );
    ctx.map.addLayer(
      {
        id: LAYERS[1],
        type: 'circle',
        source: SRC,
        filter: ['==', ['get', 'role'], 'unit'],
        paint: { 'circle-color': MATCH_COLORS.unit, 'circle-radius': 9, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
        layout,
      },
      slotId('overlay'),
    );
    ctx.map.addLayer(
      {
        id: LAYERS[2],
        type: 'circle',
        source: SRC,
        filter: ['==', ['get', 'role'], 'need'],
        paint: { 'circle-color': MATCH_COLORS.need, 'circle-radius': 10, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
        layout,
      },
      slotId('overlay'),
    );
    ctx.map.addLayer(
      {
        id: LAYERS[3],
        type: 'symbol',
        source: SRC,
        filter: ['==', ['get', 'role'], 'unit'],
        layout: { ...layout, 'text-field': ['to-string', ['get', 'rank']], 'text-size': 12, 'text-font': FONT_REGULAR, 'text-allow-overlap': true },
        paint: { 'text-color': '#fff' },
      },
      slotId('overlay'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, LAYERS, [SRC]);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, LAYERS, visible);
  },
};
