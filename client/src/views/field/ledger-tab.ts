/**
 * The grid's ledger (一格一账本) on the phone: search and filter the visits, matters reported,
 * basic-information records, disputes and volunteer activities; record a dispute's outcome; add an
 * entry (through the offline queue); download the ledger as XLSX or CSV.
 */
import { fieldApi, type EntryBody, type EntryKind, type LedgerFilter, type LedgerItem, type LedgerType, type Outcome } from '../../api/field';
import { t, type MessageKey } from '../../i18n';
import { h } from '../../panels/dom';
import { statusLabel } from '../cases/format';
import { newKey, type FieldQueue } from './queue';

const TYPES: LedgerType[] = ['visit', 'matter', 'basic_info', 'dispute', 'volunteer'];
const KINDS: EntryKind[] = ['basic_info', 'dispute', 'volunteer'];
const OUTCOMES: Outcome[] = ['mediated', 'referred', 'withdrawn'];
const when = (iso: string) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');

export interface LedgerTabDeps {
  grid: string;
  queue: FieldQueue;
}

function outcomeText(i: LedgerItem): string | null {
  if (i.type === 'dispute') return t(`fw.outcome.${i.outcome ?? 'open'}` as MessageKey);
  if (i.type === 'matter' && i.outcome) return statusLabel(i.outcome);
  if (i.type === 'visit' && i.minutes !== null) return t('fw.minutes', { n: i.minutes });
  return null;
}

export function ledgerTab(deps: LedgerTabDeps): HTMLElement {
  const f: LedgerFilter = { grid: deps.grid };
  const el = h('div', { class: 'fd-form', 'data-testid': 'fw-ledger' });
  const search = h('input', { class: 'fd-input', type: 'search', placeholder: t('fw.ledger.search'), 'data-testid': 'fw-ledger-q' });
  const types = h('div', { class: 'fd-chips fd-chips-wrap' });
  const chip = (id: LedgerType | null, label: string) => {
    const b = h(
      'button',
      { type: 'button', class: 'fd-chip', role: 'radio', 'aria-checked': String((f.type ?? null) === id), 'data-testid': `fw-ledger-type-${id ?? 'all'}` },
      label,
    );
    b.addEventListener('click', () => {
      f.type = id ?? undefined;
      for (const x of types.children) x.setAttribute('aria-checked', String(x === b));
      void load();
    });
    return b;
  };
  types.append(chip(null, t('fw.ledger.all')), ...TYPES.map((k) => chip(k, t(`fw.type.${k}` as MessageKey))));
  const open = h('input', { type: 'checkbox', 'data-testid': 'fw-ledger-open' });
  open.addEventListener('change', () => {
    f.open = open.checked || undefined;
    void load();
  });
  let debounce = 0;
  search.addEventListener('input', () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => {
      f.q = search.value.trim() || undefined;
      void load();
    }, 300);
  });
  const total = h('p', { class: 'fd-muted', 'data-testid': 'fw-ledger-total' });
  const list = h('ul', { class: 'fd-cases', 'data-testid': 'fw-ledger-list' });
  const xlsx = h('a', { class: 'fd-btn fd-link-btn', 'data-testid': 'fw-export-xlsx', download: '' }, `${t('fw.ledger.export')} XLSX`);
  const csv = h('a', { class: 'fd-btn fd-link-btn', 'data-testid': 'fw-export-csv', download: '' }, `${t('fw.ledger.export')} CSV`);

  async function load(): Promise<void> {
    xlsx.setAttribute('href', fieldApi.exportUrl(f, 'xlsx'));
    csv.setAttribute('href', fieldApi.exportUrl(f, 'csv'));
    try {
      const r = await fieldApi.ledger(f, 50);
      total.textContent = t('fw.ledger.total', { n: r.total });
      list.replaceChildren(...(r.items.length ? r.items.map(row) : [h('li', { class: 'fd-muted fd-empty' }, t('fw.ledger.empty'))]));
      if (r.total > r.items.length) list.append(h('li', { class: 'fd-muted fd-empty' }, t('fw.ledger.more', { n: r.total - r.items.length })));
    } catch {
      total.textContent = t('fw.ledger.offline');
      list.replaceChildren();
    }
  }

  function row(i: LedgerItem): HTMLElement {
    const out = outcomeText(i);
    const li = h(
      'li',
      { class: 'fd-case', 'data-type': i.type, 'data-id': i.id },
      h(
        'div',
        { class: 'fd-case-main' },
        h('div', { class: 'fd-case-title' }, i.title),
        h('div', { class: 'fd-case-sub' }, [t(`fw.type.${i.type}` as MessageKey), when(i.at), i.author].filter(Boolean).join(' · ')),
        i.detail ? h('div', { class: 'fd-case-sub' }, i.detail) : null,
      ),
      out ? h('span', { class: `fd-pill${i.type === 'dispute' && !i.outcome ? ' fd-pill-dispatched' : ''}` }, out) : null,
    );
    if (i.type === 'dispute' && !i.outcome) {
      const sel = h(
        'select',
        { class: 'fd-input fd-select', 'data-testid': 'fw-settle' },
        h('option', { value: '' }, t('fw.ledger.settle')),
        ...OUTCOMES.map((o) => h('option', { value: o }, t(`fw.outcome.${o}` as MessageKey))),
      );
      sel.addEventListener('change', async () => {
        if (!sel.value) return;
        try {
          await fieldApi.settle(i.id, sel.value as Outcome);
        } catch (e) {
          alert(e instanceof Error ? e.message : String(e));
        }
        void load();
      });
      li.querySelector('.fd-case-main')?.append(sel);
    }
    return li;
  }

  // new entry (queued: works offline)
  let kind: EntryKind = 'basic_info';
  const kindSel = h(
    'select',
    { class: 'fd-input fd-select', 'data-testid': 'fw-entry-kind' },
    ...KINDS.map((k) => h('option', { value: k }, t(`fw.type.${k}` as MessageKey))),
  );
  const title = h('input', { class: 'fd-input', maxlength: '200', 'data-testid': 'fw-entry-title' });
  const detail = h('textarea', { class: 'fd-input fd-note', rows: '2', maxlength: '2000', 'data-testid': 'fw-entry-detail' });
  const households = h('input', {
    class: 'fd-input',
    type: 'number',
    min: '0',
    max: '10000',
    value: '1',
    inputmode: 'numeric',
    'data-testid': 'fw-entry-households',
  });
  const changes = h('input', {
    class: 'fd-input',
    type: 'number',
    min: '0',
    max: '10000',
    value: '0',
    inputmode: 'numeric',
    'data-testid': 'fw-entry-changes',
  });
  const outcome = h(
    'select',
    { class: 'fd-input fd-select', 'data-testid': 'fw-entry-outcome' },
    h('option', { value: '' }, t('fw.outcome.open')),
    ...OUTCOMES.map((o) => h('option', { value: o }, t(`fw.outcome.${o}` as MessageKey))),
  );
  const basicRow = h(
    'div',
    { class: 'fd-row2' },
    h('label', { class: 'fd-label' }, t('fw.ledger.households'), households),
    h('label', { class: 'fd-label' }, t('fw.ledger.changes'), changes),
  );
  const outcomeRow = h('label', { class: 'fd-label' }, t('fw.ledger.outcome'), outcome);
  const sync = () => {
    basicRow.hidden = kind !== 'basic_info';
    outcomeRow.hidden = kind !== 'dispute';
  };
  kindSel.addEventListener('change', () => {
    kind = kindSel.value as EntryKind;
    sync();
  });
  sync();
  const msg = h('p', { class: 'fd-status', role: 'status', 'data-testid': 'fw-entry-status' });
  const save = h('button', { type: 'submit', class: 'fd-btn fd-primary', 'data-testid': 'fw-entry-save' }, t('fw.ledger.save'));
  const form = h(
    'form',
    { class: 'fd-form', novalidate: true },
    h('label', { class: 'fd-label' }, t('fw.ledger.kind'), kindSel),
    h('label', { class: 'fd-label' }, t('fw.ledger.title'), title),
    h('label', { class: 'fd-label' }, t('fw.ledger.detail'), detail),
    basicRow,
    outcomeRow,
    save,
    msg,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!title.value.trim()) {
      msg.textContent = t('fw.ledger.needTitle');
      msg.classList.add('error');
      return;
    }
    const body: EntryBody = {
      clientKey: newKey(),
      grid: deps.grid,
      kind,
      title: title.value.trim(),
      ...(detail.value.trim() ? { detail: detail.value.trim() } : {}),
      ...(kind === 'basic_info' ? { households: Number(households.value) || 0, changes: Number(changes.value) || 0 } : {}),
      ...(kind === 'dispute' && outcome.value ? { outcome: outcome.value as Outcome } : {}),
      occurredAt: new Date().toISOString(),
    };
    await deps.queue.add('entry', body);
    title.value = '';
    detail.value = '';
    msg.classList.remove('error');
    msg.textContent = t('fw.ledger.saved');
    await deps.queue.sync();
    void load();
  });
  const add = h('details', { class: 'fd-details', 'data-testid': 'fw-entry' }, h('summary', {}, t('fw.ledger.add')), form);

  const openLabel = h('label', { class: 'fd-check' }, open, t('fw.ledger.openOnly'));
  el.append(add, search, types, openLabel, h('div', { class: 'fd-row' }, xlsx, csv), total, list);
  void load();
  return el;
}
