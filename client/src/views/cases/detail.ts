/** One case: facts, SLA badge, the buttons of the allowed next transitions, and its timeline. */
import { localName } from '../../i18n/names';
import { ApiError } from '../../api';
import { casesApi, type CaseDetail, type CaseKind, type CaseStatus, type CaseWorkflow } from '../../api/cases';
import { t, labelled } from '../../i18n';
import { h } from '../../panels/dom';
import type { Busy } from '../../panels/busy';
import { actionLabel, kindLabel, shanghai, slaDot, slaText, statusLabel } from './format';

export interface DetailDeps {
  busy: Busy;
  workflow: () => CaseWorkflow | null;
  onBack: () => void;
  /** After a successful (or conflicting) transition: refresh list, stats and the map. */
  onChanged: (c: CaseDetail) => void;
  onLocate: (c: CaseDetail) => void;
}

export function renderDetail(root: HTMLElement, c: CaseDetail, deps: DetailDeps, message?: { text: string; error?: boolean }): void {
  const facts: Array<[string, string | Node]> = [
    [t('prop.id'), c.id],
    [t('prop.status'), statusLabel(c.status)],
    [t('cases.kindLabel'), kindLabel(c.kind)],
    [t('cases.dept'), c.department ? localName('dept', c.department) : t('cases.none')],
    [t('cases.subdistrict'), c.subdistrictName ?? c.subdistrictId ?? t('cases.none')],
    [t('cases.grid'), c.gridCode ?? t('cases.none')],
    [t('cases.reportedAt'), shanghai(c.reportedAt)],
  ];
  if (c.sla.deadline) facts.push([t('cases.deadline'), shanghai(c.sla.deadline)]);

  const badge = h(
    'div',
    { class: `cs-badge cs-badge-${c.sla.level}` },
    slaDot(c.sla.level),
    t(`cases.sla.${c.sla.level}`),
    c.sla.late && c.sla.level === 'none' ? ` · ${t('cases.late')}` : '',
  );
  const clock = slaText(c.sla);

  const status = h('p', { class: `cs-status${message?.error ? ' error' : ''}`, role: 'status' }, message?.text ?? '');
  const actions = h('div', { class: 'cs-actions' });
  if (c.allowedNext.length === 0) {
    actions.append(h('p', { class: 'cs-muted' }, t('cases.noActions')));
  } else {
    const note = h('textarea', { class: 'cs-note', rows: '2', maxlength: '2000', placeholder: t('cases.note'), 'aria-label': t('cases.note') });
    actions.append(note);
    const wf = deps.workflow();
    let kindSel: HTMLSelectElement | null = null;
    let deptSel: HTMLSelectElement | null = null;
    if (c.allowedNext.includes('dispatched')) {
      kindSel = h('select', { class: 'cs-select', name: 'kind', 'aria-label': t('cases.kindLabel') });
      for (const k of wf?.kinds ?? []) kindSel.append(h('option', { value: k.id, selected: k.id === c.kind }, kindLabel(k.id)));
      deptSel = h('select', { class: 'cs-select', name: 'department', 'aria-label': t('cases.department') });
      for (const d of wf?.departments ?? []) deptSel.append(h('option', { value: d, selected: d === c.department }, localName('dept', d)));
      actions.append(h('div', { class: 'cs-row' }, h('label', {}, t('cases.kindLabel'), kindSel), h('label', {}, t('cases.department'), deptSel)));
    }
    const buttons = h('div', { class: 'cs-buttons' });
    for (const to of c.allowedNext) {
      const back = (c.status === 'dispatched' && to === 'reported') || (c.status === 'feedback' && to === 'accepted');
      const btn = h('button', { type: 'button', class: `cs-btn${back ? '' : ' primary'}`, 'data-to': to }, actionLabel(c.status, to));
      btn.addEventListener('click', () => void move(to));
      buttons.append(btn);
    }
    actions.append(buttons);

    const move = async (to: CaseStatus) => {
      for (const b of buttons.querySelectorAll('button')) b.disabled = true;
      const body = {
        to,
        baseVersion: c.version,
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
        ...(to === 'dispatched' && kindSel && deptSel ? { kind: kindSel.value as CaseKind, department: deptSel.value } : {}),
      };
      try {
        const next = await deps.busy.track(casesApi.transition(c.id, body), 'cases.busy.move');
        renderDetail(root, next, deps, { text: t('cases.moved', { s: statusLabel(next.status) }) });
        deps.onChanged(next);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (e instanceof ApiError && e.status === 409) {
          const fresh = await casesApi.get(c.id);
          renderDetail(root, fresh, deps, { text: t('cases.conflict', { msg }), error: true });
          deps.onChanged(fresh);
          return;
        }
        status.textContent = msg;
        status.classList.add('error');
        for (const b of buttons.querySelectorAll('button')) b.disabled = false;
      }
    };
  }

  const timeline = h('ol', { class: 'cs-timeline' });
  for (const e of c.events) {
    timeline.append(
      h(
        'li',
        { class: `cs-ev cs-ev-${e.status}` },
        h('div', { class: 'cs-ev-head' }, h('strong', {}, statusLabel(e.status)), h('span', { class: 'cs-muted' }, shanghai(e.at))),
        h('div', { class: 'cs-ev-actor' }, labelled(t('cases.actor'), e.actor === 'anonymous' ? t('cases.anonymous') : e.actor)),
        e.note ? h('div', { class: 'cs-ev-note' }, e.note) : null,
      ),
    );
  }

  const back = h('button', { type: 'button', class: 'cs-link' }, t('cases.back'));
  back.addEventListener('click', () => deps.onBack());
  const locate = h('button', { type: 'button', class: 'cs-link' }, t('cases.location'));
  locate.addEventListener('click', () => deps.onLocate(c));

  root.replaceChildren(
    h(
      'div',
      { class: 'cs-detail', 'data-case': c.id, 'data-status': c.status, 'data-version': String(c.version) },
      h('div', { class: 'cs-row cs-spread' }, back, locate),
      h('h3', { class: 'cs-title' }, c.title),
      h('div', { class: 'cs-row' }, badge, clock ? h('span', { class: 'cs-clock' }, clock) : null),
      h('table', { class: 'cs-facts' }, ...facts.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))),
      actions,
      status,
      h('h4', { class: 'cs-sub' }, t('cases.timeline')),
      timeline,
    ),
  );
}
