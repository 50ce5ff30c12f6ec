/**
 * The one interface every map layer module implements. A module is either
 *  - kind 'style': it adds MapLibre style layers (in a draw-order slot) and toggles their visibility, or
 *  - kind 'deck': it loads its data in `add` and returns deck.gl layers from `deckLayers`.
 * Modules are registered once in `registry.ts`; panels (layer switcher, legend, inspector) only
 * talk to the registry.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { Layer } from '@deck.gl/core';
import type { MessageKey, Lang } from '../i18n';
import type { Role } from '../../../common/http/roles';
import type { Api } from '../api';
import type { Busy } from '../panels/busy';

export type LegendSwatch =
  | { type: 'fill'; color: string; outline?: string }
  | { type: 'line'; color: string; width?: number; dash?: boolean; casing?: string }
  | { type: 'point'; color: string; outline?: string }
  | { type: 'ramp'; colors: string[] };

export interface LegendItem {
  labelKey: MessageKey;
  swatch: LegendSwatch;
}

export type LayerGroup = 'base' | 'admin' | 'analysis';

export interface LayerContext {
  map: MlMap;
  api: Api;
  busy: Busy;
  lang: () => Lang;
  /** Ask the registry to rebuild the deck.gl layer list (after data or props changed). */
  requestDeckRender: () => void;
  /** Tell the legend to re-read the module's `legend` (a module whose entries follow its state). Set by the registry. */
  legendChanged?: () => void;
}

/** The roles of the server's access policy (common/http/roles.ts). */
export type LayerRole = Role;

export interface LayerModule {
  id: string;
  /** Roles that may read the layer's data (absent: every signed-in user); others are never offered it. */
  roles?: ReadonlyArray<LayerRole>;
  /** The view that supplies the layer's data: the switcher offers it only while that view is open. */
  view?: string;
  labelKey: MessageKey;
  kind: 'style' | 'deck';
  group: LayerGroup;
  defaultVisible: boolean;
  /** Legend entries while drawn (may be a getter that follows the module's state; then call ctx.legendChanged). */
  legend: LegendItem[];
  /** MapLibre layer ids whose features the inspector may show (style modules). */
  inspectable?: string[];
  /** Inspector priority among modules (higher wins; default 0; area layers like boundaries use < 0). */
  inspectPriority?: number;
  /** Adds the module's style layers / loads its data. Called once, after the base style loaded. */
  add(ctx: LayerContext, visible: boolean): void | Promise<void>;
  remove(ctx: LayerContext): void;
  setVisible(ctx: LayerContext, visible: boolean): void;
  /** Re-labels after a language switch (style modules with text). */
  setLang?(ctx: LayerContext, lang: Lang): void;
  /** deck modules: the deck.gl layers to draw now (only called while visible). */
  deckLayers?(ctx: LayerContext): Layer[];
}

/** Helper for style modules: show/hide a list of MapLibre layers. */
export function setLayersVisibility(map: MlMap, ids: string[], visible: boolean): void {
  for (const id of ids) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }
}

export function removeLayersAndSources(map: MlMap, layerIds: string[], sourceIds: string[] = []): void {
  for (const id of layerIds) if (map.getLayer(id)) map.removeLayer(id);
  for (const id of sourceIds) if (map.getSource(id)) map.removeSource(id);
}

/**
 * For deck modules drawn from a shared state object: subscribe on add, unsubscribe on remove, and
 * ask for a deck redraw on every state change and visibility switch.
 */
export function redrawOn(subscribe: (fn: () => void) => () => void): Pick<LayerModule, 'add' | 'remove' | 'setVisible'> {
  let unsubscribe: (() => void) | null = null;
  return {
    add(ctx) {
      unsubscribe = subscribe(() => ctx.requestDeckRender());
    },
    remove() {
      unsubscribe?.();
      unsubscribe = null;
    },
    setVisible(ctx) {
      ctx.requestDeckRender();
    },
  };
}
