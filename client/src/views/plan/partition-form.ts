/**
 * "Automatic partition" in the plan view: choose sub-districts (those in the planner's scope),
 * the household band and target, optionally start from the published plan ("re-partition keeping
 * what holds": the warm start moves as few households as possible); a progress bar fed by the
 * job's server-sent events, a cancel button; the result opens as a draft in the editor. Above the
 * band: "build units" from the imported raw data and its data-quality panel (units-build.ts).
 */
import { ApiError, type Api } from '../../api';
import type { PlanInfo } from '../../api/plans';
import { getLang, t } from '../../i18n';
import { onDataChanged } from '../../data-events';
import { h } from '../../panels/dom';
import { unitsBuildSection } from './units-build';
import { jobFailureText, jobProgressText, type JobStatusEvent } from './job-status';

export interface PartitionFormDeps {
  api: Api;
  /** The plans the planner sees (to find the published plan of the chosen sub-districts). */
  plans: () => PlanInfo[];
  /** Called with the new draft's id once the job succeeded. */
  onDone: (planId: number, warnings: number) => Promise<void>;
  /** Shown opened (the empty state: no plan yet). */
  open?: boolean;
  /** Zooms the map to [west, south, east, north] (the data-quality panel's items). */
  zoomTo?: (bbox: [number, number, number, number]) => void;
  /** Is a plan open in the editor (the built units are drawn only while none is)? */
  planOpen?: () => boolean;
  /** Brings [west, south, east, north] into view when it is not (the built units). */
  frame?: (bbox: [number, number, number, number]) => void;
}

interface SubdistrictChoice {
  id: string;
  name: string;
}

let choices: Promise<SubdistrictChoice[] | null> | null = null;

/**
 * The sub-districts the signed-in user may partition (all when sign-in is off), in code order;
 * null for roles that do not partition (leaders read plans only).
 */
function loadChoices(api: Api): Promise<SubdistrictChoice[] | null> {
  choices ??= Promise.all([api.labels('subdistricts'), api.session()]).then(([fc, s]) => {
    if (s.enforced && s.user && s.user.role !== 'admin' && s.user.role !== 'planner') return null;
    const scope = s.enforced && s.user && s.user.role !== 'admin' ? s.user.subdistricts : null;
    return fc.features
      .map((f) => f.properties as { id: string; name: string; name_en?: string | null })
      .filter((p) => !scope || scope.some((x) => p.id.startsWith(x)))
      .map((p) => ({ id: p.id, name: (getLang() === 'en' && p.name_en) || p.name }))
      .sort((a, b) => a.id.localeCompare(b.id));
  });
  choices.catch(() => (choices = null));
  return choices;
}

/** Does the signed-in user partition (and build units)? Leaders do not: they read plans only. */
export const canPartition = (api: Api): Promise<boolean> => loadChoices(api).then((c) => c !== null);

/** Names of sub-districts in the UI language ("人民路街道、新河路街道"); codes where unknown. */
export async function subdistrictNames(api: Api, ids: string[]): Promise<string> {
  const known = new Map(((await loadChoices(api).catch(() => null)) ?? []).map((c) => [c.id, c.name]));
  return ids.map((id) => known.get(id) ?? id).join(getLang() === 'en' ? ', ' : '、');
}

/** The published plan covering most of the chosen sub-districts (for the warm start), if any. */
export function publishedFor(plans: PlanInfo[], subs: string[]): PlanInfo | null {
  let best: PlanInfo | null = null;
  let bestN = 0;
  for (const p of plans) {
    if (p.status !== 'published') continue;
    const n = p.subdistricts.filter((s) => subs.includes(s)).length;
    if (n > bestN) [best, bestN] = [p, n];
  }
  return best;
}

export function partitionForm(deps: PartitionFormDeps): HTMLElement {
  const list = h('div', { class: 'plan-subs', 'data-testid': 'partition-subdistricts' }, t('plan.partition.loading'));
  const num = (value: number, testid: string) =>
    h('input', { type: 'number', min: '1', max: '100000', step: '1', value: String(value), 'data-testid': testid, class: 'plan-num' });
  const min = num(300, 'partition-min');
  const max = num(500, 'partition-max');
  const target = num(400, 'partition-target');
  const warm = h('input', { type: 'checkbox', 'data-testid': 'partition-warm' });
  const status = h('div', { class: 'plan-partition-status', 'data-testid': 'partition-status', role: 'status' });
  const fill = h('div', { class: 'busy-fill' });
  const bar = h('div', { class: 'plan-progress', 'data-testid': 'partition-progress' }, fill);
  const start = h('button', { type: 'button', class: 'plan-btn primary', 'data-testid': 'partition-start' }, t('plan.partition.start'));
  const cancel = h('button', { type: 'button', class: 'plan-btn', 'data-testid': 'partition-cancel' }, t('plan.partition.cancel'));
  let jobId: string | null = null;
  let source: EventSource | null = null;
  cancel.style.display = 'none';
  bar.style.display = 'none';

  const fillList = () =>
    void loadChoices(deps.api).then(
      (subs) => {
        if (!subs) return void (root.hidden = true);
        list.replaceChildren(
          ...subs.map((s) =>
            h(
              'label',
              { class: 'plan-sub' },
              h('input', { type: 'checkbox', value: s.id, checked: subs.length <= 2, 'data-testid': `partition-sub-${s.id}` }),
              ` ${s.name}`,
            ),
          ),
        );
        if (!subs.length) list.textContent = t('plan.partition.noneInScope');
      },
      () => (list.textContent = t('plan.partition.loadFailed')),
    );
  fillList();
  // an import of boundaries adds sub-districts: read the list again (kept while a job runs)
  onDataChanged((c) => {
    if (c.layer !== null && c.layer !== 'boundaries') return;
    choices = null;
    if (!jobId) fillList();
  });

  const chosen = () => [...list.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((i) => i.value);
  const say = (text: string, kind: 'info' | 'error' = 'info') => {
    status.textContent = text;
    status.className = `plan-partition-status ${kind}`;
  };
  const running = (on: boolean) => {
    start.disabled = on;
    // (style, not the hidden attribute: .plan-btn sets display)
    cancel.style.display = on ? '' : 'none';
    bar.style.display = on ? '' : 'none';
    if (!on) {
      source?.close();
      source = null;
      jobId = null;
    }
  };

  start.addEventListener('click', () => {
    const subdistricts = chosen();
    if (!subdistricts.length) return say(t('plan.partition.chooseFirst'), 'error');
    const band = { min: Number(min.value), max: Number(max.value), target: Number(target.value) };
    if (!(band.min >= 1 && band.max >= band.min && band.target >= band.min && band.target <= band.max)) {
      return say(t('plan.partition.badBand', band), 'error');
    }
    const previous = warm.checked ? publishedFor(deps.plans(), subdistricts) : null;
    if (warm.checked && !previous) return say(t('plan.partition.noPublished'), 'error');
    running(true);
    fill.style.width = '0%';
    say(t('plan.partition.started'));
    // "re-partition keeping what holds": every current unit (rebuilt ones too) starts in the
    // published grid holding it
    (previous ? deps.api.units.repartition({ subdistricts, ...band }) : deps.api.plans.partition({ subdistricts, ...band }))
      .then(({ jobId: id }) => {
        jobId = id;
        source = new EventSource(deps.api.plans.jobEventsUrl(id));
        source.onmessage = (ev) => {
          const e = JSON.parse(ev.data as string) as JobStatusEvent & {
            result?: { planId: number; grids: number; inBand: number; warnings: unknown[]; unitsMovedShare?: number };
          };
          fill.style.width = `${Math.round((e.progress ?? 0) * 100)}%`;
          if (e.status === 'running' || e.status === 'queued') say(jobProgressText(e));
          else if (e.status === 'succeeded' && e.result) {
            const r = e.result;
            running(false);
            say(
              t('plan.partition.done', { grids: r.grids, inBand: r.inBand, warnings: r.warnings.length }) +
                (r.unitsMovedShare !== undefined ? ` ${t('plan.partition.moved', { share: (r.unitsMovedShare * 100).toFixed(1) })}` : ''),
            );
            void deps.onDone(r.planId, r.warnings.length);
          } else if (e.status === 'failed') {
            running(false);
            say(t('plan.partition.failed', { message: jobFailureText(e) }), 'error');
          }
        };
        source.onerror = () => {
          // the stream ends with the job; a broken connection falls back to one status read
          if (!jobId) return;
          const id2 = jobId;
          source?.close();
          void deps.api.plans.job(id2).then(
            (j) => source && source.onmessage?.({ data: JSON.stringify(j) } as MessageEvent),
            () => undefined,
          );
        };
      })
      .catch((e: unknown) => {
        running(false);
        say(e instanceof ApiError || e instanceof Error ? e.message : String(e), 'error');
      });
  });
  cancel.addEventListener('click', () => {
    if (!jobId) return;
    void deps.api.plans.cancelJob(jobId).then(
      () => (running(false), say(t('plan.partition.cancelled'))),
      (e: unknown) => say(e instanceof Error ? e.message : String(e), 'error'),
    );
  });

  const root = h(
    'details',
    { class: 'plan-partition', 'data-testid': 'plan-partition', open: deps.open },
    h('summary', {}, t('plan.partition')),
    h('p', { class: 'muted' }, t('plan.partition.hint')),
    list,
    unitsBuildSection({ api: deps.api, chosen, zoomTo: deps.zoomTo, planOpen: deps.planOpen, frame: deps.frame }),
    h(
      'div',
      { class: 'plan-row wrap' },
      h('label', {}, t('plan.partition.min'), min),
      h('label', {}, t('plan.partition.max'), max),
      h('label', {}, t('plan.partition.target'), target),
    ),
    h('label', { class: 'plan-check' }, warm, ` ${t('plan.partition.warm')}`),
    h('div', { class: 'plan-row' }, start, cancel),
    bar,
    status,
  );
  return root;
}
