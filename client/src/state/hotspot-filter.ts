/**
 * Client-side incident filtering on typed arrays (pure, no DOM): the leader view loads all
 * incidents once and every slider move refilters here. Times are epoch seconds; hours and weekdays
 * are local (UTC+8). Incidents arrive sorted by time, so the date range is two binary searches.
 */
import type { IncidentColumnsJson } from '../api/hotspots';

export const TZ_S = 8 * 3600;

export interface Columns {
  n: number;
  lon: Float64Array;
  lat: Float64Array;
  t: Float64Array;
  type: Uint8Array;
  /** local hour 0-23 */
  hour: Uint8Array;
  /** local weekday 0 (Monday) - 6 (Sunday) */
  weekday: Uint8Array;
  grid: Int32Array;
  types: string[];
  grids: string[];
  tMin: number;
  tMax: number;
}

export interface ClientFilter {
  /** inclusive, epoch s */
  from: number;
  /** exclusive, epoch s */
  to: number;
  /** by type index; missing = shown */
  types: boolean[];
  hours: boolean[];
  weekdays: boolean[];
}

export interface Filtered {
  count: number;
  /** [lon, lat] pairs of the passing incidents (first 2*count values are valid) */
  positions: Float32Array;
  /** indices of the passing incidents (first count) */
  index: Uint32Array;
  /** passing incidents per grid index */
  gridCounts: Int32Array;
}

export function localHour(t: number): number {
  return Math.floor(((((t + TZ_S) % 86400) + 86400) % 86400) / 3600);
}
/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function localWeekday(t: number): number {
  return (((Math.floor((t + TZ_S) / 86400) + 3) % 7) + 7) % 7;
}

/** Typed columns from the server's JSON (hour and weekday precomputed). */
export function toColumns(j: IncidentColumnsJson): Columns {
  const n = j.n;
  const c: Columns = {
    n,
    lon: Float64Array.from(j.lon),
    lat: Float64Array.from(j.lat),
    t: Float64Array.from(j.t),
    type: Uint8Array.from(j.type),
    hour: new Uint8Array(n),
    weekday: new Uint8Array(n),
    grid: Int32Array.from(j.grid),
    types: j.types,
    grids: j.grids,
    tMin: j.tMin,
    tMax: j.tMax,
  };
  for (let i = 0; i < n; i++) {
    c.hour[i] = localHour(c.t[i]!);
    c.weekday[i] = localWeekday(c.t[i]!);
  }
  return c;
}

/** First index with t[i] >= v (t ascending). */
export function lowerBound(t: Float64Array, v: number): number {
  let lo = 0,
    hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function allOn(k: number): boolean[] {
  return new Array<boolean>(k).fill(true);
}

/** Filters the columns; reuses `out` buffers when given (no allocation per slider move). */
export function applyFilter(c: Columns, f: ClientFilter, out?: Filtered): Filtered {
  const res: Filtered =
    out && out.index.length >= c.n && out.gridCounts.length === c.grids.length
      ? out
      : { count: 0, positions: new Float32Array(2 * c.n), index: new Uint32Array(c.n), gridCounts: new Int32Array(c.grids.length) };
  res.gridCounts.fill(0);
  const typeOk = new Uint8Array(256);
  for (let k = 0; k < c.types.length; k++) typeOk[k] = f.types[k] === false ? 0 : 1;
  const hourOk = Uint8Array.from({ length: 24 }, (_, k) => (f.hours[k] === false ? 0 : 1));
  const dayOk = Uint8Array.from({ length: 7 }, (_, k) => (f.weekdays[k] === false ? 0 : 1));
  const a = lowerBound(c.t, f.from);
  const b = lowerBound(c.t, f.to);
  let m = 0;
  const { lon, lat, type, hour, weekday, grid } = c;
  const pos = res.positions,
    idx = res.index,
    gc = res.gridCounts;
  for (let i = a; i < b; i++) {
    if (!typeOk[type[i]!] || !hourOk[hour[i]!] || !dayOk[weekday[i]!]) continue;
    pos[2 * m] = lon[i]!;
    pos[2 * m + 1] = lat[i]!;
    idx[m] = i;
    m++;
    const g = grid[i]!;
    if (g >= 0) gc[g]!++;
  }
  res.count = m;
  return res;
}
