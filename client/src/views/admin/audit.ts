/**
 * The audit log (admin): filters by actor, action, entity and date (Asia/Shanghai days), newest
 * first, paged; a row opens its before/after record.
 */
import { auditApi, type AuditFilter, type AuditItem } from '../../api/users';
import { t, tMaybe, labelled, joinClauses } from '../../i18n';
import { h } from '../../panels/dom';
import type { Busy } from '../../panels/busy';
import { shanghai } from '../cases/format';

const PAGE = 25;
/** Actions offered in the filter's suggestion list. */
const KNOWN_ACTIONS = [
  'login',
  'login.failed',
  'user.create',
  'user.update',
  'user.password',
  'case.report',
  'case.transition',
  'plan.publish',
  'groups.auto',
  'group.rename',
  'patrol.route.create',
  'patrol.route.delete',
  'import',
  'incidents.import',
  'staff.import',
  'http.post',
  'http.patch',
  'http.put',
  'http.delete',
];

export const actionLabel = (a: string) => tMaybe(`audit.action.${a}`) ?? a;

/** A Shanghai calendar day 'YYYY-MM-DD' (+ days) as an ISO instant. */
const dayStart = (d: string, plus = 0) => new Date(Date.parse(`${d}T00:00:00+08:00`) + plus * 86400e3).toISOString();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const short = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** "active: false → true" for each field that differs between before and after (objects only). */
export function changesText(before: unknown, after: unknown): string {
  if (!isObject(before) || !isObject(after)) return '';
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => k !== 'updatedAt' && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  return joinClauses(keys.map((k) => `${k}: ${short(before[k])} → ${short(after[k])}`));
}

function detailText(r: AuditItem): string {
  const out: Record<string, unknown> = {};
  if (r.method || r.url) out.request = `${r.method ?? ''} ${r.url ?? ''}`.trim();
  if (r.ip) out.ip = r.ip;
  if (r.before !== null && r.before !== undefined) out.before = r.before;
  if (r.after !== null && r.after !== undefined) out.after = r.after;
  return JSON.stringify(out, null, 2);
}

export async function mountAudit(root: HTMLElement, busy: Busy): Promise<void> {
  const input = (name: string, ph: string, list?: string) =>
    h('input', { class: 'ad-input', name, placeholder: ph, 'data-testid': `audit-${name}`, ...(list ? { list } : {}) });
  const actor = input('actor', t('audit.actorPh'));
  const action = input('action', t('audit.actionPh'), 'audit-actions');
  const entity = input('entity', t('audit.entityPh'));
  const from = h('input', { class: 'ad-input', type: 'date', name: 'from', 'data-testid': 'audit-from' });
  const to = h('input', { class: 'ad-input', type: 'date', name: 'to', 'data-testid': 'audit-to' });
  const datalist = h('datalist', { id: 'audit-actions' }, ...KNOWN_ACTIONS.map((a) => h('option', { value: a }, actionLabel(a))));
  const search = h('button', { type: 'submit', class: 'ad-btn primary', 'data-testid': 'audit-search' }, t('audit.search'));
  const clear = h('button', { type: 'button', class: 'ad-btn', 'data-testid': 'audit-clear' }, t('audit.clear'));
  const msg = h('p', { class: 'ad-status', role: 'status', 'data-testid': 'audit-status' });
  const table = h('div', { class: 'ad-audit', 'data-testid': 'audit-result', 'data-loads': '0' });
  let offset = 0;
  let loads = 0;

  const filter = (): AuditFilter => ({
    actor: actor.value.trim() || undefined,
    action: action.value.trim() || undefined,
    entity: entity.value.trim() || undefined,
    since: from.value ? dayStart(from.value) : undefined,
    until: to.value ? dayStart(to.value, 1) : undefined,
  });

  let seq = 0;
  const load = async () => {
    const my = ++seq;
    msg.textContent = '';
    msg.classList.remove('error');
    try {
      const res = await busy.track(auditApi.list({ ...filter(), limit: PAGE, offset }), 'admin.loading');
      if (my !== seq) return;
      draw(res.items, res.total);
      table.dataset.loads = String(++loads);
    } catch (e) {
      msg.textContent = e instanceof Error ? e.message : String(e);
      msg.classList.add('error');
    }
  };

  const draw = (items: AuditItem[], total: number) => {
    const body = h('tbody', {});
    for (const r of items) {
      const tr = h(
        'tr',
        { class: 'ad-audit-row', 'data-action': r.action, tabindex: '0' },
        h('td', { class: 'ad-nowrap' }, shanghai(r.at).slice(0, 16)),
        h(
          'td',
          {},
          h('div', { class: 'ad-strong' }, r.actor),
          r.actorRole ? h('div', { class: 'ad-muted' }, tMaybe(`role.${r.actorRole}`) ?? r.actorRole) : null,
        ),
        h('td', {}, h('div', {}, actionLabel(r.action)), h('div', { class: 'ad-muted ad-code' }, r.action)),
        h('td', { class: 'ad-entity' }, [r.entity, r.entityId].filter(Boolean).join(' #')),
        h('td', { class: r.status !== null && r.status >= 400 ? 'ad-bad' : '' }, r.status === null ? '—' : String(r.status)),
      );
      const more = h(
        'tr',
        { class: 'ad-audit-more', hidden: true },
        h(
          'td',
          { colspan: '5' },
          changesText(r.before, r.after)
            ? h('div', { class: 'ad-changes', 'data-testid': 'audit-changes' }, labelled(t('audit.changes'), changesText(r.before, r.after)))
            : null,
          h('pre', { class: 'ad-pre' }, detailText(r)),
        ),
      );
      const toggle = () => (more.hidden = !more.hidden);
      tr.addEventListener('click', toggle);
      tr.addEventListener('keydown', (e) => e.key === 'Enter' && toggle());
      body.append(tr, more);
    }
    if (!items.length) body.append(h('tr', {}, h('td', { colspan: '5', class: 'ad-muted' }, t('audit.empty'))));
    const prev = h('button', { type: 'button', class: 'ad-btn', disabled: offset === 0, 'data-testid': 'audit-prev' }, t('cases.prev'));
    const next = h('button', { type: 'button', class: 'ad-btn', disabled: offset + items.length >= total, 'data-testid': 'audit-next' }, t('cases.next'));
    prev.addEventListener('click', () => {
      offset = Math.max(0, offset - PAGE);
      void load();
    });
    next.addEventListener('click', () => {
      offset += PAGE;
      void load();
    });
    table.replaceChildren(
      h(
        'table',
        { class: 'ad-table', 'data-testid': 'audit-table' },
        h(
          'thead',
          {},
          h('tr', {}, ...['audit.at', 'audit.actor', 'audit.action', 'audit.entity', 'audit.status'].map((k) => h('th', {}, t(k as Parameters<typeof t>[0])))),
        ),
        body,
      ),
      h(
        'div',
        { class: 'ad-pager' },
        prev,
        h(
          'span',
          { class: 'ad-muted', 'data-testid': 'audit-page' },
          total ? t('audit.page', { from: offset + 1, to: offset + items.length, total }) : t('audit.total0'),
        ),
        next,
      ),
    );
  };

  const form = h(
    'form',
    { class: 'ad-filters', 'data-testid': 'audit-filters' },
    h('label', { class: 'ad-label' }, t('audit.actor'), actor),
    h('label', { class: 'ad-label' }, t('audit.action'), action, datalist),
    h('label', { class: 'ad-label' }, t('audit.entity'), entity),
    h('label', { class: 'ad-label' }, t('audit.from'), from),
    h('label', { class: 'ad-label' }, t('audit.to'), to),
    h('div', { class: 'ad-row ad-filter-buttons' }, search, clear),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    offset = 0;
    void load();
  });
  clear.addEventListener('click', () => {
    for (const x of [actor, action, entity, from, to]) x.value = '';
    offset = 0;
    void load();
  });
  root.replaceChildren(h('h2', { class: 'ad-h2' }, t('audit.title')), form, msg, table);
  await load();
}
