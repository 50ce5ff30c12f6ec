/**
 * Weekly visiting hours of the grid's people against the ≥ 5 hours rule (this Shanghai week so
 * far, or a past week: `week`): one bar per person, the ones below the rule first. Shared by the
 * member's view (this week) and the leaders' ledger view (last week).
 */
import type { Hours } from '../../api/field';
import { t } from '../../i18n';
import { h } from '../../panels/dom';

export function hoursList(hours: Hours, showGrid = false, week: 'this' | 'last' = 'this'): HTMLElement {
  const rule = hours.ruleMinutes;
  const box = h('div', { class: 'fd-form', 'data-testid': 'fw-hours' });
  box.append(
    h('h2', { class: 'fd-h2' }, t(week === 'last' ? 'fw.hours.titleLastWeek' : 'fw.hours.title', { from: hours.weekStart, to: hours.weekEnd })),
    h('p', { class: 'fd-muted' }, t('fw.hours.rule', { h: rule / 60 })),
  );
  const ul = h('ul', { class: 'fd-cases' });
  for (const m of hours.members) {
    const pct = Math.min(100, Math.round((m.minutes / rule) * 100));
    const bar = h('div', { class: 'fd-bar' }, h('div', { class: `fd-bar-fill ${m.ok ? 'ok' : 'under'}`, style: `width:${pct}%` }));
    ul.append(
      h(
        'li',
        { class: 'fd-case fd-hours', 'data-ok': String(m.ok), 'data-visitor': m.visitor },
        h(
          'div',
          { class: 'fd-case-main' },
          h(
            'div',
            { class: 'fd-case-title' },
            `${m.visitor}${m.role ? ` · ${t(m.role === 'leader' ? 'fw.hours.leader' : 'fw.hours.member')}` : ''}${showGrid ? ` · ${m.grid}` : ''}`,
          ),
          bar,
          h('div', { class: 'fd-case-sub' }, t('fw.hours.row', { h: (m.minutes / 60).toFixed(1), n: m.visits })),
        ),
        h('span', { class: `fd-pill ${m.ok ? 'fd-pill-solved' : 'fd-pill-dispatched'}` }, t(m.ok ? 'fw.hours.ok' : 'fw.hours.under')),
      ),
    );
  }
  box.append(ul);
  return box;
}
