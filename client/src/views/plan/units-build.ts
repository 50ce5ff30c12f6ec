/**
 * "Build units" in the plan view's partition form: derives blocks and units for the chosen
 * sub-districts from the imported boundaries, streets, buildings and household register (a job with
 * a progress bar and cancel), then shows the data-quality panel: counts of what a planner must fix
 * and a list whose items zoom the map to the place. On the map (plan view layers): the report's
 * items as markers by kind, the one clicked highlighted (layers/quality.ts), and, while no plan is
 * open, the units just built with their households (layers/built-units.ts).
 */
import type { Api } from '../../api';
import { QUALITY_KINDS, SLIVER_MEAN_WIDTH_M, type QualityItem, type QualityReport } from '../../api/units';
import { t, type MessageKey } from '../../i18n';
import { h } from '../../panels/dom';
import { jobFailureText, jobProgressText } from './job-status';
import { followJob } from '../../api/jobs';
import { qualityRefText } from './quality-ref';
import { errorText } from './session';
import { builtUnitsBbox, setBuiltUnits } from '../../layers/built-units';
import { highlightedQualityItem, highlightQualityItem, setQualityItems } from '../../layers/quality';

export interface UnitsBuildDeps {
  api: Api;
  /** The sub-districts chosen in the partition form. */
  chosen: () => string[];
  /** Zooms the map to [west, south, east, north]. */
  zoomTo?: (bbox: [number, number, number, number]) => void;
  /** Is a plan open in the editor (it draws its own units: the built units are not drawn then)? */
  planOpen?: () => boolean;
  /** Brings [west, south, east, north] into view when it is not (the built units). */
  frame?: (bbox: [number, number, number, number]) => void;
}

/** Items listed per kind in the panel (the counts are complete). */
const LIST_PER_KIND = 50;

export function qualityPanel(report: QualityReport, zoomTo?: UnitsBuildDeps['zoomTo']): HTMLElement {
  let current: HTMLElement | null = null;
  const zoom = (i: QualityItem, button: HTMLElement) => {
    const d = 0.0006;
    current?.removeAttribute('aria-current');
    current = button;
    button.setAttribute('aria-current', 'true');
    highlightQualityItem(i);
    zoomTo?.(i.bbox ?? [i.at[0] - d, i.at[1] - d, i.at[0] + d, i.at[1] + d]);
  };
  const sections = QUALITY_KINDS.filter((k) => report.counts[k] > 0).map((k) => {
    const items = report.items.filter((i) => i.kind === k).slice(0, LIST_PER_KIND);
    return h(
      'details',
      { class: 'plan-quality-kind', 'data-testid': `quality-${k}` },
      h('summary', {}, `${t(`plan.quality.${k}` as MessageKey)} `, h('b', { 'data-testid': `quality-count-${k}` }, String(report.counts[k]))),
      h(
        'ul',
        { class: 'plan-quality-items' },
        ...items.map((i) => {
          const li = h(
            'li',
            {},
            h(
              'button',
              { type: 'button', class: 'plan-link', title: t('plan.quality.zoom') },
              i.households !== undefined ? `${qualityRefText(i.ref)} · ${t('plan.quality.households', { n: i.households })}` : qualityRefText(i.ref),
            ),
          );
          const button = li.querySelector('button')!;
          button.addEventListener('click', () => zoom(i, button));
          return li;
        }),
      ),
    );
  });
  const total = QUALITY_KINDS.reduce((s, k) => s + (k === 'gap_healed' ? 0 : report.counts[k]), 0);
  return h(
    'div',
    { class: 'plan-quality', 'data-testid': 'quality-panel' },
    h('h4', {}, t('plan.quality.title')),
    h('p', { class: 'muted' }, total ? t('plan.quality.summary', { n: total }) : t('plan.quality.clean')),
    report.street_slivers
      ? h('p', { class: 'muted', 'data-testid': 'quality-slivers' }, t('plan.quality.slivers', { n: report.street_slivers, w: SLIVER_MEAN_WIDTH_M }))
      : null,
    ...sections,
    report.warnings.length
      ? h(
          'details',
          { class: 'plan-quality-kind' },
          h('summary', {}, `${t('plan.quality.warnings')} `, h('b', {}, String(report.warnings.length))),
          h('ul', {}, ...report.warnings.slice(0, LIST_PER_KIND).map((w) => h('li', {}, w.message))),
        )
      : null,
  );
}

/** The report in `panel` and on the map, and the built units of `subs` while no plan is open. */
function showBuilt(deps: Omit<UnitsBuildDeps, 'chosen'>, panel: HTMLElement, report: QualityReport | null, subs: string[], fail: (m: string) => void): void {
  panel.replaceChildren(report ? qualityPanel(report, deps.zoomTo) : h('p', { class: 'muted' }, t('plan.quality.none')));
  setQualityItems(report?.items ?? null);
  if (!report || deps.planOpen?.()) return setBuiltUnits(null);
  deps.api.units.built(subs).then(
    (fc) => {
      if (deps.planOpen?.()) return;
      setBuiltUnits(fc);
      // the units come into view, unless the planner already went to an item of the list
      const box = builtUnitsBbox(fc);
      if (box && !highlightedQualityItem()) deps.frame?.(box);
    },
    (e: unknown) => fail(errorText(e)),
  );
}

/**
 * For a role that reads plans but does not build units (a leader): the latest build of the
 * sub-districts in its scope, its data-quality panel and the built units on the map, without the
 * build and partition buttons (the server answers those with 403).
 */
export function unitsReadOnlySection(deps: Omit<UnitsBuildDeps, 'chosen'>): HTMLElement {
  const panel = h('div', { 'data-testid': 'units-quality-panel' });
  const status = h('div', { class: 'plan-partition-status', role: 'status' });
  const fail = (m: string) => {
    status.textContent = m;
    status.className = 'plan-partition-status error';
  };
  deps.api.units.quality([]).then(
    (q) => {
      if (!q.builds.length) return;
      root.hidden = false;
      showBuilt(deps, panel, q.report, [...new Set(q.builds.map((b) => b.subdistrict))], fail);
    },
    (e: unknown) => fail(errorText(e)),
  );
  const root = h('div', { class: 'plan-units-build', 'data-testid': 'units-readonly' }, h('p', { class: 'muted' }, t('plan.units.readOnly')), status, panel);
  root.hidden = true;
  return root;
}

export function unitsBuildSection(deps: UnitsBuildDeps): HTMLElement {
  const start = h('button', { type: 'button', class: 'plan-btn', 'data-testid': 'units-build' }, t('plan.units.build'));
  const cancel = h('button', { type: 'button', class: 'plan-btn', 'data-testid': 'units-cancel' }, t('plan.partition.cancel'));
  const reportButton = h('button', { type: 'button', class: 'plan-btn', 'data-testid': 'units-quality' }, t('plan.quality.show'));
  const fill = h('div', { class: 'busy-fill' });
  const bar = h('div', { class: 'plan-progress', 'data-testid': 'units-progress' }, fill);
  const status = h('div', { class: 'plan-partition-status', 'data-testid': 'units-status', role: 'status' });
  const panel = h('div', { 'data-testid': 'units-quality-panel' });
  let jobId: string | null = null;
  let stop: (() => void) | null = null;
  cancel.style.display = 'none';
  bar.style.display = 'none';
  const say = (text: string, kind: 'info' | 'error' = 'info') => {
    status.textContent = text;
    status.className = `plan-partition-status ${kind}`;
  };
  const running = (on: boolean) => {
    start.disabled = on;
    cancel.style.display = on ? '' : 'none';
    bar.style.display = on ? '' : 'none';
    if (!on) {
      stop?.();
      stop = null;
      jobId = null;
    }
  };
  const showReport = (report: QualityReport | null, subs: string[]) => showBuilt(deps, panel, report, subs, (m) => say(m, 'error'));
  const loadReport = async (subs: string[]) => {
    const q = await deps.api.units.quality(subs);
    showReport(q.builds.length ? q.report : null, subs);
  };

  start.addEventListener('click', () => {
    const subs = deps.chosen();
    if (!subs.length) return say(t('plan.partition.chooseFirst'), 'error');
    running(true);
    fill.style.width = '0%';
    say(t('plan.partition.started'));
    deps.api.units.build(subs).then(
      ({ jobId: id }) => {
        jobId = id;
        stop = followJob(id, (e) => {
          fill.style.width = `${Math.round((e.progress ?? 0) * 100)}%`;
          if (e.status === 'running' || e.status === 'queued') say(jobProgressText(e));
          else if (e.status === 'succeeded' && e.result) {
            const r = e.result as { units: number; blocks: number; households: number; unitsRetired: number; quality: QualityReport };
            running(false);
            say(t('plan.units.done', { units: r.units, blocks: r.blocks, households: r.households, retired: r.unitsRetired }));
            showReport(r.quality, subs);
          } else if (e.status === 'failed') {
            running(false);
            say(t('plan.units.failed', { message: jobFailureText(e) }), 'error');
          }
        });
      },
      (e: unknown) => {
        running(false);
        say(errorText(e), 'error');
      },
    );
  });
  cancel.addEventListener('click', () => {
    if (!jobId) return;
    void deps.api.plans.cancelJob(jobId).then(
      () => (running(false), say(t('plan.partition.cancelled'))),
      (e: unknown) => say(errorText(e), 'error'),
    );
  });
  reportButton.addEventListener('click', () => {
    void loadReport(deps.chosen()).catch((e: unknown) => say(errorText(e), 'error'));
  });

  return h(
    'div',
    { class: 'plan-units-build', 'data-testid': 'units-build-section' },
    h('p', { class: 'muted' }, t('plan.units.hint')),
    h('div', { class: 'plan-row' }, start, cancel, reportButton),
    bar,
    status,
    panel,
  );
}
