/**
 * The weekly patrol plan in the joint-defense view (issue J): generate the coming week's plan for
 * the sub-district from its hot spots, compare its held-out coverage with the current routes and
 * random-shop routes of the same length, see the routes by weekday on the map
 * (layers/patrol-plan.ts), a schedule table per group, edit it (drop a stop, move a slot) with the
 * coverage re-computed by the server at once, save, publish, download GPX per route and print the
 * schedule (the browser's print dialog saves it as PDF).
 */
import type { ViewContext } from '../types';
import type { CoverageFigure, PatrolEdit, PatrolPlan, PlanPatrol } from '../../api/patrol-plans';
import { getLang, t, paren, joinList, joinClauses } from '../../i18n';
import { h } from '../../panels/dom';
import { planState } from '../../state/patrol-plan';
import { jobResult } from '../../api/jobs';
import { jobFailureText, jobProgressText } from '../plan/job-status';
import { serverMessage } from '../../i18n/server-message';

const pct = (c: CoverageFigure) => `${(c.share * 100).toFixed(1)}%`;
const weekdayName = (d: number) => t(`pp.wd${d}` as 'pp.wd1');
const slotText = (p: { weekday: number; start_hour: number; hours: number }) =>
  `${weekdayName(p.weekday)} ${String(p.start_hour).padStart(2, '0')}:00–${String((p.start_hour + p.hours) % 24).padStart(2, '0')}:00`;

let live: CoverageFigure | null = null;
let problems: string[] = [];
let dirty = false;
let seq = 0;
/** The generation job while it runs: its progress (0..1) and status line. */
let running: { fraction: number; text: string } | null = null;

const edits = (): PatrolEdit[] =>
  planState.patrols.map((p) => ({ group: p.group, weekday: p.weekday, start_hour: p.start_hour, hours: p.hours, stops: p.stops }));

export interface PlanPanelDeps {
  ctx: ViewContext;
  subdistrict: () => string;
  say: (msg: string, kind?: 'info' | 'error') => void;
  /** The user edits patrol plans (coordinators, admins); leaders see a draft read-only. */
  canEdit: () => boolean;
}

/** Test hook: window.__wanggePatrolPlan. */
declare global {
  interface Window {
    __wanggePatrolPlan?: { planState: typeof planState; loaded: Promise<void> };
  }
}

export function renderPlanPanel(deps: PlanPanelDeps): HTMLElement {
  const box = h('section', { class: 'grp-plan', 'data-testid': 'plan-panel' });
  const draw = () => box.replaceChildren(...content(deps, draw));
  draw();
  window.__wanggePatrolPlan = { planState, loaded: loadLatest(deps, draw) };
  return box;
}

/**
 * Shows the sub-district's newest plan that is not archived (the week's published plan, or the
 * draft being worked on), so a coordinator coming back sees it and records the patrols done.
 */
async function loadLatest(deps: PlanPanelDeps, redraw: () => void): Promise<void> {
  const sub = deps.subdistrict();
  if (!sub || planState.plan?.subdistrict === sub) return;
  const plans = await deps.ctx.api.patrolPlans.list({ subdistrict: sub }).then(
    (r) => r.plans,
    () => [],
  );
  const newest = plans.find((x) => x.status !== 'archived');
  if (!newest || deps.subdistrict() !== sub || planState.plan) return;
  const plan = await deps.ctx.api.patrolPlans.get(newest.id).catch(() => null);
  if (!plan || deps.subdistrict() !== sub || planState.plan) return;
  planState.set({ plan, patrols: plan.patrols, weekday: 0 });
  redraw();
}

function coverageCard(p: PatrolPlan): HTMLElement {
  const gen = live ?? p.coverage.generated;
  const cell = (label: string, c: CoverageFigure, id: string) =>
    h(
      'div',
      { class: `pp-cov ${id}`, 'data-testid': `plan-cov-${id}` },
      h('strong', {}, pct(c)),
      h('span', {}, label),
      h('small', {}, t('pp.covDetail', { covered: c.covered, n: c.incidents, km: (c.length_m / 1000).toFixed(1), routes: c.routes })),
    );
  return h(
    'div',
    { class: 'pp-covs' },
    cell(t('pp.covGenerated'), gen, 'generated'),
    cell(t('pp.covCurrent'), p.coverage.current, 'current'),
    cell(t('pp.covRandom'), p.coverage.random, 'random'),
  );
}

function progressLine(): HTMLElement | string {
  if (!running) return '';
  return h(
    'div',
    { class: 'pp-progress', 'data-testid': 'plan-progress', role: 'progressbar', 'aria-valuenow': String(Math.round(running.fraction * 100)) },
    h('div', { class: 'pp-progress-bar' }, h('div', { class: 'busy-fill', style: `width:${Math.round(running.fraction * 100)}%` })),
    h('span', { class: 'muted', 'data-testid': 'plan-progress-text' }, running.text),
  );
}

/**
 * Generates the week's plan as a job (a queue worker may run it): its progress events show under
 * the button while it runs, then the new draft is read and shown.
 */
async function generate(deps: PlanPanelDeps, redraw: () => void): Promise<void> {
  const { ctx } = deps;
  running = { fraction: 0, text: t('pp.generating') };
  redraw();
  const task = ctx.busy.start('pp.generating');
  try {
    const { job } = await ctx.api.patrolPlans.start({ subdistrict: deps.subdistrict() });
    const result = await jobResult(job, (e) => {
      if (e.status === 'succeeded' || e.status === 'failed') return;
      running = { fraction: e.progress ?? 0, text: jobProgressText(e) };
      task.progress(e.progress ?? 0);
      redraw();
    }).catch((e: unknown) => {
      throw new Error(jobFailureText({ status: 'failed', progress: 0, message: e instanceof Error ? e.message : String(e) }));
    });
    const plan = await ctx.api.patrolPlans.get(Number(result.planId));
    live = null;
    problems = [];
    dirty = false;
    planState.set({ plan, patrols: plan.patrols, weekday: 0 });
    deps.say(t('pp.generated', { n: plan.patrols.length, zones: plan.zones.length }));
  } catch (e) {
    deps.say(t('grp.error', { msg: e instanceof Error ? e.message : String(e) }), 'error');
  } finally {
    task.done();
    running = null;
    redraw();
  }
}

/** The planned start of a patrol in its plan's week (ISO, Asia/Shanghai +08:00). */
export function plannedStart(weekStart: string, x: { weekday: number; start_hour: number }): string {
  const day = new Date(Date.parse(`${weekStart}T00:00:00Z`) + (x.weekday - 1) * 86400e3).toISOString().slice(0, 10);
  return `${day}T${String(x.start_hour).padStart(2, '0')}:00:00+08:00`;
}

/**
 * "Record done" on a published plan's patrol: the patrollers' names, then a patrol log of the group
 * linked to this planned patrol (closing the loop: the leaders see planned vs done per group).
 */
function logControl(deps: PlanPanelDeps, p: PatrolPlan, x: PlanPatrol & { id?: number }, i: number, redraw: () => void): HTMLElement {
  const box = h('span', { class: 'pp-log', 'data-edit': true });
  const open = h('button', { type: 'button', class: 'pp-log-open', 'data-testid': `plan-log-${i}`, title: t('pp.logHint') }, t('pp.log'));
  open.addEventListener('click', () => {
    const who = h('input', { type: 'text', class: 'short', placeholder: t('grp.patrollers'), 'data-testid': `plan-log-who-${i}`, required: true });
    const ok = h('button', { type: 'submit', 'data-testid': `plan-log-ok-${i}` }, t('pp.logOk'));
    const form = h('form', { class: 'pp-log-form' }, who, ok);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!who.value.trim()) return;
      ok.disabled = true;
      try {
        await deps.ctx.busy.track(
          deps.ctx.api.groups.addRecord(x.group, 'patrol-logs', {
            patrolled_at: plannedStart(p.week_start, x),
            patrollers: who.value.trim(),
            planned_patrol_id: x.id,
          }),
          'pp.saving',
        );
        const fresh = await deps.ctx.api.patrolPlans.get(p.id);
        planState.set({ plan: fresh, patrols: fresh.patrols });
        deps.say(t('pp.logged'));
      } catch (e) {
        deps.say(t('grp.error', { msg: e instanceof Error ? e.message : String(e) }), 'error');
      }
      redraw();
    });
    box.replaceChildren(form);
    who.focus();
  });
  box.append(open);
  return box;
}

function content(deps: PlanPanelDeps, redraw: () => void): HTMLElement[] {
  const { ctx } = deps;
  const p = planState.plan;
  const gen = h('button', { type: 'button', 'data-testid': 'plan-generate', disabled: running ? true : undefined, 'data-edit': true }, t('pp.generate'));
  gen.addEventListener('click', () => void generate(deps, redraw));
  const head = [h('h3', {}, t('pp.title')), h('p', { class: 'muted' }, t('pp.hint')), gen, progressLine()];
  if (!p) return [h('div', {}, ...head)];

  const names = new Map(p.groups.map((g) => [g.id, g.name]));
  const evaluate = async () => {
    const my = ++seq;
    dirty = true;
    try {
      const r = await ctx.api.patrolPlans.evaluate(p.id, edits());
      if (my !== seq) return;
      live = r.coverage;
      problems = r.problems;
      planState.set({ patrols: planState.patrols.map((x, i) => ({ ...x, ...r.patrols[i]!, id: x.id, done: x.done })) });
    } catch (e) {
      problems = [e instanceof Error ? e.message : String(e)];
    }
    redraw();
  };
  const change = (i: number, patch: Partial<PlanPatrol>) => {
    planState.set({ patrols: planState.patrols.map((x, k) => (k === i ? { ...x, ...patch } : x)) });
    void evaluate();
  };

  const days = h(
    'div',
    { class: 'pp-days', 'data-testid': 'plan-days' },
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((d) => {
      const b = h('button', { type: 'button', class: planState.weekday === d ? 'on' : '', 'data-day': String(d) }, d === 0 ? t('pp.allWeek') : weekdayName(d));
      b.addEventListener('click', () => {
        planState.set({ weekday: d });
        redraw();
      });
      return b;
    }),
  );

  // a draft is edited here by those who may; a leader sees it as a published plan reads
  const draft = p.status === 'draft' && deps.canEdit();
  const rows = planState.patrols
    .map((x, i) => ({ x, i }))
    .filter(({ x }) => planState.weekday === 0 || x.weekday === planState.weekday)
    .map(({ x, i }) => {
      const wd = h(
        'select',
        { 'data-testid': `plan-weekday-${i}`, disabled: draft ? undefined : true },
        ...[1, 2, 3, 4, 5, 6, 7].map((d) => h('option', { value: String(d), selected: d === x.weekday ? true : undefined }, weekdayName(d))),
      );
      wd.addEventListener('change', () => change(i, { weekday: Number(wd.value) }));
      const hr = h(
        'select',
        { 'data-testid': `plan-hour-${i}`, disabled: draft ? undefined : true },
        ...Array.from({ length: 24 }, (_, k) =>
          h('option', { value: String(k), selected: k === x.start_hour ? true : undefined }, `${String(k).padStart(2, '0')}:00`),
        ),
      );
      hr.addEventListener('change', () => change(i, { start_hour: Number(hr.value) }));
      const stops = x.stops.slice(1).map((s, k) => {
        const drop = h(
          'button',
          {
            type: 'button',
            class: 'pp-drop',
            title: t('pp.dropStop'),
            'data-testid': `plan-drop-${i}-${k}`,
            disabled: draft && x.stops.length > 2 ? undefined : true,
          },
          '✕',
        );
        drop.addEventListener('click', () => change(i, { stops: x.stops.filter((_, j) => j !== k + 1) }));
        // a stop that is no zone: one of the group's shops the patrol passes for its minimum length
        const zi = p.zones.findIndex((z) => z.id === s.id);
        return h('span', { class: zi < 0 ? 'pp-stop pp-via' : 'pp-stop' }, zi < 0 ? t('pp.viaShop') : `${t('pp.zone')}${zi + 1}`, draft ? drop : '');
      });
      const gpx = x.id && !dirty ? h('a', { href: ctx.api.patrolPlans.gpxUrl(p.id, x.id), download: `patrol-${x.id}.gpx` }, 'GPX') : '';
      return h(
        'tr',
        {},
        h('td', {}, names.get(x.group) ?? x.group),
        draft
          ? h('td', { class: 'pp-slot' }, wd, ' ', hr, h('span', { class: 'print-only' }, slotText(x)))
          : h('td', { class: 'pp-slot', 'data-slot': slotText(x) }, weekdayName(x.weekday), ' ', h('span', { class: 'pp-hours' }, slotText(x).split(' ')[1]!)),
        h('td', {}, ...stops),
        h('td', { class: 'num' }, `${(x.length_m / 1000).toFixed(2)} km`, gpx ? h('br') : '', gpx),
        h('td', { class: 'num' }, x.done ? `✓ ${x.done}` : '—', p.status === 'published' && x.id ? logControl(deps, p, x, i, redraw) : ''),
      );
    });
  const table = h(
    'table',
    { class: 'grp-table pp-table', 'data-testid': 'plan-table' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, t('pp.group')), h('th', {}, t('pp.slot')), h('th', {}, t('pp.stops')), h('th', {}, t('pp.length')), h('th', {}, t('pp.done'))),
    ),
    h('tbody', {}, ...rows),
  );
  const tableBox = h('div', { class: 'pp-table-wrap' }, table);

  const actions: HTMLElement[] = [];
  if (draft) {
    const save = h(
      'button',
      { type: 'button', 'data-testid': 'plan-save', disabled: dirty && !problems.length ? undefined : true, 'data-edit': true },
      t('pp.save'),
    );
    save.addEventListener('click', async () => {
      try {
        const r = await ctx.busy.track(ctx.api.patrolPlans.save(p.id, p.version, edits()), 'pp.saving');
        live = null;
        dirty = false;
        planState.set({ plan: r, patrols: r.patrols });
        deps.say(t('pp.saved'));
      } catch (e) {
        deps.say(t('grp.error', { msg: e instanceof Error ? e.message : String(e) }), 'error');
      }
      redraw();
    });
    const publish = h('button', { type: 'button', 'data-testid': 'plan-publish', disabled: dirty ? true : undefined, 'data-edit': true }, t('pp.publish'));
    publish.addEventListener('click', async () => {
      try {
        const r = await ctx.busy.track(ctx.api.patrolPlans.publish(p.id, p.version), 'pp.saving');
        planState.set({ plan: r, patrols: r.patrols });
        deps.say(t('pp.published', { week: r.week_start }));
      } catch (e) {
        deps.say(t('grp.error', { msg: e instanceof Error ? e.message : String(e) }), 'error');
      }
      redraw();
    });
    actions.push(save, publish);
  }
  const print = h('button', { type: 'button', 'data-testid': 'plan-print' }, t('pp.print'));
  print.addEventListener('click', () => {
    document.body.classList.add('printing-plan');
    window.print();
    document.body.classList.remove('printing-plan');
  });
  actions.push(print);

  const uncovered = p.uncovered.length
    ? h(
        'p',
        { class: 'pp-uncovered', 'data-testid': 'plan-uncovered' },
        t('pp.uncovered', {
          zones: joinList(
            p.uncovered.map(
              (u) => `${t('pp.zone')}${p.zones.findIndex((z) => z.id === u.id) + 1}${paren(t(u.reason === 'unreachable' ? 'pp.unreachable' : 'pp.capacity'))}`,
            ),
          ),
        }),
      )
    : h('p', { class: 'muted' }, t('pp.allCovered'));
  const zones = h(
    'details',
    { class: 'grp-section' },
    h('summary', {}, t('pp.zones', { n: p.zones.length })),
    h(
      'ol',
      {},
      ...p.zones.map((z) =>
        h(
          'li',
          {},
          t('pp.zoneLine', {
            kinds: z.kinds.map((k) => t(`pp.kind.${k}` as 'pp.kind.hot99')).join('/'),
            weekly: z.weekly.toFixed(1),
            days: joinList(z.peak_weekdays.map(weekdayName)),
            hours: joinList(z.peak_hours.map((x) => t('pp.hourOf', { h: x }))),
          }),
        ),
      ),
    ),
  );
  return [
    h('div', {}, ...head),
    h(
      'div',
      { class: 'pp-print' },
      h('h3', {}, t('pp.planTitle', { week: p.week_start, status: t(`pp.status.${p.status}` as 'pp.status.draft') })),
      h('p', { class: 'muted' }, t('pp.periods', { weeks: p.periods.plan.weeks, hold: p.periods.holdout.weeks })),
      coverageCard(p),
      problems.length
        ? h('p', { class: 'grp-message error', 'data-testid': 'plan-problems' }, joinClauses(problems.map((p) => serverMessage(p, getLang()))))
        : '',
      uncovered,
      days,
      tableBox,
      zones,
    ),
    h('div', { class: 'grp-controls' }, ...actions),
  ];
}

/** Drops the panel's edit state (another sub-district, view closed). */
export function resetPlanPanel(): void {
  live = null;
  problems = [];
  dirty = false;
  planState.set({ plan: null, patrols: [], weekday: 0 });
}
