/**
 * Grids (网格) of the plan being edited: dissolved outlines from GET /api/plans/:id/grids, out-of-band
 * grids in red, non-contiguous ones dashed purple, locked ones grey, the selected one bold blue,
 * labels "sequence · households"; below the zoom where units are drawn, each grid filled with its
 * colour (property `c`, set by the editor); and the diff overlay (changed areas hatched). Data are
 * pushed by the plan editor through `setGridsData` / `updateGrids` / `setDiffData`.
 */
import type { ExpressionSpecification, GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import { t } from '../i18n';
import { FONT_BOLD } from '../style/theme';
import { slotId } from '../style/basemap';
import { UNITS_MINZOOM } from './units';
import { removeLayersAndSources, setLayersVisibility, type LayerContext, type LayerModule, type LegendItem } from './types';

const SRC = 'plan-grids';
const SRC_DIFF = 'plan-diff';
const LAYERS = ['plan-grids-colour', 'plan-grids-fill', 'plan-grids-casing', 'plan-grids-line', 'plan-grids-flag', 'plan-grids-noncontig', 'plan-grids-label'];
const DIFF_LAYERS = ['plan-diff-hatch', 'plan-diff-line'];
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
export const OUT_OF_BAND = '#d7301f';
export const NON_CONTIGUOUS = '#7b3294';
export const SELECTED = '#1f5fbf';

/** Whether a plan's grids are drawn: the legend lists the grid entries only then. */
let hasGrids = false;
let ctxRef: LayerContext | null = null;

export function setGridsData(map: MlMap, fc: FeatureCollection | null): void {
  (map.getSource(SRC) as GeoJSONSource | undefined)?.setData(fc ?? EMPTY);
  const has = !!fc && fc.features.length > 0;
  if (has !== hasGrids) {
    hasGrids = has;
    ctxRef?.legendChanged?.();
  }
}

/**
 * Replaces only the given grids (by code): `features` are their new versions, a listed code without
 * a feature is removed. Only the diff goes to the map's worker, not the whole collection.
 */
export function updateGrids(map: MlMap, codes: string[], features: Feature[]): void {
  const src = map.getSource(SRC) as GeoJSONSource | undefined;
  if (!src) return;
  void src.updateData({ remove: codes, add: features }).catch(() => undefined);
}

/** Resolves at the first frame drawn once the grids source has loaded its data (grids visible). */
export function whenGridsDrawn(map: MlMap): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      let ok = false;
      try {
        ok = !!map.getSource(SRC) && map.isSourceLoaded(SRC);
      } catch {
        ok = false;
      }
      if (ok) {
        map.off('render', check);
        resolve();
      }
    };
    map.on('render', check);
    map.triggerRepaint();
  });
}

export function setDiffData(map: MlMap, fc: FeatureCollection | null): void {
  (map.getSource(SRC_DIFF) as GeoJSONSource | undefined)?.setData(fc ?? EMPTY);
}

export function setSelectedGrid(map: MlMap, prev: string | null, next: string | null): void {
  if (!map.getSource(SRC)) return;
  if (prev) map.setFeatureState({ source: SRC, id: prev }, { sel: false });
  if (next) map.setFeatureState({ source: SRC, id: next }, { sel: true });
}

/** 10 x 10 diagonal stripes for the "changed area" hatching. */
function hatchImage(): { width: number; height: number; data: Uint8Array } {
  const n = 10;
  const data = new Uint8Array(n * n * 4);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const on = (x + y) % n < 2;
      const o = (y * n + x) * 4;
      data.set(on ? [230, 85, 13, 230] : [0, 0, 0, 0], o);
    }
  }
  return { width: n, height: n, data };
}

/** A grid's label: "A · 017" / "B · 018" on the two halves of the last split, a locked mark, the households below. */
function labelField(): ExpressionSpecification {
  return [
    'concat',
    ['case', ['!=', ['coalesce', ['get', 'tag'], ''], ''], ['concat', ['get', 'tag'], ' · '], ''],
    ['slice', ['get', 'code'], 12],
    ['case', ['get', 'locked'], ` ${t('plan.lockedMark')}`, ''],
    '\n',
    ['to-string', ['get', 'households']],
  ];
}

const GRIDS_LEGEND: LegendItem[] = [
  { labelKey: 'legend.gridInBand', swatch: { type: 'line', color: '#303030', width: 1.5 } },
  { labelKey: 'legend.gridOutOfBand', swatch: { type: 'line', color: OUT_OF_BAND, width: 3 } },
  { labelKey: 'legend.gridNonContiguous', swatch: { type: 'line', color: NON_CONTIGUOUS, width: 3, dash: true } },
  { labelKey: 'legend.gridSelected', swatch: { type: 'line', color: SELECTED, width: 4 } },
  { labelKey: 'legend.gridChanged', swatch: { type: 'fill', color: 'rgba(230,85,13,0.5)', outline: '#e6550d' } },
];

export const gridsLayer: LayerModule = {
  id: 'plan-grids',
  labelKey: 'layer.planGrids',
  kind: 'style',
  group: 'analysis',
  roles: ['admin', 'planner', 'leader'],
  view: 'plan',
  defaultVisible: false,
  get legend() {
    return hasGrids ? GRIDS_LEGEND : [];
  },
  inspectable: ['plan-grids-fill'],
  inspectPriority: 0,
  add(ctx) {
    ctxRef = ctx;
    const { map } = ctx;
    if (!map.hasImage('plan-hatch')) map.addImage('plan-hatch', hatchImage());
    map.addSource(SRC, { type: 'geojson', data: EMPTY, promoteId: 'code' });
    map.addSource(SRC_DIFF, { type: 'geojson', data: EMPTY });
    // the grids' colours where units are not drawn (district zoom): 381 polygons instead of ~14k
    map.addLayer(
      {
        id: 'plan-grids-colour',
        type: 'fill',
        source: SRC,
        maxzoom: UNITS_MINZOOM,
        paint: {
          'fill-color': ['to-color', ['coalesce', ['get', 'c'], '#d9d9d9']],
          'fill-opacity': ['case', ['boolean', ['feature-state', 'sel'], false], 0.8, 0.5],
        },
      },
      slotId('roads'),
    );
    map.addLayer({ id: 'plan-grids-fill', type: 'fill', source: SRC, paint: { 'fill-color': '#000000', 'fill-opacity': 0 } }, slotId('admin'));
    map.addLayer({ id: 'plan-diff-hatch', type: 'fill', source: SRC_DIFF, paint: { 'fill-pattern': 'plan-hatch', 'fill-opacity': 0.9 } }, slotId('admin'));
    map.addLayer({ id: 'plan-diff-line', type: 'line', source: SRC_DIFF, paint: { 'line-color': '#e6550d', 'line-width': 1.5 } }, slotId('admin'));
    map.addLayer(
      {
        id: 'plan-grids-casing',
        type: 'line',
        source: SRC,
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#ffffff', 'line-opacity': 0.8, 'line-width': ['case', ['boolean', ['feature-state', 'sel'], false], 7, 3] },
      },
      slotId('overlay'),
    );
    map.addLayer(
      {
        id: 'plan-grids-line',
        type: 'line',
        source: SRC,
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': [
            'case',
            ['boolean', ['feature-state', 'sel'], false],
            SELECTED,
            ['!', ['get', 'in_band']],
            OUT_OF_BAND,
            ['get', 'locked'],
            '#8a8a8a',
            '#303030',
          ],
          'line-width': ['case', ['boolean', ['feature-state', 'sel'], false], 4, ['!', ['get', 'in_band']], 2.5, 1.2],
        },
      },
      slotId('overlay'),
    );
    map.addLayer(
      {
        id: 'plan-grids-noncontig',
        type: 'line',
        source: SRC,
        filter: ['!', ['get', 'contiguous']],
        paint: { 'line-color': NON_CONTIGUOUS, 'line-width': 3, 'line-dasharray': [2, 1.5] },
      },
      slotId('overlay'),
    );
    map.addLayer(
      {
        id: 'plan-grids-flag',
        type: 'fill',
        source: SRC,
        filter: ['any', ['!', ['get', 'in_band']], ['!', ['get', 'contiguous']]],
        paint: { 'fill-color': OUT_OF_BAND, 'fill-opacity': 0.08 },
      },
      slotId('overlay'),
    );
    map.addLayer(
      {
        id: 'plan-grids-label',
        type: 'symbol',
        source: SRC,
        minzoom: 13,
        layout: {
          'text-field': labelField(),
          'text-font': FONT_BOLD,
          'text-size': 11,
          'text-padding': 4,
        },
        paint: {
          'text-color': ['case', ['!', ['get', 'in_band']], OUT_OF_BAND, '#2b2b2b'],
          'text-halo-color': '#ffffff',
          'text-halo-width': 1.5,
        },
      },
      slotId('labels'),
    );
  },
  remove(ctx) {
    removeLayersAndSources(ctx.map, [...LAYERS, ...DIFF_LAYERS], [SRC, SRC_DIFF]);
  },
  setVisible(ctx, visible) {
    setLayersVisibility(ctx.map, [...LAYERS, ...DIFF_LAYERS], visible);
  },
  setLang(ctx) {
    if (ctx.map.getLayer('plan-grids-label')) ctx.map.setLayoutProperty('plan-grids-label', 'text-field', labelField());
  },
};
