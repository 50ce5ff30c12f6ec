/** The right-hand panel of the hot spot view: filters, display mode, status and legend. */
import { t, type MessageKey } from '../../i18n';
import { h } from '../../panels/dom';
import type { ClientFilter } from '../../state/hotspot-filter';
import { currentChoropleth } from '../../layers/grid-choropleth';
import { CHORO_COLORS, CLASS_COLORS, CLASS_ORDER, PATTERN_COLORS, PATTERN_ORDER, SUPPRESSED_COLOR } from '../../style/hotspot-colors';
import { hotspotStore, MODES, type Change, type Mode, type Settings } from '../../state/hotspots';

export interface PanelActions {
  onFilter(patch: Partial<ClientFilter>): void;
  onSettings(patch: Partial<Settings>): void;
}

const WINDOWS = [7, 30, 90, 365, 0];
const DAY = 86400;
const PLAY_MS = 800;

const tk = (k: string) => t(k as MessageKey);
const fmtDate = (s: number) => new Date((s + 8 * 3600) * 1000).toISOString().slice(0, 10);
const fmtNum = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

function swatch(color: string, outline = '#bbb'): HTMLElement {
  const s = h('span', { class: 'hs-swatch' });
  s.style.background = color;
  s.style.borderColor = outline;
  return s;
}

export class HotspotPanel {
  private root: HTMLElement;
  private summary!: HTMLElement;
  private slider!: HTMLInputElement;
  private range!: HTMLElement;
  private playBtn!: HTMLButtonElement;
  private status!: HTMLElement;
  private legend!: HTMLElement;
  private options!: HTMLElement;
  private types!: HTMLElement;
  private playTimer: ReturnType<typeof setInterval> | null = null;
  private busy = false;
  private error: string | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly actions: PanelActions,
  ) {
    this.root = h('div', { class: 'hs-panel' });
    host.replaceChildren(this.root);
    this.rebuild();
  }

  rebuild(): void {
    const s = hotspotStore.settings;
    const modeRow = h('div', { class: 'hs-seg', role: 'tablist' });
    for (const m of MODES) {
      const b = h('button', { type: 'button', class: `hs-seg-btn${m === s.mode ? ' on' : ''}`, 'data-mode': m }, tk(`hs.mode.${m}`));
      b.addEventListener('click', () => this.actions.onSettings({ mode: m as Mode }));
      modeRow.append(b);
    }

    this.playBtn = h('button', { type: 'button', class: 'hs-btn hs-play' }, this.playTimer ? t('hs.pause') : t('hs.play'));
    this.playBtn.addEventListener('click', () => (this.playTimer ? this.stopPlay() : this.startPlay()));
    const win = h('select', { class: 'hs-select', 'aria-label': t('hs.window') });
    for (const d of WINDOWS) {
      const o = h('option', { value: String(d) }, tk(`hs.window.${d}`));
      if (d === s.windowDays) o.selected = true;
      win.append(o);
    }
    win.addEventListener('change', () => {
      this.actions.onSettings({ windowDays: Number(win.value) });
      this.applyWindow(this.currentEnd());
    });
    this.slider = h('input', { type: 'range', class: 'hs-slider', id: 'hs-time', min: '0', max: '1', step: '1', value: '1', 'aria-label': t('hs.time') });
    this.slider.addEventListener('input', () => this.applyWindow(this.sliderEnd()));
    this.range = h('div', { class: 'hs-range' });

    const hours = h('div', { class: 'hs-chips hs-hours' });
    for (let k = 0; k < 24; k++) hours.append(this.chip(String(k), 'hours', k));
    const days = h('div', { class: 'hs-chips hs-days' });
    for (let k = 0; k < 7; k++) days.append(this.chip(tk(`hs.weekday.${k}`), 'weekdays', k));
    this.types = h('div', { class: 'hs-types' });
    this.renderTypes();

    this.summary = h('p', { class: 'hs-summary muted' });
    this.options = h('div', { class: 'hs-options' });
    this.status = h('p', { class: 'hs-status', 'aria-live': 'polite' });
    this.legend = h('div', { class: 'hs-legend' });

    this.root.replaceChildren(
      h('h2', { class: 'panel-title' }, t('hs.title')),
      this.summary,
      h('div', { class: 'hs-block' }, h('div', { class: 'hs-label' }, t('hs.mode')), modeRow),
      h('div', { class: 'hs-block' }, h('div', { class: 'hs-label' }, t('hs.time')), h('div', { class: 'hs-row' }, this.playBtn, win), this.slider, this.range),
      h('div', { class: 'hs-block' }, this.labelWithAll(t('hs.hours'), 'hours', 24), hours),
      h('div', { class: 'hs-block' }, this.labelWithAll(t('hs.weekdays'), 'weekdays', 7), days),
      h('div', { class: 'hs-block' }, h('div', { class: 'hs-label' }, t('hs.types')), this.types),
      this.options,
      this.status,
      h('div', { class: 'hs-block' }, h('div', { class: 'hs-label' }, t('hs.legend')), this.legend),
    );
    this.update('data');
  }

  private renderTypes(): void {
    this.types.replaceChildren();
    for (const [k, code] of (hotspotStore.cols?.types ?? []).entries()) {
      const cb = h('input', { type: 'checkbox', 'data-type': code });
      cb.checked = hotspotStore.filter.types[k] !== false;
      cb.addEventListener('change', () => {
        const next = [...hotspotStore.filter.types];
        next[k] = cb.checked;
        this.actions.onFilter({ types: next });
      });
      this.types.append(h('label', { class: 'hs-type' }, cb, ` ${tk(`hs.type.${code}`) === `hs.type.${code}` ? code : tk(`hs.type.${code}`)}`));
    }
  }

  private labelWithAll(text: string, key: 'hours' | 'weekdays', n: number): HTMLElement {
    const all = h('button', { type: 'button', class: 'hs-link' }, t('hs.all'));
    all.addEventListener('click', () => this.actions.onFilter({ [key]: new Array<boolean>(n).fill(true) }));
    return h('div', { class: 'hs-label' }, text, ' ', all);
  }

  private chip(text: string, key: 'hours' | 'weekdays', k: number): HTMLElement {
    const b = h('button', { type: 'button', class: 'hs-chip', 'data-key': key, 'data-k': String(k), 'aria-pressed': 'true' }, text);
    b.addEventListener('click', () => {
      const next = [...hotspotStore.filter[key]];
      next[k] = next[k] === false;
      this.actions.onFilter({ [key]: next });
    });
    return b;
  }

  /** End of the window (epoch s, exclusive) from the slider position (days from the first day). */
  private sliderEnd(): number {
    const c = hotspotStore.cols;
    if (!c) return 0;
    return this.dayStart(c.tMin) + (Number(this.slider.value) + 1) * DAY;
  }
  private currentEnd(): number {
    return Number.isFinite(hotspotStore.filter.to) ? hotspotStore.filter.to : this.sliderEnd();
  }
  private dayStart(s: number): number {
    return Math.floor((s + 8 * 3600) / DAY) * DAY - 8 * 3600;
  }

  /** Sets the date filter to the window ending at `end`. */
  applyWindow(end: number): void {
    const c = hotspotStore.cols;
    if (!c) return;
    const days = hotspotStore.settings.windowDays;
    const first = this.dayStart(c.tMin);
    const last = this.dayStart(c.tMax) + DAY;
    if (!days) {
      this.actions.onFilter({ from: first, to: last });
      return;
    }
    const e = Math.min(last, Math.max(first + DAY, end));
    this.actions.onFilter({ from: e - days * DAY, to: e });
  }

  startPlay(): void {
    const c = hotspotStore.cols;
    if (!c || this.playTimer) return;
    if (!hotspotStore.settings.windowDays) this.actions.onSettings({ windowDays: 30 });
    const step = Math.max(1, Math.round(hotspotStore.settings.windowDays / 4)) * DAY;
    this.playTimer = setInterval(() => {
      const last = this.dayStart(c.tMax) + DAY;
      const days = hotspotStore.settings.windowDays || 30;
      let end = this.currentEnd() + step;
      if (end > last) end = this.dayStart(c.tMin) + days * DAY;
      this.applyWindow(end);
    }, PLAY_MS);
    this.playBtn.textContent = t('hs.pause');
    this.playBtn.classList.add('on');
  }

  stopPlay(): void {
    if (this.playTimer) clearInterval(this.playTimer);
    this.playTimer = null;
    if (this.playBtn) {
      this.playBtn.textContent = t('hs.play');
      this.playBtn.classList.remove('on');
    }
  }

  setBusy(b: boolean): void {
    this.busy = b;
    this.renderStatus();
  }

  setError(msg: string): void {
    this.error = msg;
    this.renderStatus();
  }

  update(c: Change): void {
    const st = hotspotStore;
    const cols = st.cols;
    if (c === 'settings') {
      for (const b of this.root.querySelectorAll<HTMLElement>('.hs-seg-btn')) b.classList.toggle('on', b.dataset.mode === st.settings.mode);
    }
    if (!cols) {
      this.summary.textContent = t('hs.loading');
      return;
    }
    // time slider
    const first = this.dayStart(cols.tMin);
    const nDays = Math.max(1, Math.round((this.dayStart(cols.tMax) - first) / DAY) + 1);
    this.slider.max = String(nDays - 1);
    const end = Number.isFinite(st.filter.to) ? st.filter.to : first + nDays * DAY;
    this.slider.value = String(Math.round((end - first) / DAY) - 1);
    this.slider.disabled = !st.settings.windowDays;
    const from = Math.max(st.filter.from, cols.tMin);
    this.range.textContent = `${fmtDate(from)} – ${fmtDate(end - 1)}`;
    for (const b of this.root.querySelectorAll<HTMLElement>('.hs-chip')) {
      const key = b.dataset.key as 'hours' | 'weekdays';
      const on = st.filter[key][Number(b.dataset.k)] !== false;
      b.classList.toggle('on', on);
      b.setAttribute('aria-pressed', String(on));
    }
    for (const cb of this.root.querySelectorAll<HTMLInputElement>('.hs-types input')) {
      const k = cols.types.indexOf(cb.dataset.type ?? '');
      cb.checked = st.filter.types[k] !== false;
    }
    this.summary.textContent = cols.n ? t('hs.summary', { shown: (st.filtered?.count ?? 0).toLocaleString(), total: cols.n.toLocaleString() }) : t('hs.noData');
    if (c === 'data' && this.types.childElementCount !== cols.types.length) this.renderTypes();
    if (c === 'settings' || c === 'data' || c === 'zones') this.renderOptions();
    this.renderStatus();
    this.renderLegend();
  }

  private renderOptions(): void {
    const s = hotspotStore.settings;
    const noGrids = !hotspotStore.zones.grids || hotspotStore.zones.grids.features.length === 0;
    const radio = <K extends keyof Settings>(key: K, values: Settings[K][], label: string, disabled: (v: Settings[K]) => boolean = () => false) => {
      const row = h('div', { class: 'hs-seg hs-seg-small' });
      for (const v of values) {
        const b = h('button', { type: 'button', class: `hs-seg-btn${v === s[key] ? ' on' : ''}`, disabled: disabled(v) }, tk(`hs.${String(key)}.${String(v)}`));
        b.addEventListener('click', () => this.actions.onSettings({ [key]: v } as Partial<Settings>));
        row.append(b);
      }
      return h('div', { class: 'hs-block' }, h('div', { class: 'hs-label' }, label), row);
    };
    const parts: HTMLElement[] = [];
    if (s.mode === 'choropleth') {
      if (noGrids) parts.push(h('p', { class: 'hs-note' }, t('hs.noGrids')));
      parts.push(radio('measure', ['count', 'rate'], t('hs.measure')));
      parts.push(radio('breaks', ['quantile', 'jenks'], t('hs.breaks')));
      if (s.measure === 'rate') parts.push(h('p', { class: 'hs-note' }, t('hs.choroNote')));
    } else if (s.mode === 'hotspots' || s.mode === 'emerging') {
      parts.push(radio('zones', ['grids', 'hex'], t('hs.zones'), (v) => v === 'grids' && noGrids));
      if (noGrids) parts.push(h('p', { class: 'hs-note' }, t('hs.noGrids')));
      const fdr = h('input', { type: 'checkbox' });
      fdr.checked = s.fdr;
      fdr.addEventListener('change', () => this.actions.onSettings({ fdr: fdr.checked }));
      parts.push(h('label', { class: 'hs-type' }, fdr, ` ${t('hs.fdr')}`));
    }
    this.options.replaceChildren(...parts);
  }

  private renderStatus(): void {
    if (!this.status) return;
    const s = hotspotStore;
    const m = s.settings.mode;
    this.status.classList.remove('error');
    if (this.error) {
      this.status.textContent = this.error;
      this.status.classList.add('error');
    } else if (m !== 'hotspots' && m !== 'emerging') this.status.textContent = '';
    else if (this.busy && !s.result) this.status.textContent = t('hs.computing');
    else if (s.resultError) {
      this.status.textContent = s.resultError;
      this.status.classList.add('error');
    } else if (s.result) {
      const r = s.result;
      this.status.textContent =
        r.mode === 'emerging'
          ? t('hs.emergingStats', { weeks: r.weeks ?? 0, n: r.results.filter((x) => x.pattern && x.pattern !== 'no_pattern').length, ms: r.ms })
          : t('hs.stats', {
              hot: r.results.filter((x) => x.class?.startsWith('hot')).length,
              cold: r.results.filter((x) => x.class?.startsWith('cold')).length,
              ms: r.ms,
            });
      if (this.busy) this.status.textContent += ` · ${t('hs.computing')}`;
    }
  }

  private renderLegend(): void {
    const s = hotspotStore.settings;
    const rows: HTMLElement[] = [];
    const row = (color: string, label: string, extra = '') =>
      h('div', { class: 'hs-legend-row' }, swatch(color), h('span', {}, label), extra ? h('span', { class: 'hs-count' }, extra) : null);
    if (s.mode === 'hotspots') {
      const counts = new Map<string, number>();
      for (const r of hotspotStore.result?.results ?? []) counts.set(r.class ?? 'ns', (counts.get(r.class ?? 'ns') ?? 0) + 1);
      for (const c of CLASS_ORDER) rows.push(row(CLASS_COLORS[c], tk(`hs.class.${c}`), String(counts.get(c) ?? 0)));
      if (hotspotStore.result?.zones === 'grids') rows.push(h('p', { class: 'hs-ramp-labels muted', 'data-testid': 'hs-legend-scale' }, t('hs.legend.nsNote')));
    } else if (s.mode === 'emerging') {
      const counts = new Map<string, number>();
      for (const r of hotspotStore.result?.results ?? []) counts.set(r.pattern ?? 'no_pattern', (counts.get(r.pattern ?? 'no_pattern') ?? 0) + 1);
      for (const p of PATTERN_ORDER)
        if (counts.get(p) || p === 'no_pattern' || (p.endsWith('_hot') && ['new_hot', 'intensifying_hot', 'persistent_hot', 'diminishing_hot'].includes(p)))
          rows.push(row(PATTERN_COLORS[p]!, tk(`hs.pattern.${p}`), String(counts.get(p) ?? 0)));
    } else if (s.mode === 'choropleth') {
      const ch = currentChoropleth();
      if (ch && ch.breaks.length > 1) {
        for (let k = 0; k < ch.breaks.length - 1; k++) {
          rows.push(
            row(
              CHORO_COLORS[Math.min(CHORO_COLORS.length - 1, Math.round((k * (CHORO_COLORS.length - 1)) / Math.max(1, ch.breaks.length - 2)))]!,
              `${fmtNum(ch.breaks[k]!)} – ${fmtNum(ch.breaks[k + 1]!)}`,
            ),
          );
        }
      }
      if (ch && s.measure === 'rate') rows.push(row(SUPPRESSED_COLOR, t('hs.suppressed'), String(ch.suppressed)));
      if (!ch) rows.push(h('p', { class: 'hs-note' }, t('hs.noGrids')));
    } else {
      const ramp = h('div', { class: 'hs-ramp' });
      rows.push(
        ramp,
        h('div', { class: 'hs-ramp-labels muted' }, t(s.mode === 'heat' ? 'hs.legend.heat' : 'hs.legend.hexbins')),
        h('p', { class: 'hs-ramp-labels muted', 'data-testid': 'hs-legend-scale' }, t(s.mode === 'heat' ? 'hs.legend.heatScale' : 'hs.legend.hexScale')),
      );
    }
    this.legend.replaceChildren(...rows);
  }
}
