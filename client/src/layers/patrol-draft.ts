/**
 * The patrol route being drawn (views/groups/route-editor.ts): numbered stop markers in patrol
 * order joined by a thin straight line (the street route comes from the server on save).
 */
import { PathLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { groupsState } from '../state/groups';
import type { LayerModule } from './types';

let unsubscribe: (() => void) | null = null;

export const patrolDraftLayer: LayerModule = {
  id: 'patrol-draft',
  labelKey: 'layer.patrolDraft',
  kind: 'deck',
  group: 'analysis',
  roles: ['admin', 'coordinator'],
  view: 'groups',
  defaultVisible: true,
  legend: [{ labelKey: 'legend.patrolDraft', swatch: { type: 'line', color: 'rgb(20,110,190)', width: 2 } }],
  add(ctx) {
    unsubscribe = groupsState.onChange(() => ctx.requestDeckRender());
  },
  remove() {
    unsubscribe?.();
    unsubscribe = null;
  },
  setVisible(ctx) {
    ctx.requestDeckRender();
  },
  deckLayers() {
    const d = groupsState.draft;
    if (!d || d.stops.length === 0) return [];
    const pts = d.stops.map((p, i) => ({ p, n: String(i + 1) }));
    const path = d.closed && d.stops.length > 2 ? [...d.stops, d.stops[0]!] : d.stops;
    return [
      new PathLayer<{ path: [number, number][] }>({
        id: 'patrol-draft-line',
        data: [{ path }],
        getPath: (x) => x.path,
        getColor: [20, 110, 190, 200],
        getWidth: 2,
        widthUnits: 'pixels',
      }) as unknown as Layer,
      new ScatterplotLayer<{ p: [number, number]; n: string }>({
        id: 'patrol-draft-stops',
        data: pts,
        getPosition: (x) => x.p,
        getRadius: 10,
        radiusUnits: 'pixels',
        getFillColor: [20, 110, 190, 255],
        getLineColor: [255, 255, 255, 255],
        getLineWidth: 2,
        lineWidthUnits: 'pixels',
        stroked: true,
        updateTriggers: { getPosition: d.stops },
      }) as unknown as Layer,
      new TextLayer<{ p: [number, number]; n: string }>({
        id: 'patrol-draft-numbers',
        data: pts,
        getPosition: (x) => x.p,
        getText: (x) => x.n,
        getSize: 12,
        getColor: [255, 255, 255, 255],
        fontWeight: 700,
        characterSet: '0123456789',
        updateTriggers: { getPosition: d.stops, getText: d.stops.length },
      }) as unknown as Layer,
    ];
  },
};
