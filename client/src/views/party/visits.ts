/**
 * For the grid's own staff: the serving party members linked to their grid, this quarter's visits
 * of each, and "record a visit" (today) for a member who came to the grid.
 */
import { partyApi, type ServingMember } from '../../api/party';
import { t } from '../../i18n';
import { h } from '../../panels/dom';
import { today } from './format';

export function renderGridMembers(
  grid: string,
  members: ServingMember[],
  quarter: string,
  onRecorded: () => void,
  say: (msg: string, error?: boolean) => void,
): HTMLElement {
  const list = h('ul', { class: 'pt-members', 'data-testid': 'party-members' });
  for (const m of members) {
    const btn = h('button', { class: 'pt-btn', type: 'button', 'data-member': String(m.id) }, t('party.recordVisit'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await partyApi.recordVisit({ memberId: m.id, grid, visitedOn: today() });
        say(t('party.visitRecorded', { name: m.name ?? `#${m.id}` }));
        onRecorded();
      } catch (e) {
        say((e as Error).message, true);
        btn.disabled = false;
      }
    });
    list.append(
      h(
        'li',
        { class: 'pt-member' },
        h(
          'div',
          { class: 'pt-member-main' },
          h('div', { class: 'pt-name' }, m.name ?? `#${m.id}`),
          h('div', { class: 'pt-sub' }, t('party.memberLine', { team: m.teamName, visits: m.visits, last: m.lastVisit ?? '—' })),
        ),
        h('span', { class: `pt-badge pt-${m.visits > 0 ? 'ok' : 'warn'}` }, m.visits > 0 ? t('party.visited') : t('party.notVisited')),
        btn,
      ),
    );
  }
  return h(
    'div',
    { class: 'pt-grid-members' },
    h('h3', { class: 'pt-h3' }, t('party.gridMembers', { grid: grid.slice(-6), n: members.length, quarter })),
    members.length ? list : h('p', { class: 'pt-sub' }, t('party.noMembers')),
  );
}
