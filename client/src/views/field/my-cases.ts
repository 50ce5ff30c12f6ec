/**
 * "My cases": the cases of the member's grid(s) (GET /api/cases?grid=…) plus the ones this member
 * reported from this browser that lie elsewhere (the API has no reporter filter: the ids are
 * remembered per user in localStorage when a report succeeds), newest first, with their status.
 */
import { casesApi, type CaseItem } from '../../api/cases';
import { t } from '../../i18n';
import { h } from '../../panels/dom';
import { shanghai, slaDot, slaText, statusLabel } from '../cases/format';

const KEY = (user: string) => `wangge.reported.${user}`;

export function reportedIds(user: string): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY(user)) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberReported(user: string, id: string): void {
  try {
    localStorage.setItem(KEY(user), JSON.stringify([id, ...reportedIds(user).filter((x) => x !== id)].slice(0, 200)));
  } catch {
    /* storage disabled: the grid list still shows it */
  }
}

export interface MyCase extends CaseItem {
  mine: boolean;
}

/** The member's grid cases and their own reports, newest first (unreadable remembered ids are skipped). */
export async function loadMyCases(grids: string[], user: string | null): Promise<MyCase[]> {
  const lists = await Promise.all(grids.map((g) => casesApi.list({ grid: g, limit: 500 })));
  const byId = new Map<string, CaseItem>();
  for (const l of lists) for (const c of l.items) byId.set(c.id, c);
  const mine = new Set(user ? reportedIds(user) : []);
  const missing = [...mine].filter((id) => !byId.has(id));
  const extra = await Promise.all(missing.map((id) => casesApi.get(id).catch(() => null)));
  for (const c of extra) if (c) byId.set(c.id, c);
  return [...byId.values()].map((c) => ({ ...c, mine: mine.has(c.id) })).sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
}

export type CaseScope = 'open' | 'all';

export function myCasesList(cases: MyCase[], scope: CaseScope, open: (id: string) => void): HTMLElement {
  const shown = scope === 'open' ? cases.filter((c) => !['solved', 'evaluated', 'closed'].includes(c.status)) : cases;
  const ul = h('ul', { class: 'fd-cases', 'data-testid': 'field-cases' });
  if (!shown.length) ul.append(h('li', { class: 'fd-muted fd-empty' }, t('field.noCases')));
  for (const c of shown) {
    const clock = slaText(c.sla);
    const li = h(
      'li',
      { class: 'fd-case', 'data-case': c.id, 'data-status': c.status, tabindex: '0', role: 'button' },
      slaDot(c.sla.level),
      h(
        'div',
        { class: 'fd-case-main' },
        h('div', { class: 'fd-case-title' }, c.title),
        h('div', { class: 'fd-case-sub' }, [c.id, shanghai(c.reportedAt).slice(0, 16), c.mine ? t('field.mine') : null].filter(Boolean).join(' · ')),
        clock ? h('div', { class: `fd-case-sub cs-${c.sla.level}-text` }, clock) : null,
      ),
      h('span', { class: `fd-pill fd-pill-${c.status}`, 'data-testid': 'field-case-status' }, statusLabel(c.status)),
    );
    li.addEventListener('click', () => open(c.id));
    li.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') open(c.id);
    });
    ul.append(li);
  }
  return ul;
}
