/**
 * Weeks and visiting hours (pure). The ≥ 5 hours a week rule (一格一账本: grid leaders and members
 * visit households at least 5 hours a week) is counted per Shanghai calendar week, Monday 00:00
 * (UTC+8, no daylight saving) to the next Monday; a visit that spans a week boundary counts in each
 * week for the part inside it.
 */
import type { MemberWeek } from '../../common/http/field';
export const WEEKLY_RULE_MINUTES = 300;
const SHANGHAI_MS = 8 * 3600e3;
const DAY = 24 * 3600e3;
const WEEK = 7 * DAY;

/** The start (epoch ms) of the Shanghai week (Monday 00:00 +08:00) holding `t`. */
export function weekStart(t: number): number {
  const local = t + SHANGHAI_MS;
  const dayStart = Math.floor(local / DAY) * DAY;
  const weekday = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return dayStart - weekday * DAY - SHANGHAI_MS;
}

/** [start, end) of the Shanghai week holding `t`. */
export function weekOf(t: number): [number, number] {
  const s = weekStart(t);
  return [s, s + WEEK];
}

/** The Shanghai calendar date (YYYY-MM-DD) of a week's Monday. */
export function weekLabel(start: number): string {
  return new Date(start + SHANGHAI_MS).toISOString().slice(0, 10);
}

/** Minutes of the visits [start, end) (epoch ms) that fall inside [from, to). */
export function minutesWithin(visits: ReadonlyArray<readonly [number, number]>, from: number, to: number): number {
  let ms = 0;
  for (const [a, b] of visits) ms += Math.max(0, Math.min(b, to) - Math.max(a, from));
  return ms / 60e3;
}

export type { MemberWeek };

/** Per visitor: minutes and visits in [from, to), sorted by minutes ascending (the ones under the rule first). */
export function weeklyHours(
  rows: ReadonlyArray<{ visitor: string; start: number; end: number }>,
  from: number,
  to: number,
  rule = WEEKLY_RULE_MINUTES,
): MemberWeek[] {
  const by = new Map<string, { minutes: number; visits: number }>();
  for (const r of rows) {
    const m = minutesWithin([[r.start, r.end]], from, to);
    const cur = by.get(r.visitor) ?? { minutes: 0, visits: 0 };
    if (m > 0) {
      cur.minutes += m;
      cur.visits += 1;
    }
    by.set(r.visitor, cur);
  }
  return [...by]
    .map(([visitor, v]) => ({ visitor, minutes: Math.round(v.minutes), visits: v.visits, ok: v.minutes >= rule }))
    .sort((a, b) => a.minutes - b.minutes || a.visitor.localeCompare(b.visitor));
}
