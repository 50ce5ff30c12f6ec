/** App header: title (the loaded district's name, client/src/district.ts) and the language switch (zh-CN ⇄ en, persisted). */
import { t, getLang, setLang, onLangChange } from '../i18n';
import { h } from './dom';
import { appTitle, onDistrictChange } from '../district';

export function mountHeader(host: HTMLElement): void {
  const render = () => {
    const btn = h('button', { class: 'lang-btn', 'data-testid': 'lang-switch', title: t('lang.switchTitle') }, t('lang.switch'));
    btn.addEventListener('click', () => setLang(getLang() === 'zh-CN' ? 'en' : 'zh-CN'));
    const tabs = host.querySelector('#view-tabs') ?? h('nav', { id: 'view-tabs', class: 'view-tabs' });
    const user = host.querySelector('#user-chip') ?? h('div', { id: 'user-chip', class: 'user-chip' });
    host.replaceChildren(
      h(
        'div',
        { class: 'brand' },
        h('span', { class: 'brand-mark' }, '网'),
        h('span', { class: 'brand-title', 'data-testid': 'app-title' }, appTitle()),
        h('span', { class: 'brand-sub' }, t('app.subtitle')),
      ),
      tabs,
      user,
      btn,
    );
    document.title = `${appTitle()} · ${t('app.subtitle')}`;
  };
  onLangChange(render);
  onDistrictChange(render);
  render();
}
