import type { Bbox } from './layers';

/** Parsers for query-string values; each returns the value or a plain-language error message. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const NUM = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/** `minLon,minLat,maxLon,maxLat` in WGS84 degrees, min <= max, within the world. */
export function parseBbox(text: string): Parsed<Bbox> {
  const help = 'bbox must be minLon,minLat,maxLon,maxLat in WGS84 degrees, e.g. bbox=117.03,30.46,117.26,30.71';
  const parts = text.split(',');
  if (parts.length !== 4 || !parts.every((p) => NUM.test(p))) return { ok: false, message: help };
  const [x0, y0, x1, y1] = parts.map(Number);
  if (![x0, y0, x1, y1].every(Number.isFinite)) return { ok: false, message: help };
  if (x0 < -180 || x1 > 180 || y0 < -90 || y1 > 90) return { ok: false, message: `${help}; longitudes within -180..180, latitudes within -90..90` };
  if (x0 > x1 || y0 > y1) return { ok: false, message: `${help}; minLon <= maxLon and minLat <= maxLat` };
  return { ok: true, value: [x0, y0, x1, y1] };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** Local dates and zone-less times are China Standard Time (Anqing). */
export const LOCAL_OFFSET = '+08:00';

/**
 * An ISO 8601 date (`2023-05-01`, a whole day in China Standard Time) or date-time (`2023-05-01T08:00:00Z`;
 * without a zone: China Standard Time). `end` = true makes a date-only value mean the end of that day
 * (exclusive bound at the next midnight).
 */
export function parseIsoInstant(text: string, name: string, end = false): Parsed<number> {
  const t = text.trim();
  const [y, m, d] = t.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(y, m - 1, d));
  const realDay = calendar.getUTCFullYear() === y && calendar.getUTCMonth() === m - 1 && calendar.getUTCDate() === d;
  let ms: number;
  if (!realDay) {
    ms = NaN;
  } else if (DATE_ONLY.test(t)) {
    ms = Date.parse(`${t}T00:00:00${LOCAL_OFFSET}`);
    if (end) ms += 86_400_000;
  } else if (DATE_TIME.test(t)) {
    ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t : `${t}${LOCAL_OFFSET}`);
  } else {
    ms = NaN;
  }
  if (!Number.isFinite(ms)) {
    return { ok: false, message: `${name} must be an ISO 8601 date (2023-05-01) or date-time (2023-05-01T08:00:00Z)` };
  }
  return { ok: true, value: ms };
}
