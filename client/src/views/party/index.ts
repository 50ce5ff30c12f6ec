/**
 * The party-building and credit-community view (#view=party, 党建·信用): tabs "party organisation"
 * (community party committees → branches → grids with the plaque rule; the branch layer on the
 * map, a branch name flies to it), "work teams" (teams and this quarter's visits; the grid's own
 * staff also record a serving member's visit), "credit" (aggregates per grid; the grid's staff
 * enter and review; leaders check demerits) and "big party committee" (grid needs matched to member
 * units by walking distance, projects and practical matters, the quarterly meeting, resources).
 * Everything through client/src/api/party.ts and client/src/api/committee.ts.
 */
import { api, type SessionUser } from '../../api';
import { partyApi, type PartyCommunity, type PartyTeam, type ServingMember } from '../../api/party';
import { t, type MessageKey } from '../../i18n';
import { h } from '../../panels/dom';
import type { ViewContext, ViewModule } from '../types';
import { renderBranches, renderTeams } from './branches';
import { loadCommittee, renderCommittee } from './committee';
import { loadCredit, renderCredit } from './credit';
import { renderGridMembers } from './visits';
import { branchGridsEditor, canManage, teamMembersEditor } from './manage';
import './party.css';

type Tab = 'branches' | 'teams' | 'credit' | 'committee';
const TABS: Tab[] = ['branches', 'teams', 'credit', 'committee'];

interface State {
  ctx: ViewContext;
  user: SessionUser | null;
  tab: Tab;
  root: HTMLElement;
  tabs: HTMLElement;
  status: HTMLElement;
  body: HTMLElement;
  /** bumps on every render: a late answer for an older tab is dropped */
  seq: number;
  branches: { quarter: string; communities: PartyCommunity[] } | null;
  /** the quarter the committee's meeting view shows (undefined: the current one) */
  committeeQuarter?: string;
}

let st: State | null = null;

declare global {
  interface Window {
    __wanggeParty?: { ready: boolean; tab: () => Tab; show: (tab: Tab) => Promise<void> };
  }
}

function say(s: State, msg: string, error = false): void {
  s.status.textContent = msg;
  s.status.classList.toggle('error', error);
}

function renderTabs(s: State): void {
  s.tabs.replaceChildren(
    ...TABS.map((k) => {
      const b = h(
        'button',
        {
          class: `pt-tab${s.tab === k ? ' on' : ''}`,
          type: 'button',
          role: 'tab',
          'aria-selected': s.tab === k ? 'true' : 'false',
          'data-testid': `party-tab-${k}`,
        },
        t(`party.tab.${k}` as MessageKey),
      );
      b.addEventListener('click', () => void show(s, k));
      return b;
    }),
  );
}

/** Flies to a branch of the layer (by its label point). */
async function flyToBranch(s: State, id: string): Promise<void> {
  const fc = await partyApi.branchLayer();
  const f = fc.features.find((x) => x.properties.id === id);
  if (!f) return;
  s.ctx.layers.setVisible('party-branches', true);
  s.ctx.map.flyTo({ center: [f.properties.label_lon, f.properties.label_lat], zoom: 15 });
}

/** Shows a tab; `keepStatus`: a reload after an action keeps the action's message. */
async function show(s: State, tab: Tab, keepStatus = false): Promise<void> {
  s.tab = tab;
  const seq = ++s.seq;
  renderTabs(s);
  if (!keepStatus) say(s, '');
  s.body.replaceChildren(h('p', { class: 'pt-sub' }, t('busy.loading')));
  if (window.__wanggeParty) window.__wanggeParty.ready = false;
  try {
    let content: HTMLElement;
    if (tab === 'branches') {
      s.branches ??= await s.ctx.busy.track(partyApi.branches(), 'party.busy.branches');
      content = renderBranches(
        s.branches.communities,
        s.branches.quarter,
        (id) => void flyToBranch(s, id),
        canManage(s.user)
          ? (c, id) =>
              branchGridsEditor(
                c,
                id,
                () => {
                  s.branches = null;
                  void show(s, 'branches', true);
                },
                (m, e) => say(s, m, e),
              )
          : undefined,
      );
    } else if (tab === 'teams') {
      const ownGrid = s.user?.role === 'grid_member' ? s.user.grids.find((g) => /^\d{15}$/.test(g)) : undefined;
      const [teams, members] = await s.ctx.busy.track(
        Promise.all([partyApi.teams(), ownGrid ? partyApi.gridMembers(ownGrid) : Promise.resolve(null)]),
        'party.busy.teams',
      );
      const manage = canManage(s.user)
        ? (team: PartyTeam, host: HTMLElement) => {
            void teamMembersEditor(team, (m, e) => say(s, m, e))
              .then((el) => host.replaceChildren(el))
              .catch((e: unknown) => say(s, (e as Error).message, true));
          }
        : undefined;
      content = h(
        'div',
        {},
        ...(ownGrid && members
          ? [
              renderGridMembers(
                ownGrid,
                members.members as ServingMember[],
                members.quarter,
                () => void show(s, 'teams', true),
                (m, e) => say(s, m, e),
              ),
            ]
          : []),
        renderTeams(teams.teams as PartyTeam[], teams.quarter, manage),
      );
    } else if (tab === 'credit') {
      const d = await s.ctx.busy.track(loadCredit(s.user), 'party.busy.credit');
      content = renderCredit(
        d,
        s.user,
        () => void show(s, 'credit', true),
        (m, e) => say(s, m, e),
      );
    } else {
      const d = await s.ctx.busy.track(loadCommittee(s.committeeQuarter), 'committee.busy');
      content = renderCommittee(
        d,
        { ctx: s.ctx, user: s.user, reload: () => void show(s, 'committee', true), say: (m, e) => say(s, m, e), busy: (p, key) => s.ctx.busy.track(p, key) },
        (q) => {
          s.committeeQuarter = q;
          void show(s, 'committee', true);
        },
      );
    }
    if (seq !== s.seq) return;
    s.body.replaceChildren(content);
  } catch (e) {
    if (seq !== s.seq) return;
    s.body.replaceChildren(h('p', { class: 'pt-sub error' }, `${t('party.loadFailed')}: ${(e as Error).message}`));
  }
  if (window.__wanggeParty && seq === s.seq) window.__wanggeParty.ready = true;
}

export const partyView: ViewModule = {
  id: 'party',
  labelKey: 'party.view',
  order: 55,
  layers: ['party-branches'],
  async activate(ctx) {
    const root = h('div', { class: 'pt-panel', 'data-testid': 'party-panel' });
    const tabs = h('div', { class: 'pt-tabs', role: 'tablist' });
    const status = h('p', { class: 'pt-status', 'data-testid': 'party-status', role: 'status' });
    const body = h('div', { class: 'pt-body' });
    root.append(h('h2', { class: 'panel-title' }, t('party.title')), tabs, status, body);
    ctx.panel.append(root);
    const s: State = { ctx, user: null, tab: 'branches', root, tabs, status, body, seq: 0, branches: null };
    st = s;
    window.__wanggeParty = { ready: false, tab: () => s.tab, show: (tab) => show(s, tab) };
    try {
      s.user = (await api.session()).user;
    } catch {
      s.user = null;
    }
    if (st !== s) return;
    await show(s, 'branches');
  },
  deactivate() {
    st = null;
    delete window.__wanggeParty;
  },
  setLang() {
    if (st) void show(st, st.tab);
  },
};
