import { t } from '../i18n';
import { h } from '../panels/dom';
import type { ViewRegistry } from './registry';

/** The view tabs in the header (总览 · 网格规划 · 十户联防 · 热点分析 …). */
export function mountViewTabs(host: HTMLElement, views: ViewRegistry): void {
  const render = () => {
    host.replaceChildren(
      ...views.list().map((v) => {
        const btn = h(
          'button',
          { class: `view-tab${views.activeId() === v.id ? ' active' : ''}`, 'data-testid': `view-${v.id}`, type: 'button' },
          t(v.labelKey),
        );
        btn.addEventListener('click', () => {
          location.hash = `view=${v.id}`;
        });
        return btn;
      }),
    );
    // on a phone the tabs scroll sideways: keep the open view's tab in sight
    const active = host.querySelector<HTMLElement>('.view-tab.active');
    if (active && host.scrollWidth > host.clientWidth) {
      const left = active.getBoundingClientRect().left - host.getBoundingClientRect().left + host.scrollLeft;
      host.scrollLeft = Math.max(0, left - (host.clientWidth - active.offsetWidth) / 2);
    }
  };
  views.onChange(render);
  render();
}
