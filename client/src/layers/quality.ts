/**
 * The data-quality report of a "build units" run on the map: one marker per listed item at its
 * place (`at`), coloured by kind (households outside every boundary, register rows in no unit,
 * blocks without households, unclosed streets, healed gaps, sub-districts without communities), and
 * the item picked in the plan view's quality panel highlighted with a ring and, for an area, its
 * box outlined. The plan view hands the items over through `setQualityItems` / `highlightQualityItem`.
 */
import type { GeoJSONSource } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import { QUALITY_KINDS, type QualityItem, type QualityKind } from '../api/units';
import type { MessageKey } from '../i18n';
import { slotId } from '../style/basemap';
import { removeLayersAndSources, setLayersVisibility, type LayerContext, type LayerModule, type LegendItem } from './types';

const SRC = 'units-quality';
const SRC_HL = 'units-quality-hl';
const LAYERS = ['units-quality-circle'];
const HL_LAYERS = ['units-quality-hl-box', 'units-quality-hl-halo', 'units-quality-hl-ring'];
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Marker colour per kind (healed gaps are only information: grey and small). */
export const QUALITY_COLOURS: Record<QualityKind, string> = {
  household_outside: '#e41a1c',
  row_unplaced: '#ff7f00',
  block_empty: '#1b9e77',
  street_unclosed: '#e7298a',
  gap_healed: '#8c8c8c',
  community_missing: '#a6761d',
};
const HIGHLIGHT = '#111111';

let items: QualityItem[] = [];
let selected: QualityItem | null = null;
let ctxRef: LayerContext | null = null;

const point = (i: QualityItem, n: number): Feature => ({
  type: 'Feature',
  id: n,
  properties: { kind: i.kind, ref: i.ref, subdistrict: i.subdistrict, ...(i.households !== undefined ? { households: i.households } : {}) },
  geometry: { type: 'Point', coordinates: i.at },
});

function highlightData(): FeatureCollection {
  if (!selected) return EMPTY;
  const features: Feature[] = [point(selected, 0)];
  const b = selected.bbox;
  if (b)
    features.push({
      type: 'Feature',
      properties: { kind: selected.kind, ref: selected.ref },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [b[0], b[1]],
            [b[2], b[1]],
            [b[2], b[3]],
            [b[0], b[3]],
            [b[0], b[1]],
          ],
        ],
      },
    });
  return { type: 'FeatureCollection', features };
}

function sync(): void {
  const map = ctxRef?.map;
  (map?.getSource(SRC) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: items.map(point) });
  (map?.getSource(SRC_HL) as GeoJSONSource | undefined)?.setData(highlightData());
}

/** Shows the report's items (null: none); clears the highlight. */
export function setQualityItems(list: QualityItem[] | null): void {
  items = list ?? [];
  selected = null;
  sync();
  ctxRef?.legendChanged?.();
}

/** Highlights one item (null: none). */
export function highlightQualityItem(item: QualityItem | null): void {
  const had = selected !== null;
  selected = item;
  sync();
  if (had !== (item !== null)) ctxRef?.legendChanged?.();
}

/** The highlighted item (tests). */
export function highlightedQualityItem(): QualityItem | null {
  return selected;
}

const colourByKind = ['match', ['get', 'kind'], ...QUALITY_KINDS.flatMap((k) => [k, QUALITY_COLOURS[k]]), '#666666'];

export const qualityLayer: LayerModule = {
  id: 'units-quality',
  labelKey: 'layer.unitsQuality',
  kind: 'style',
  group: 'analysis',
  roles: ['admin', 'planner', 'leader'],
  view: 'plan',
  defaultVisible: false,
  // one entry per kind on the map, and the highlighted item while there is one
  get legend(): LegendItem[] {
    const present = new Set(items.map((i) => i.kind));
    const out: LegendItem[] = QUALITY_KINDS.filter((k) => present.has(k)).map((k) => ({
      labelKey: `plan.quality.${k}` as MessageKey,
      swatch: { type: 'point', color: QUALITY_COLOURS[k], outline: '#ffffff' },
    }));
    if (selected) out.push({ labelKey: 'legend.qualitySelected', swatch: { type: 'point', color: '#ffffff', outline: HIGHLIGHT } });
    return out;
  },
  inspectable: ['units-quality-circle'],
  inspectPriority: 3,
  add(ctx) {
    ctxRef = ctx;
    const { map } = ctx;
    map.addSource(SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: items.map(point) } });
    map.addSource(SRC_HL, { type: 'geojson', data: highlightData() });
    map.addLayer(
      {
        id: 'units-quality-circle',
        type: 'circle',
        source: SRC,
        paint: {
          'circle-color': colourByKind as never,
          // small at district zoom (a hundred markers must not hide the streets), larger close up
          'circle-radius': [
            'interpolate',
            ['linear'],
            ['zoom'],
            11,
            ['case', ['==', ['get', 'kind'], 'gap_healed'], 1.5, 2.5],
            14,
            ['case', ['==', ['get', 'kind'], 'gap_healed'], 2, 3.5],
            16,
            ['case', ['==', ['get', 'kind'], 'gap_healed'], 3, 5],
            18,
            ['case', ['==', ['get', 'kind'], 'gap_healed'], 4, 7],
          ],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 12, 0.8, 16, 1.5],
          'circle-opacity': 0.95,
        },
      },
      slotId('overlay'),
    );
    map.addLayer(
      {
        id: 'units-quality-hl-box',
        type: 'line',
        source: SRC_HL,
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'line-color': HIGHLIGHT, 'line-width': 2, 'line-dasharray': [3, 2] },
      },
      slotId('overlay'),
    );
    map.addLayer(
      {
        id: 'units-quality-hl-halo',
        type: 'circle',
        source: SRC_HL,
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 13, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 5 },
      },
      slotId('overlay'),
    );
    map.addLayer(
      {
        id: 'units-quality-hl-ring',
        type: 'circle',
        source: SRC_HL,
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 13, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': HIGHLIGHT, 'circle-stroke-width': 2.5 },
      },
      slotId('overlay'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, [...LAYERS, ...HL_LAYERS], [SRC, SRC_HL]);
    ctxRef = null;
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, [...LAYERS, ...HL_LAYERS], visible);
  },
};
