/**
 * A view is one user's workspace (planner, coordinator, leader): a tab in the header, a side panel
 * on the right while active, and the layer modules it shows. Views register once in
 * `registry.ts`; the active one is in the URL hash (`#view=<id>`), so tests and links open it.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Role } from '../../../common/http/roles';
import type { Api } from '../api';
import type { Lang, MessageKey } from '../i18n';
import type { LayerRegistry } from '../layers/registry';
import type { Busy } from '../panels/busy';

export interface ViewContext {
  map: MlMap;
  api: Api;
  busy: Busy;
  layers: LayerRegistry;
  overlay: MapLibreOverlay;
  lang: () => Lang;
  /** The right-hand panel, owned by the active view (emptied when it deactivates). */
  panel: HTMLElement;
}

export interface ViewModule {
  id: string;
  labelKey: MessageKey;
  /** Tab order (smaller first). */
  order: number;
  /** Layer module ids switched on while the view is active (restored when it deactivates). */
  layers?: string[];
  /** Roles that may open the view (undefined: everyone). Hidden for others when sign-in is on. */
  roles?: ReadonlyArray<Role>;
  /** false: the view has no side panel (the overview map). */
  hasPanel?: boolean;
  /**
   * Called at boot for the view named in the URL, before the map and its tiles load: starts the
   * view's first requests so they do not queue behind tile and glyph downloads. Optional.
   */
  prefetch?(api: Api): void;
  activate(ctx: ViewContext): void | Promise<void>;
  deactivate(ctx: ViewContext): void;
  /** Re-render texts after a language switch. */
  setLang?(ctx: ViewContext, lang: Lang): void;
}
