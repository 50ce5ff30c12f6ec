/**
 * The administrator's view (#view=admin): user management (create, disable/enable, reset the
 * password, change role and scope), the audit log (filters, paging) and recent jobs (dead letters
 * with their error). Admins only.
 */
import { t, type MessageKey } from '../../i18n';
import { h } from '../../panels/dom';
import type { ViewContext, ViewModule } from '../types';
import { mountAudit } from './audit';
import { mountJobs } from './jobs';
import { mountUsers } from './users';
import './admin.css';

type Tab = 'users' | 'audit' | 'jobs';

declare global {
  interface Window {
    __wanggeAdmin?: { ready: Promise<void> };
  }
}

let current: { ctx: ViewContext; tab: Tab; body: HTMLElement; tabs: HTMLElement } | null = null;

function show(tab: Tab): Promise<void> {
  const s = current;
  if (!s) return Promise.resolve();
  s.tab = tab;
  s.tabs.replaceChildren(
    ...(['users', 'audit', 'jobs'] as const).map((id) => {
      const b = h(
        'button',
        { type: 'button', class: `ad-tab${id === tab ? ' on' : ''}`, 'data-testid': `admin-tab-${id}`, 'aria-pressed': String(id === tab) },
        t(`admin.tab.${id}` as MessageKey),
      );
      b.addEventListener('click', () => void show(id));
      return b;
    }),
  );
  const body = h('div', { class: 'ad-body' }, h('p', { class: 'ad-muted' }, t('busy.loading')));
  s.body.replaceWith(body);
  s.body = body;
  const ready = (tab === 'users' ? mountUsers(body, s.ctx.busy) : tab === 'jobs' ? mountJobs(body, s.ctx.busy) : mountAudit(body, s.ctx.busy)).catch(
    (e: unknown) => {
      body.replaceChildren(h('p', { class: 'ad-status error' }, `${t('error.load')}: ${e instanceof Error ? e.message : String(e)}`));
    },
  );
  window.__wanggeAdmin = { ready };
  return ready;
}

export const adminView: ViewModule = {
  id: 'admin',
  labelKey: 'admin.view',
  order: 90,
  roles: ['admin'],
  async activate(ctx) {
    const tabs = h('div', { class: 'ad-tabs', role: 'tablist' });
    const body = h('div', { class: 'ad-body' });
    ctx.panel.append(h('div', { class: 'ad-panel', 'data-testid': 'admin-panel' }, tabs, body));
    current = { ctx, tab: /admin=audit/.test(location.hash) ? 'audit' : /admin=jobs/.test(location.hash) ? 'jobs' : 'users', body, tabs };
    await show(current.tab);
  },
  deactivate() {
    current = null;
  },
  setLang() {
    if (current) void show(current.tab);
  },
};
