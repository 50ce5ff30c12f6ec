/**
 * The big party committee tab (大党委): the grid-needs list (a grid's staff and leaders raise needs;
 * "match units" shows the member units offering the resource nearby, ranked by walking distance
 * over the streets, with the walks on the map; a leader takes a need on with one of them as a
 * practical matter), the projects and practical matters (leaders start and mark them done), the
 * quarterly joint meeting (what changed in a quarter) and the resource list. Demo rows are labelled.
 */
import type { SessionUser } from '../../api';
import {
  committeeApi,
  RESOURCE_CATEGORIES,
  type CommitteeUnit,
  type Need,
  type Project,
  type QuarterChanges,
  type ResourceCategory,
} from '../../api/committee';
import { t, type MessageKey, paren, joinList, labelled } from '../../i18n';
import { matchFeatures, showCommitteeMatches } from '../../layers/committee-matches';
import { h } from '../../panels/dom';
import type { ViewContext } from '../types';

export interface CommitteeData {
  units: CommitteeUnit[];
  needs: Need[];
  projects: Project[];
  quarter: QuarterChanges;
  resources: Array<{ category: ResourceCategory; openNeeds: number; units: Array<{ id: string; name: string; detail: string | null }> }>;
}

interface Hooks {
  ctx: ViewContext;
  user: SessionUser | null;
  reload: () => void;
  say: (msg: string, error?: boolean) => void;
  busy: <T>(p: Promise<T>, key: MessageKey) => Promise<T>;
}

const cat = (c: string) => t(`committee.cat.${c}` as MessageKey);
const day = (iso: string | null) => (iso ? new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 10) : '—');
const canRun = (u: SessionUser | null) => !u || u.role === 'leader' || u.role === 'admin';
const canRaise = (u: SessionUser | null) => !u || u.role === 'grid_member' || u.role === 'leader' || u.role === 'admin';

export async function loadCommittee(quarter?: string): Promise<CommitteeData> {
  const [units, needs, projects, q, resources] = await Promise.all([
    committeeApi.units(),
    committeeApi.needs(),
    committeeApi.projects(),
    committeeApi.quarter(quarter),
    committeeApi.resources(),
  ]);
  return { units: units.units, needs: needs.needs, projects: projects.projects, quarter: q, resources: resources.resources };
}

function raiseForm(k: Hooks): HTMLElement {
  const ownGrid = k.user?.role === 'grid_member' ? k.user.grids.find((g) => /^\d{15}$/.test(g)) : undefined;
  const grid = h('input', {
    class: 'pt-input',
    'data-testid': 'need-grid',
    inputmode: 'numeric',
    pattern: '\\d{15}',
    value: ownGrid ?? '',
    placeholder: '340802001001001',
  });
  if (ownGrid) grid.readOnly = true;
  const category = h('select', { class: 'pt-input', 'data-testid': 'need-category' }, ...RESOURCE_CATEGORIES.map((c) => h('option', { value: c }, cat(c))));
  const title = h('input', { class: 'pt-input', 'data-testid': 'need-title', maxlength: '200' });
  const detail = h('input', { class: 'pt-input', 'data-testid': 'need-detail', maxlength: '1000' });
  const submit = h('button', { class: 'pt-btn pt-primary', type: 'button', 'data-testid': 'need-submit' }, t('committee.raise.submit'));
  submit.addEventListener('click', async () => {
    submit.disabled = true;
    try {
      await committeeApi.raiseNeed({
        grid: grid.value.trim(),
        category: category.value as ResourceCategory,
        title: title.value.trim(),
        ...(detail.value.trim() ? { detail: detail.value.trim() } : {}),
      });
      k.say(t('committee.raised', { title: title.value.trim() }));
      k.reload();
    } catch (e) {
      k.say((e as Error).message, true);
      submit.disabled = false;
    }
  });
  return h(
    'details',
    { class: 'pt-form', 'data-testid': 'need-form' },
    h('summary', { class: 'pt-name' }, t('committee.raise')),
    h('label', { class: 'pt-label' }, t('committee.raise.grid'), grid),
    h('label', { class: 'pt-label' }, t('committee.raise.category'), category),
    h('label', { class: 'pt-label' }, t('committee.raise.title'), title),
    h('label', { class: 'pt-label' }, t('committee.raise.detail'), detail),
    submit,
  );
}

/** Shows the units matched to a need (list + walks on the map). */
async function showMatches(k: Hooks, need: Need, host: HTMLElement): Promise<void> {
  host.replaceChildren(h('p', { class: 'pt-sub' }, t('busy.loading')));
  try {
    const a = await k.busy(committeeApi.matches(need.id), 'committee.busy.matches');
    k.ctx.layers.setVisible('committee-matches', true);
    showCommitteeMatches(k.ctx.map, matchFeatures(need, a.matches));
    const pts: Array<[number, number]> = [[need.lon, need.lat], ...a.matches.flatMap((m) => m.path)];
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    k.ctx.map.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], { padding: 40, maxZoom: 16.5, duration: 0 });
    const list = h('ol', { class: 'pt-members', 'data-testid': 'committee-matches' });
    for (const m of a.matches) {
      const take =
        canRun(k.user) && need.status === 'open' ? h('button', { class: 'pt-btn', type: 'button', 'data-unit': m.unitId }, t('committee.match.take')) : null;
      take?.addEventListener('click', async () => {
        take.disabled = true;
        try {
          await committeeApi.createProject({ kind: 'matter', title: need.title, needId: need.id, unitId: m.unitId });
          k.say(t('committee.match.taken', { unit: m.name }));
          k.reload();
        } catch (e) {
          k.say((e as Error).message, true);
          take.disabled = false;
        }
      });
      list.append(
        h(
          'li',
          { class: 'pt-member', 'data-unit': m.unitId, 'data-walk': String(m.walkM) },
          h(
            'div',
            { class: 'pt-member-main' },
            h('div', { class: 'pt-name' }, m.name),
            h(
              'div',
              { class: 'pt-sub pt-walk' },
              t('committee.match.walk', { m: m.walkM.toLocaleString(), min: m.walkMinutes, straight: m.straightM.toLocaleString() }),
            ),
            h(
              'div',
              { class: 'pt-sub' },
              [m.detail, t('committee.unit.contact', { contact: m.contact ?? '', phone: m.phone ?? '' }).trim()].filter(Boolean).join(' · '),
            ),
          ),
          take,
        ),
      );
    }
    host.replaceChildren(
      h('h3', { class: 'pt-h3' }, t('committee.matches.title', { title: need.title, category: cat(need.category) })),
      a.matches.length
        ? list
        : h('p', { class: 'pt-sub', 'data-testid': 'committee-matches-none' }, t('committee.matches.none', { max: a.maxWalkM, candidates: a.candidates })),
    );
  } catch (e) {
    host.replaceChildren(h('p', { class: 'pt-sub error' }, (e as Error).message));
  }
}

function needsSection(k: Hooks, needs: Need[]): HTMLElement {
  const matchHost = h('div', { class: 'pt-matches' });
  const list = h('ul', { class: 'pt-members', 'data-testid': 'committee-needs' });
  for (const n of needs.slice(0, 60)) {
    const btn = h('button', { class: 'pt-btn', type: 'button' }, t('committee.need.match'));
    btn.addEventListener('click', () => void showMatches(k, n, matchHost));
    const badge = n.status === 'open' ? 'warn' : n.status === 'done' ? 'ok' : 'none';
    list.append(
      h(
        'li',
        { class: 'pt-member', 'data-need': String(n.id), 'data-status': n.status },
        h(
          'div',
          { class: 'pt-member-main' },
          h('div', { class: 'pt-name' }, n.title),
          h('div', { class: 'pt-sub' }, t('committee.need.line', { category: cat(n.category), grid: n.gridCode.slice(-6), date: day(n.createdAt) })),
          n.unitName ? h('div', { class: 'pt-sub' }, t('committee.need.by', { unit: n.unitName })) : null,
        ),
        h('span', { class: `pt-badge pt-${badge}` }, t(`committee.status.${n.status}` as MessageKey)),
        n.status === 'open' ? btn : null,
      ),
    );
  }
  return h(
    'section',
    { class: 'pt-section' },
    h('h3', { class: 'pt-h3' }, t('committee.needs')),
    ...(canRaise(k.user) ? [raiseForm(k)] : []),
    needs.length ? list : h('p', { class: 'pt-sub' }, t('committee.needs.none')),
    matchHost,
  );
}

function projectsSection(k: Hooks, projects: Project[]): HTMLElement {
  const list = h('ul', { class: 'pt-members', 'data-testid': 'committee-projects' });
  for (const p of projects.slice(0, 40)) {
    const next = p.status === 'planned' ? 'in_progress' : p.status === 'in_progress' ? 'done' : null;
    const btns =
      canRun(k.user) && next
        ? [...(p.status === 'planned' ? [['in_progress', 'committee.project.start'] as const] : []), ['done', 'committee.project.done'] as const].map(
            ([to, key]) => {
              const b = h('button', { class: `pt-btn${to === 'done' ? ' pt-primary' : ''}`, type: 'button', 'data-action': to }, t(key));
              b.addEventListener('click', async () => {
                b.disabled = true;
                try {
                  const after = await committeeApi.moveProject(p.id, to, p.version);
                  k.say(t('committee.project.moved', { title: after.title, status: t(`committee.pstatus.${after.status}` as MessageKey) }));
                  k.reload();
                } catch (e) {
                  k.say((e as Error).message, true);
                  b.disabled = false;
                }
              });
              return b;
            },
          )
        : [];
    list.append(
      h(
        'li',
        { class: 'pt-member', 'data-project': String(p.id), 'data-status': p.status, 'data-kind': p.kind },
        h(
          'div',
          { class: 'pt-member-main' },
          h('div', { class: 'pt-name' }, p.title),
          h(
            'div',
            { class: 'pt-sub' },
            [
              t('committee.project.line', { kind: t(`committee.kind.${p.kind}` as MessageKey), unit: p.unitName ?? '—', date: day(p.createdAt) }),
              p.doneAt ? t('committee.project.doneOn', { date: day(p.doneAt) }) : null,
            ]
              .filter(Boolean)
              .join(' · '),
          ),
        ),
        h(
          'span',
          { class: `pt-badge pt-${p.status === 'done' ? 'ok' : p.status === 'in_progress' ? 'warn' : 'none'}` },
          t(`committee.pstatus.${p.status}` as MessageKey),
        ),
        ...btns,
      ),
    );
  }
  return h(
    'section',
    { class: 'pt-section' },
    h('h3', { class: 'pt-h3' }, t('committee.projects')),
    projects.length ? list : h('p', { class: 'pt-sub' }, t('committee.projects.none')),
  );
}

function lastQuarters(current: string, n: number): string[] {
  const out: string[] = [];
  let [y, q] = [Number(current.slice(0, 4)), Number(current.slice(5))];
  for (let i = 0; i < n; i++) {
    out.push(`${y}Q${q}`);
    q--;
    if (q === 0) [y, q] = [y - 1, 4];
  }
  return out;
}

function quarterSection(q: QuarterChanges, pick: (quarter: string) => void): HTMLElement {
  const select = h(
    'select',
    { class: 'pt-input', 'data-testid': 'committee-quarter-pick' },
    ...lastQuarters(q.quarter, 4).map((x) => h('option', { value: x, selected: x === q.quarter }, x)),
  );
  select.addEventListener('change', () => pick(select.value));
  const items = (title: string, rows: string[]) =>
    h(
      'details',
      {},
      h('summary', { class: 'pt-sub' }, `${title}${paren(rows.length)}`),
      rows.length ? h('ul', { class: 'pt-sub' }, ...rows.slice(0, 50).map((r) => h('li', {}, r))) : h('p', { class: 'pt-sub' }, t('committee.quarter.empty')),
    );
  return h(
    'section',
    { class: 'pt-section', 'data-testid': 'committee-quarter' },
    h('h3', { class: 'pt-h3' }, t('committee.quarter')),
    h('label', { class: 'pt-label' }, t('committee.quarter.pick'), select),
    h('p', { class: 'pt-summary', 'data-testid': 'committee-quarter-counts' }, t('committee.quarter.counts', q.counts)),
    items(
      t('committee.quarter.joined'),
      q.unitsJoined.map((u) => `${u.joinedOn} ${u.name}`),
    ),
    items(
      t('committee.quarter.raised'),
      q.needsRaised.map((n) => `${day(n.createdAt)} ${n.title}${paren(joinList([cat(n.category), t(`committee.status.${n.status}` as MessageKey)]))}`),
    ),
    items(
      t('committee.quarter.done'),
      q.done.map((p) => `${day(p.doneAt)} ${labelled(t(`committee.kind.${p.kind}` as MessageKey), p.title)}${p.unitName ? paren(p.unitName) : ''}`),
    ),
  );
}

function resourcesSection(d: CommitteeData): HTMLElement {
  return h(
    'section',
    { class: 'pt-section', 'data-testid': 'committee-resources' },
    h('h3', { class: 'pt-h3' }, t('committee.resources')),
    ...d.resources.map((r) =>
      h(
        'details',
        { class: 'pt-community', 'data-category': r.category },
        h(
          'summary',
          { class: 'pt-sum' },
          h('span', { class: 'pt-name' }, cat(r.category)),
          h('span', { class: 'pt-sub' }, t('committee.resource.line', { n: r.units.length, open: r.openNeeds })),
        ),
        h('ul', { class: 'pt-sub' }, ...r.units.slice(0, 60).map((u) => h('li', {}, u.detail ? labelled(u.name, u.detail) : u.name))),
      ),
    ),
  );
}

export function renderCommittee(d: CommitteeData, k: Hooks, pickQuarter: (quarter: string) => void): HTMLElement {
  const projects = d.projects.filter((p) => p.kind === 'project');
  const matters = d.projects.filter((p) => p.kind === 'matter');
  const synthetic = d.units.some((u) => u.synthetic);
  return h(
    'div',
    { class: 'pt-committee', 'data-testid': 'committee' },
    synthetic ? h('span', { class: 'pt-badge pt-none', 'data-testid': 'committee-synthetic' }, t('committee.synthetic')) : null,
    h(
      'p',
      { class: 'pt-summary', 'data-testid': 'committee-summary' },
      t('committee.summary', {
        units: d.units.length,
        resources: d.resources.filter((r) => r.units.length > 0).length,
        projects: projects.length,
        projectsDone: projects.filter((p) => p.status === 'done').length,
        matters: matters.length,
        mattersDone: matters.filter((p) => p.status === 'done').length,
        open: d.needs.filter((n) => n.status === 'open').length,
      }),
    ),
    needsSection(k, d.needs),
    projectsSection(k, d.projects),
    quarterSection(d.quarter, pickQuarter),
    resourcesSection(d),
  );
}
