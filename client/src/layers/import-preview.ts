/**
 * The file being imported, drawn before anything is written (the import view reads the file in
 * the browser and hands its features here, already in WGS84): points, lines and polygons in one
 * colour, so the planner sees where the file lies before checking and importing it.
 */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { FeatureCollection } from 'geojson';
import { redrawOn, type LayerModule } from './types';

let data: FeatureCollection | null = null;
const listeners = new Set<() => void>();

/** Sets (or clears, with null) the preview; the map redraws. */
export function setImportPreview(fc: FeatureCollection | null): void {
  data = fc;
  for (const fn of listeners) fn();
}

export const importPreviewLayer: LayerModule = {
  id: 'import-preview',
  labelKey: 'layer.importPreview',
  kind: 'deck',
  group: 'analysis',
  defaultVisible: false,
  legend: [{ labelKey: 'legend.importPreview', swatch: { type: 'fill', color: 'rgba(255,109,0,0.35)', outline: 'rgb(255,109,0)' } }],
  ...redrawOn((fn) => {
    listeners.add(fn);
    return () => listeners.delete(fn);
  }),
  deckLayers() {
    if (!data) return [];
    return [
      new GeoJsonLayer({
        id: 'import-preview-features',
        data: data as never,
        stroked: true,
        filled: true,
        pointType: 'circle',
        getFillColor: [255, 109, 0, 90],
        getLineColor: [255, 109, 0, 230],
        getLineWidth: 2,
        lineWidthUnits: 'pixels',
        getPointRadius: 4,
        pointRadiusUnits: 'pixels',
      }) as unknown as Layer,
    ];
  },
};
