/**
 * The plan panel's statistics box: the plan's summary (grids, out of band, not contiguous,
 * unassigned households, split compounds, staffing problems) and the selected grid's figures,
 * computed on the client so they follow every paint at once.
 */
import { getLang, t, type MessageKey } from '../../i18n';
import { h } from '../../panels/dom';
import { session } from './session';
import { gridColour } from './state';
import { serverMessage } from '../../i18n/server-message';

const fmtPct = (x: number) => `${(x * 100).toFixed(1)}%`;

function bandClass(hh: number): string {
  const state = session.state;
  if (!state) return '';
  if (hh < state.min || hh > state.max) return 'bad';
  if (hh < state.min + 20 || hh > state.max - 20) return 'warn';
  return 'ok';
}

/** A grid with nobody on it yet (a new draft's grids): not staffed, rather than staffed wrongly. */
const unstaffed = (g: { leaders: number; members: number }) => g.leaders === 0 && g.members === 0;

function staffingOf(code: string): string {
  const g = session.staff?.grids.find((x) => x.code === code);
  if (!g || unstaffed(g)) return t('plan.staff.none');
  return g.ok ? t('plan.staff.ok', { l: g.leaders, m: g.members }) : `${g.leaders}+${g.members} · ${serverMessage(g.problem ?? '', getLang())}`;
}

/**
 * "1+3" in the summary: grids staffed wrongly are a problem (red); grids with nobody yet (every grid
 * of a first draft, before a roster is imported or staff are assigned) are said as such, not red.
 */
function staffingSummary(): HTMLElement[] {
  const violations = session.staff?.violations ?? [];
  const empty = violations.filter(unstaffed).length;
  const broken = violations.length - empty;
  const out = [h('span', { class: broken ? 'bad' : 'ok' }, t('plan.sum.staffing', { n: broken }))];
  if (empty) out.push(h('span', { class: 'muted', 'data-testid': 'plan-unstaffed' }, t('plan.sum.unstaffed', { n: empty })));
  return out;
}

function staffingClass(g: { leaders: number; members: number; ok: boolean } | undefined): string {
  if (!g || unstaffed(g)) return 'muted';
  return g.ok ? 'ok' : 'bad';
}

export function renderStats(box: HTMLElement | undefined): void {
  const { state, staff, selected } = session;
  if (!box || !state) return;
  const sum = state.summary();
  const planRows = h(
    'div',
    { class: 'plan-summary', 'data-testid': 'plan-summary' },
    h('span', {}, t('plan.sum.grids', { n: sum.grids })),
    h('span', { class: sum.outOfBand ? 'bad' : 'ok' }, t('plan.sum.outOfBand', { n: sum.outOfBand })),
    h('span', { class: sum.nonContiguous ? 'bad' : 'ok' }, t('plan.sum.nonContiguous', { n: sum.nonContiguous })),
    h('span', {}, t('plan.sum.unassigned', { n: sum.unassignedHouseholds })),
    h('span', {}, t('plan.sum.compoundsSplit', { n: sum.compoundsSplit })),
    ...staffingSummary(),
  );
  if (!selected) {
    box.replaceChildren(planRows, h('p', { class: 'muted' }, t('plan.selectHint')));
    return;
  }
  const s = state.stats(selected);
  const row = (k: MessageKey, v: string, cls = '', testid?: string) => h('tr', {}, h('th', {}, t(k)), h('td', { class: cls, 'data-testid': testid }, v));
  box.replaceChildren(
    planRows,
    h('h3', { class: 'plan-grid-title' }, h('span', { class: 'swatch', style: `background:${gridColour(selected)}` }), `${t('plan.grid')} ${selected}`),
    h(
      'table',
      { class: 'props plan-stats', 'data-testid': 'grid-stats' },
      h(
        'tbody',
        {},
        row('plan.stat.households', `${s.households}  (${state.min}–${state.max})`, bandClass(s.households), 'stat-households'),
        row('plan.stat.units', String(s.units)),
        row('plan.stat.buildings', String(s.buildings)),
        row('plan.stat.contiguous', s.contiguous ? '✓' : `✗ ${t('plan.stat.notContiguous')}`, s.contiguous ? 'ok' : 'bad'),
        row('plan.stat.pp', s.polsbyPopper.toFixed(3), s.polsbyPopper < 0.15 ? 'warn' : ''),
        row('plan.stat.compoundsSplit', String(s.compoundsSplit), s.compoundsSplit ? 'warn' : ''),
        row(
          'plan.stat.party',
          t('plan.stat.partyValue', { party: s.party, plaqued: s.plaqued, share: fmtPct(s.plaquedShare) }),
          s.party === 0 ? '' : s.plaquedShare >= 0.2 ? 'ok' : 'warn',
          'stat-party',
        ),
        row('plan.stat.staff', staffingOf(selected), staffingClass(staff?.grids.find((g) => g.code === selected))),
      ),
    ),
  );
}
