/** Colours of the leader view: ArcGIS hot spot classes, emerging patterns, choropleth ramp. */
import type { HotSpotClass } from '../api/hotspots';

export const CLASS_COLORS: Record<HotSpotClass, string> = {
  hot99: '#d62f27',
  hot95: '#ed7551',
  hot90: '#fab984',
  ns: '#f0f0f0',
  cold90: '#c0ccbe',
  cold95: '#849eba',
  cold99: '#4575b5',
};
export const CLASS_ORDER: HotSpotClass[] = ['hot99', 'hot95', 'hot90', 'ns', 'cold90', 'cold95', 'cold99'];

export const PATTERN_COLORS: Record<string, string> = {
  new_hot: '#67001f',
  consecutive_hot: '#b2182b',
  intensifying_hot: '#d6604d',
  persistent_hot: '#f4a582',
  diminishing_hot: '#fddbc7',
  sporadic_hot: '#fdb863',
  oscillating_hot: '#e08214',
  historical_hot: '#c9a9a6',
  new_cold: '#053061',
  consecutive_cold: '#2166ac',
  intensifying_cold: '#4393c3',
  persistent_cold: '#92c5de',
  diminishing_cold: '#d1e5f0',
  sporadic_cold: '#80cdc1',
  oscillating_cold: '#35978f',
  historical_cold: '#a5b4c0',
  no_pattern: '#f0f0f0',
};
export const PATTERN_ORDER = Object.keys(PATTERN_COLORS);

/** Sequential ramp for counts / rates (5 classes, light → dark). */
export const CHORO_COLORS = ['#fef0d9', '#fdcc8a', '#fc8d59', '#e34a33', '#b30000'];
export const SUPPRESSED_COLOR = '#d9d9d9';

export function hexToRgba(hex: string, alpha = 255): [number, number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255, alpha];
}
