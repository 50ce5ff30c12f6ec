/** App header: title and the language switch (zh-CN ⇄ en, persisted). */
import { t, getLang, setLang, onLangChange } from '../i18n';
import { h } from './dom';

export function mountHeader(host: HTMLElement): void {
  const render = () => {
    const btn = h('button', { class: 'lang-btn', 'data-testid': 'lang-switch', title: t('lang.switchTitle') }, t('lang.switch'));
    btn.addEventListener('click', () => setLang(getLang() === 'zh-CN' ? 'en' : 'zh-CN'));
    const tabs = host.querySelector('#view-tabs') ?? h('nav', { id: 'view-tabs', class: 'view-tabs' });
    const user = host.querySelector('#user-chip') ?? h('div', { id: 'user-chip', class: 'user-chip' });
    host.replaceChildren(
      h('div', { class: 'brand' }, h('span', { class: 'brand-mark' }, '网'), h('span', { class: 'brand-title' }, t('app.title')), h('span', { class: 'brand-sub' }, t('app.subtitle'))),
      tabs,
      user,
      btn,
    );
    document.title = `${t('app.title')} · ${t('app.subtitle')}`;
  };
  onLangChange(render);
  render();
}
