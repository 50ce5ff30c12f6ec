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

export function mountLayerSwitcher(host: HTMLElement, registry: LayerRegistry): void {
  const render = () => {
    host.replaceChildren(h('h2', { class: 'panel-title' }, t('panel.layers')));
    for (const g of GROUPS) {
      const mods = [...registry.list()].reverse().filter((m) => m.group === g.id);
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
  onLangChange(render);
  render();
}
