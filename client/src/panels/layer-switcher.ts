/** Layer switcher: one checkbox per registered layer, grouped (base map / administrative / thematic). */
import { t, onLangChange, type MessageKey } from '../i18n';
import type { LayerRegistry } from '../layers/registry';
import type { LayerGroup } from '../layers/types';
import { h } from './dom';

const GROUPS: { id: LayerGroup; key: MessageKey }[] = [
  { id: 'admin', key: 'group.admin' },
  { id: 'base', key: 'group.base' },
  { id: 'analysis', key: 'group.analysis' },
];

/** The open view (layers with a `view` are offered only while it is open) and its change events. */
export interface SwitcherViews {
  activeId(): string | null;
  onChange(fn: () => void): unknown;
}

export function mountLayerSwitcher(host: HTMLElement, registry: LayerRegistry, views?: SwitcherViews): void {
  const render = () => {
    host.replaceChildren(h('h2', { class: 'panel-title' }, t('panel.layers')));
    const active = views?.activeId() ?? null;
    for (const g of GROUPS) {
      const mods = [...registry.list()].reverse().filter((m) => m.group === g.id && (!m.view || !views || m.view === active));
      if (mods.length === 0) continue;
      const list = h('div', { class: 'layer-group' }, h('div', { class: 'layer-group-title' }, t(g.key)));
      for (const m of mods) {
        const input = h('input', { type: 'checkbox', 'data-layer': m.id, checked: registry.isVisible(m.id) });
        input.addEventListener('change', () => registry.setVisible(m.id, input.checked));
        list.append(h('label', { class: 'layer-row', 'data-layer-row': m.id }, input, h('span', {}, t(m.labelKey))));
      }
      host.append(list);
    }
  };
  registry.onChange(render);
  views?.onChange(render);
  onLangChange(render);
  render();
}
