/**
 * The leaders' patrol card in the hot-spot view (issue J): for the newest published weekly patrol
 * plan of each sub-district, its held-out coverage against the current and random-shop routes, and
 * planned vs done patrols per joint-defense group (patrol logs linked to the planned patrol).
 */
import type { Api } from '../../api';
import type { PlanSummary } from '../../api/patrol-plans';
import { t } from '../../i18n';
import { h } from '../../panels/dom';

const pct = (s: number) => `${(s * 100).toFixed(1)}%`;

export async function renderPatrolCoverage(api: Api, box: HTMLElement): Promise<void> {
  box.className = 'hs-patrol';
  box.setAttribute('data-testid', 'hotspots-patrol-coverage');
  let plans: PlanSummary[];
  try {
    plans = (await api.patrolPlans.list({ status: 'published' })).plans;
  } catch {
    box.replaceChildren();
    return;
  }
  const newest = new Map<string, PlanSummary>();
  for (const p of plans) if (!newest.has(p.subdistrict)) newest.set(p.subdistrict, p);
  if (!newest.size) {
    box.replaceChildren(h('h3', {}, t('pp.leaderTitle')), h('p', { class: 'muted' }, t('pp.leaderNone')));
    return;
  }
  const subs = await api.subdistricts().catch(() => null);
  const name = (id: string) => String(subs?.features.find((f) => f.properties?.id === id)?.properties?.name ?? id);
  const items: HTMLElement[] = [];
  for (const p of newest.values()) {
    items.push(
      h(
        'p',
        {},
        t('pp.leaderLine', {
          sub: name(p.subdistrict),
          week: p.week_start,
          gen: pct(p.coverage.generated.share),
          cur: pct(p.coverage.current.share),
          rnd: pct(p.coverage.random.share),
          done: p.done,
          planned: p.planned,
        }),
      ),
    );
    const detail = await api.patrolPlans.get(p.id).catch(() => null);
    if (detail) {
      items.push(
        h(
          'details',
          {},
          h('summary', {}, t('pp.leaderGroups')),
          h(
            'table',
            { class: 'hs-patrol-groups' },
            h('thead', {}, h('tr', {}, h('th', {}, t('pp.group')), h('th', {}, t('pp.planned')), h('th', {}, t('pp.done')))),
            h(
              'tbody',
              {},
              ...detail.progress.map((g) =>
                h('tr', {}, h('td', {}, g.name), h('td', { class: 'num' }, String(g.planned)), h('td', { class: 'num' }, String(g.done))),
              ),
            ),
          ),
        ),
      );
    }
  }
  box.replaceChildren(h('h3', {}, t('pp.leaderTitle')), ...items);
}
