/**
 * The credit-community tab. Everyone in scope: per grid the rated households by grade (counts of
 * 1-4 are suppressed by the server). The grid's own staff (grid members): their households with
 * grade and score, a form to enter a resident's merit declaration or record a demerit, and the
 * declarations waiting for their review. Leaders and admins: the demerits waiting for the
 * community's check (without names).
 */
import { creditApi, type CreditEntry, type CreditGrid, type CreditHousehold } from '../../api/party';
import type { SessionUser } from '../../api';
import { t, type MessageKey, paren } from '../../i18n';
import { h } from '../../panels/dom';
import { num, pct, shortGridCodes, today } from './format';

const MERITS = ['volunteering', 'deliberation', 'asset_report'] as const;
const DEMERITS = ['convention', 'public_order'] as const;
const cat = (c: string) => t(`credit.cat.${c}` as MessageKey);
const status = (s: string) => t(`credit.status.${s}` as MessageKey);

export interface CreditTabData {
  grids: CreditGrid[];
  households: CreditHousehold[] | null;
  pending: CreditEntry[];
}

/** Loads what the user may see. */
export async function loadCredit(user: SessionUser | null): Promise<CreditTabData> {
  const ownGrid = user?.role === 'grid_member' ? user.grids.find((g) => /^\d{15}$/.test(g)) : undefined;
  const reviewer = user?.role === 'grid_member' || user?.role === 'leader' || user?.role === 'admin' || !user;
  const [grids, households, pending] = await Promise.all([
    creditApi.grids().then((r) => r.grids),
    ownGrid ? creditApi.households(ownGrid).then((r) => r.households) : Promise.resolve(null),
    reviewer
      ? creditApi
          .entries({
            status: user?.role === 'grid_member' ? ['declared'] : ['recorded', ...(user?.role === 'admin' || !user ? (['declared'] as const) : [])],
            limit: 50,
          })
          .then((r) => r.items)
      : Promise.resolve([]),
  ]);
  return { grids, households, pending };
}

function gridTable(grids: CreditGrid[]): HTMLElement {
  const rated = grids.reduce((s, g) => s + (g.rated ?? 0), 0);
  const short = shortGridCodes(grids.map((g) => g.code));
  return h(
    'div',
    { class: 'pt-credit-grids' },
    h('p', { class: 'pt-summary' }, t('credit.summary', { grids: grids.length, rated: num(rated) })),
    h(
      'table',
      { class: 'pt-table', 'data-testid': 'credit-grids' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t('credit.col.grid')),
          h('th', {}, 'A'),
          h('th', {}, '2A'),
          h('th', {}, '3A'),
          h('th', {}, t('credit.col.share')),
          h('th', {}, t('credit.col.pending')),
        ),
      ),
      h(
        'tbody',
        {},
        ...grids.map((g) =>
          h(
            'tr',
            { 'data-grid': g.code },
            h('td', { title: g.code }, short(g.code)),
            h('td', { class: 'num' }, num(g.a)),
            h('td', { class: 'num' }, num(g.aa)),
            h('td', { class: 'num' }, num(g.aaa)),
            h('td', { class: 'num' }, pct(g.ratedShare)),
            h('td', { class: 'num' }, String(g.pendingMerits + g.pendingDemerits)),
          ),
        ),
      ),
    ),
    h('p', { class: 'pt-sub' }, t('credit.suppressed')),
  );
}

function entryForm(households: CreditHousehold[], onSaved: () => void, say: (m: string, e?: boolean) => void): HTMLElement {
  const hh = h(
    'select',
    { class: 'pt-input', 'data-testid': 'credit-household' },
    ...households.map((x) => h('option', { value: x.id }, `${x.headName ?? x.id}${paren(x.id)}`)),
  );
  const kind = h(
    'select',
    { class: 'pt-input', 'data-testid': 'credit-kind' },
    h('option', { value: 'merit' }, t('credit.kind.merit')),
    h('option', { value: 'demerit' }, t('credit.kind.demerit')),
  );
  const category = h('select', { class: 'pt-input', 'data-testid': 'credit-category' });
  const fill = () => category.replaceChildren(...(kind.value === 'merit' ? MERITS : DEMERITS).map((c) => h('option', { value: c }, cat(c))));
  fill();
  kind.addEventListener('change', fill);
  const note = h('input', { class: 'pt-input', type: 'text', maxlength: '500', placeholder: t('credit.notePh'), 'data-testid': 'credit-note' });
  const submit = h('button', { class: 'pt-btn pt-primary', type: 'submit', 'data-testid': 'credit-submit' }, t('credit.submit'));
  const form = h(
    'form',
    { class: 'pt-form', 'data-testid': 'credit-form' },
    h('h3', { class: 'pt-h3' }, t('credit.formTitle')),
    h('label', { class: 'pt-label' }, t('credit.household'), hh),
    h('label', { class: 'pt-label' }, t('credit.kind'), kind),
    h('label', { class: 'pt-label' }, t('credit.category'), category),
    h('label', { class: 'pt-label' }, t('credit.note'), note),
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const saved = await creditApi.create({
        household: hh.value,
        kind: kind.value as 'merit' | 'demerit',
        category: category.value,
        occurredOn: today(),
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
      });
      say(t(saved.kind === 'merit' ? 'credit.declared' : 'credit.recorded', { id: saved.householdId }));
      onSaved();
    } catch (err) {
      say((err as Error).message, true);
      submit.disabled = false;
    }
  });
  return form;
}

function pendingList(items: CreditEntry[], user: SessionUser | null, onDone: () => void, say: (m: string, e?: boolean) => void): HTMLElement {
  const list = h('ul', { class: 'pt-members', 'data-testid': 'credit-pending' });
  for (const e of items) {
    const act = (decision: 'approve' | 'reject') => async () => {
      try {
        const r = await creditApi.review(e.id, decision, e.version);
        say(t('credit.reviewed', { status: status(r.entry.status), rating: r.rating.after ?? t('credit.noRating') }));
        onDone();
      } catch (err) {
        say((err as Error).message, true);
      }
    };
    const mine = user !== null && e.createdBy === user.id;
    const yes = h(
      'button',
      { class: 'pt-btn pt-primary', type: 'button', 'data-action': 'approve', disabled: mine },
      t(e.kind === 'merit' ? 'credit.approve' : 'credit.confirm'),
    );
    const no = h(
      'button',
      { class: 'pt-btn', type: 'button', 'data-action': 'reject', disabled: mine },
      t(e.kind === 'merit' ? 'credit.reject' : 'credit.dismiss'),
    );
    yes.addEventListener('click', act('approve'));
    no.addEventListener('click', act('reject'));
    list.append(
      h(
        'li',
        { class: 'pt-member', 'data-entry': String(e.id) },
        h(
          'div',
          { class: 'pt-member-main' },
          h('div', { class: 'pt-name' }, `${e.headName ?? e.householdId} · ${cat(e.category)} ${e.kind === 'merit' ? '+' : '−'}${e.points}`),
          h(
            'div',
            { class: 'pt-sub' },
            `${status(e.status)} · ${e.occurredOn} · ${t('credit.col.grid')} ${e.gridCode?.slice(-6) ?? '—'}${e.note ? ` · ${e.note}` : ''}${mine ? ` · ${t('credit.ownEntry')}` : ''}`,
          ),
        ),
        yes,
        no,
      ),
    );
  }
  const title = t(user?.role === 'grid_member' ? 'credit.pendingMerits' : user?.role === 'leader' ? 'credit.pendingDemerits' : 'credit.pendingAll', {
    n: items.length,
  });
  return h('div', {}, h('h3', { class: 'pt-h3' }, title), items.length ? list : h('p', { class: 'pt-sub' }, t('credit.nonePending')));
}

function householdList(households: CreditHousehold[]): HTMLElement {
  return h(
    'details',
    { class: 'pt-community', 'data-testid': 'credit-households' },
    h('summary', { class: 'pt-sum' }, h('span', { class: 'pt-name' }, t('credit.households', { n: households.length }))),
    h(
      'table',
      { class: 'pt-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t('credit.household')),
          h('th', {}, t('credit.col.rating')),
          h('th', {}, t('credit.col.score')),
          h('th', {}, t('credit.col.pending')),
        ),
      ),
      h(
        'tbody',
        {},
        ...households.map((x) =>
          h(
            'tr',
            { 'data-household': x.id },
            h('td', {}, `${x.headName ?? ''}${paren(x.id)}`),
            h('td', {}, x.rating ?? '—'),
            h('td', { class: 'num' }, String(x.score)),
            h('td', { class: 'num' }, String(x.pending)),
          ),
        ),
      ),
    ),
  );
}

export function renderCredit(d: CreditTabData, user: SessionUser | null, reload: () => void, say: (m: string, e?: boolean) => void): HTMLElement {
  const parts: HTMLElement[] = [];
  if (d.households) {
    parts.push(entryForm(d.households, reload, say), pendingList(d.pending, user, reload, say), householdList(d.households));
  } else if (user === null || user.role === 'leader' || user.role === 'admin') {
    parts.push(pendingList(d.pending, user, reload, say));
  }
  parts.push(gridTable(d.grids));
  return h('div', { class: 'pt-credit', 'data-testid': 'credit-tab' }, ...parts);
}
