/**
 * Per-grid values of the choropleth (pure): counts of the filtered incidents, or rates per 1,000
 * households with counts below 5 suppressed (privacy), and class breaks (quantile or Jenks).
 */
import { classOf, jenksBreaks, quantileBreaks } from '../../../common/hotspots/breaks';
import { ratePer1000, suppressSmall } from '../../../common/hotspots/rates';

export const CHORO_CLASSES = 5;
export const SUPPRESS_BELOW = 5;

export interface ChoroplethInput {
  /** zone ids (grid codes) and households, in zone order */
  ids: string[];
  households: Array<number | null>;
  /** grid code → filtered count */
  countOf: (id: string) => number;
  measure: 'count' | 'rate';
  breaks: 'quantile' | 'jenks';
}

export interface Choropleth {
  /** per zone: value, or null when suppressed / no households */
  values: Array<number | null>;
  /** per zone: class 0..k-1, -1 = suppressed / no value */
  classes: number[];
  breaks: number[];
  suppressed: number;
}

export function choropleth(inp: ChoroplethInput): Choropleth {
  let suppressed = 0;
  const values = inp.ids.map((id, i) => {
    const n = inp.countOf(id);
    if (inp.measure === 'count') return n;
    if (suppressSmall(n, SUPPRESS_BELOW, false) === null) {
      suppressed++;
      return null;
    }
    return ratePer1000(n, inp.households[i] ?? 0);
  });
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const distinct = new Set(finite).size;
  const k = Math.max(1, Math.min(CHORO_CLASSES, distinct));
  const breaks = finite.length === 0 ? [] : inp.breaks === 'jenks' ? jenksBreaks(finite, k) : quantileBreaks(finite, k);
  const classes = values.map((v) => (v === null ? -1 : classOf(v, breaks)));
  return { values, classes, breaks, suppressed };
}
