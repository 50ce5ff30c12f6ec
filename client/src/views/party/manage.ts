/**
 * Party organisation management for the roles the policy allows (leaders of the area, admins):
 * which grids of its community a branch covers (a grid moves from its old branch), and the 1-2
 * grids each serving member of a work team links. Both writes are audited by the server.
 */
import { partyApi, type PartyCommunity, type PartyTeam } from '../../api/party';
import type { SessionUser } from '../../api';
import { t, joinList } from '../../i18n';
import { h } from '../../panels/dom';

export const canManage = (u: SessionUser | null): boolean => !u || u.role === 'leader' || u.role === 'admin';

type Say = (msg: string, error?: boolean) => void;

/** A checkbox list of the community's grids for one branch, saved with one PUT. */
export function branchGridsEditor(c: PartyCommunity, branchId: string, onSaved: () => void, say: Say): HTMLElement {
  const all = [
    ...c.branches.flatMap((b) => b.grids.map((g) => ({ code: g.code, branch: b.id }))),
    ...c.unattached.map((g) => ({ code: g.code, branch: null as string | null })),
  ].sort((a, b) => a.code.localeCompare(b.code));
  const boxes = all.map((g) => {
    const box = h('input', { type: 'checkbox', value: g.code, checked: g.branch === branchId });
    return {
      box,
      row: h('label', { class: 'pt-check' }, box, ` ${g.code.slice(-6)}${g.branch && g.branch !== branchId ? ` (${t('party.manage.inOther')})` : ''}`),
    };
  });
  const save = h('button', { class: 'pt-btn pt-primary', type: 'button', 'data-action': 'save-branch' }, t('party.manage.save'));
  save.addEventListener('click', async () => {
    save.disabled = true;
    try {
      const r = await partyApi.setBranchGrids(
        branchId,
        boxes.filter((b) => b.box.checked).map((b) => b.box.value),
      );
      say(t('party.manage.branchSaved', { n: r.grids.length }));
      onSaved();
    } catch (e) {
      say((e as Error).message, true);
      save.disabled = false;
    }
  });
  return h('div', { class: 'pt-form', 'data-testid': 'branch-editor' }, h('div', { class: 'pt-checks' }, ...boxes.map((b) => b.row)), save);
}

/** The team's serving members with their 1-2 grids (two selects each), saved per member. */
export async function teamMembersEditor(team: PartyTeam, say: Say): Promise<HTMLElement> {
  const [{ members }, { grids }] = await Promise.all([partyApi.teamMembers(team.id), partyApi.grids(team.communityId)]);
  const codes = grids.map((g) => g.code);
  const list = h('ul', { class: 'pt-members', 'data-testid': 'team-members' });
  for (const m of members) {
    const pick = (value: string | undefined, optional: boolean) =>
      h(
        'select',
        { class: 'pt-input' },
        ...(optional ? [h('option', { value: '' }, '—')] : []),
        ...codes.map((c) => h('option', { value: c, selected: c === value }, c.slice(-6))),
      );
    const a = pick(m.grids[0], false);
    const b = pick(m.grids[1], true);
    const save = h('button', { class: 'pt-btn', type: 'button' }, t('party.manage.save'));
    save.addEventListener('click', async () => {
      save.disabled = true;
      try {
        const r = await partyApi.setMemberGrids(
          m.id,
          [a.value, b.value].filter((x, i, xs) => x !== '' && xs.indexOf(x) === i),
        );
        say(t('party.manage.memberSaved', { name: m.name ?? `#${m.id}`, grids: joinList(r.grids.map((g) => g.slice(-6))) }));
      } catch (e) {
        say((e as Error).message, true);
      }
      save.disabled = false;
    });
    list.append(
      h(
        'li',
        { class: 'pt-member', 'data-member': String(m.id) },
        h('div', { class: 'pt-member-main' }, h('div', { class: 'pt-name' }, m.name ?? `#${m.id}`)),
        a,
        b,
        save,
      ),
    );
  }
  return list;
}
