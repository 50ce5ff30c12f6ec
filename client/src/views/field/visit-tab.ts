/**
 * "Today's visits": the grid's 4-week coverage, today's plan (buildings visited longest ago), start
 * a visit at a building (or anywhere in the grid), then end it with a note and an optional photo
 * (resized on the device). The running visit survives a reload (localStorage); the finished one goes
 * into the offline queue, never straight to the network. Key households are listed masked.
 */
import type { FieldBuilding, FieldGrid, FieldHousehold, VisitBody } from '../../api/field';
import { t } from '../../i18n';
import { h } from '../../panels/dom';
import { resizePhoto } from './photo';
import { newKey, type FieldQueue } from './queue';

export interface ActiveVisit {
  key: string;
  grid: string;
  startedAt: string;
  buildingId: string | null;
  place: string;
  lon: number;
  lat: number;
  /** where the point came from */
  source: 'building' | 'gps' | 'map';
  accuracy: number | null;
}

const ACTIVE_KEY = (user: string) => `wangge.visit.${user}`;

export function loadActive(user: string): ActiveVisit | null {
  try {
    const v = JSON.parse(localStorage.getItem(ACTIVE_KEY(user)) ?? 'null') as ActiveVisit | null;
    return v && typeof v.startedAt === 'string' ? v : null;
  } catch {
    return null;
  }
}

function storeActive(user: string, v: ActiveVisit | null): void {
  try {
    if (v) localStorage.setItem(ACTIVE_KEY(user), JSON.stringify(v));
    else localStorage.removeItem(ACTIVE_KEY(user));
  } catch {
    /* storage disabled: the visit lives in memory only */
  }
}

export interface VisitTabDeps {
  user: string;
  grid: FieldGrid | null;
  households: FieldHousehold[];
  queue: FieldQueue;
  /** The centre of the grid (a visit started "here" without GPS). */
  centre: [number, number] | null;
  /** Shows the visit's point on the map (null: none). */
  showPoint: (p: [number, number] | null) => void;
  inGrid: (p: [number, number]) => boolean;
}

export interface VisitTab {
  el: HTMLElement;
  /** A map tap: moves the running visit's point (true when used). */
  mapClick: (p: [number, number]) => boolean;
  dispose: () => void;
}

const fmt = (n: number) => n.toFixed(5);
const hhmm = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false });
const day = (iso: string) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(5, 10);
const buildingName = (b: FieldBuilding) => [b.compound, b.label ?? b.id].filter(Boolean).join(' ');

export function visitTab(deps: VisitTabDeps): VisitTab {
  const el = h('div', { class: 'fd-form', 'data-testid': 'fw-visit' });
  let active = loadActive(deps.user);
  if (active && deps.grid && active.grid !== deps.grid.code) active = null;
  let photo: { mime: 'image/jpeg'; data: string } | null = null;
  let timer = 0;
  let redrawPosition: (() => void) | null = null;
  const status = h('p', { class: 'fd-status', role: 'status', 'data-testid': 'fw-visit-status' });
  const say = (text: string, error = false) => {
    status.textContent = text;
    status.classList.toggle('error', error);
  };

  const start = (v: Omit<ActiveVisit, 'key' | 'startedAt' | 'grid'>) => {
    if (!deps.grid) return;
    active = { ...v, key: newKey(), grid: deps.grid.code, startedAt: new Date().toISOString() };
    storeActive(deps.user, active);
    photo = null;
    say('');
    render();
  };

  const gps = () =>
    new Promise<GeolocationPosition | null>((resolve) => {
      if (!('geolocation' in navigator)) return resolve(null);
      navigator.geolocation.getCurrentPosition(resolve, () => resolve(null), { enableHighAccuracy: true, timeout: 8000, maximumAge: 60_000 });
    });

  function planList(): HTMLElement {
    const g = deps.grid!;
    const planned = g.buildings.filter((b) => b.planned);
    const ul = h('ul', { class: 'fd-cases', 'data-testid': 'fw-plan' });
    if (!planned.length) ul.append(h('li', { class: 'fd-muted fd-empty' }, t('fw.planEmpty')));
    for (const b of planned) {
      const go = h('button', { type: 'button', class: 'fd-btn fd-primary fd-go', 'data-testid': 'fw-start', 'data-building': b.id }, t('fw.start'));
      go.addEventListener('click', () => start({ buildingId: b.id, place: buildingName(b), lon: b.lon, lat: b.lat, source: 'building', accuracy: null }));
      ul.append(
        h(
          'li',
          { class: 'fd-case' },
          h(
            'div',
            { class: 'fd-case-main' },
            h('div', { class: 'fd-case-title' }, buildingName(b)),
            h(
              'div',
              { class: 'fd-case-sub' },
              `${t('fw.households', { n: b.households })} · ${b.lastVisit ? t('fw.lastVisit', { date: day(b.lastVisit) }) : t('fw.never')}`,
            ),
          ),
          go,
        ),
      );
    }
    return ul;
  }

  function keyHouseholds(): HTMLElement {
    const d = h('details', { class: 'fd-details', 'data-testid': 'fw-households' }, h('summary', {}, t('fw.keyHouseholds', { n: deps.households.length })));
    d.append(h('p', { class: 'fd-muted' }, t('fw.keyHint')));
    const ul = h('ul', { class: 'fd-hh' });
    for (const x of deps.households.slice(0, 200)) {
      const tags = [x.partyMember ? t('fw.party') : null, x.plaqued ? t('fw.plaqued') : null, x.creditRating ? t('fw.credit', { r: x.creditRating }) : null]
        .filter(Boolean)
        .join(' · ');
      ul.append(h('li', {}, h('b', {}, x.headName ?? '—'), ` ${x.phone ?? ''} `, h('span', { class: 'fd-muted' }, `${x.buildingId ?? ''} ${tags}`)));
    }
    d.append(ul);
    return d;
  }

  function positionText(v: ActiveVisit): string {
    const args = { lon: fmt(v.lon), lat: fmt(v.lat), acc: Math.round(v.accuracy ?? 0) };
    return t(v.source === 'gps' ? 'fw.pos.gps' : v.source === 'map' ? 'fw.pos.map' : 'fw.pos.building', args);
  }

  function activeCard(v: ActiveVisit): HTMLElement {
    const mins = () => Math.max(0, Math.round((Date.now() - Date.parse(v.startedAt)) / 60e3));
    const since = h('div', { class: 'fd-case-sub', 'data-testid': 'fw-since' }, t('fw.since', { time: hhmm(v.startedAt), min: mins() }));
    window.clearInterval(timer);
    timer = window.setInterval(() => (since.textContent = t('fw.since', { time: hhmm(v.startedAt), min: mins() })), 30_000);
    const note = h('textarea', { class: 'fd-input fd-note', rows: '3', maxlength: '2000', placeholder: t('fw.notePh'), 'data-testid': 'fw-note' });
    const file = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'fd-file', 'data-testid': 'fw-photo' });
    const photoInfo = h('div', { class: 'fd-muted', 'data-testid': 'fw-photo-info' });
    file.addEventListener('change', async () => {
      const f = file.files?.[0];
      photo = null;
      photoInfo.textContent = '';
      if (!f) return;
      try {
        const r = await resizePhoto(f);
        photo = { mime: r.mime, data: r.data };
        photoInfo.textContent = t('fw.photoReady', { w: r.width, h: r.height, kb: Math.round(r.bytes / 1024) });
      } catch (e) {
        photoInfo.textContent = t('fw.photoError', { msg: e instanceof Error ? e.message : String(e) });
      }
    });
    const where = h('div', { class: 'fd-where', 'data-testid': 'fw-position' }, positionText(v));
    const gpsBtn = h('button', { type: 'button', class: 'fd-link', 'data-testid': 'fw-gps' }, t('fw.gps'));
    gpsBtn.addEventListener('click', async () => {
      const p = await gps();
      if (!p || !deps.inGrid([p.coords.longitude, p.coords.latitude])) return say(t('fw.gpsFailed'), true);
      Object.assign(v, { lon: p.coords.longitude, lat: p.coords.latitude, source: 'gps', accuracy: p.coords.accuracy });
      storeActive(deps.user, v);
      where.textContent = positionText(v);
      deps.showPoint([v.lon, v.lat]);
    });
    const end = h('button', { type: 'button', class: 'fd-btn fd-primary', 'data-testid': 'fw-end' }, t('fw.end'));
    end.addEventListener('click', async () => {
      end.disabled = true;
      const body: VisitBody = {
        clientKey: v.key,
        grid: v.grid,
        startedAt: v.startedAt,
        endedAt: new Date(Math.max(Date.now(), Date.parse(v.startedAt))).toISOString(),
        lon: v.lon,
        lat: v.lat,
        ...(v.buildingId ? { buildingId: v.buildingId } : {}),
        place: v.place,
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
        ...(photo ? { photo } : {}),
      };
      await deps.queue.add('visit', body);
      const min = Math.round((Date.parse(body.endedAt) - Date.parse(body.startedAt)) / 60e3);
      active = null;
      storeActive(deps.user, null);
      render();
      say(t('fw.saved', { min }));
    });
    const cancel = h('button', { type: 'button', class: 'fd-link', 'data-testid': 'fw-cancel' }, t('fw.cancel'));
    cancel.addEventListener('click', () => {
      active = null;
      storeActive(deps.user, null);
      render();
    });
    deps.showPoint([v.lon, v.lat]);
    redrawPosition = () => (where.textContent = positionText(v));
    return h(
      'div',
      { class: 'fd-active', 'data-testid': 'fw-active' },
      h('div', { class: 'fd-case-title' }, t('fw.active', { place: v.place })),
      since,
      h('label', { class: 'fd-label' }, t('fw.note'), note),
      h('label', { class: 'fd-label' }, t('fw.photo'), file),
      photoInfo,
      h('div', { class: 'fd-label' }, t('fw.position')),
      where,
      h('div', { class: 'fd-row' }, gpsBtn, h('span', { class: 'fd-muted' }, t('fw.mapHint'))),
      end,
      cancel,
    );
  }

  function render(): void {
    window.clearInterval(timer);
    const g = deps.grid;
    if (!g) {
      el.replaceChildren(h('p', { class: 'fd-muted' }, t('field.areaNone')));
      return;
    }
    const head = h(
      'div',
      {},
      h('div', { class: 'fd-h2' }, t('fw.grid', { code: g.code, community: g.communityName ?? g.communityId ?? '' })),
      h('p', { class: 'fd-muted', 'data-testid': 'fw-coverage' }, t('fw.coverage', { pct: Math.round(g.coverage4w * 100), n: g.buildings.length })),
    );
    if (active) {
      el.replaceChildren(head, activeCard(active), status);
      return;
    }
    deps.showPoint(null);
    const here = h('button', { type: 'button', class: 'fd-btn', 'data-testid': 'fw-start-here' }, t('fw.startHere'));
    here.addEventListener('click', async () => {
      here.disabled = true;
      const p = await gps();
      here.disabled = false;
      if (p && deps.inGrid([p.coords.longitude, p.coords.latitude])) {
        start({ buildingId: null, place: t('fw.placeFree'), lon: p.coords.longitude, lat: p.coords.latitude, source: 'gps', accuracy: p.coords.accuracy });
      } else if (deps.centre) {
        start({ buildingId: null, place: t('fw.placeFree'), lon: deps.centre[0], lat: deps.centre[1], source: 'map', accuracy: null });
        say(t('fw.gpsFailed'), true);
      }
    });
    el.replaceChildren(head, h('h2', { class: 'fd-h2' }, t('fw.plan')), planList(), here, status, keyHouseholds());
  }

  render();
  return {
    el,
    mapClick(p) {
      if (!active) return false;
      Object.assign(active, { lon: p[0], lat: p[1], source: 'map', accuracy: null });
      storeActive(deps.user, active);
      deps.showPoint(p);
      redrawPosition?.();
      return true;
    },
    dispose() {
      window.clearInterval(timer);
    },
  };
}
