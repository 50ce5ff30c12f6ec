/**
 * The party organisation tab: per community its party committee, its branches with their grids and
 * the plaque rule (party-member households, plaqued, plaqued share against 20%), and the community
 * party work teams with this quarter's visits. Aggregates only.
 */
import type { PartyCommunity, PartyGrid, PartyTeam } from '../../api/party';
import { t } from '../../i18n';
import { h } from '../../panels/dom';
import { num, pct, verdict } from './format';

function gridRow(g: PartyGrid): HTMLElement {
  const v = verdict(g.meets, g.partyHouseholds);
  return h(
    'tr',
    { class: 'pt-grid', 'data-grid': g.code },
    h('td', {}, g.code.slice(-6)),
    h('td', { class: 'num' }, num(g.partyHouseholds)),
    h('td', { class: 'num' }, num(g.plaqued)),
    h('td', { class: `num pt-${v.cls}`, title: v.why }, pct(g.share)),
    h('td', { class: 'num' }, `${g.visits}`),
  );
}

/** Leaders and admins: an editor of a branch's grids (opened under the branch row). */
export type BranchEdit = (c: PartyCommunity, branchId: string) => HTMLElement;

function communityBlock(c: PartyCommunity, onBranch: (id: string) => void, edit?: BranchEdit): HTMLElement {
  const v = verdict(c.meets, c.partyHouseholds);
  const head = h(
    'summary',
    { class: 'pt-sum' },
    h('span', { class: 'pt-name' }, c.committee),
    h(
      'span',
      { class: 'pt-sub' },
      t('party.communityLine', { branches: c.branches.length, party: num(c.partyHouseholds), plaqued: num(c.plaqued), share: pct(c.share) }),
    ),
    h('span', { class: `pt-badge pt-${v.cls}`, title: v.why }, v.text),
  );
  const rows: HTMLElement[] = [];
  for (const b of c.branches) {
    const bv = verdict(b.meets, b.partyHouseholds);
    const name = h('button', { class: 'pt-link', type: 'button', 'data-branch': b.id }, b.name);
    name.addEventListener('click', () => onBranch(b.id));
    rows.push(
      h(
        'tr',
        { class: 'pt-branch', 'data-branch': b.id },
        h(
          'td',
          { colspan: '1' },
          name,
          h(
            'div',
            { class: 'pt-sub' },
            `${t(b.kind === 'compound' ? 'party.kind.compound' : 'party.kind.grid')}${b.secretary ? ` · ${t('party.secretary')} ${b.secretary}` : ''}`,
          ),
        ),
        h('td', { class: 'num' }, num(b.partyHouseholds)),
        h('td', { class: 'num' }, num(b.plaqued)),
        h('td', { class: `num pt-${bv.cls}`, title: bv.why }, pct(b.share)),
        h('td', { class: 'num' }, `${b.grids.reduce((s, g) => s + g.visits, 0)}`),
      ),
    );
    if (edit) {
      const cell = h('td', { colspan: '5' });
      const open = h('button', { class: 'pt-link', type: 'button', 'data-action': 'edit-branch', 'data-branch': b.id }, t('party.manage.editBranch'));
      open.addEventListener('click', () => cell.replaceChildren(edit(c, b.id)));
      cell.append(open);
      rows.push(h('tr', { class: 'pt-edit' }, cell));
    }
    for (const g of b.grids) rows.push(gridRow(g));
  }
  if (c.unattached.length) {
    rows.push(h('tr', { class: 'pt-branch' }, h('td', { colspan: '5' }, t('party.unattached'))));
    for (const g of c.unattached) rows.push(gridRow(g));
  }
  const table = h(
    'table',
    { class: 'pt-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, t('party.col.branch')),
        h('th', {}, t('party.col.party')),
        h('th', {}, t('party.col.plaqued')),
        h('th', {}, t('party.col.share')),
        h('th', {}, t('party.col.visits')),
      ),
    ),
    h('tbody', {}, ...rows),
  );
  return h('details', { class: 'pt-community', 'data-community': c.id }, head, table);
}

/** The branch list: district totals, then one collapsible block per community. */
export function renderBranches(communities: PartyCommunity[], quarter: string, onBranch: (id: string) => void, edit?: BranchEdit): HTMLElement {
  // totals over the communities whose figures are shown (the others are small counts)
  const shown = communities.filter((c) => c.plaqued !== null);
  const party = shown.reduce((s, c) => s + c.partyHouseholds, 0);
  const plaqued = shown.reduce((s, c) => s + (c.plaqued ?? 0), 0);
  const hidden = communities.length - shown.length;
  const branches = communities.reduce((s, c) => s + c.branches.length, 0);
  const share = party > 0 ? plaqued / party : null;
  const v = verdict(share === null ? null : share >= 0.2);
  const below = communities.flatMap((c) => c.branches).filter((b) => b.meets === false).length;
  return h(
    'div',
    { class: 'pt-branches', 'data-testid': 'party-branches' },
    h(
      'div',
      { class: 'pt-summary', 'data-testid': 'party-summary' },
      h('div', {}, t('party.summary', { communities: communities.length, branches, party: num(party), plaqued: num(plaqued), share: pct(share) })),
      hidden > 0 ? h('div', { class: 'pt-sub', 'data-testid': 'party-hidden' }, t('party.hiddenCommunities', { n: hidden })) : null,
      h('div', { class: `pt-badge pt-${v.cls}` }, v.text),
      h('div', { class: 'pt-sub' }, t('party.rule', { below, quarter })),
    ),
    ...communities.map((c) => communityBlock(c, onBranch, edit)),
  );
}

function teamButton(x: PartyTeam, manage: (team: PartyTeam, host: HTMLElement) => void): HTMLElement {
  const host = h('div', {});
  const b = h('button', { class: 'pt-link', type: 'button', 'data-action': 'team-members' }, t('party.manage.members'));
  b.addEventListener('click', () => manage(x, host));
  return h('div', {}, b, host);
}

/** Community party work teams: members, linked grids, this quarter's visits. */
export function renderTeams(teams: PartyTeam[], quarter: string, manage?: (team: PartyTeam, host: HTMLElement) => void): HTMLElement {
  const members = teams.reduce((s, x) => s + x.members, 0);
  const visits = teams.reduce((s, x) => s + x.visits, 0);
  const done = teams.reduce((s, x) => s + x.membersDone, 0);
  return h(
    'div',
    { class: 'pt-teams', 'data-testid': 'party-teams' },
    h('p', { class: 'pt-summary' }, t('party.teamsSummary', { teams: teams.length, members, visits, done, quarter })),
    h(
      'table',
      { class: 'pt-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t('party.col.team')),
          h('th', {}, t('party.col.members')),
          h('th', {}, t('party.col.grids')),
          h('th', {}, t('party.col.visits')),
          h('th', {}, t('party.col.done')),
        ),
      ),
      h(
        'tbody',
        {},
        ...teams.map((x) =>
          h(
            'tr',
            { 'data-team': String(x.id) },
            h('td', {}, x.name, ...(manage ? [teamButton(x, manage)] : [])),
            h('td', { class: 'num' }, String(x.members)),
            h('td', { class: 'num' }, String(x.grids.length)),
            h('td', { class: 'num' }, String(x.visits)),
            h('td', { class: 'num' }, `${x.membersDone}/${x.members}`),
          ),
        ),
      ),
    ),
  );
}
