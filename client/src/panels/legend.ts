/** Legend of the layers drawn now (switched on, and of the open view), plus the fixed base entries (land, water). */
import { t, onLangChange } from '../i18n';
import type { LayerRegistry } from '../layers/registry';
import type { LegendItem } from '../layers/types';
import { theme } from '../style/theme';
import { h } from './dom';
import { swatchSvg } from './swatch';

const BASE: LegendItem[] = [{ labelKey: 'legend.land', swatch: { type: 'fill', color: theme.land, outline: '#d8d4cb' } }];

export function mountLegend(host: HTMLElement, registry: LayerRegistry): void {
  const render = () => {
    const items = [
      ...BASE,
      ...registry
        .list()
        .filter((m) => registry.isShown(m.id))
        .flatMap((m) => m.legend),
    ];
    const rows = items.map((it) => {
      const sw = h('span', { class: 'legend-swatch' });
      sw.innerHTML = swatchSvg(it.swatch);
      return h('div', { class: 'legend-row' }, sw, h('span', {}, t(it.labelKey)));
    });
    host.replaceChildren(h('h2', { class: 'panel-title' }, t('panel.legend')), ...rows);
  };
  registry.onChange(render);
  onLangChange(render);
  render();
}
