/**
 * The leader view's shared state: incident columns (loaded once), the filters, the filtered
 * result, the display mode and the server's hot spot answer. The view's panel writes it; the four
 * layer modules (heatmap, hexbins, grid-choropleth, hotspot-classes) read it when deck.gl asks.
 */
import type { HotSpotResponse, ZoneKind, ZonesFc } from '../api/hotspots';
import { allOn, applyFilter, type ClientFilter, type Columns, type Filtered } from './hotspot-filter';

export type Mode = 'heat' | 'hex' | 'choropleth' | 'hotspots' | 'emerging';
export const MODES: Mode[] = ['heat', 'hex', 'choropleth', 'hotspots', 'emerging'];
/** The layer module each mode shows. */
export const MODE_LAYER: Record<Mode, string> = {
  heat: 'heatmap',
  hex: 'hexbins',
  choropleth: 'grid-choropleth',
  hotspots: 'hotspot-classes',
  emerging: 'hotspot-classes',
};

export interface Settings {
  mode: Mode;
  measure: 'count' | 'rate';
  breaks: 'quantile' | 'jenks';
  zones: ZoneKind;
  fdr: boolean;
  /** length of the time window in days (0 = whole period) */
  windowDays: number;
}

export type Change = 'data' | 'filter' | 'settings' | 'result' | 'zones';

class HotspotStore {
  cols: Columns | null = null;
  filter: ClientFilter = { from: 0, to: Infinity, types: [], hours: allOn(24), weekdays: allOn(7) };
  filtered: Filtered | null = null;
  /** increments with every filter change (deck.gl update trigger) */
  filterVersion = 0;
  settings: Settings = { mode: 'hotspots', measure: 'count', breaks: 'quantile', zones: 'hex', fdr: true, windowDays: 90 };
  zones: Partial<Record<ZoneKind, ZonesFc>> = {};
  result: HotSpotResponse | null = null;
  resultError: string | null = null;
  /** Called after a filter change has been handed to deck.gl (bench and tests measure from here). */
  private readonly listeners = new Set<(c: Change) => void>();

  setColumns(cols: Columns): void {
    this.cols = cols;
    this.filter = { ...this.filter, types: allOn(cols.types.length) };
    this.filtered = null;
    this.refilter('data');
  }

  setFilter(patch: Partial<ClientFilter>): void {
    this.filter = { ...this.filter, ...patch };
    this.refilter('filter');
  }

  setSettings(patch: Partial<Settings>): void {
    this.settings = { ...this.settings, ...patch };
    this.emit('settings');
  }

  setZones(kind: ZoneKind, fc: ZonesFc): void {
    this.zones[kind] = fc;
    this.emit('zones');
  }

  setResult(r: HotSpotResponse | null, error: string | null = null): void {
    this.result = r;
    this.resultError = error;
    this.emit('result');
  }

  onChange(fn: (c: Change) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private refilter(c: Change): void {
    if (this.cols) this.filtered = applyFilter(this.cols, this.filter, this.filtered ?? undefined);
    this.filterVersion++;
    this.emit(c);
  }

  private emit(c: Change): void {
    for (const l of this.listeners) l(c);
  }
}

export const hotspotStore = new HotspotStore();
export type { HotspotStore };
