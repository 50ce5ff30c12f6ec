/**
 * The layer registry: the ordered list of layer modules, their visibility (persisted), and the
 * deck.gl overlay they draw into. Later capabilities (grids, joint-defense groups, patrols,
 * hot spots) add a module file and call `registerLayer` — nothing else needs to change.
 */
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { LayerContext, LayerModule, LayerRole } from './types';
import type { Lang } from '../i18n';

const STORAGE_KEY = 'wangge.layers';

/** The signed-in user the layers are for (null: sign-in is off). */
export interface LayerUser {
  username: string;
  role: LayerRole;
}

export class LayerRegistry {
  private readonly modules: LayerModule[] = [];
  private readonly visible = new Map<string, boolean>();
  private readonly added = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private ctx: LayerContext | null = null;
  private overlay: MapLibreOverlay | null = null;
  private user: LayerUser | null = null;
  /** The open view (undefined: no views, every switched-on layer is drawn). */
  private activeView: string | undefined = undefined;

  /**
   * The signed-in user (call before registering): layers whose data the role may not read are not
   * registered at all, and visibility is stored per user name (one browser, several users).
   */
  setUser(user: LayerUser | null): void {
    this.user = user;
    for (const m of this.modules) this.visible.set(m.id, this.storedVisibility()[m.id] ?? m.defaultVisible);
    this.emit();
  }

  /** May the current user read this module's data? */
  allows(mod: Pick<LayerModule, 'roles'>): boolean {
    return !this.user || !mod.roles || mod.roles.includes(this.user.role);
  }

  private storageKey(): string {
    return this.user ? `${STORAGE_KEY}.${this.user.username}` : STORAGE_KEY;
  }

  /** Adds a module (before `attach` or after: late modules are added at once). */
  register(mod: LayerModule): void {
    if (this.modules.some((m) => m.id === mod.id)) throw new Error(`layer ${mod.id} registered twice`);
    if (!this.allows(mod)) return; // the role may not read it: never offered, never loaded
    this.modules.push(mod);
    this.visible.set(mod.id, this.storedVisibility()[mod.id] ?? mod.defaultVisible);
    if (this.ctx) void this.addOne(mod);
    this.emit();
  }

  list(): readonly LayerModule[] {
    return this.modules;
  }

  get(id: string): LayerModule | undefined {
    return this.modules.find((m) => m.id === id);
  }

  /** The user's switch for a layer (on/off), whatever view is open. */
  isVisible(id: string): boolean {
    return this.visible.get(id) ?? false;
  }

  /**
   * Is the layer drawn now: switched on, and (for a layer that belongs to a view) that view is open.
   * A view's layers are hidden, and leave the legend, when another view opens; their switches are kept.
   */
  isShown(id: string): boolean {
    const mod = this.get(id);
    return this.isVisible(id) && Boolean(mod) && (!mod!.view || this.activeView === undefined || mod!.view === this.activeView);
  }

  /** The open view changed: hides the layers of the view left, shows the switched-on layers of the one opened. */
  setActiveView(view: string | undefined): void {
    if (view === this.activeView) return;
    const before = new Map(this.modules.map((m) => [m.id, this.isShown(m.id)]));
    this.activeView = view;
    let deck = false;
    for (const m of this.modules) {
      const now = this.isShown(m.id);
      if (now === before.get(m.id) || !this.ctx || !this.added.has(m.id)) continue;
      try {
        m.setVisible(this.ctx, now);
      } catch (e) {
        console.error(`layer ${m.id} could not be switched`, e);
      }
      if (m.kind === 'deck') deck = true;
    }
    if (deck) this.renderDeck();
    this.emit();
  }

  /** Shows or hides a layer; persisted in localStorage. */
  setVisible(id: string, visible: boolean): void {
    const mod = this.get(id);
    if (!mod) throw new Error(`unknown layer ${id}`);
    this.visible.set(id, visible);
    this.persist();
    if (this.ctx && this.added.has(id)) {
      try {
        mod.setVisible(this.ctx, this.isShown(id));
      } catch (e) {
        console.error(`layer ${id} could not be switched`, e);
      }
      if (mod.kind === 'deck') this.renderDeck();
    }
    this.emit();
  }

  /** Adds every registered module to the map; resolves when all have loaded their data. */
  async attach(ctx: LayerContext, overlay: MapLibreOverlay): Promise<void> {
    this.ctx = { ...ctx, legendChanged: () => this.emit() };
    this.overlay = overlay;
    await Promise.all(this.modules.map((m) => this.addOne(m)));
    this.renderDeck();
  }

  setLang(lang: Lang): void {
    if (!this.ctx) return;
    for (const m of this.modules) if (this.added.has(m.id)) m.setLang?.(this.ctx, lang);
    this.renderDeck();
  }

  /** MapLibre layer ids of visible inspectable style layers, topmost module first. */
  inspectableLayerIds(): { moduleId: string; layerIds: string[] }[] {
    return [...this.modules]
      .reverse()
      .sort((a, b) => (b.inspectPriority ?? 0) - (a.inspectPriority ?? 0))
      .filter((m) => m.inspectable && this.isShown(m.id) && this.added.has(m.id))
      .map((m) => ({ moduleId: m.id, layerIds: m.inspectable!.filter((id) => this.ctx?.map.getLayer(id)) }));
  }

  /** Rebuilds the deck.gl layer list from the visible deck modules. */
  renderDeck(): void {
    if (!this.ctx || !this.overlay) return;
    const ctx = this.ctx;
    const layers = this.modules
      .filter((m) => m.kind === 'deck' && this.isShown(m.id) && this.added.has(m.id) && m.deckLayers)
      .flatMap((m) => m.deckLayers!(ctx));
    this.overlay.setProps({ layers });
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private async addOne(mod: LayerModule): Promise<void> {
    if (!this.ctx) return;
    try {
      await mod.add(this.ctx, this.isShown(mod.id));
      this.added.add(mod.id);
      mod.setVisible(this.ctx, this.isShown(mod.id));
    } catch (e) {
      console.error(`layer ${mod.id} failed to load`, e);
    }
    if (mod.kind === 'deck') this.renderDeck();
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }

  /** The stored switches of this user (anything unreadable or not a boolean is ignored). */
  private storedVisibility(): Record<string, boolean> {
    try {
      const v: unknown = JSON.parse(globalThis.localStorage?.getItem(this.storageKey()) ?? '{}');
      if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
      return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'boolean')) as Record<string, boolean>;
    } catch {
      return {};
    }
  }

  private persist(): void {
    try {
      globalThis.localStorage?.setItem(this.storageKey(), JSON.stringify(Object.fromEntries(this.visible)));
    } catch {
      /* ignore */
    }
  }
}

/** The app's single registry. */
export const registry = new LayerRegistry();
export const registerLayer = (mod: LayerModule): void => registry.register(mod);
