/**
 * The leaders' ledger view (#view=ledger): one ledger per grid (一格一账本) as counts, per
 * sub-district → community → grid (a row opens the level below): basic-information records,
 * disputes (open), matters reported, visits and hours over 4 weeks, volunteer activities, with the
 * total and XLSX / CSV downloads; below, last week's people under the 5-hour rule in the area.
 * Leaders see counts only (no entries, no households).
 */
import { fieldApi, type SummaryLevel, type SummaryRow } from '../../api/field';
import { getLang, t, type MessageKey, paren } from '../../i18n';
import { h } from '../../panels/dom';
import { hoursList } from '../field/hours-tab';
import type { ViewContext, ViewModule } from '../types';
import '../field/field.css';
import './ledger.css';

const NEXT: Record<SummaryLevel, SummaryLevel | null> = { subdistrict: 'community', community: 'grid', grid: null };

interface Crumb {
  level: SummaryLevel;
  within?: string;
  name: string;
}

let stack: Crumb[] = [];
let panel: HTMLElement | null = null;
let ctxRef: ViewContext | null = null;
/** English names of the sub-districts (their labels carry name_en; communities have none). */
let namesEn = new Map<string, string>();

/** A row's area name in the current language (English where the data have it). */
const areaName = (code: string, name: string | null): string => (getLang() === 'en' ? namesEn.get(code) : undefined) ?? name ?? code;

function table(rows: SummaryRow[], total: SummaryRow, level: SummaryLevel, open: (r: SummaryRow) => void): HTMLElement {
  const cols: Array<[MessageKey, (r: SummaryRow) => string]> = [
    ['ledger.col.grids', (r) => String(r.grids)],
    ['ledger.col.basicInfo', (r) => r.basicInfo.toLocaleString('zh-CN')],
    ['ledger.col.disputes', (r) => `${r.disputes}${paren(r.disputesOpen)}`],
    ['ledger.col.matters', (r) => String(r.matters)],
    ['ledger.col.visits', (r) => r.visits4w.toLocaleString('zh-CN')],
    ['ledger.col.hours', (r) => r.visitHours4w.toLocaleString('zh-CN')],
    ['ledger.col.volunteer', (r) => String(r.volunteer)],
  ];
  const head = h('tr', {}, h('th', {}, t('ledger.col.name')), ...cols.map(([k]) => h('th', {}, t(k))));
  const body = rows.map((r) => {
    const tr = h(
      'tr',
      { 'data-code': r.code, class: NEXT[level] ? 'lg-open' : '' },
      h('td', {}, areaName(r.code, r.name)),
      ...cols.map(([, f]) => h('td', {}, f(r))),
    );
    if (NEXT[level]) tr.addEventListener('click', () => open(r));
    return tr;
  });
  const foot = h('tr', { class: 'lg-total' }, h('td', {}, t('ledger.total')), ...cols.map(([, f]) => h('td', {}, f(total))));
  return h(
    'div',
    { class: 'lg-scroll' },
    h('table', { class: 'lg-table', 'data-testid': 'ledger-table' }, h('thead', {}, head), h('tbody', {}, ...body, foot)),
  );
}

async function render(): Promise<void> {
  const root = panel;
  const ctx = ctxRef;
  if (!root || !ctx) return;
  const cur = stack[stack.length - 1];
  const [summary, hours] = await Promise.all([
    ctx.busy.track(fieldApi.summary(cur.level, cur.within), 'ledger.busy'),
    // last full week: the current one is still running (on a Monday everyone is "under" the rule)
    fieldApi.hours(cur.within, new Date(Date.now() + 8 * 3600e3 - 7 * 86400e3).toISOString().slice(0, 10)).catch(() => null),
  ]);
  if (panel !== root) return;
  const back = h('button', { type: 'button', class: 'fd-link', 'data-testid': 'ledger-back', hidden: stack.length < 2 }, t('ledger.back'));
  back.addEventListener('click', () => {
    stack.pop();
    void render();
  });
  const link = (format: 'xlsx' | 'csv') =>
    h(
      'a',
      { class: 'fd-btn fd-link-btn', href: fieldApi.summaryExportUrl(cur.level, cur.within, format), download: '', 'data-testid': `ledger-export-${format}` },
      `${t('fw.ledger.export')} ${format.toUpperCase()}`,
    );
  const under = hours ? { members: hours.members.filter((m) => !m.ok), grids: hours.grids.filter((g) => g.under > 0).length } : null;
  root.replaceChildren(
    h('h2', { class: 'fd-h2' }, t('ledger.title')),
    h(
      'p',
      { class: 'fd-muted', 'data-testid': 'ledger-within' },
      `${t('ledger.within', { name: cur.within ? areaName(cur.within, cur.name) : t('ledger.district') })} · ${t(`ledger.level.${cur.level}` as MessageKey)}`,
    ),
    back,
    table(summary.rows, summary.total, cur.level, (r) => {
      const next = NEXT[cur.level];
      if (!next) return;
      stack.push({ level: next, within: r.code, name: r.name ?? r.code });
      void render();
    }),
    h('div', { class: 'fd-row' }, link('xlsx'), link('csv')),
    ...(under && hours
      ? [
          h('h2', { class: 'fd-h2', 'data-testid': 'ledger-under' }, t('ledger.underTitle', { n: under.members.length, grids: under.grids })),
          h(
            'details',
            { class: 'fd-details' },
            h('summary', {}, t('ledger.underWeek', { from: hours.weekStart, to: hours.weekEnd })),
            hoursList({ ...hours, members: under.members.slice(0, 300) }, true, 'last'),
          ),
        ]
      : []),
  );
}

export const ledgerView: ViewModule = {
  id: 'ledger',
  labelKey: 'ledger.view',
  order: 45,
  roles: ['leader', 'admin'],
  // the leaders' map layers of the ledgers (client/src/layers/ledger-*.ts); coverage shown at once
  layers: ['ledger-coverage'],
  async activate(ctx) {
    ctxRef = ctx;
    panel = h('div', { class: 'lg-panel', 'data-testid': 'ledger-panel' });
    ctx.panel.append(panel);
    stack = [{ level: 'subdistrict', name: t('ledger.district') }];
    namesEn = await ctx.api
      .labels('subdistricts')
      .then((fc) => new Map(fc.features.flatMap((f) => (f.properties?.name_en ? [[String(f.properties.id), String(f.properties.name_en)] as const] : []))))
      .catch(() => new Map<string, string>());
    await render().catch((e: unknown) =>
      panel?.replaceChildren(h('p', { class: 'fd-status error' }, `${t('error.load')}: ${e instanceof Error ? e.message : String(e)}`)),
    );
  },
  deactivate() {
    panel = null;
    ctxRef = null;
  },
  setLang() {
    void render();
  },
};
