/**
 * The plan editor's side panel, drawn from the session: the plan picker and status, the message
 * line, the partition form, the map tool's mode and scope buttons, undo / redo / publish (or copy
 * for a read-only plan), the statistics box, the selected grid's tools, a proposal, the problem,
 * warning and "1+3" staffing tables, the impact report, exports, print and import. Buttons call
 * the actions index.ts hands in.
 */
import type { Proposal } from '../../api/plans';
import { t, type MessageKey, joinList } from '../../i18n';
import { staffingProblemText } from './staffing-text';
import { h } from '../../panels/dom';
import type { ViewContext } from '../types';
import { canPartition, partitionForm } from './partition-form';
import { unitsReadOnlySection } from './units-build';
import { editable, session, setMessage, type Impact, type Mode, type Scope } from './session';
import { renderStats } from './stats-box';
import { warningRows } from './warnings';
import { btn, table } from './widgets';

/** What the panel's buttons and rows do (./actions.ts, wired by index.ts). */
export interface PanelActions {
  openPlan(id: number): Promise<void>;
  /** Opens the draft a partition job made. */
  openPartitioned(id: number): Promise<void>;
  reload(): Promise<void>;
  selectGrid(code: string | null): void;
  flyToGrid(code: string): void;
  undoRedo(kind: 'undo' | 'redo'): Promise<void>;
  publish(): Promise<void>;
  copyAsDraft(): Promise<void>;
  toggleLock(): Promise<void>;
  splitSelected(): Promise<void>;
  propose(kind: 'fix' | 'rebalance'): Promise<void>;
  acceptProposal(): Promise<void>;
  clearProposal(): void;
  toggleDiff(): Promise<void>;
  print(kind: 'png' | 'pdf'): Promise<void>;
  importFile(file: File): Promise<void>;
  importStaffFile(file: File): Promise<void>;
  seedStaff(): Promise<void>;
}

export class PlanPanel {
  private readonly el: Record<string, HTMLElement> = {};
  /** The partition form, made once per activation so a running job's progress survives re-renders. */
  private partitionEl: HTMLElement | null = null;
  /** Does the user partition (null: not known yet)? A leader gets the built units read-only instead of the form. */
  private partitions: boolean | null = null;
  /** The warnings table stays open across re-renders (a row click selects a grid). */
  private warningsOpen = false;

  constructor(private readonly act: PanelActions) {}

  /** The view deactivates: the next activation makes a new partition form. */
  reset(): void {
    this.partitionEl = null;
    this.partitions = null;
  }

  renderMessage(): void {
    const box = this.el.message;
    const message = session.message;
    if (!box) return;
    if (!message) return void box.replaceChildren();
    const children: Node[] = [h('span', {}, message.text)];
    if (message.reload) children.push(btn(t('plan.reload'), () => void this.act.reload(), { testid: 'plan-reload' }));
    box.replaceChildren(h('div', { class: `plan-msg ${message.kind}`, 'data-testid': 'plan-message' }, ...children));
  }

  renderStats(): void {
    renderStats(this.el.stats);
  }

  private renderImpact(imp: Impact): void {
    const box = this.el.impact;
    if (!box) return;
    if (!imp.published.length) {
      box.replaceChildren(h('p', { class: 'muted' }, t('plan.impact.nothingPublished')));
      return;
    }
    box.replaceChildren(
      h(
        'p',
        { 'data-testid': 'impact-summary' },
        t('plan.impact.summary', {
          units: imp.units_moved,
          hh: imp.households_moved,
          added: imp.grids_added.length,
          removed: imp.grids_removed.length,
          changed: imp.grids_changed.length,
        }),
      ),
      table(
        [t('plan.col.from'), t('plan.col.to'), t('plan.col.units'), t('plan.col.households')],
        imp.flows.slice(0, 30).map((f) => [f.from ?? '—', f.to ?? '—', f.units, f.households]),
        undefined,
        'impact-flows',
      ),
      h('p', {}, t('plan.impact.staff', { n: imp.staff.length })),
      h('p', {}, imp.groups === null ? t('plan.impact.groupsUnavailable') : t('plan.impact.groups', { n: imp.groups.length })),
    );
  }

  /** The partition's warnings of the plan (naming units and the fix); a row shows the grid of its first unit. */
  private warningsSection(): HTMLElement | null {
    const ws = session.plan?.warnings ?? [];
    if (!ws.length || !session.state) return null;
    const w = warningRows(ws, (u) => session.state!.gridOf(u));
    const tb = table(
      [t('plan.col.warning'), t('plan.col.units')],
      w.rows,
      (i) => {
        const code = w.grids[i];
        if (code) {
          this.act.selectGrid(code);
          this.act.flyToGrid(code);
        }
      },
      'warning-table',
    );
    tb.querySelectorAll('tbody tr').forEach((tr, i) => tr.setAttribute('title', w.titles[i]));
    const d = h('details', { open: this.warningsOpen }, h('summary', {}, t('plan.warnings', { n: ws.length })), tb);
    d.addEventListener('toggle', () => (this.warningsOpen = d.open));
    return d;
  }

  private partitionSection(c: ViewContext, open: boolean): HTMLElement {
    // an item of the data-quality list: on a phone (the panel under the map) the map scrolled out
    // of sight comes back into view, or the zoom would go unseen
    const zoomTo = (b: [number, number, number, number]) => {
      c.map.fitBounds(b, { padding: 60, maxZoom: 18, duration: 300 });
      const map = c.map.getContainer();
      const r = map.getBoundingClientRect();
      const top = map.closest('.app-main')?.getBoundingClientRect().top ?? 0;
      if (r.top + r.height / 2 < top) map.scrollIntoView({ block: 'start' });
    };
    if (this.partitions === false) {
      this.partitionEl ??= unitsReadOnlySection({
        api: c.api,
        zoomTo,
        planOpen: () => session.plan !== null,
        frame: (b) => c.map.fitBounds(b, { padding: 40, duration: 300 }),
      });
      return this.partitionEl;
    }
    this.partitionEl ??= partitionForm({
      api: c.api,
      plans: () => session.planList,
      open,
      zoomTo,
      planOpen: () => session.plan !== null,
      frame: (b) => {
        const v = c.map.getBounds();
        if (!v.contains([b[0], b[1]]) || !v.contains([b[2], b[3]])) c.map.fitBounds(b, { padding: 40, duration: 300 });
      },
      onDone: (id) => this.act.openPartitioned(id),
    });
    return this.partitionEl;
  }

  private proposalBox(proposal: Proposal): HTMLElement {
    return h(
      'div',
      { class: 'plan-proposal', 'data-testid': 'plan-proposal' },
      h('p', {}, proposal.message),
      proposal.moves.length
        ? table(
            [t('plan.col.code'), t('plan.col.before'), t('plan.col.after')],
            proposal.grids.map((g) => [g.code, g.before, g.after]),
          )
        : h('p', { class: 'muted', 'data-testid': 'proposal-nothing' }, t('plan.proposal.nothing')),
      h(
        'div',
        { class: 'plan-row' },
        btn(t('plan.accept'), () => void this.act.acceptProposal(), { testid: 'proposal-accept', kind: 'primary', disabled: !proposal.moves.length }),
        btn(t('plan.reject'), this.act.clearProposal, { testid: 'proposal-reject' }),
      ),
    );
  }

  render(): void {
    const c = session.ctx;
    if (!c) return;
    const act = this.act;
    const { plan, state } = session;
    if (!plan || !state) {
      if (this.partitions === null && !plan)
        void canPartition(c.api).then((p) => {
          this.partitions = p;
          if (p) return;
          this.partitionEl = null;
          this.render();
        });
      // a leader neither imports nor partitions: no buttons that end in a 403
      const readOnly = this.partitions === false;
      c.panel.replaceChildren(
        h(
          'div',
          { class: 'plan-view' },
          h('h2', { class: 'panel-title' }, t('view.plan')),
          h(
            'p',
            { class: 'muted', 'data-testid': plan ? 'plan-loading' : 'plan-empty' },
            plan ? `#${plan.id} ${plan.name} · ${t('plan.loading')}` : t(readOnly ? 'plan.noneReadOnly' : 'plan.none'),
          ),
          plan || readOnly ? null : h('p', {}, h('a', { href: '#view=import', class: 'plan-btn', 'data-testid': 'plan-empty-import' }, t('plan.emptyImport'))),
          plan ? null : this.partitionSection(c, true),
        ),
      );
      return;
    }
    const sel = h('select', { class: 'plan-select', 'data-testid': 'plan-select' });
    for (const p of session.planList) {
      const o = h('option', { value: String(p.id) }, `#${p.id} ${p.name} · ${t(`plan.status.${p.status}` as MessageKey)}`);
      if (p.id === plan.id) o.selected = true;
      sel.append(o);
    }
    sel.addEventListener('change', () => void act.openPlan(Number(sel.value)));
    const ed = editable();
    const { mode, scope, selected, proposal, staff, showDiff, lastImpact } = session;
    const modeBtn = (m: Mode, k: MessageKey) =>
      btn(t(k), () => ((session.mode = m), this.render()), { active: mode === m, testid: `mode-${m}`, disabled: m !== 'select' && !ed });
    const scopeBtn = (s: Scope, k: MessageKey) => btn(t(k), () => ((session.scope = s), this.render()), { active: scope === s, testid: `scope-${s}` });
    this.el.message = h('div', {});
    this.el.stats = h('div', { class: 'plan-stats-box' });
    this.el.impact = h('div', { class: 'plan-impact' });
    const impactOpen = showDiff && lastImpact !== null;
    const fileInput = (accept: string, onFile: (f: File) => void, testid: string) => {
      const i = h('input', { type: 'file', accept, 'data-testid': testid, class: 'plan-file' });
      i.addEventListener('change', () => i.files?.[0] && onFile(i.files[0]));
      return i;
    };
    const problems = state
      .codes()
      .map((code) => state.stats(code))
      .filter((s) => !s.inBand || !s.contiguous);
    const exp = (fmt: 'geojson' | 'shp' | 'csv', k: MessageKey) =>
      h('a', { class: 'plan-btn', href: c.api.plans.exportUrl(plan.id, fmt), download: '', 'data-testid': `export-${fmt}` }, t(k));

    c.panel.replaceChildren(
      h(
        'div',
        { class: 'plan-view', 'data-testid': 'plan-view' },
        h('h2', { class: 'panel-title' }, t('view.plan')),
        sel,
        h(
          'div',
          { class: 'plan-meta', 'data-testid': 'plan-meta' },
          h('span', { class: `status ${plan.status}`, 'data-testid': 'plan-status' }, t(`plan.status.${plan.status}` as MessageKey)),
          h('span', { 'data-testid': 'plan-version' }, `v${plan.version}`),
          h('span', {}, plan.author),
        ),
        this.el.message,
        this.partitionSection(c, false),
        ed
          ? h(
              'div',
              { class: 'plan-toolbar' },
              h(
                'div',
                { class: 'plan-row' },
                modeBtn('select', 'plan.mode.select'),
                modeBtn('brush', 'plan.mode.brush'),
                modeBtn('lasso', 'plan.mode.lasso'),
                modeBtn('erase', 'plan.mode.erase'),
              ),
              h(
                'div',
                { class: 'plan-row' },
                h('span', { class: 'muted' }, t('plan.scope')),
                scopeBtn('unit', 'plan.scope.unit'),
                scopeBtn('compound', 'plan.scope.compound'),
                scopeBtn('block', 'plan.scope.block'),
              ),
              h(
                'div',
                { class: 'plan-row' },
                btn(t('plan.undo'), () => void act.undoRedo('undo'), { testid: 'plan-undo' }),
                btn(t('plan.redo'), () => void act.undoRedo('redo'), { testid: 'plan-redo' }),
                btn(t('plan.publish'), () => void act.publish(), { testid: 'plan-publish', kind: 'primary' }),
              ),
            )
          : h(
              'div',
              { class: 'plan-row' },
              h('span', { class: 'muted' }, t('plan.readOnly')),
              btn(t('plan.copy'), () => void act.copyAsDraft(), { testid: 'plan-copy' }),
            ),
        this.el.stats,
        selected && ed
          ? h(
              'div',
              { class: 'plan-row wrap' },
              btn(t('plan.lock'), () => void act.toggleLock(), { testid: 'plan-lock' }),
              btn(t('plan.split'), () => void act.splitSelected(), { testid: 'plan-split' }),
              btn(t('plan.merge'), () => ((session.mode = 'merge'), setMessage('info', t('plan.msg.mergeHint')), this.render()), {
                testid: 'plan-merge',
                active: mode === 'merge',
              }),
              btn(t('plan.fix'), () => void act.propose('fix'), { testid: 'plan-fix' }),
              btn(t('plan.rebalance'), () => void act.propose('rebalance'), { testid: 'plan-rebalance' }),
            )
          : null,
        ed && !selected ? h('p', { class: 'muted' }, t('plan.newGridHint')) : null,
        proposal ? this.proposalBox(proposal) : null,
        h(
          'details',
          { open: problems.length > 0 && problems.length < 40 },
          h('summary', {}, t('plan.problems', { n: problems.length })),
          table(
            [t('plan.col.code'), t('plan.col.households'), t('plan.col.issue')],
            problems.map((s) => [
              s.code,
              s.households,
              joinList([!s.inBand ? t('plan.issue.band') : '', !s.contiguous ? t('plan.issue.contiguity') : ''].filter(Boolean)),
            ]),
            (i) => (act.selectGrid(problems[i].code), act.flyToGrid(problems[i].code)),
            'problem-table',
          ),
        ),
        this.warningsSection(),
        h(
          'details',
          {},
          h('summary', {}, t('plan.staffing', { n: staff?.violations.length ?? 0 })),
          table(
            [t('plan.col.code'), t('plan.col.staff'), t('plan.col.issue')],
            (staff?.violations ?? []).map((v) => [v.code, `${v.leaders}+${v.members}`, staffingProblemText(v.leaders, v.members) ?? '']),
            (i) => {
              const code = session.staff!.violations[i].code;
              act.selectGrid(code);
              act.flyToGrid(code);
            },
            'staff-table',
          ),
          h(
            'div',
            { class: 'plan-row' },
            h(
              'label',
              { class: 'plan-btn' },
              t('plan.staff.import'),
              fileInput('.csv,text/csv', (f) => void act.importStaffFile(f), 'staff-file'),
            ),
            btn(t('plan.staff.seed'), () => void act.seedStaff()),
          ),
        ),
        h(
          'details',
          { open: impactOpen },
          h('summary', {}, t('plan.impact')),
          h(
            'div',
            { class: 'plan-row' },
            btn(showDiff ? t('plan.impact.hide') : t('plan.impact.show'), () => void act.toggleDiff(), { testid: 'plan-impact', active: showDiff }),
          ),
          this.el.impact,
        ),
        h(
          'details',
          {},
          h('summary', {}, t('plan.export')),
          h(
            'div',
            { class: 'plan-row wrap' },
            exp('geojson', 'plan.export.geojson'),
            exp('shp', 'plan.export.shp'),
            exp('csv', 'plan.export.csv'),
            btn(t('plan.export.png'), () => void act.print('png'), { testid: 'export-png' }),
            btn(t('plan.export.pdf'), () => void act.print('pdf'), { testid: 'export-pdf' }),
          ),
          h(
            'div',
            { class: 'plan-row' },
            h(
              'label',
              { class: 'plan-btn' },
              t('plan.import'),
              fileInput('.csv,.geojson,.json', (f) => void act.importFile(f), 'plan-import-file'),
            ),
          ),
        ),
      ),
    );
    this.renderMessage();
    this.renderStats();
    if (impactOpen) this.renderImpact(lastImpact!);
  }
}
