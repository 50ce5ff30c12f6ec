import type { Api } from '../api';
import type { Lang } from '../i18n';
import type { ViewContext, ViewModule } from './types';

/** The registered views and the active one (URL hash `#view=<id>`). */
export class ViewRegistry {
  private readonly views: ViewModule[] = [];
  private active: ViewModule | null = null;
  private ctx: ViewContext | null = null;
  private restore = new Map<string, boolean>();
  private readonly listeners = new Set<() => void>();
  private role: string | null = null;

  /** The signed-in user's role (null: sign-in is off, every view is shown). */
  setRole(role: string | null): void {
    this.role = role;
    this.emit();
  }

  register(view: ViewModule): void {
    if (this.views.some((v) => v.id === view.id)) throw new Error(`view ${view.id} registered twice`);
    this.views.push(view);
    this.views.sort((a, b) => a.order - b.order);
    this.emit();
  }

  /** The views the current user may open, in tab order. */
  list(): readonly ViewModule[] {
    return this.views.filter((v) => !this.role || !v.roles || v.roles.includes(this.role as never));
  }

  activeId(): string | null {
    return this.active?.id ?? null;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Starts routing: activates the view named in the hash (or the first) and follows hash changes. */
  async attach(ctx: ViewContext): Promise<void> {
    this.ctx = ctx;
    window.addEventListener('hashchange', () => void this.activate(this.fromHash()));
    await this.activate(this.fromHash());
  }

  /** Lets the view named in the URL start its first requests (before the map exists). */
  prefetch(api: Api): void {
    const id = this.fromHash();
    this.list()
      .find((v) => v.id === id)
      ?.prefetch?.(api);
  }

  /** The view the URL asks for (before routing starts: lets the layers hide other views' layers from the first frame). */
  requested(): string {
    return this.fromHash();
  }

  private fromHash(): string {
    const m = /view=([\w-]+)/.exec(location.hash);
    return m?.[1] ?? this.list()[0]?.id ?? 'map';
  }

  async activate(id: string): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    const allowed = this.list();
    const next = allowed.find((v) => v.id === id) ?? allowed[0];
    if (!next) return;
    if (next === this.active) {
      // a view the user may not open (#view=cases for a grid member) falls back: say so in the URL
      if (!location.hash.includes(`view=${next.id}`)) history.replaceState(null, '', `#view=${next.id}`);
      return;
    }
    if (this.active) {
      this.active.deactivate(ctx);
      for (const [layer, vis] of this.restore) ctx.layers.setVisible(layer, vis);
      this.restore.clear();
    }
    ctx.panel.replaceChildren();
    ctx.panel.hidden = next.hasPanel === false;
    document.body.dataset.view = next.id;
    this.active = next;
    ctx.layers.setActiveView(next.id);
    for (const layer of next.layers ?? []) {
      if (!ctx.layers.get(layer)) continue;
      this.restore.set(layer, ctx.layers.isVisible(layer));
      ctx.layers.setVisible(layer, true);
    }
    if (!location.hash.includes(`view=${next.id}`)) history.replaceState(null, '', `#view=${next.id}`);
    this.emit();
    await next.activate(ctx);
    ctx.map.resize();
  }

  setLang(lang: Lang): void {
    if (this.ctx && this.active) this.active.setLang?.(this.ctx, lang);
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const views = new ViewRegistry();
