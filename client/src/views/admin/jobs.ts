/**
 * Recent jobs (admin): partition, units build, grouping, import, patrol plan, newest first, with a
 * status filter. A failed job shows its error; a dead-lettered one (every run failed, no more
 * retries) is marked and shows the last run's error.
 */
import { jobsApi, type JobListItem, type JobListFilter } from '../../api/jobs';
import { t, tMaybe, joinList } from '../../i18n';
import { h } from '../../panels/dom';
import type { Busy } from '../../panels/busy';
import { shanghai } from '../cases/format';

const STATUSES = ['', 'queued', 'running', 'succeeded', 'failed', 'dead_letter'] as const;

export const jobKindLabel = (k: string) => tMaybe(`jobs.kind.${k}`) ?? k;

function statusCell(j: JobListItem): HTMLElement {
  if (j.dead_letter) return h('span', { class: 'ad-pill dead', 'data-testid': 'job-dead' }, t('jobs.deadLetter'));
  const cls = j.status === 'failed' ? 'ad-pill bad' : j.status === 'succeeded' ? 'ad-pill' : 'ad-pill wait';
  const pct = j.status === 'running' ? ` ${Math.round(j.progress * 100)}%` : '';
  return h('span', { class: cls }, `${t(`jobs.status.${j.status}` as Parameters<typeof t>[0])}${pct}`);
}

export async function mountJobs(root: HTMLElement, busy: Busy): Promise<void> {
  const status = h(
    'select',
    { class: 'ad-input', name: 'status', 'data-testid': 'jobs-status' },
    ...STATUSES.map((s) =>
      h('option', { value: s }, s ? (s === 'dead_letter' ? t('jobs.deadLetter') : t(`jobs.status.${s}` as Parameters<typeof t>[0])) : t('jobs.all')),
    ),
  );
  const refresh = h('button', { type: 'button', class: 'ad-btn', 'data-testid': 'jobs-refresh' }, t('jobs.refresh'));
  const msg = h('p', { class: 'ad-status', role: 'status' });
  const table = h('div', { class: 'ad-jobs', 'data-testid': 'jobs-result', 'data-loads': '0' });
  let loads = 0;
  let seq = 0;

  const draw = (jobs: JobListItem[]) => {
    const body = h('tbody', {});
    for (const j of jobs) {
      const error =
        j.status === 'failed' && j.message
          ? h(
              'div',
              { class: 'ad-job-error', 'data-testid': 'job-error' },
              j.dead_letter ? t('jobs.deadError', { runs: j.attempts, message: j.message }) : j.message,
            )
          : null;
      body.append(
        h(
          'tr',
          { class: `ad-job${j.dead_letter ? ' dead' : ''}`, 'data-job': j.id, 'data-status': j.dead_letter ? 'dead_letter' : j.status },
          h('td', { class: 'ad-nowrap' }, shanghai(j.created_at).slice(5, 16)),
          h(
            'td',
            {},
            h('div', { class: 'ad-strong' }, jobKindLabel(j.kind)),
            h('div', { class: 'ad-muted' }, j.subdistricts ? joinList(j.subdistricts) : t('jobs.noScope')),
          ),
          h('td', {}, statusCell(j), error),
          h('td', { class: 'ad-nowrap' }, String(j.attempts)),
          h('td', {}, h('div', {}, j.created_by ?? '—'), h('div', { class: 'ad-muted ad-code' }, j.worker ?? t('jobs.inProcess'))),
        ),
      );
    }
    if (!jobs.length) body.append(h('tr', {}, h('td', { colspan: '5', class: 'ad-muted' }, t('jobs.empty'))));
    table.replaceChildren(
      h(
        'table',
        { class: 'ad-table', 'data-testid': 'jobs-table' },
        h('thead', {}, h('tr', {}, ...(['jobs.created', 'jobs.kind', 'jobs.state', 'jobs.runs', 'jobs.who'] as const).map((k) => h('th', {}, t(k))))),
        body,
      ),
    );
  };

  const load = async () => {
    const my = ++seq;
    msg.textContent = '';
    msg.classList.remove('error');
    try {
      const f: JobListFilter = { limit: 50, ...(status.value ? { status: status.value as JobListFilter['status'] } : {}) };
      const res = await busy.track(jobsApi.list(f), 'admin.loading');
      if (my !== seq) return;
      draw(res.jobs);
      table.dataset.loads = String(++loads);
    } catch (e) {
      msg.textContent = e instanceof Error ? e.message : String(e);
      msg.classList.add('error');
    }
  };
  status.addEventListener('change', () => void load());
  refresh.addEventListener('click', () => void load());
  root.replaceChildren(
    h('div', { class: 'ad-head' }, h('h2', { class: 'ad-h2' }, t('jobs.title')), h('div', { class: 'ad-row' }, status, refresh)),
    h('p', { class: 'ad-muted' }, t('jobs.hint')),
    msg,
    table,
  );
  await load();
}
