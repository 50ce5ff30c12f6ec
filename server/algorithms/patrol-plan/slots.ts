/**
 * Weekly time slots of a patrol plan (pure): hour-of-week indices (0 = Monday 00:00 local time,
 * 167 = Sunday 23:00; Asia/Shanghai, UTC+8 all year), slots of whole hours that may run past
 * midnight into the next day (and from Sunday into Monday).
 */

export const HOURS_PER_WEEK = 168;
export const TZ_OFFSET_S = 8 * 3600;

/** A patrol slot: ISO weekday 1 (Monday) … 7 (Sunday), local start hour 0-23, duration in hours. */
export interface Slot {
  weekday: number;
  start: number;
  hours: number;
}

/** Local hour-of-week (0 … 167) of an epoch-second time. 1970-01-01 was a Thursday (index 3). */
export function hourOfWeek(t: number): number {
  const h = Math.floor((t + TZ_OFFSET_S) / 3600);
  const dayIdx = Math.floor(h / 24);
  const weekday0 = (((dayIdx + 3) % 7) + 7) % 7;
  return weekday0 * 24 + (((h % 24) + 24) % 24);
}

/** The hour-of-week indices a slot covers. */
export function slotHours(s: Slot): number[] {
  const first = (s.weekday - 1) * 24 + s.start;
  const out: number[] = [];
  for (let k = 0; k < s.hours; k++) out.push((first + k) % HOURS_PER_WEEK);
  return out;
}

/** A 168-entry mask of the hours covered by any of the slots. */
export function slotMask(slots: readonly Slot[]): Uint8Array {
  const m = new Uint8Array(HOURS_PER_WEEK);
  for (const s of slots) for (const h of slotHours(s)) m[h] = 1;
  return m;
}

/** Every slot of `hours` hours starting on a whole hour of the week (168 of them). */
export function allSlots(hours: number): Slot[] {
  const out: Slot[] = [];
  for (let wd = 1; wd <= 7; wd++) for (let h = 0; h < 24; h++) out.push({ weekday: wd, start: h, hours });
  return out;
}

/** "周五 20:00–22:00"-style label parts: start and end as HH:MM (end may be the next day's hour). */
export function slotTimes(s: Slot): { start: string; end: string } {
  const pad = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  return { start: pad(s.start), end: pad(s.start + s.hours) };
}
