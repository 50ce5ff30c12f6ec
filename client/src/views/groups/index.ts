/**
 * The coordinator's workspace (#view=groups): ten-shop joint-defense groups of one sub-district on
 * the map (hulls, leaders, shops in no group), the alarm-response view (click a shop: walking time
 * of every other member, their paths and the isochrone; groups slower than the limit flagged), manual
 * moves / swaps / leader choice with version checks, the group ledger (equipment, drills, patrol
 * log, weekly patrol plan) and the group's patrol route (generated, or drawn / edited by clicking
 * stops: ./route-editor.ts) with GPX / GeoJSON download.
 */
import type { ViewContext, ViewModule } from '../types';
import { ApiError } from '../../api';
import type { ArchivedGroup, ArchivedGroupDetail, DefenseGroup, GroupDetail, GroupRecord, RecordKind, RouteFeature } from '../../api/groups';
import { getLang, t, type MessageKey, paren, joinList } from '../../i18n';
import { h } from '../../panels/dom';
import { groupColour, groupsState } from '../../state/groups';
import { confirmRegroup, recordTotal } from './regroup-dialog';
import { cancelDraft, draftStopScreen, renderDraftPanel, startDraft } from './route-editor';
import { renderPlanPanel, resetPlanPanel } from './patrol-plan';
import './groups.css';

const SUB_KEY = 'wangge.groups.subdistrict';
const LIMIT_KEY = 'wangge.groups.limitMin';

interface Ui {
  ctx: ViewContext;
  root: HTMLElement;
  sub: HTMLSelectElement;
  limit: HTMLInputElement;
  stats: HTMLElement;
  message: HTMLElement;
  alarm: HTMLElement;
  ledger: HTMLElement;
  table: HTMLElement;
  /** The regroup confirmation (./regroup-dialog). */
  confirm: HTMLElement;
  /** Groups replaced by regrouping: kept, viewable. */
  archived: HTMLElement;
  /** The patrol route being drawn (./route-editor). */
  draft: HTMLElement;
  /** The weekly patrol plan (./patrol-plan). */
  plan: HTMLElement;
}

let ui: Ui | null = null;
/** Names of the sub-district's archived groups (for "carried from …"). */
const archivedNames = new Map<string, string>();
let swapFrom: string | null = null;
let unsubscribeDraft: (() => void) | null = null;
let responseSeq = 0;
/** The signed-in user edits the groups and patrol plans (coordinators, admins; anyone without sign-in): leaders view them. */
let editsGroups = true;

/** Test hook: window.__wanggeGroups. */
declare global {
  interface Window {
    __wanggeGroups?: {
      state: typeof groupsState;
      loaded: () => Promise<void>;
      selectShop: (id: string) => Promise<void>;
      /** Map-canvas position of a stop of the route being drawn. */
      draftStop: (i: number) => { x: number; y: number } | null;
    };
  }
}
let loadedPromise: Promise<void> = Promise.resolve();

const fmtTime = (s: number | null): string => {
  if (s === null || !Number.isFinite(s)) return '—';
  const m = Math.floor(s / 60),
    r = Math.round(s % 60);
  return m > 0 ? `${m}′${String(r).padStart(2, '0')}″` : `${r}″`;
};
const limitS = () => Math.max(10, Math.round(Number(ui?.limit.value || 3) * 60));

function say(msg: string, kind: 'info' | 'error' = 'info'): void {
  if (!ui) return;
  ui.message.textContent = msg;
  ui.message.className = `grp-message ${kind}`;
  ui.message.hidden = !msg;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function handleWrite(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    say('');
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) say(t('grp.conflict', { msg: e.message }), 'error');
    else say(t('grp.error', { msg: errorText(e) }), 'error');
    return false;
  } finally {
    await load();
  }
}

async function load(): Promise<void> {
  if (!ui) return;
  const { ctx } = ui;
  const sub = ui.sub.value;
  if (!sub) return;
  try {
    const data = await ctx.busy.track(ctx.api.groups.list(sub, limitS()), 'grp.loading');
    if (!ui || ui.sub.value !== sub) return;
    groupsState.set({ data });
    renderStats();
    renderTable();
    await loadArchived(sub);
    if (groupsState.selectedShop) await selectShop(groupsState.selectedShop, false);
    if (groupsState.selectedGroup) await renderLedger(groupsState.selectedGroup);
  } catch (e) {
    say(t('grp.error', { msg: errorText(e) }), 'error');
  }
}

function renderStats(): void {
  const d = groupsState.data;
  if (!ui || !d) return;
  ui.stats.replaceChildren(
    d.groups.length === 0
      ? h('p', { class: 'muted' }, t('grp.none'))
      : h(
          'p',
          { class: 'grp-stats', 'data-testid': 'groups-stats' },
          t('grp.stats', { groups: d.stats.groups, slow: d.stats.slow, ungrouped: d.stats.ungrouped }),
        ),
    h('p', { class: 'muted grp-hint' }, t('grp.hint')),
  );
}

function equipmentText(g: DefenseGroup): string {
  return Object.entries(g.equipment)
    .map(([k, n]) => `${t(`grp.eq.${k}` as MessageKey)}${n}`)
    .join(' ');
}

function renderTable(): void {
  const d = groupsState.data;
  if (!ui || !d) return;
  const rows = d.groups.map((g, i) => {
    const [r, gg, b] = groupColour(i);
    const tr = h(
      'tr',
      { class: `${g.slow ? 'slow' : ''}${g.id === groupsState.selectedGroup ? ' selected' : ''}`, 'data-group': g.id },
      h('td', {}, h('span', { class: 'grp-swatch', style: `background: rgb(${r},${gg},${b})` }), g.name),
      h('td', { class: 'num' }, String(g.size)),
      h('td', {}, g.leader?.name ?? '—'),
      h('td', { class: 'phone' }, g.leader?.phone ?? ''),
      h('td', { class: `num${g.slow ? ' late' : ''}` }, fmtTime(g.worst_response_s)),
      h('td', { class: 'eq' }, equipmentText(g)),
    );
    tr.addEventListener('click', () => void selectGroup(g.id, true));
    return tr;
  });
  ui.table.replaceChildren(
    h(
      'table',
      { class: 'grp-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...(['grp.table.name', 'grp.table.size', 'grp.table.leader', 'grp.table.phone', 'grp.table.worst', 'grp.table.equipment'] as MessageKey[]).map((k) =>
            h('th', {}, t(k)),
          ),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

async function loadArchived(sub: string): Promise<void> {
  if (!ui) return;
  let groups: ArchivedGroup[];
  try {
    groups = (await ui.ctx.api.groups.archived(sub)).groups;
  } catch (e) {
    say(t('grp.error', { msg: errorText(e) }), 'error');
    return;
  }
  if (!ui || ui.sub.value !== sub) return;
  archivedNames.clear();
  for (const g of groups) archivedNames.set(g.id, g.name);
  if (groups.length === 0) {
    ui.archived.replaceChildren();
    return;
  }
  const items = groups.map((g) => {
    const li = h(
      'li',
      { 'data-group': g.id, class: g.id === groupsState.selectedGroup ? 'selected' : undefined },
      h('span', { class: 'grp-archived-name' }, g.name),
      ' ',
      h(
        'span',
        { class: 'muted' },
        t('grp.archived.item', {
          date: g.archived_at.slice(0, 10),
          to: g.replaced_by_name ?? t('grp.archived.noSuccessor'),
          records: g.records,
          routes: g.routes,
        }),
      ),
    );
    li.addEventListener('click', () => void showArchived(g.id));
    return li;
  });
  ui.archived.replaceChildren(
    h(
      'details',
      { class: 'grp-archived', 'data-testid': 'groups-archived' },
      h('summary', {}, t('grp.archived.title', { n: groups.length })),
      h('p', { class: 'muted' }, t('grp.archived.hint')),
      h('ul', {}, ...items),
    ),
  );
}

/** Opens an archived group's ledger (read-only) and draws its saved patrol route. */
async function showArchived(id: string): Promise<void> {
  if (!ui) return;
  groupsState.set({ selectedGroup: id, selectedShop: null, response: null, route: null });
  renderAlarm();
  renderTable();
  await renderLedger(id);
}

function fitTo(points: [number, number][], padding = 120): void {
  if (!ui || points.length === 0) return;
  const xs = points.map((p) => p[0]),
    ys = points.map((p) => p[1]);
  ui.ctx.map.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], { padding, maxZoom: 17.5, duration: 0 });
}

async function selectGroup(id: string, fly: boolean): Promise<void> {
  const g = groupsState.data?.groups.find((x) => x.id === id);
  if (!g) return;
  groupsState.set({ selectedGroup: id, route: groupsState.route?.properties.group === id ? groupsState.route : null });
  renderTable();
  if (fly) fitTo(g.members.map((m) => [m.lon, m.lat]));
  await renderLedger(id);
}

async function selectShop(id: string, fly = true): Promise<void> {
  if (!ui) return;
  if (swapFrom && swapFrom !== id) {
    const a = swapFrom;
    swapFrom = null;
    const d = groupsState.data!;
    await handleWrite(ui.ctx.api.groups.swap(d.subdistrict, d.version, a, id));
    return;
  }
  const my = ++responseSeq;
  try {
    const r = await ui.ctx.busy.track(ui.ctx.api.groups.response(id, limitS()), 'grp.loading');
    if (my !== responseSeq || !ui) return;
    groupsState.set({ response: r, selectedShop: id, selectedGroup: r.group ?? groupsState.selectedGroup });
    renderAlarm();
    renderTable();
    if (r.group) await renderLedger(r.group);
    if (fly) {
      // Show the whole response: the isochrone and every member.
      const g = r.isochrone?.geometry;
      const ring = g?.type === 'Polygon' ? g.coordinates[0] : g?.type === 'MultiPolygon' ? g.coordinates.flatMap((p) => p[0]) : [];
      const pts: [number, number][] = [
        [r.shop.lon, r.shop.lat],
        ...ring.map((c) => [c[0], c[1]] as [number, number]),
        ...r.paths.features.flatMap((f) => f.geometry.coordinates.map((c) => [c[0], c[1]] as [number, number])),
      ];
      fitTo(pts, 60);
    }
  } catch (e) {
    say(t('grp.error', { msg: errorText(e) }), 'error');
  }
}

function renderAlarm(): void {
  const r = groupsState.response;
  if (!ui) return;
  if (!r) {
    ui.alarm.replaceChildren();
    return;
  }
  const d = groupsState.data;
  const group = d?.groups.find((g) => g.id === r.group) ?? null;
  const late = r.members.filter((m) => !m.within).length;
  const rows = r.members.map((m, i) =>
    h(
      'tr',
      { class: m.within ? '' : 'late' },
      h('td', { class: 'num' }, String(i + 1)),
      h('td', {}, m.name, m.leader ? h('span', { class: 'grp-badge' }, t('grp.leaderMark')) : null),
      h('td', { class: 'num' }, m.distance_m === null ? '—' : `${Math.round(m.distance_m)} m`),
      h('td', { class: 'num time' }, fmtTime(m.time_s)),
    ),
  );
  const actions: HTMLElement[] = [];
  if (d) {
    if (group && group.leader_shop_id !== r.shop.id) {
      const b = h('button', { type: 'button', 'data-testid': 'groups-make-leader', 'data-edit': true }, t('grp.makeLeader'));
      b.addEventListener('click', () => void handleWrite(ui!.ctx.api.groups.leader(d.subdistrict, d.version, group.id, r.shop.id)));
      actions.push(b);
    }
    const sel = h('select', { class: 'grp-move-target' }, h('option', { value: '' }, t('grp.moveTo')));
    // nearest groups first
    const near = d.groups
      .filter((g) => g.id !== r.group)
      .map((g) => ({ g, d: Math.min(...g.members.map((m) => Math.hypot(m.lon - r.shop.lon, m.lat - r.shop.lat))) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 12);
    for (const { g } of near) sel.append(h('option', { value: g.id }, `${g.name}${paren(g.size)}`));
    const mv = h('button', { type: 'button' }, t('grp.move'));
    mv.addEventListener('click', () => {
      if (sel.value) void handleWrite(ui!.ctx.api.groups.move(d.subdistrict, d.version, r.shop.id, sel.value));
    });
    actions.push(h('span', { class: 'grp-move', 'data-edit': true }, sel, mv));
    if (group) {
      const out = h('button', { type: 'button', 'data-edit': true }, t('grp.removeFrom'));
      out.addEventListener('click', () => void handleWrite(ui!.ctx.api.groups.move(d.subdistrict, d.version, r.shop.id, null)));
      const sw = h('button', { type: 'button', 'data-edit': true }, swapFrom ? t('grp.cancel') : t('grp.swap'));
      sw.addEventListener('click', () => {
        swapFrom = swapFrom ? null : r.shop.id;
        say(swapFrom ? t('grp.swapPick') : '');
        renderAlarm();
      });
      actions.push(out, sw);
    }
  }
  ui.alarm.replaceChildren(
    h(
      'section',
      { class: 'grp-alarm', 'data-testid': 'groups-response' },
      h('h3', {}, t('grp.alarm', { name: r.shop.name })),
      h('p', { class: 'muted' }, group ? t('grp.alarmGroup', { group: group.name }) : t('grp.notInGroup')),
      r.members.length
        ? h(
            'p',
            { class: `grp-verdict ${r.slow ? 'late' : 'ok'}` },
            t('grp.worst', { time: fmtTime(r.worst_s), limit: fmtTime(r.threshold_s) }),
            ' · ',
            late ? t('grp.late', { n: late }) : t('grp.withinAll'),
          )
        : null,
      r.members.length
        ? h(
            'table',
            { class: 'grp-table grp-response' },
            h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, t('grp.member')), h('th', {}, t('grp.distance')), h('th', {}, t('grp.time')))),
            h('tbody', {}, ...rows),
          )
        : null,
      h('p', { class: 'muted' }, t('grp.isochrone', { min: Math.round((r.threshold_s / 60) * 10) / 10 })),
      h('div', { class: 'grp-actions' }, ...actions),
    ),
  );
}

const RECORD_TITLES: [RecordKind, MessageKey][] = [
  ['equipment', 'grp.equipment'],
  ['drills', 'grp.drills'],
  ['patrol-logs', 'grp.patrolLogs'],
  ['schedule', 'grp.schedule'],
];

function recordText(kind: RecordKind, r: GroupRecord): string {
  switch (kind) {
    case 'equipment':
      return `${t(`grp.eq.${String(r.kind)}` as MessageKey)} × ${r.quantity}`;
    case 'drills':
      return `${r.held_on} · ${r.partner ?? ''}${r.participants ? ` · ${t('grp.participantsN', { n: String(r.participants) })}` : ''}`;
    case 'patrol-logs':
      return `${String(r.patrolled_at).slice(0, 10)} · ${r.patrollers}`;
    case 'schedule':
      return `${t(`grp.wd.${r.weekday}` as MessageKey)} ${r.start_time}–${r.end_time} · ${r.patrollers}`;
  }
}

function addForm(kind: RecordKind, group: string): HTMLElement {
  const f = h('form', { class: 'grp-add', 'data-edit': true });
  const inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  const input = (name: string, attrs: Record<string, string>) => (inputs[name] = h('input', { name, ...attrs }));
  const select = (name: string, opts: [string, string][]) => (inputs[name] = h('select', { name }, ...opts.map(([v, l]) => h('option', { value: v }, l))));
  if (kind === 'equipment') {
    f.append(
      select(
        'kind',
        ['steel_fork', 'shield', 'long_stick', 'whistle', 'armband', 'other'].map((k) => [k, t(`grp.eq.${k}` as MessageKey)]),
      ),
      input('quantity', { type: 'number', min: '1', value: '1', class: 'short' }),
    );
  } else if (kind === 'drills') {
    f.append(input('held_on', { type: 'date', required: 'true' }), input('partner', { placeholder: t('grp.partner') }));
  } else if (kind === 'patrol-logs') {
    f.append(input('patrolled_at', { type: 'date', required: 'true' }), input('patrollers', { placeholder: t('grp.patrollers'), required: 'true' }));
  } else {
    f.append(
      select(
        'weekday',
        [1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), t(`grp.wd.${d}` as MessageKey)]),
      ),
      input('start_time', { type: 'time', value: '19:00', class: 'short' }),
      input('end_time', { type: 'time', value: '21:00', class: 'short' }),
      input('patrollers', { placeholder: t('grp.patrollers'), required: 'true' }),
    );
  }
  f.append(h('button', { type: 'submit' }, t('grp.add')));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body: Record<string, unknown> = {};
    for (const [k, el] of Object.entries(inputs)) {
      const v = el.value.trim();
      if (v === '') continue;
      body[k] = k === 'quantity' || k === 'weekday' ? Number(v) : k === 'patrolled_at' ? `${v}T12:00:00Z` : v;
    }
    void handleWrite(ui!.ctx.api.groups.addRecord(group, kind, body));
  });
  return f;
}

async function renderLedger(groupId: string): Promise<void> {
  if (!ui) return;
  let detail: GroupDetail;
  try {
    detail = await ui.ctx.api.groups.detail(groupId);
  } catch (e) {
    say(t('grp.error', { msg: errorText(e) }), 'error');
    return;
  }
  if (!ui || groupsState.selectedGroup !== groupId) return;
  if (detail.archived) return renderArchivedLedger(detail);
  const route = groupsState.route?.properties.group === groupId ? groupsState.route : null;
  const routeBtn = h('button', { type: 'button', 'data-testid': 'groups-route', 'data-edit': true }, t('grp.route'));
  routeBtn.addEventListener('click', async () => {
    try {
      const f = await ui!.ctx.busy.track(ui!.ctx.api.groups.route({ group: groupId, closed: true, save: true }), 'grp.loading');
      groupsState.set({ route: f });
      void renderLedger(groupId);
    } catch (e) {
      say(t('grp.error', { msg: errorText(e) }), 'error');
    }
  });
  const savedRoute = route && (route.id ?? route.properties.id) ? route : null;
  const drawBtn = h('button', { type: 'button', 'data-testid': 'groups-route-draw', 'data-edit': true }, savedRoute ? t('grp.drawEdit') : t('grp.draw'));
  drawBtn.addEventListener('click', () => {
    const g = groupsState.data?.groups.find((x) => x.id === groupId);
    if (!g) return;
    startDraft(ui!.ctx, groupId, g.version, savedRoute);
  });
  const routeInfo = route
    ? h(
        'p',
        { class: 'grp-route' },
        t('grp.routeInfo', { km: (route.properties.length_m / 1000).toFixed(2), min: Math.round(route.properties.duration_s / 60) }),
        ' ',
        ...((route.id ?? route.properties.id)
          ? [
              h('a', { href: ui.ctx.api.groups.routeUrl(Number(route.id ?? route.properties.id), 'gpx'), download: 'patrol.gpx' }, t('grp.downloadGpx')),
              ' · ',
              h(
                'a',
                { href: ui.ctx.api.groups.routeUrl(Number(route.id ?? route.properties.id), 'geojson'), download: 'patrol.geojson' },
                t('grp.downloadGeojson'),
              ),
            ]
          : []),
      )
    : null;
  const sections = RECORD_TITLES.map(([kind, title]) => {
    const rows = detail.records[kind] ?? [];
    const shown = kind === 'patrol-logs' ? rows.slice(0, 8) : rows;
    const list = h(
      'ul',
      { class: 'grp-records' },
      ...shown.map((r) => {
        const del = h('button', { type: 'button', class: 'link', title: t('grp.delete'), 'data-edit': true }, '×');
        del.addEventListener('click', () => void handleWrite(ui!.ctx.api.groups.deleteRecord(groupId, kind, r.id, r.version)));
        return h('li', {}, recordText(kind, r), carriedNote(r), r.synthetic ? h('span', { class: 'muted' }, ` ${t('grp.synthetic')}`) : null, del);
      }),
    );
    return h(
      'details',
      { class: 'grp-section', open: kind === 'equipment' || kind === 'schedule' ? true : undefined },
      h('summary', {}, `${t(title)} (${rows.length})`),
      rows.length ? list : h('p', { class: 'muted' }, t('grp.empty')),
      addForm(kind, groupId),
    );
  });
  ui.ledger.replaceChildren(
    h(
      'section',
      { class: 'grp-ledger' },
      h('h3', {}, `${t('grp.detail')} · ${detail.name}`),
      h('div', { class: 'grp-actions' }, routeBtn, drawBtn),
      routeInfo,
      ...sections,
    ),
  );
}

/** "(carried from group X)" for a record that regrouping carried on from an archived group. */
function carriedNote(r: GroupRecord): HTMLElement | null {
  const from = r.carried_from;
  if (!from || from.length === 0) return null;
  return h(
    'span',
    { class: 'muted grp-carried', title: from.join(' → ') },
    ` ${t('grp.carriedFrom', { groups: from.map((id) => archivedNames.get(id) ?? id).join(' → ') })}`,
  );
}

/** The ledger of an archived group: who was in it, what it had, where that went; no edits. */
async function renderArchivedLedger(detail: ArchivedGroupDetail): Promise<void> {
  if (!ui) return;
  let routes: RouteFeature[] = [];
  try {
    routes = (await ui.ctx.api.groups.routes(detail.id)).features as RouteFeature[];
  } catch (e) {
    say(t('grp.error', { msg: errorText(e) }), 'error');
  }
  if (!ui || groupsState.selectedGroup !== detail.id) return;
  if (routes[0]) groupsState.set({ route: routes[0] });
  const sections = RECORD_TITLES.map(([kind, title]) => {
    const rows = detail.records[kind] ?? [];
    return h(
      'details',
      { class: 'grp-section', open: rows.length ? true : undefined },
      h('summary', {}, `${t(title)} (${rows.length})`),
      rows.length
        ? h(
            'ul',
            { class: 'grp-records' },
            ...rows.map((r) =>
              h(
                'li',
                {},
                recordText(kind, r),
                r.group_id && r.group_id !== detail.id
                  ? h(
                      'span',
                      { class: 'muted', title: r.group_id },
                      ` ${t('grp.archived.nowIn', { group: r.group_id === detail.replaced_by ? (detail.replaced_by_name ?? r.group_id) : r.group_id })}`,
                    )
                  : null,
              ),
            ),
          )
        : h('p', { class: 'muted' }, t('grp.empty')),
    );
  });
  const routeList = routes.length
    ? h(
        'ul',
        { class: 'grp-records' },
        ...routes.map((f) => {
          const id = Number(f.id ?? f.properties.id);
          return h(
            'li',
            {},
            `${f.properties.name} · ${(f.properties.length_m / 1000).toFixed(2)} km `,
            h('a', { href: ui!.ctx.api.groups.routeUrl(id, 'gpx'), download: 'patrol.gpx' }, t('grp.downloadGpx')),
            ' · ',
            h('a', { href: ui!.ctx.api.groups.routeUrl(id, 'geojson'), download: 'patrol.geojson' }, t('grp.downloadGeojson')),
          );
        }),
      )
    : h('p', { class: 'muted' }, t('grp.empty'));
  ui.ledger.replaceChildren(
    h(
      'section',
      { class: 'grp-ledger archived', 'data-testid': 'groups-archived-ledger' },
      h('h3', {}, `${t('grp.detail')} · ${detail.name} `, h('span', { class: 'grp-badge archived' }, t('grp.archived.badge'))),
      h(
        'p',
        { class: 'muted' },
        t('grp.archived.summary', { date: String(detail.archived_at ?? '').slice(0, 10), members: joinList(detail.members.map((m) => m.name)) || '—' }),
      ),
      h('p', {}, detail.replaced_by ? t('grp.archived.carriedTo', { group: detail.replaced_by_name ?? detail.replaced_by }) : t('grp.archived.stayed')),
      ...sections,
      h(
        'details',
        { class: 'grp-section', open: routes.length ? true : undefined },
        h('summary', {}, `${t('grp.archived.routes')} (${routes.length})`),
        routeList,
      ),
    ),
  );
}

function build(ctx: ViewContext): Ui {
  const sub = h('select', { 'data-testid': 'groups-subdistrict' });
  const limit = h('input', {
    type: 'number',
    min: '0.5',
    max: '30',
    step: '0.5',
    value: localStorage.getItem(LIMIT_KEY) ?? '3',
    class: 'short',
    'data-testid': 'groups-limit',
  });
  const auto = h('button', { type: 'button', 'data-testid': 'groups-auto', 'data-edit': true }, t('grp.auto'));
  const root = h('div', { class: 'grp-view' });
  const u: Ui = {
    ctx,
    root,
    sub,
    limit,
    stats: h('div'),
    message: h('p', { class: 'grp-message', hidden: true }),
    alarm: h('div'),
    ledger: h('div'),
    table: h('div', { class: 'grp-table-wrap' }),
    confirm: h('div'),
    archived: h('div'),
    draft: h('div'),
    plan: h('div'),
  };
  u.plan.replaceChildren(renderPlanPanel({ ctx, subdistrict: () => sub.value, say, canEdit: () => editsGroups }));
  root.append(
    h('h2', { class: 'panel-title' }, t('grp.title')),
    h('div', { class: 'grp-controls' }, h('label', {}, t('grp.subdistrict'), ' ', sub), h('label', {}, t('grp.threshold'), ' ', limit), auto),
    h('p', { class: 'muted grp-readonly-note', 'data-testid': 'groups-readonly' }, t('grp.readOnly')),
    u.confirm,
    u.stats,
    u.message,
    u.alarm,
    u.draft,
    u.plan,
    u.ledger,
    u.table,
    u.archived,
  );
  sub.addEventListener('change', () => {
    // a regroup confirmation open for the previous sub-district is cancelled
    u.confirm.querySelector<HTMLButtonElement>('[data-testid=groups-regroup-cancel]')?.click();
    localStorage.setItem(SUB_KEY, sub.value);
    cancelDraft();
    resetPlanPanel();
    u.plan.replaceChildren(renderPlanPanel({ ctx, subdistrict: () => sub.value, say, canEdit: () => editsGroups }));
    groupsState.set({ response: null, route: null, selectedGroup: null, selectedShop: null });
    u.alarm.replaceChildren();
    u.ledger.replaceChildren();
    loadedPromise = load();
  });
  limit.addEventListener('change', () => {
    localStorage.setItem(LIMIT_KEY, limit.value);
    loadedPromise = load();
  });
  auto.addEventListener('click', async () => {
    const subdistrict = sub.value;
    const subName = sub.selectedOptions[0]?.text ?? subdistrict;
    let reloading = false;
    auto.disabled = true;
    try {
      // Ask the server what the regroup would do, say it exactly, and regroup that state only.
      const preview = await ctx.busy.track(ctx.api.groups.preview({ subdistrict }), 'grp.loading');
      if (!(await confirmRegroup(u.confirm, preview, subName))) return;
      say(t('grp.autoRunning'));
      const r = await ctx.busy.track(ctx.api.groups.auto({ subdistrict, baseVersion: preview.version, wait: true }), 'grp.autoRunning');
      const res = r.result!;
      groupsState.set({ response: null, route: null, selectedGroup: null, selectedShop: null });
      u.alarm.replaceChildren();
      u.ledger.replaceChildren();
      // the reload starts before the message says done, so a test hook (or a user) that waits on
      // `loaded()` after seeing the message reads the regrouped state, not the one before
      loadedPromise = load();
      reloading = true;
      const done = t('grp.autoDone', { groups: res.groups, shops: res.shops, s: (res.time_ms / 1000).toFixed(1) });
      say(
        res.archived_groups > 0
          ? `${done}${t('grp.autoDoneArchived', { archived: res.archived_groups, carried: recordTotal(res.carried), routes: res.routes_kept })}`
          : done,
      );
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) say(t('grp.conflict', { msg: e.message }), 'error');
      else say(t('grp.error', { msg: errorText(e) }), 'error');
    } finally {
      auto.disabled = false;
    }
    if (!reloading) loadedPromise = load();
    await loadedPromise;
  });
  return u;
}

async function init(ctx: ViewContext): Promise<void> {
  const u = ui!;
  const [fc, session] = await ctx.busy.track(Promise.all([ctx.api.subdistricts(), ctx.api.session().catch(() => null)]), 'grp.loading');
  // only the sub-districts the user works in (the server refuses the others' groups: issue 14/15)
  const user = session?.enforced ? session.user : null;
  const mine = (id: string) => !user || user.role === 'admin' || user.subdistricts.some((p) => id.startsWith(p));
  // leaders view the groups; coordinators (and admins) edit them: the editing controls are hidden for the others
  editsGroups = !user || user.role === 'coordinator' || user.role === 'admin';
  u.root.classList.toggle('grp-readonly', !editsGroups);
  const subs = fc.features
    .map((f) => ({
      id: String(f.properties?.id ?? ''),
      name: String((getLang() === 'en' ? f.properties?.name_en : null) ?? f.properties?.name ?? f.properties?.id ?? ''),
    }))
    .filter((s) => s.id && mine(s.id))
    .sort((a, b) => a.id.localeCompare(b.id));
  u.sub.replaceChildren(...subs.map((s) => h('option', { value: s.id }, s.name)));
  const stored = localStorage.getItem(SUB_KEY);
  if (stored && subs.some((s) => s.id === stored)) u.sub.value = stored;
  u.plan.replaceChildren(renderPlanPanel({ ctx, subdistrict: () => u.sub.value, say, canEdit: () => editsGroups })); // with the sub-district's newest plan
  await load();
  const d = groupsState.data;
  if (d && d.groups.length && !groupsState.selectedShop) fitTo(d.groups.flatMap((g) => g.members.map((m) => [m.lon, m.lat] as [number, number])));
}

export const groupsView: ViewModule = {
  id: 'groups',
  roles: ['admin', 'coordinator', 'leader'],
  labelKey: 'view.groups',
  order: 20,
  layers: ['groups', 'isochrone', 'patrol', 'patrol-draft', 'patrol-plan'],
  async activate(ctx) {
    ui = build(ctx);
    ctx.panel.replaceChildren(ui.root);
    // while a route is drawn, clicks add stops instead of opening shops
    groupsState.onShopClick = (id) => {
      if (!groupsState.draft) void selectShop(id);
    };
    let lastDraft = groupsState.draft;
    unsubscribeDraft = groupsState.onChange(() => {
      if (groupsState.draft === lastDraft || !ui) return;
      lastDraft = groupsState.draft;
      ui.draft.replaceChildren(...[renderDraftPanel(ctx, { say, reload: load })].filter((x): x is HTMLElement => x !== null));
    });
    loadedPromise = init(ctx).catch((e) => say(t('grp.error', { msg: errorText(e) }), 'error'));
    window.__wanggeGroups = { state: groupsState, loaded: () => loadedPromise, selectShop: (id) => selectShop(id), draftStop: draftStopScreen };
    await loadedPromise;
  },
  deactivate() {
    cancelDraft();
    resetPlanPanel();
    unsubscribeDraft?.();
    unsubscribeDraft = null;
    groupsState.onShopClick = null;
    groupsState.set({ data: null, response: null, route: null, selectedGroup: null, selectedShop: null });
    swapFrom = null;
    ui = null;
  },
  setLang(ctx) {
    if (!ui) return;
    const sub = ui.sub.value,
      limit = ui.limit.value;
    const options = [...ui.sub.options].map((o) => [o.value, o.text]);
    ui = build(ctx);
    ui.sub.replaceChildren(...options.map(([v, l]) => h('option', { value: v }, l)));
    ui.sub.value = sub;
    ui.limit.value = limit;
    ctx.panel.replaceChildren(ui.root);
    renderStats();
    renderTable();
    renderAlarm();
    ui.draft.replaceChildren(...[renderDraftPanel(ctx, { say, reload: load })].filter((x): x is HTMLElement => x !== null));
    if (groupsState.selectedGroup) void renderLedger(groupsState.selectedGroup);
  },
};
